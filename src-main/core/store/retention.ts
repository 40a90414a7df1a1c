// What the store keeps and for how long, and the pruning that enforces it. Deletes run in small
// batches (one short write transaction each) with a turn of the event loop between them, so probes
// keep being recorded and the UI stays responsive while a large backlog is pruned; freed pages are
// then handed back to the file system with PRAGMA incremental_vacuum (when the database was created
// with auto_vacuum = INCREMENTAL), keeping a reserve that the next hours of results will reuse.
import { atomically, type Db } from './database.js';
import { ResultsRepo } from './results-repo.js';
import { RollupsRepo } from './rollups-repo.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface RetentionPolicy {
  /** Raw probe results (detail lists, sparklines). */
  rawResultsMs: number;
  /** Per-minute roll-ups (charts up to a week). */
  minuteRollupsMs: number;
  /** Per-hour roll-ups (charts up to a year, 24 h / 7 d / 30 d uptime). */
  hourRollupsMs: number;
  /** Outbox rows once delivered or given up on (counted from then). */
  settledOutboxMs: number;
  /** Audit log entries. */
  auditMs: number;
  /** Resolved alerts and their events (counted from the resolution). Open alerts are never pruned. */
  resolvedAlertsMs: number;
}

export const DEFAULT_RETENTION: Readonly<RetentionPolicy> = {
  rawResultsMs: 48 * HOUR_MS,
  minuteRollupsMs: 7 * DAY_MS,
  hourRollupsMs: 365 * DAY_MS,
  settledOutboxMs: 30 * DAY_MS,
  auditMs: 365 * DAY_MS,
  resolvedAlertsMs: 365 * DAY_MS,
};

/**
 * The policy for the settings' `historyRetention` (how long charts go back): it sets how long hour
 * roll-ups are kept, and shortens the minute roll-ups and raw results when it is shorter than
 * theirs. Raw results are never kept longer than 48 h: that detail is what made the store grow
 * without bound, and charts over longer spans read roll-ups.
 */
export function retentionPolicy(historyRetentionMs?: number): RetentionPolicy {
  if (historyRetentionMs === undefined) return { ...DEFAULT_RETENTION };
  return {
    ...DEFAULT_RETENTION,
    rawResultsMs: Math.min(DEFAULT_RETENTION.rawResultsMs, historyRetentionMs),
    minuteRollupsMs: Math.min(DEFAULT_RETENTION.minuteRollupsMs, historyRetentionMs),
    hourRollupsMs: historyRetentionMs,
  };
}

export interface RetentionOptions {
  /** Checked between batches: true stops the run there (its owner is shutting down). */
  isCancelled?: () => boolean;
  /** Rows per delete statement (default 2,000). */
  batchSize?: number;
  /** Free pages kept for reuse rather than returned to the file system (default 1,024 = 4 MiB). */
  reservePages?: number;
  /** Pages released per incremental_vacuum step (default 2,048). */
  vacuumStepPages?: number;
}

export interface RetentionReport {
  results: number;
  minuteRollups: number;
  hourRollups: number;
  outbox: number;
  audit: number;
  alertEvents: number;
  alerts: number;
  /** Pages returned to the file system. */
  vacuumedPages: number;
  /** Delete statements run (each its own short transaction). */
  batches: number;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Retention {
  private readonly results: ResultsRepo;
  private readonly rollups: RollupsRepo;
  private readonly outboxStmt;
  private readonly auditStmt;
  private readonly alertEventsStmt;
  private readonly alertsStmt;
  private running: Promise<RetentionReport> | null = null;

  constructor(private readonly db: Db) {
    this.results = new ResultsRepo(db);
    this.rollups = new RollupsRepo(db);
    // created_at <= settled time, so the created_at index narrows the scan to rows that can qualify.
    this.outboxStmt = db.prepare(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE created_at < ? AND COALESCE(delivered_at, failed_at) < ? LIMIT ?)`,
    );
    this.auditStmt = db.prepare('DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ? ORDER BY at LIMIT ?)');
    // opened_at <= resolved_at, so the opened_at index narrows the scan likewise.
    this.alertEventsStmt = db.prepare(
      `DELETE FROM alert_events WHERE id IN (
         SELECT e.id FROM alerts a JOIN alert_events e ON e.alert_id = a.id
         WHERE a.opened_at < ? AND a.state = 'resolved' AND a.resolved_at < ? LIMIT ?)`,
    );
    this.alertsStmt = db.prepare(
      `DELETE FROM alerts WHERE id IN (
         SELECT a.id FROM alerts a WHERE a.opened_at < ? AND a.state = 'resolved' AND a.resolved_at < ?
         AND NOT EXISTS (SELECT 1 FROM alert_events e WHERE e.alert_id = a.id) LIMIT ?)`,
    );
  }

  /** Prunes everything older than the policy allows. A run already under way is joined, not doubled. */
  run(now: number, policy: RetentionPolicy = DEFAULT_RETENTION, options: RetentionOptions = {}): Promise<RetentionReport> {
    if (!this.running) {
      this.running = this.prune(now, policy, options).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async prune(now: number, policy: RetentionPolicy, options: RetentionOptions): Promise<RetentionReport> {
    const batchSize = options.batchSize ?? 2_000;
    const report: RetentionReport = {
      results: 0,
      minuteRollups: 0,
      hourRollups: 0,
      outbox: 0,
      audit: 0,
      alertEvents: 0,
      alerts: 0,
      vacuumedPages: 0,
      batches: 0,
    };
    const drain = async (key: Exclude<keyof RetentionReport, 'vacuumedPages' | 'batches'>, batch: () => number) => {
      for (;;) {
        if (options.isCancelled?.()) return;
        // Each batch is its own short write transaction (see atomically: never a bare write).
        const deleted = atomically(this.db, batch);
        report.batches++;
        report[key] += deleted;
        if (deleted < batchSize) return;
        await nextTurn();
      }
    };
    const rawBefore = now - policy.rawResultsMs;
    await drain('results', () => this.results.pruneBatch(rawBefore, batchSize));
    await nextTurn();
    const minuteBefore = now - policy.minuteRollupsMs;
    await drain('minuteRollups', () => this.rollups.pruneBatch('minute', minuteBefore, batchSize));
    await nextTurn();
    const hourBefore = now - policy.hourRollupsMs;
    await drain('hourRollups', () => this.rollups.pruneBatch('hour', hourBefore, batchSize));
    await nextTurn();
    const outboxBefore = now - policy.settledOutboxMs;
    await drain('outbox', () => Number(this.outboxStmt.run(outboxBefore, outboxBefore, batchSize).changes));
    await nextTurn();
    const auditBefore = now - policy.auditMs;
    await drain('audit', () => Number(this.auditStmt.run(auditBefore, batchSize).changes));
    await nextTurn();
    const alertsBefore = now - policy.resolvedAlertsMs;
    await drain('alertEvents', () => Number(this.alertEventsStmt.run(alertsBefore, alertsBefore, batchSize).changes));
    await nextTurn();
    await drain('alerts', () => Number(this.alertsStmt.run(alertsBefore, alertsBefore, batchSize).changes));
    if (options.isCancelled?.()) return report;
    report.vacuumedPages = await this.vacuum(options.reservePages ?? 1_024, options.vacuumStepPages ?? 2_048, options.isCancelled);
    return report;
  }

  /** Returns free pages beyond the reserve to the file system; 0 when auto_vacuum is not INCREMENTAL. */
  private async vacuum(reservePages: number, stepPages: number, isCancelled?: () => boolean): Promise<number> {
    const mode = Number((this.db.prepare('PRAGMA auto_vacuum').get() as { auto_vacuum: number }).auto_vacuum);
    if (mode !== 2) return 0;
    const freePages = () => Number((this.db.prepare('PRAGMA freelist_count').get() as { freelist_count: number }).freelist_count);
    const start = freePages();
    let free = start;
    while (free > reservePages) {
      await nextTurn();
      if (isCancelled?.()) break;
      atomically(this.db, () => this.db.exec(`PRAGMA incremental_vacuum(${Math.min(stepPages, free - reservePages)})`));
      const after = freePages();
      if (after >= free) break;
      free = after;
    }
    return start - free;
  }
}
