// The banner for Kaavan's own problems, rendered with React's real server renderer.
import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { HealthProblem, KaavanHealth } from '../../src-main/core/model';
import { HealthBannerView, problemsToShow } from '../../src-renderer/src/components/HealthBanner';

const NOW = 1_800_000_000_000;
const render = (problems: HealthProblem[]) => renderToStaticMarkup(createElement(HealthBannerView, { problems, now: NOW }));

const diskFull: HealthProblem = {
  code: 'store-write-failed',
  message: 'Kaavan cannot write its database: disk full \u2014 checks keep running, results are not being saved',
  since: NOW - 120_000,
  count: 7,
};
const backlog: HealthProblem = { code: 'delivery-backlog', message: '40 notices are waiting to be sent', since: NOW - 1000, count: 1 };
const unhealthy: KaavanHealth = { ok: false, problems: [diskFull], generatedAt: NOW };

describe('HealthBannerView', () => {
  it('says what is wrong with Kaavan itself, that the servers are not the cause, and since when', () => {
    const html = render([diskFull]);
    expect(html).toContain('data-testid="health-banner"');
    expect(html).toContain('role="alert"');
    expect(html).toContain('Kaavan itself has a problem');
    expect(html).toContain('your servers are not the cause');
    expect(html).toContain('Kaavan cannot write its database: disk full \u2014 checks keep running, results are not being saved');
    expect(html).toContain('data-code="store-write-failed"');
    expect(html).toContain('\u00b7 since 2 min ago, seen 7 times<');
  });

  it('counts several problems and does not say "seen 1 times"', () => {
    const html = render([diskFull, backlog]);
    expect(html).toContain('Kaavan itself has 2 problems');
    expect(html).toContain('40 notices are waiting to be sent');
    expect(html).toContain('\u00b7 since just now<');
    expect(html).not.toContain('seen 1 times');
  });

  it('renders nothing without problems', () => {
    expect(render([])).toBe('');
  });
});

describe('problemsToShow', () => {
  it('shows the problems while connected, none while healthy or not yet known', () => {
    expect(problemsToShow(unhealthy, 'open')).toEqual([diskFull]);
    expect(problemsToShow({ ok: true, problems: [], generatedAt: NOW }, 'open')).toEqual([]);
    expect(problemsToShow(null, 'open')).toEqual([]);
  });

  it('gives way to the connection banner while disconnected (the last health may be stale)', () => {
    expect(problemsToShow(unhealthy, 'reconnecting')).toEqual([]);
    expect(problemsToShow(unhealthy, 'unauthorized')).toEqual([]);
    expect(problemsToShow(unhealthy, 'connecting')).toEqual([]);
  });
});
