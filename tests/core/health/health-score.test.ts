import { describe, expect, it } from 'vitest';
import { bandOf, categoryOf, classificationOf, healthScore, type ScoredCheck } from '../../../src-main/core/health/health-score.js';

const check = (kind: string, status: ScoredCheck['status'], extra: Partial<ScoredCheck> = {}): ScoredCheck => ({ kind, status, weight: 1, ...extra });

describe('health score', () => {
  it('is 1 and excellent when every check is up', () => {
    const view = healthScore([check('http', 'up'), check('disk', 'up'), check('files', 'up')]);
    expect(view).toMatchObject({ score: 1, band: 'excellent', classification: 'NORMAL' });
    expect(view.categories.map((c) => c.name)).toEqual(['availability', 'files', 'disk']);
  });

  it('weights categories: a down files check (20) costs more than a down disk check (15)', () => {
    const filesDown = healthScore([check('files', 'down'), check('disk', 'up'), check('http', 'up')]);
    const diskDown = healthScore([check('files', 'up'), check('disk', 'down'), check('http', 'up')]);
    // files 20, disk 15, availability 25 → 40/60 and 45/60.
    expect(filesDown.score).toBeCloseTo(40 / 60, 3);
    expect(diskDown.score).toBeCloseTo(45 / 60, 3);
    expect(filesDown).toMatchObject({ band: 'poor', classification: 'WARNING' });
    expect(diskDown).toMatchObject({ band: 'fair', classification: 'WARNING' });
  });

  it('drops categories without a verdict and renormalises the rest', () => {
    const view = healthScore([check('postgres', 'up'), check('cron', 'pending'), check('logs', 'paused')]);
    expect(view.score).toBe(1);
    expect(view.categories).toEqual([{ name: 'database', weight: 20, score: 1, checks: 1 }]);
    expect(healthScore([check('cron', 'pending')])).toEqual({ score: null, band: null, classification: 'NORMAL', categories: [] });
  });

  it('counts degraded as half, honours check weights, explicit categories and adjusted weights', () => {
    const view = healthScore(
      [check('http', 'up', { weight: 3 }), check('http', 'down', { weight: 1 }), check('command', 'degraded', { category: 'backups' })],
      { availability: 10, backups: 30 },
    );
    const availability = view.categories.find((c) => c.name === 'availability')!;
    expect(availability).toEqual({ name: 'availability', weight: 10, score: 0.75, checks: 2 });
    expect(view.score).toBeCloseTo((0.75 * 10 + 0.5 * 30) / 40, 3);
    expect(view.classification).toBe('CRITICAL');
  });

  it('a weight of 0 takes a category out of the score but keeps it in the breakdown', () => {
    const view = healthScore([check('http', 'up'), check('system', 'down')], { system: 0 });
    expect(view.score).toBe(1);
    expect(view.categories.find((c) => c.name === 'system')).toMatchObject({ weight: 0, score: 0 });
  });

  it('has the documented bands, classifications and kind categories', () => {
    expect([0.95, 0.9, 0.85, 0.75, 0.65, 0.59].map(bandOf)).toEqual(['excellent', 'excellent', 'good', 'fair', 'poor', 'critical']);
    expect((['excellent', 'good', 'fair', 'poor', 'critical', null] as const).map(classificationOf)).toEqual(['NORMAL', 'NORMAL', 'WARNING', 'WARNING', 'CRITICAL', 'NORMAL']);
    expect(['http', 'tcp', 'dns', 'tls', 'postgres', 'files', 'cron', 'disk', 'logs', 'system', 'command'].map((k) => categoryOf(k))).toEqual([
      'availability', 'availability', 'availability', 'availability', 'database', 'files', 'cron', 'disk', 'logs', 'system', 'system',
    ]);
    expect(categoryOf('http', 'payments')).toBe('payments');
  });
});
