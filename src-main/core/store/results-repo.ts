import type { Db } from './database.js';
import type { CheckResult, ProbeStatus, ResultPoint } from '../model.js';

interface ResultRow {
  at: number;
  status: ProbeStatus;
  latency_ms: number | null;
  message: string;
}

export class ResultsRepo {
  private readonly insertStmt;
  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO results (target, check_name, at, status, latency_ms, message, metrics) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
  }

  insert(result: CheckResult): void {
    this.insertStmt.run(
      result.target,
      result.check,
      result.at,
      result.status,
      result.latencyMs,
      result.message,
      result.metrics ? JSON.stringify(result.metrics) : null,
    );
  }

  /** Results of one check since `sinceMs`, oldest first, at most `limit` (the newest ones). */
  history(target: string, check: string, sinceMs: number, limit: number): ResultPoint[] {
    const rows = this.db
      .prepare(
        `SELECT at, status, latency_ms, message FROM (
           SELECT at, status, latency_ms, message FROM results
           WHERE target = ? AND check_name = ? AND at >= ? ORDER BY at DESC LIMIT ?
         ) ORDER BY at ASC`,
      )
      .all(target, check, sinceMs, limit) as ResultRow[];
    return rows.map((r) => ({ at: Number(r.at), status: r.status, latencyMs: r.latency_ms, message: r.message }));
  }

  renameTarget(from: string, to: string): void {
    this.db.prepare('UPDATE results SET target = ? WHERE target = ?').run(to, from);
  }

  /** Deletes results older than `beforeMs`; returns how many went. */
  prune(beforeMs: number): number {
    return Number(this.db.prepare('DELETE FROM results WHERE at < ?').run(beforeMs).changes);
  }
}
