// Raw probe results, kept briefly (48 h by default, see retention.ts) and compact: a row is the
// check id, the time, a status code, the latency in tenths of a millisecond, and a message and
// metrics only when the probe was not up. An up result's text is rebuilt from its latency; the
// latest result of each check keeps its full text in check_state.
import type Database from 'libsql';
import type { Db } from './database.js';
import type { ProbeStatus, ResultPoint } from '../model.js';
import { formatMs } from '../checks/probe-support.js';

type Statement = Database.Statement;

export const STATUS_CODE: Record<ProbeStatus, number> = { up: 0, degraded: 1, down: 2 };
const STATUS_OF_CODE: readonly ProbeStatus[] = ['up', 'degraded', 'down'];

export function statusOfCode(code: number): ProbeStatus {
  return STATUS_OF_CODE[code] ?? 'down';
}

/** Latency as stored: integer tenths of a millisecond, or null. */
export function toTenths(latencyMs: number | null): number | null {
  return latencyMs === null || !Number.isFinite(latencyMs) ? null : Math.max(0, Math.round(latencyMs * 10));
}

export function fromTenths(tenths: number | bigint | null): number | null {
  return tenths === null ? null : Number(tenths) / 10;
}

/** The text shown for an up result, whose message is not stored. */
export function upMessage(latencyMs: number | null): string {
  return latencyMs === null ? 'up' : `up in ${formatMs(latencyMs)}`;
}

export interface NewResult {
  at: number;
  status: ProbeStatus;
  latencyMs: number | null;
  message: string;
  metrics?: Record<string, number>;
}

interface ResultRow {
  at: number;
  status: number;
  latency: number | null;
  message: string | null;
}

function toPoint(row: ResultRow): ResultPoint {
  const status = statusOfCode(Number(row.status));
  const latencyMs = fromTenths(row.latency);
  return {
    at: Number(row.at),
    status,
    latencyMs,
    message: row.message ?? (status === 'up' ? upMessage(latencyMs) : status),
  };
}

export class ResultsRepo {
  private readonly insertStmt;
  private readonly historyStmt;
  private readonly recentStmt;
  private readonly nextCheckStmt;
  private readonly pruneCheckStmt;

  constructor(private readonly db: Db) {
    // Same (check, time) twice (a clock step back) keeps the later write rather than failing the probe's transaction.
    this.insertStmt = db.prepare(
      'INSERT OR REPLACE INTO results (check_id, at, status, latency, message, metrics) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.historyStmt = db.prepare(
      `SELECT at, status, latency, message FROM (
         SELECT at, status, latency, message FROM results WHERE check_id = ? AND at >= ? ORDER BY at DESC LIMIT ?
       ) ORDER BY at ASC`,
    );
    this.recentStmt = db.prepare(
      `SELECT at, status, latency, message FROM (
         SELECT at, status, latency, message FROM results WHERE check_id = ? ORDER BY at DESC LIMIT ?
       ) ORDER BY at ASC`,
    );
    // Pruning walks the checks through the primary key (check_id, at): each step is an index seek,
    // so no index on time alone is needed and a batch costs what it deletes.
    this.nextCheckStmt = db.prepare('SELECT check_id FROM results WHERE check_id > ? ORDER BY check_id LIMIT 1');
    this.pruneCheckStmt = db.prepare(
      `DELETE FROM results WHERE (check_id, at) IN (
         SELECT check_id, at FROM results WHERE check_id = ? AND at < ? ORDER BY at LIMIT ?)`,
    );
  }

  insert(checkId: number, result: NewResult): void {
    const up = result.status === 'up';
    this.insertStmt.run(
      checkId,
      result.at,
      STATUS_CODE[result.status],
      toTenths(result.latencyMs),
      up ? null : result.message,
      up || !result.metrics ? null : JSON.stringify(result.metrics),
    );
  }

  /** Results of one check since `sinceMs`, oldest first, at most `limit` (the newest ones). */
  history(checkId: number, sinceMs: number, limit: number): ResultPoint[] {
    return (this.historyStmt.all(checkId, sinceMs, limit) as ResultRow[]).map(toPoint);
  }

  /** The last `n` results of one check, oldest first. */
  recent(checkId: number, n: number): ResultPoint[] {
    return (this.recentStmt.all(checkId, n) as ResultRow[]).map(toPoint);
  }

  /** Deletes at most `batchSize` results older than `beforeMs`; returns how many went (0: nothing left). */
  pruneBatch(beforeMs: number, batchSize: number): number {
    return pruneByCheck(this.nextCheckStmt, this.pruneCheckStmt, beforeMs, batchSize);
  }
}

/**
 * Deletes up to `batchSize` rows older than `beforeMs` from a table keyed (check_id, time), check by
 * check in key order. Shared with the roll-up tables.
 */
export function pruneByCheck(nextCheck: Statement, pruneCheck: Statement, beforeMs: number, batchSize: number): number {
  let deleted = 0;
  let checkId = -1;
  while (deleted < batchSize) {
    const row = nextCheck.get(checkId) as { check_id: number } | undefined;
    if (!row) break;
    checkId = Number(row.check_id);
    deleted += Number(pruneCheck.run(checkId, beforeMs, batchSize - deleted).changes);
  }
  return deleted;
}
