// Per-check roll-ups: one row per minute (kept 7 days) and one per hour (kept a year) with probe
// counts and the latency sum in tenths of a millisecond; hour rows also keep the latency min/max
// and a histogram (stats/latency-histogram.ts) so percentiles over days come from buckets. Charts
// and 24 h / 7 d / 30 d figures read these, never the raw results. Minute rows stay small (no
// min/max, no histogram): at a 30 s interval they hold two probes each and are the bulk of the store.
//
// Latency figures count the probes that were up or degraded and had a latency, as the statistics do.
import type Database from 'libsql';
import type { Db } from './database.js';
import type { ProbeStatus } from '../model.js';
import { LatencyHistogram } from '../stats/latency-histogram.js';
import { fromTenths, pruneByCheck, toTenths } from './results-repo.js';

type Statement = Database.Statement;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export type RollupResolution = 'minute' | 'hour';

/** One bucket of a chart series. */
export interface RollupPoint {
  /** Start of the bucket, epoch ms. */
  at: number;
  probes: number;
  down: number;
  degraded: number;
  /** Share of probes that were up or degraded, 0..1. */
  uptime: number;
  meanLatencyMs: number | null;
  /** Hour buckets only (null for minutes). */
  minLatencyMs: number | null;
  maxLatencyMs: number | null;
  /** From the bucket's histogram, ±2.5 % (hour buckets only; null for minutes). */
  p95LatencyMs: number | null;
}

/** An hour bucket as RollingStats loads it. */
export interface HourBucket {
  at: number;
  probes: number;
  down: number;
  degraded: number;
  latN: number;
  /** Sum of latencies, ms. */
  latSumMs: number;
  minLatencyMs: number | null;
  maxLatencyMs: number | null;
  histogram: LatencyHistogram;
}

export interface UptimeFigure {
  /** Share of probes up or degraded, 0..1; null without probes. */
  uptime: number | null;
  probes: number;
}

interface RollupRow {
  bucket: number;
  probes: number;
  down: number;
  degraded: number;
  lat_n: number;
  lat_sum: number;
  lat_min?: number | null;
  lat_max?: number | null;
  hist?: Uint8Array | ArrayBuffer | null;
}

const COUNTS_SET = `probes = probes + excluded.probes, down = down + excluded.down, degraded = degraded + excluded.degraded,
  lat_n = lat_n + excluded.lat_n, lat_sum = lat_sum + excluded.lat_sum`;
const RANGE_SET = `lat_min = CASE WHEN excluded.lat_min IS NULL THEN lat_min WHEN lat_min IS NULL OR excluded.lat_min < lat_min THEN excluded.lat_min ELSE lat_min END,
  lat_max = CASE WHEN excluded.lat_max IS NULL THEN lat_max WHEN lat_max IS NULL OR excluded.lat_max > lat_max THEN excluded.lat_max ELSE lat_max END`;

/**
 * The hour histogram each check's last add() wrote, per connection (every repository of one
 * connection shares it, so retention's pruning is seen), so the next add() in the same hour need
 * not read it back: one query fewer per result. Valid only for committed writes: the store forgets
 * it when a transaction fails (forgetWritten), and whatever else changes hour rows drops it.
 */
const lastHourByDb = new WeakMap<Db, Map<number, { bucket: number; hist: Uint8Array }>>();

export class RollupsRepo {
  private readonly minuteUpsert;
  private readonly hourHist;
  private readonly hourUpsert;
  private readonly seriesStmt: Record<RollupResolution, Statement>;
  private readonly uptimeStmt;
  private readonly hourBucketsStmt;
  private readonly nextCheck: Record<RollupResolution, Statement>;
  private readonly pruneCheck: Record<RollupResolution, Statement>;
  private readonly lastHour: Map<number, { bucket: number; hist: Uint8Array }>;

  constructor(private readonly db: Db) {
    let lastHour = lastHourByDb.get(db);
    if (!lastHour) lastHourByDb.set(db, (lastHour = new Map()));
    this.lastHour = lastHour;
    this.minuteUpsert = db.prepare(
      `INSERT INTO rollup_minute (check_id, bucket, probes, down, degraded, lat_n, lat_sum)
       VALUES (?, ?, 1, ?, ?, ?, ?) ON CONFLICT (check_id, bucket) DO UPDATE SET ${COUNTS_SET}`,
    );
    this.hourHist = db.prepare('SELECT hist FROM rollup_hour WHERE check_id = ? AND bucket = ?');
    this.hourUpsert = db.prepare(
      `INSERT INTO rollup_hour (check_id, bucket, probes, down, degraded, lat_n, lat_sum, lat_min, lat_max, hist)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (check_id, bucket) DO UPDATE SET ${COUNTS_SET}, ${RANGE_SET}, hist = excluded.hist`,
    );
    const series = (table: string, extra: string) =>
      db.prepare(
        `SELECT bucket, probes, down, degraded, lat_n, lat_sum${extra} FROM ${table}
         WHERE check_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`,
      );
    this.seriesStmt = { minute: series('rollup_minute', ''), hour: series('rollup_hour', ', lat_min, lat_max, hist') };
    this.hourBucketsStmt = this.seriesStmt.hour;
    this.uptimeStmt = db.prepare(
      'SELECT COALESCE(SUM(probes), 0) AS probes, COALESCE(SUM(down), 0) AS down FROM rollup_hour WHERE check_id = ? AND bucket >= ? AND bucket < ?',
    );
    const next = (table: string) => db.prepare(`SELECT check_id FROM ${table} WHERE check_id > ? ORDER BY check_id LIMIT 1`);
    const prune = (table: string) =>
      db.prepare(
        `DELETE FROM ${table} WHERE (check_id, bucket) IN (
           SELECT check_id, bucket FROM ${table} WHERE check_id = ? AND bucket < ? ORDER BY bucket LIMIT ?)`,
      );
    this.nextCheck = { minute: next('rollup_minute'), hour: next('rollup_hour') };
    this.pruneCheck = { minute: prune('rollup_minute'), hour: prune('rollup_hour') };
  }

  /**
   * Counts one probe in its minute and hour buckets. Call it in the same transaction as the
   * result insert, so a result and its roll-ups are written together or not at all.
   */
  add(checkId: number, at: number, status: ProbeStatus, latencyMs: number | null): void {
    const down = status === 'down' ? 1 : 0;
    const degraded = status === 'degraded' ? 1 : 0;
    const tenths = down ? null : toTenths(latencyMs);
    const latN = tenths === null ? 0 : 1;
    const latSum = tenths ?? 0;
    this.minuteUpsert.run(checkId, bucketStart(at, MINUTE_MS), down, degraded, latN, latSum);

    const hour = bucketStart(at, HOUR_MS);
    const last = this.lastHour.get(checkId);
    const stored = last && last.bucket === hour ? last.hist : (this.hourHist.get(checkId, hour) as { hist: Uint8Array | ArrayBuffer | null } | undefined)?.hist;
    const histogram = LatencyHistogram.decode(stored);
    if (tenths !== null) histogram.add(tenths / 10);
    const hist = histogram.encode();
    this.hourUpsert.run(checkId, hour, 1, down, degraded, latN, latSum, tenths, tenths, Buffer.from(hist.buffer, hist.byteOffset, hist.byteLength));
    this.lastHour.set(checkId, { bucket: hour, hist });
  }

  /** A transaction failed: what add() remembers may not have been written. */
  forgetWritten(): void {
    this.lastHour.clear();
  }

  /**
   * Merges a whole hour counted elsewhere (an import, or a simulation) into its hour bucket: the
   * same row as that many add() calls would leave, without the minute buckets.
   */
  addHour(checkId: number, hour: HourBucket): void {
    this.lastHour.delete(checkId);
    const at = bucketStart(hour.at, HOUR_MS);
    const row = this.hourHist.get(checkId, at) as { hist: Uint8Array | ArrayBuffer | null } | undefined;
    const histogram = LatencyHistogram.decode(row?.hist).merge(hour.histogram);
    this.hourUpsert.run(
      checkId,
      at,
      hour.probes,
      hour.down,
      hour.degraded,
      hour.latN,
      Math.round(hour.latSumMs * 10),
      toTenths(hour.minLatencyMs),
      toTenths(hour.maxLatencyMs),
      Buffer.from(histogram.encode()),
    );
  }

  /** Buckets of one check that start in [fromMs, toMs), oldest first, for charts. */
  series(checkId: number, fromMs: number, toMs: number, resolution: RollupResolution): RollupPoint[] {
    const rows = this.seriesStmt[resolution].all(checkId, fromMs, toMs) as RollupRow[];
    return rows.map((r) => {
      const probes = Number(r.probes);
      const down = Number(r.down);
      const latN = Number(r.lat_n);
      const minLatencyMs = fromTenths(r.lat_min ?? null);
      const maxLatencyMs = fromTenths(r.lat_max ?? null);
      return {
        at: Number(r.bucket),
        probes,
        down,
        degraded: Number(r.degraded),
        uptime: probes ? (probes - down) / probes : 1,
        meanLatencyMs: latN ? Math.round(Number(r.lat_sum) / latN) / 10 : null,
        minLatencyMs,
        maxLatencyMs,
        p95LatencyMs: r.hist ? LatencyHistogram.decode(r.hist).percentile(95, { min: minLatencyMs, max: maxLatencyMs }) : null,
      };
    });
  }

  /** Hour buckets of one check that start in [fromMs, toMs), oldest first, with their histograms. */
  hourBuckets(checkId: number, fromMs: number, toMs: number): HourBucket[] {
    const rows = this.hourBucketsStmt.all(checkId, fromMs, toMs) as RollupRow[];
    return rows.map((r) => ({
      at: Number(r.bucket),
      probes: Number(r.probes),
      down: Number(r.down),
      degraded: Number(r.degraded),
      latN: Number(r.lat_n),
      latSumMs: Number(r.lat_sum) / 10,
      minLatencyMs: fromTenths(r.lat_min ?? null),
      maxLatencyMs: fromTenths(r.lat_max ?? null),
      histogram: LatencyHistogram.decode(r.hist),
    }));
  }

  /**
   * Uptime of one check over the hour buckets that start in [fromMs, toMs): whole hours, so a
   * window is exact to the hour (the current, partial hour counts with what it has so far).
   */
  uptime(checkId: number, fromMs: number, toMs: number): UptimeFigure {
    const row = this.uptimeStmt.get(checkId, bucketStart(fromMs, HOUR_MS), toMs) as { probes: number; down: number };
    const probes = Number(row.probes);
    return { uptime: probes ? (probes - Number(row.down)) / probes : null, probes };
  }

  /** Deletes at most `batchSize` buckets that start before `beforeMs`; returns how many went. */
  pruneBatch(resolution: RollupResolution, beforeMs: number, batchSize: number): number {
    if (resolution === 'hour') this.lastHour.clear();
    return pruneByCheck(this.nextCheck[resolution], this.pruneCheck[resolution], beforeMs, batchSize);
  }
}

export function bucketStart(at: number, sizeMs: number): number {
  return Math.floor(at / sizeMs) * sizeMs;
}
