import { describe, expect, it } from 'vitest';
import { ANOMALY_DEFAULTS, LatencyWindow, applyLatencyAnomaly, judgeLatency } from '../../../src-main/core/engine/latency-anomaly.js';
import { seededRandom } from '../../helpers/seeded-random.js';

/** A window filled with latencies around `mean` (±spread, deterministic). */
function windowAround(mean: number, spread: number, n: number, capacity = 200): LatencyWindow {
  const random = seededRandom(7);
  const window = new LatencyWindow(capacity);
  for (let i = 0; i < n; i++) window.add(mean + (random() * 2 - 1) * spread);
  return window;
}

const up = (latencyMs: number) => ({ status: 'up' as const, latencyMs, message: `HTTP 200 in ${latencyMs} ms` });

describe('latency anomalies', () => {
  it('turns a far slower answer into degraded, with the figures', () => {
    const window = windowAround(120, 20, 200);
    const result = applyLatencyAnomaly(up(840), window, ANOMALY_DEFAULTS);
    expect(result.status).toBe('degraded');
    expect(result.message).toMatch(/^latency 840 ms is \d+\.\dσ above the 12\d ms mean of the last 200 probes \(HTTP 200 in 840 ms\)$/);
    expect(result.metrics?.latencySigma).toBeGreaterThan(4);
  });

  it('leaves ordinary jitter, failures and slow-but-already-degraded results alone', () => {
    const window = windowAround(120, 20, 200);
    expect(applyLatencyAnomaly(up(150), window, ANOMALY_DEFAULTS).status).toBe('up');
    const down = { status: 'down' as const, latencyMs: null, message: 'refused' };
    expect(applyLatencyAnomaly(down, window, ANOMALY_DEFAULTS)).toBe(down);
    const degraded = { status: 'degraded' as const, latencyMs: 900, message: 'slow' };
    expect(applyLatencyAnomaly(degraded, window, ANOMALY_DEFAULTS)).toBe(degraded);
  });

  it('judges nothing until minSamples latencies are known', () => {
    const window = windowAround(100, 5, ANOMALY_DEFAULTS.minSamples - 1);
    expect(judgeLatency(window, 5000, ANOMALY_DEFAULTS)).toBeNull();
    window.add(100);
    expect(judgeLatency(window, 5000, ANOMALY_DEFAULTS)).not.toBeNull();
  });

  it('does not flag a few milliseconds on a steady loopback check (minimum excess and spread floor)', () => {
    const window = windowAround(1, 0.05, 100);
    expect(judgeLatency(window, 6, ANOMALY_DEFAULTS)).toBeNull();
    expect(judgeLatency(window, 60, ANOMALY_DEFAULTS)).not.toBeNull();
  });

  it('learns a lasting change of level: after enough slow answers they are normal again', () => {
    const window = windowAround(100, 10, 50, 50);
    const statuses: string[] = [];
    for (let i = 0; i < 60; i++) statuses.push(applyLatencyAnomaly(up(400), window, ANOMALY_DEFAULTS).status);
    expect(statuses[0]).toBe('degraded');
    expect(statuses.at(-1)).toBe('up');
  });

  it('keeps exact running figures over a full ring', () => {
    const window = new LatencyWindow(3);
    for (const v of [10, 20, 30, 40, 50]) window.add(v);
    expect(window.count).toBe(3);
    expect(window.mean()).toBeCloseTo(40, 9);
    expect(window.stdDev()).toBeCloseTo(Math.sqrt(200 / 3), 9);
  });
});
