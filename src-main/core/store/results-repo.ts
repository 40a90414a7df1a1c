// Probe results, compact (migration 2): status as 0/1/2, latency in tenths of a ms, message kept
// only for results that were not up. Raw rows are kept 48 h; roll-ups keep the long history.
import type { Db } from './database.js';
import type { ProbeStatus, ResultPoint } from '../model.js';

const STATUS_CODE: Record<ProbeStatus, number> = { up: 0, degraded: 1, down: 2 };
const STATUS_NAME: ProbeStatus[] = ['up', 'degraded', 'down'];

export interface ResultRow {
  at: number;
  status: ProbeStatus;
  latencyMs: number | null;
  message: string;
  metrics?: Record<string, number>;
}

function upMessage(latencyMs: number | null): string {
  return latencyMs === null ? 'up' : `up in ${latencyMs} ms`;
}

export class ResultsRepo {
  private readonly insertStmt;
  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      'INSERT OR REPLACE INTO results (check_id, at, status, latency, message, metrics) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  insert(checkId: number, result: ResultRow): void {
    this.insertStmt.run(
      checkId,
      result.at,
      STATUS_CODE[result.status],
      result.latencyMs === null ? null : Math.round(result.latencyMs * 10),
      result.status === 'up' ? null : result.message,
      result.metrics && Object.keys(result.metrics).length ? JSON.stringify(result.metrics) : null,
    );
  }

  /** Results of one check since `sinceMs`, oldest first, at most `limit` (the newest ones). */
  history(checkId: number, sinceMs: number, limit: number): ResultPoint[] {
    const rows = this.db
      .prepare(
        `SELECT at, status, latency, message FROM (
           SELECT at, status, latency, message FROM results WHERE check_id = ? AND at >= ? ORDER BY at DESC LIMIT ?
         ) ORDER BY at ASC`,
      )
      .all(checkId, sinceMs, limit) as Array<{ at: number; status: number; latency: number | null; message: string | null }>;
    return rows.map((r) => {
      const latencyMs = r.latency === null ? null : Number(r.latency) / 10;
      const status = STATUS_NAME[Number(r.status)] ?? 'down';
      return { at: Number(r.at), status, latencyMs, message: r.message ?? upMessage(latencyMs) };
    });
  }

  recent(checkId: number, n: number): ResultPoint[] {
    return this.history(checkId, 0, n);
  }

  /** Deletes at most `batchSize` results older than `beforeMs`; returns how many went. */
  pruneBatch(beforeMs: number, batchSize: number): number {
    return Number(
      this.db
        .prepare('DELETE FROM results WHERE (check_id, at) IN (SELECT check_id, at FROM results WHERE at < ? LIMIT ?)')
        .run(beforeMs, batchSize).changes,
    );
  }
}
