import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../src-main/core/store/database.js';
import { RollupsRepo, type HourBucket } from '../../../src-main/core/store/rollups-repo.js';
import { Store } from '../../../src-main/core/store/store.js';
import { LatencyHistogram } from '../../../src-main/core/stats/latency-histogram.js';
import type { ProbeStatus } from '../../../src-main/core/model.js';

let dir: string;
let db: Db;
let rollups: RollupsRepo;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaavan-rollups-'));
  db = openDatabase(join(dir, 'kaavan.db'));
  rollups = new RollupsRepo(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOON = Date.UTC(2026, 10, 23, 12, 0, 0);
const MIN = 60_000;
const HOUR = 3_600_000;

describe('roll-ups', () => {
  it('counts a probe in its minute and its hour, split exactly at the boundaries', () => {
    rollups.add(1, NOON - 1, 'up', 10); // 11:59:59.999
    rollups.add(1, NOON, 'up', 20); // 12:00:00.000
    rollups.add(1, NOON + 59_999, 'down', null);
    rollups.add(1, NOON + MIN, 'degraded', 900);
    rollups.add(2, NOON + 1, 'up', 5); // another check, same minute

    expect(rollups.series(1, NOON - HOUR, NOON + HOUR, 'minute')).toEqual([
      { at: NOON - MIN, probes: 1, down: 0, degraded: 0, uptime: 1, meanLatencyMs: 10, minLatencyMs: null, maxLatencyMs: null, p95LatencyMs: null },
      { at: NOON, probes: 2, down: 1, degraded: 0, uptime: 0.5, meanLatencyMs: 20, minLatencyMs: null, maxLatencyMs: null, p95LatencyMs: null },
      { at: NOON + MIN, probes: 1, down: 0, degraded: 1, uptime: 1, meanLatencyMs: 900, minLatencyMs: null, maxLatencyMs: null, p95LatencyMs: null },
    ]);
    const hours = rollups.series(1, NOON - 2 * HOUR, NOON + 2 * HOUR, 'hour');
    expect(hours.map(({ at, probes, down, degraded, meanLatencyMs, minLatencyMs, maxLatencyMs }) => ({ at, probes, down, degraded, meanLatencyMs, minLatencyMs, maxLatencyMs }))).toEqual([
      { at: NOON - HOUR, probes: 1, down: 0, degraded: 0, meanLatencyMs: 10, minLatencyMs: 10, maxLatencyMs: 10 },
      { at: NOON, probes: 3, down: 1, degraded: 1, meanLatencyMs: 460, minLatencyMs: 20, maxLatencyMs: 900 },
    ]);
    expect(hours[0]!.p95LatencyMs).toBe(10); // clamped to the bucket's observed range
    expect(rollups.series(2, 0, NOON + HOUR, 'minute')).toHaveLength(1);
  });

  it('keeps latency sums exact in tenths of a millisecond and ignores the latency of down probes', () => {
    rollups.add(1, NOON, 'up', 0.25);
    rollups.add(1, NOON + 1, 'up', 0.35);
    rollups.add(1, NOON + 2, 'down', 5_000); // timed out after 5 s: no answer time to average
    // 0.25 → 3 tenths, 0.35 → 4 tenths (rounded half up, as stored in results)
    expect(db.prepare('SELECT probes, down, lat_n, lat_sum FROM rollup_minute WHERE check_id = 1').all()).toEqual([
      { probes: 3, down: 1, lat_n: 2, lat_sum: 7 },
    ]);
    expect(db.prepare('SELECT probes, down, lat_n, lat_sum, lat_min, lat_max FROM rollup_hour WHERE check_id = 1').all()).toEqual([
      { probes: 3, down: 1, lat_n: 2, lat_sum: 7, lat_min: 3, lat_max: 4 },
    ]);
  });

  it('gives the hour p95 from its histogram, close to the exact one', () => {
    const latencies: number[] = [];
    for (let i = 0; i < 120; i++) {
      const ms = 20 + ((i * 37) % 100); // 20..119 ms, spread over the hour
      latencies.push(ms);
      rollups.add(1, NOON + i * 30_000, 'up', ms);
    }
    latencies.sort((a, b) => a - b);
    const exact = latencies[Math.ceil(0.95 * latencies.length) - 1]!;
    const [hour] = rollups.series(1, NOON, NOON + HOUR, 'hour');
    expect(hour!.probes).toBe(120);
    expect(Math.abs(hour!.p95LatencyMs! - exact) / exact).toBeLessThan(0.026);
  });

  it('merging a counted hour leaves the same hour bucket as adding its probes one by one', () => {
    const probes = Array.from({ length: 120 }, (_, i) => ({
      at: NOON + i * 30_000,
      status: (i % 40 === 7 ? 'down' : i % 50 === 3 ? 'degraded' : 'up') as ProbeStatus,
      latencyMs: i % 40 === 7 ? null : 5 + ((i * 13) % 97) / 10,
    }));
    for (const p of probes) rollups.add(1, p.at, p.status, p.latencyMs);
    const counted = (part: typeof probes): HourBucket => {
      const histogram = new LatencyHistogram();
      const lat = part.filter((p) => p.status !== 'down' && p.latencyMs !== null).map((p) => Math.round(p.latencyMs! * 10));
      for (const t of lat) histogram.add(t / 10);
      return {
        at: NOON,
        probes: part.length,
        down: part.filter((p) => p.status === 'down').length,
        degraded: part.filter((p) => p.status === 'degraded').length,
        latN: lat.length,
        latSumMs: lat.reduce((a, b) => a + b, 0) / 10,
        minLatencyMs: Math.min(...lat) / 10,
        maxLatencyMs: Math.max(...lat) / 10,
        histogram,
      };
    };
    rollups.addHour(2, counted(probes.slice(0, 50)));
    rollups.addHour(2, counted(probes.slice(50)));
    const [one] = rollups.series(1, NOON, NOON + HOUR, 'hour');
    const [merged] = rollups.series(2, NOON, NOON + HOUR, 'hour');
    expect(merged).toEqual(one);
    expect(rollups.hourBuckets(2, NOON, NOON + 1)[0]!.histogram.bins()).toEqual(rollups.hourBuckets(1, NOON, NOON + 1)[0]!.histogram.bins());
    expect(rollups.series(2, 0, NOON + HOUR, 'minute')).toEqual([]);
  });

  it('computes uptime over whole hours', () => {
    for (let h = 0; h < 48; h++) {
      for (let i = 0; i < 4; i++) rollups.add(1, NOON - h * HOUR + i * 15 * MIN, h === 30 && i < 2 ? 'down' : 'up', 10);
    }
    // Last 24 hours (the current hour and the 23 before): no outage.
    expect(rollups.uptime(1, NOON - 23 * HOUR, NOON + HOUR)).toEqual({ uptime: 1, probes: 96 });
    // Two days: 2 of 192 probes down.
    expect(rollups.uptime(1, NOON - 47 * HOUR + 1, NOON + HOUR)).toEqual({ uptime: 190 / 192, probes: 192 });
    expect(rollups.uptime(9, 0, NOON)).toEqual({ uptime: null, probes: 0 });
  });

  it('prunes buckets that start before the cut-off, in batches', () => {
    for (let check = 1; check <= 3; check++) {
      for (let m = 0; m < 10; m++) rollups.add(check, NOON + m * MIN, 'up', 10);
    }
    expect(rollups.pruneBatch('minute', NOON + 4 * MIN, 5)).toBe(5);
    expect(rollups.pruneBatch('minute', NOON + 4 * MIN, 5)).toBe(5);
    expect(rollups.pruneBatch('minute', NOON + 4 * MIN, 5)).toBe(2);
    expect(rollups.series(3, 0, NOON + HOUR, 'minute').map((p) => (p.at - NOON) / MIN)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(rollups.pruneBatch('hour', NOON, 100)).toBe(0);
    expect(rollups.pruneBatch('hour', NOON + 1, 100)).toBe(3);
  });
});

describe('roll-ups written with the results of a transaction', () => {
  it("a probe whose transaction rolled back leaves no trace in the hour's histogram", () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kaavan-rollups-tx-'));
    const store = Store.open(join(dataDir, 'kaavan.db'));
    try {
      store.transact(() => store.rollups.add(1, NOON, 'up', 10));
      expect(() =>
        store.transact(() => {
          store.rollups.add(1, NOON + MIN, 'up', 5000);
          throw new Error('the rest of the result could not be written');
        }),
      ).toThrow(/could not be written/);
      store.transact(() => store.rollups.add(1, NOON + 2 * MIN, 'up', 12));

      const [hour] = store.rollups.hourBuckets(1, NOON, NOON + HOUR);
      expect(hour).toMatchObject({ probes: 2, latN: 2, maxLatencyMs: 12 });
      // Only the two committed probes are in the histogram: its slowest bin is near 12 ms, not 5 s.
      expect(hour!.histogram.total).toBe(2);
      expect(hour!.histogram.percentile(100)).toBeLessThan(13);
    } finally {
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("pruning hour buckets is seen by every repository of the connection (retention's own included)", () => {
    rollups.add(1, NOON, 'up', 10);
    const retentionView = new RollupsRepo(db);
    expect(retentionView.pruneBatch('hour', NOON + HOUR, 100)).toBe(1);
    rollups.add(1, NOON + MIN, 'up', 20);
    const [hour] = rollups.hourBuckets(1, NOON, NOON + HOUR);
    expect(hour).toMatchObject({ probes: 1, latN: 1 });
    expect(hour!.histogram.total).toBe(1);
  });
});
