// The score breakdown on the target page, rendered with React's real server renderer: the score,
// its band and classification, and one row per category with its weight and how many checks.
import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { ScoreCard } from '../../src-renderer/src/components/host/HostPanel';

describe('ScoreCard', () => {
  it('shows the score, band, classification and each category', () => {
    const html = renderToStaticMarkup(
      createElement(ScoreCard, {
        health: {
          score: 0.62,
          band: 'poor',
          classification: 'WARNING',
          categories: [
            { name: 'files', weight: 20, score: 0, checks: 1 },
            { name: 'disk', weight: 15, score: 1, checks: 2 },
          ],
        },
      }),
    );
    expect(html).toContain('data-testid="score-value">0.62<');
    expect(html).toContain('>poor<');
    expect(html).toContain('>WARNING<');
    expect(html).toMatch(/files <span class="muted">\(1 check\)<\/span><\/td><td class="num">20<\/td>/);
    expect(html).toMatch(/disk <span class="muted">\(2 checks\)<\/span>/);
    // The files category scored 0: its meter is the danger tone.
    expect(html).toContain('class="meter tone-danger" role="meter" aria-label="files score"');
  });

  it('says there is no score yet rather than showing zero', () => {
    const html = renderToStaticMarkup(createElement(ScoreCard, { health: { score: null, band: null, classification: 'NORMAL', categories: [] } }));
    expect(html).toContain('data-testid="score-value">—<');
    expect(html).not.toContain('<table');
  });
});
