import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeStats, percentile, RollingStats, uptimeWindows } from '../../../src-main/core/stats/check-stats.js';
import { openDatabase, type Db } from '../../../src-main/core/store/database.js';
import { ResultsRepo } from '../../../src-main/core/store/results-repo.js';
import { RollupsRepo } from '../../../src-main/core/store/rollups-repo.js';
import type { ProbeStatus } from '../../../src-main/core/model.js';
import { seededRandom } from '../../helpers/seeded-random.js';

const HOUR = 3_600_000;
const NOON = Date.UTC(2026, 10, 23, 12, 0, 0);

const random = seededRandom;

/** A day of 30 s probes: log-normal latencies around 40 ms, a 20-minute outage, a few slow ones. */
function day(end: number, seed = 1): Array<{ at: number; status: ProbeStatus; latencyMs: number | null }> {
  const rand = random(seed);
  const out: Array<{ at: number; status: ProbeStatus; latencyMs: number | null }> = [];
  for (let at = end - 24 * HOUR + 30_000; at <= end; at += 30_000) {
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const latency = Math.round(40 * Math.exp(0.5 * z) * 10) / 10;
    const outage = at > end - 10 * HOUR && at <= end - 10 * HOUR + 20 * 60_000;
    if (outage) out.push({ at, status: 'down', latencyMs: null });
    else out.push({ at, status: latency > 150 ? 'degraded' : 'up', latencyMs: latency });
  }
  return out;
}

describe('exact uptime and latency maths (the reference)', () => {
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
});

describe('rolling 24 h statistics in hour buckets', () => {
  it('has no figures before the first probe', () => {
    expect(new RollingStats().stats(NOON)).toEqual({ uptime: null, meanLatencyMs: null, p95LatencyMs: null, probes: 0 });
  });

  it('keeps the current hour and the 23 before it', () => {
    const rolling = new RollingStats();
    rolling.add(NOON - 24 * HOUR + 1, 'down', null); // 12:00 yesterday: falls out at 12:00 today
    rolling.add(NOON - 23 * HOUR, 'up', 10); // 13:00 yesterday: still in until 13:00 today
    rolling.add(NOON - 1, 'up', 30);
    expect(rolling.stats(NOON - 1)).toMatchObject({ uptime: 2 / 3, probes: 3, meanLatencyMs: 20 });
    expect(rolling.stats(NOON)).toMatchObject({ uptime: 1, probes: 2, meanLatencyMs: 20 });
    expect(rolling.stats(NOON + HOUR)).toMatchObject({ uptime: 1, probes: 1, meanLatencyMs: 30, p95LatencyMs: 30 });
    expect(rolling.stats(NOON + 24 * HOUR).probes).toBe(0);
    // A result older than the window changes nothing.
    rolling.add(NOON, 'down', null);
    expect(rolling.stats(NOON + 24 * HOUR).probes).toBe(0);
    expect(rolling.recentLatency(5)).toEqual([null, 10, 30, null]);
  });

  it('a new hour replaces the bucket of 24 hours before, also after a long pause', () => {
    const rolling = new RollingStats({ bucketMs: 1_000, buckets: 3 });
    rolling.add(0, 'down', null);
    rolling.add(1_000, 'up', 5);
    rolling.add(2_000, 'up', 7);
    expect(rolling.stats(2_000)).toMatchObject({ probes: 3, uptime: 2 / 3 });
    rolling.add(3_000, 'up', 9); // reuses the slot of t=0
    expect(rolling.stats(3_000)).toMatchObject({ probes: 3, uptime: 1, meanLatencyMs: 7 });
    rolling.add(100_000, 'down', null); // long pause: everything before is gone
    expect(rolling.stats(100_000)).toMatchObject({ probes: 1, uptime: 0, meanLatencyMs: null, p95LatencyMs: null });
  });

  it('matches the exact figures over a day: uptime and mean exactly, p95 within 2.5 %', () => {
    const samples = day(NOON + 30 * 60_000);
    const rolling = new RollingStats();
    for (const s of samples) rolling.add(s.at, s.status, s.latencyMs);
    const now = NOON + 30 * 60_000;
    const inWindow = samples.filter((s) => s.at >= NOON - 23 * HOUR);
    const exact = computeStats(inWindow);
    const approx = rolling.stats(now);
    expect(approx.probes).toBe(exact.probes);
    expect(approx.uptime).toBeCloseTo(exact.uptime!, 12);
    expect(approx.meanLatencyMs).toBe(exact.meanLatencyMs);
    expect(Math.abs(approx.p95LatencyMs! - exact.p95LatencyMs!) / exact.p95LatencyMs!).toBeLessThan(0.025);
    expect(rolling.recentLatency(40)).toEqual(samples.slice(-40).map((s) => (s.status === 'down' ? null : s.latencyMs)));
  });
});

describe('statistics loaded from the store', () => {
  let dir: string | undefined;
  let db: Db | undefined;
  afterEach(() => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('give the same figures as the engine had in memory, from roll-ups and 40 raw points', () => {
    dir = mkdtempSync(join(tmpdir(), 'kaavan-stats-'));
    db = openDatabase(join(dir, 'kaavan.db'));
    const results = new ResultsRepo(db);
    const rollups = new RollupsRepo(db);
    const now = NOON + 30 * 60_000;
    const samples = [...day(now - 24 * HOUR, 2), ...day(now, 3)];
    const live = new RollingStats();
    const write = db.transaction(() => {
      for (const s of samples) {
        results.insert(5, { ...s, message: s.status === 'down' ? 'connection refused' : '' });
        rollups.add(5, s.at, s.status, s.latencyMs);
        live.add(s.at, s.status, s.latencyMs);
      }
    });
    write();
    const loaded = RollingStats.load(rollups, results, 5, now);
    const stored = live.stats(now);
    expect(stored.probes).toBe(23 * 120 + 61); // 23 whole hours at 30 s and 12:00:00 to 12:30:00
    expect(loaded.stats(now)).toEqual(stored);
    expect(loaded.recentLatency(40)).toEqual(live.recentLatency(40));
    // A probe after loading counts on top of what was loaded.
    loaded.add(now + 1, 'down', null);
    expect(loaded.stats(now + 1).probes).toBe(stored.probes + 1);
  });

  it('count hours without a histogram (history carried over from before roll-ups) in uptime and mean, not in p95', () => {
    dir = mkdtempSync(join(tmpdir(), 'kaavan-stats-'));
    db = openDatabase(join(dir, 'kaavan.db'));
    const results = new ResultsRepo(db);
    const rollups = new RollupsRepo(db);
    // An hour carried over: 100 probes, 10 down, latencies summing to 90 × 50 ms, no histogram.
    db.prepare(
      'INSERT INTO rollup_hour (check_id, bucket, probes, down, degraded, lat_n, lat_sum, lat_min, lat_max, hist) VALUES (5, ?, 100, 10, 0, 90, ?, 100, 900, NULL)',
    ).run(NOON - 2 * HOUR, 90 * 500);
    for (let i = 0; i < 20; i++) rollups.add(5, NOON + i * 1_000, 'up', 100 + i); // 100..119 ms
    const stats = RollingStats.load(rollups, results, 5, NOON + HOUR - 1).stats(NOON + HOUR - 1);
    expect(stats.probes).toBe(120);
    expect(stats.uptime).toBeCloseTo(110 / 120, 12);
    expect(stats.meanLatencyMs).toBe(Math.round(((90 * 50 + 20 * 109.5) / 110) * 10) / 10);
    // p95 of the 20 probes that have a histogram: nearest rank 19 → 118 ms, within a bin.
    expect(Math.abs(stats.p95LatencyMs! - 118) / 118).toBeLessThan(0.026);
  });

  it('give 24 h, 7 day and 30 day uptime from the hour roll-ups', () => {
    dir = mkdtempSync(join(tmpdir(), 'kaavan-stats-'));
    db = openDatabase(join(dir, 'kaavan.db'));
    const rollups = new RollupsRepo(db);
    const now = NOON + 10 * 60_000;
    // One probe every 10 minutes for 40 days (at 1 ms past each 10 minutes); down for 2 hours 3 days ago and 2 hours 20 days ago.
    db.transaction(() => {
      for (let at = now - 40 * 24 * HOUR + 1; at <= now; at += 10 * 60_000) {
        const ago = now - at;
        const down = (ago > 3 * 24 * HOUR && ago <= 3 * 24 * HOUR + 2 * HOUR) || (ago > 20 * 24 * HOUR && ago <= 20 * 24 * HOUR + 2 * HOUR);
        rollups.add(1, at, down ? 'down' : 'up', down ? null : 20);
      }
    })();
    const windows = uptimeWindows(rollups, 1, now);
    expect(windows.h24).toEqual({ uptime: 1, probes: 23 * 6 + 1 });
    expect(windows.d7.probes).toBe((7 * 24 - 1) * 6 + 1);
    expect(windows.d7.uptime).toBeCloseTo(1 - 12 / windows.d7.probes, 12);
    expect(windows.d30.uptime).toBeCloseTo(1 - 24 / windows.d30.probes, 12);
  });
});
