import { describe, expect, it } from 'vitest';
import { computeStats, percentile, RollingStats } from '../../../src-main/core/stats/check-stats.js';

describe('uptime and latency maths', () => {
  it('counts up and degraded as available, down as not', () => {
    const s = computeStats([
      { status: 'up', latencyMs: 100 },
      { status: 'degraded', latencyMs: 900 },
      { status: 'down', latencyMs: null },
      { status: 'up', latencyMs: 200 },
    ]);
    expect(s.uptime).toBe(0.75);
    expect(s.probes).toBe(4);
    expect(s.meanLatencyMs).toBe(400);
  });

  it('has no uptime without probes', () => {
    expect(computeStats([])).toEqual({ uptime: null, meanLatencyMs: null, p95LatencyMs: null, probes: 0 });
  });

  it('p95 uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([5], 95)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 1000], 95)).toBe(19);
    expect(percentile([], 95)).toBeNull();
  });

  it('drops probes older than the window', () => {
    const rolling = new RollingStats(10_000);
    rolling.add(0, 'down', null);
    rolling.add(5_000, 'up', 10);
    rolling.add(9_000, 'up', 30);
    expect(rolling.stats(9_000).uptime).toBeCloseTo(2 / 3);
    expect(rolling.stats(12_000)).toMatchObject({ uptime: 1, probes: 2, meanLatencyMs: 20 });
    expect(rolling.recentLatency(5)).toEqual([10, 30]);
  });
});
