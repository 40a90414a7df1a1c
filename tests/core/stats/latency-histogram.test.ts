import { describe, expect, it } from 'vitest';
import {
  binOf,
  binValue,
  HISTOGRAM_BIN_COUNT,
  LatencyHistogram,
} from '../../../src-main/core/stats/latency-histogram.js';
import { percentile } from '../../../src-main/core/stats/check-stats.js';
import { seededRandom } from '../../helpers/seeded-random.js';

const random = seededRandom;

function logNormal(rand: () => number, medianMs: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Math.round(medianMs * Math.exp(sigma * z) * 10) / 10;
}

describe('latency histogram', () => {
  it('covers 0.1 ms to 10 minutes with bins 5 % wide', () => {
    expect(binOf(0)).toBe(0);
    expect(binOf(0.1)).toBe(0);
    expect(binOf(600_000)).toBe(HISTOGRAM_BIN_COUNT - 1);
    expect(binOf(3_600_000)).toBe(HISTOGRAM_BIN_COUNT - 1);
    expect(HISTOGRAM_BIN_COUNT).toBeLessThanOrEqual(330);
    for (const ms of [0.5, 1, 12.3, 250, 1_999.9, 45_000]) {
      const value = binValue(binOf(ms));
      expect(Math.abs(value - ms) / ms).toBeLessThan(0.026);
    }
  });

  it('gives percentiles within 2.5 % of the exact nearest rank', () => {
    for (const [seed, median, sigma] of [
      [1, 40, 0.3],
      [2, 2, 1],
      [3, 800, 0.8],
      [4, 0.4, 0.2],
    ] as const) {
      const rand = random(seed);
      const values = Array.from({ length: 5_000 }, () => Math.max(0.1, logNormal(rand, median, sigma)));
      const histogram = new LatencyHistogram();
      for (const v of values) histogram.add(v);
      const sorted = [...values].sort((a, b) => a - b);
      for (const p of [50, 95, 99]) {
        const exact = percentile(sorted, p)!;
        const approx = histogram.percentile(p)!;
        // 2.5 % of the bin plus the 0.05 ms rounding of the reported value.
        expect(Math.abs(approx - exact)).toBeLessThanOrEqual(exact * 0.025 + 0.05);
      }
    }
  });

  it('clamps a percentile to the observed range', () => {
    const histogram = new LatencyHistogram();
    histogram.add(12.3, 10);
    expect(histogram.percentile(95)).not.toBe(12.3);
    expect(histogram.percentile(95, { min: 12.3, max: 12.3 })).toBe(12.3);
  });

  it('survives encoding and merges like one histogram of all samples', () => {
    const rand = random(7);
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const all = new LatencyHistogram();
    for (let i = 0; i < 300; i++) {
      const v = logNormal(rand, 30, 0.6);
      (i % 2 ? a : b).add(v);
      all.add(v);
    }
    a.add(900_000); // beyond the top bin: a long gap
    all.add(900_000);
    b.add(0.05, 1_000); // a count that needs more than a nibble
    all.add(0.05, 1_000);
    const decoded = LatencyHistogram.decode(a.encode()).merge(LatencyHistogram.decode(b.encode()));
    expect(decoded.bins()).toEqual(all.bins());
    expect(decoded.total).toBe(1_301);
    // Compact: an hour of 120 probes of one check takes about a byte per non-empty bin.
    const hour = new LatencyHistogram();
    for (let i = 0; i < 120; i++) hour.add(logNormal(rand, 40, 0.3));
    expect(hour.encode().length).toBeLessThanOrEqual(hour.bins().length + 3);
    expect(hour.encode().length).toBeLessThan(45);
  });

  it('an empty histogram has no percentile and decodes from nothing', () => {
    expect(new LatencyHistogram().percentile(95)).toBeNull();
    expect(LatencyHistogram.decode(null).total).toBe(0);
    expect(LatencyHistogram.decode(new LatencyHistogram().encode()).total).toBe(0);
  });

  it('refuses a blob that is not a histogram', () => {
    expect(() => LatencyHistogram.decode(Uint8Array.from([9, 1, 1]))).toThrow(/unknown format/);
    expect(() => LatencyHistogram.decode(Uint8Array.from([1, 0x80]))).toThrow(/truncated/);
    expect(() => LatencyHistogram.decode(Uint8Array.from([1, 0x90]))).toThrow(/damaged/);
    expect(() => LatencyHistogram.decode(Uint8Array.from([1, 0x80, 0xff, 0x02, 1]))).toThrow(/out of range/);
  });
});
