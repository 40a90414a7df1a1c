// Uptime and latency over the last 24 hours, kept in memory per check in 24 hourly buckets, so a
// result costs the same whatever the interval (no re-sorting of raw samples). Loaded at start from
// the hour roll-ups and the last few raw results, never from the whole raw window.
//
// Approximations, against exact figures over a sliding 24 h of raw samples:
// - the window is the current clock hour plus the 23 before it (between 23 and 24 hours of data);
// - p95 is read from the merged latency histogram (5 % log bins): within ±2.5 % of the exact
//   nearest-rank value, clamped to the window's observed min/max;
// - the mean is exact (sum / count), rounded to 0.1 ms.
import type { CheckStats, ProbeStatus, ResultPoint } from '../model.js';
import type { HourBucket, RollupsRepo, UptimeFigure } from '../store/rollups-repo.js';
import type { ResultsRepo } from '../store/results-repo.js';
import { binOf, HISTOGRAM_BIN_COUNT, percentileOfBins } from './latency-histogram.js';

export const STATS_WINDOW_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;
/** Raw points kept for the sparkline. */
export const RECENT_POINTS = 40;

/** Nearest-rank percentile (p in 0..100) of an ascending array. */
export function percentile(sortedAscending: number[], p: number): number | null {
  if (sortedAscending.length === 0) return null;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length, Math.max(1, rank)) - 1]!;
}

/** Exact statistics of a list of samples (sorts them): the reference the bucketed figures approximate. */
export function computeStats(samples: ReadonlyArray<{ status: ProbeStatus; latencyMs: number | null }>): CheckStats {
  if (samples.length === 0) return { uptime: null, meanLatencyMs: null, p95LatencyMs: null, probes: 0 };
  let ok = 0;
  const latencies: number[] = [];
  for (const s of samples) {
    if (s.status !== 'down') ok++;
    if (s.status !== 'down' && s.latencyMs !== null) latencies.push(s.latencyMs);
  }
  latencies.sort((a, b) => a - b);
  const mean = latencies.length ? latencies.reduce((sum, v) => sum + v, 0) / latencies.length : null;
  return {
    uptime: ok / samples.length,
    meanLatencyMs: mean === null ? null : Math.round(mean * 10) / 10,
    p95LatencyMs: percentile(latencies, 95),
    probes: samples.length,
  };
}

interface Bucket {
  start: number;
  probes: number;
  down: number;
  latN: number;
  latSum: number;
  latMin: number | null;
  latMax: number | null;
  /** Probes per histogram bin in this bucket (sparse). */
  bins: Map<number, number>;
}

export interface RollingStatsOptions {
  /** Size of one bucket (default one hour). */
  bucketMs?: number;
  /** Buckets in the window, the current one included (default 24). */
  buckets?: number;
}

/** One check's rolling window. add() and stats() do a bounded amount of work whatever the history. */
export class RollingStats {
  private readonly bucketMs: number;
  private readonly slots: Array<Bucket | null>;
  /** Start of the newest bucket seen (by a result or by stats(now)). */
  private head = -Infinity;
  // Window totals, kept in step with the buckets so stats() never walks samples.
  private probes = 0;
  private down = 0;
  private latN = 0;
  private latSum = 0;
  private readonly windowBins = new Uint32Array(HISTOGRAM_BIN_COUNT);
  /** Latencies in windowBins: fewer than latN when a loaded hour had no histogram (migrated history). */
  private binned = 0;
  private recent: Array<{ ok: boolean; latencyMs: number | null }> = [];
  private cached: CheckStats | null = null;

  constructor(options: RollingStatsOptions = {}) {
    this.bucketMs = options.bucketMs ?? HOUR_MS;
    this.slots = new Array<Bucket | null>(options.buckets ?? 24).fill(null);
  }

  /**
   * Statistics of a check rebuilt from its last 24 hour roll-ups and its last 40 raw results (for
   * the sparkline): two indexed reads, whatever the interval.
   */
  static load(rollups: RollupsRepo, results: ResultsRepo, checkId: number, now: number): RollingStats {
    const stats = new RollingStats();
    const from = Math.floor(now / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
    for (const bucket of rollups.hourBuckets(checkId, from, now + HOUR_MS)) stats.addBucket(bucket);
    stats.seedRecent(results.recent(checkId, RECENT_POINTS));
    return stats;
  }

  add(at: number, status: ProbeStatus, latencyMs: number | null): void {
    const ok = status !== 'down';
    const latency = ok && latencyMs !== null && Number.isFinite(latencyMs) ? latencyMs : null;
    this.pushRecent(ok, latency);
    const bucket = this.bucketFor(at);
    if (!bucket) return;
    bucket.probes++;
    this.probes++;
    if (!ok) {
      bucket.down++;
      this.down++;
    }
    if (latency !== null) {
      bucket.latN++;
      bucket.latSum += latency;
      this.latN++;
      this.latSum += latency;
      if (bucket.latMin === null || latency < bucket.latMin) bucket.latMin = latency;
      if (bucket.latMax === null || latency > bucket.latMax) bucket.latMax = latency;
      const bin = binOf(latency);
      bucket.bins.set(bin, (bucket.bins.get(bin) ?? 0) + 1);
      this.windowBins[bin]!++;
      this.binned++;
    }
    this.cached = null;
  }

  /** Adds a whole roll-up bucket (as loaded from the store). */
  addBucket(hour: HourBucket): void {
    const bucket = this.bucketFor(hour.at);
    if (!bucket) return;
    bucket.probes += hour.probes;
    bucket.down += hour.down;
    bucket.latN += hour.latN;
    bucket.latSum += hour.latSumMs;
    if (hour.minLatencyMs !== null && (bucket.latMin === null || hour.minLatencyMs < bucket.latMin)) bucket.latMin = hour.minLatencyMs;
    if (hour.maxLatencyMs !== null && (bucket.latMax === null || hour.maxLatencyMs > bucket.latMax)) bucket.latMax = hour.maxLatencyMs;
    this.probes += hour.probes;
    this.down += hour.down;
    this.latN += hour.latN;
    this.latSum += hour.latSumMs;
    for (const [bin, count] of hour.histogram.bins()) {
      bucket.bins.set(bin, (bucket.bins.get(bin) ?? 0) + count);
      this.windowBins[bin]! += count;
      this.binned += count;
    }
    this.cached = null;
  }

  /** Fills the sparkline from stored results without counting them again. */
  seedRecent(points: ReadonlyArray<Pick<ResultPoint, 'status' | 'latencyMs'>>): void {
    for (const p of points) this.pushRecent(p.status !== 'down', p.status === 'down' ? null : p.latencyMs);
  }

  stats(now: number): CheckStats {
    this.expire(Math.floor(now / this.bucketMs) * this.bucketMs);
    if (!this.cached) {
      if (this.probes === 0) {
        this.cached = { uptime: null, meanLatencyMs: null, p95LatencyMs: null, probes: 0 };
      } else {
        let min: number | null = null;
        let max: number | null = null;
        for (const b of this.slots) {
          if (!b) continue;
          if (b.latMin !== null && (min === null || b.latMin < min)) min = b.latMin;
          if (b.latMax !== null && (max === null || b.latMax > max)) max = b.latMax;
        }
        this.cached = {
          uptime: (this.probes - this.down) / this.probes,
          meanLatencyMs: this.latN ? Math.round((this.latSum / this.latN) * 10) / 10 : null,
          p95LatencyMs: percentileOfBins(this.windowBins, this.binned, 95, { min, max }),
          probes: this.probes,
        };
      }
    }
    return this.cached;
  }

  /** Latency of the last `n` probes (at most 40), oldest first (null where the probe failed). */
  recentLatency(n: number): Array<number | null> {
    return this.recent.slice(-Math.min(n, RECENT_POINTS)).map((s) => (s.ok ? s.latencyMs : null));
  }

  private pushRecent(ok: boolean, latencyMs: number | null): void {
    this.recent.push({ ok, latencyMs });
    if (this.recent.length > RECENT_POINTS * 2) this.recent = this.recent.slice(-RECENT_POINTS);
  }

  /** The bucket for time `at`, expiring what falls out of the window; null for a time already outside it. */
  private bucketFor(at: number): Bucket | null {
    const start = Math.floor(at / this.bucketMs) * this.bucketMs;
    if (start > this.head) this.expire(start);
    else if (start < this.head - (this.slots.length - 1) * this.bucketMs) return null;
    const index = Math.floor(start / this.bucketMs) % this.slots.length;
    const slot = this.slots[index];
    if (slot) return slot; // after expire(), a filled slot in the window is this very bucket
    const fresh: Bucket = { start, probes: 0, down: 0, latN: 0, latSum: 0, latMin: null, latMax: null, bins: new Map() };
    this.slots[index] = fresh;
    return fresh;
  }

  /** Drops buckets that are no longer among the last `buckets` ending with the one starting at `currentStart`. */
  private expire(currentStart: number): void {
    if (currentStart <= this.head) return;
    this.head = currentStart;
    const oldest = currentStart - (this.slots.length - 1) * this.bucketMs;
    for (let i = 0; i < this.slots.length; i++) {
      const b = this.slots[i];
      if (!b || b.start >= oldest) continue;
      this.probes -= b.probes;
      this.down -= b.down;
      this.latN -= b.latN;
      this.latSum -= b.latSum;
      for (const [bin, count] of b.bins) {
        this.windowBins[bin]! -= count;
        this.binned -= count;
      }
      this.slots[i] = null;
      this.cached = null;
    }
  }
}

export interface UptimeWindows {
  h24: UptimeFigure;
  d7: UptimeFigure;
  d30: UptimeFigure;
}

/**
 * Uptime over the last 24 h, 7 days and 30 days from the hour roll-ups: each window is the current
 * clock hour plus the whole hours before it (as RollingStats), so it is exact to the hour.
 */
export function uptimeWindows(rollups: RollupsRepo, checkId: number, now: number): UptimeWindows {
  const currentHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const over = (hours: number) => rollups.uptime(checkId, currentHour - (hours - 1) * HOUR_MS, currentHour + HOUR_MS);
  return { h24: over(24), d7: over(7 * 24), d30: over(30 * 24) };
}
