// What the check page draws and lists, from the service's answers: chart gaps where nothing was
// measured, down / degraded periods as shaded bands, and the settings table (secrets by name only).
import { describe, expect, it } from 'vitest';
import { chartData } from '../../src-renderer/src/components/charts/series-data';
import { settingRows } from '../../src-renderer/src/screens/CheckPage';
import type { SeriesPoint } from '../../src-main/core/api/service';

const MIN = 60_000;
const point = (at: number, status: 'up' | 'degraded' | 'down', meanMs: number | null = 50): SeriesPoint => ({
  at,
  up: status === 'up' ? 1 : 0,
  degraded: status === 'degraded' ? 1 : 0,
  down: status === 'down' ? 1 : 0,
  meanMs: status === 'down' ? null : meanMs,
  p95Ms: null,
});

describe('chart data of a check series', () => {
  it('breaks the line where no probe ran (paused, Kaavan stopped), not between neighbouring buckets', () => {
    const data = chartData({ bucketMs: MIN, points: [point(0, 'up'), point(MIN, 'up'), point(10 * MIN, 'up', 70)] });
    expect(data.times).toEqual([0, MIN, 2 * MIN, 10 * MIN]);
    expect(data.mean).toEqual([50, 50, null, 70]);
    expect(data.hasP95).toBe(false);
  });

  it('shades consecutive down buckets as one period, and degraded ones apart', () => {
    const points = [point(0, 'up'), point(MIN, 'down'), point(2 * MIN, 'down'), point(3 * MIN, 'degraded', 900), point(4 * MIN, 'up')];
    expect(chartData({ bucketMs: MIN, points }).bands).toEqual([
      { from: MIN, to: 3 * MIN, tone: 'danger' },
      { from: 3 * MIN, to: 4 * MIN, tone: 'warn' },
    ]);
  });
});

describe('settings table of the check page', () => {
  it('flattens nested fields, names secrets without values, and shows defaults it had to assume', () => {
    const rows = settingRows(
      {
        name: 'api',
        kind: 'http',
        url: 'https://api.example.com/health',
        headers: { 'X-Api-Key': { secretRef: 'api-key' }, Accept: 'application/json' },
        expect: { status: ['200-299', '304'], maxLatency: '800ms' },
        warnDays: 21,
      } as never,
      { intervalMs: 60_000, retries: 0 },
    );
    expect(rows).toEqual([
      ['kind', 'http'],
      ['url', 'https://api.example.com/health'],
      ['headers.X-Api-Key', 'secret \u201capi-key\u201d'],
      ['headers.Accept', 'application/json'],
      ['expect.status', '200-299, 304'],
      ['expect.maxLatency', '800ms'],
      ['warnDays', '21'],
      ['interval', '1 min (default)'],
      ['retries', '0 (default)'],
    ]);
  });
});
