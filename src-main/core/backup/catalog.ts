// Reads of the backup run catalog (backup_runs, backup_run_transitions in Kaavan's store) and the
// bridge from the engine's run journal into it. Writes go through saveRunToCatalog (store-schema.ts).
import type { Db } from '../store/database.js';
import type { BackupRunView, BackupRunState } from '../api/service.js';
import type { RunResult } from './engine.js';
import type { JournalRecord } from './journal.js';
import { runDuration } from './run-state-machine.js';
import { saveRunToCatalog } from './store-schema.js';

interface RunRow {
  id: string;
  job: string;
  kind: string | null;
  state: string;
  started_at: number;
  finished_at: number | null;
  files: number;
  bytes: number;
  stored_bytes: number;
  duration_ms: number;
  warnings: number;
  error: string | null;
}

const COLUMNS = 'id, job, kind, state, started_at, finished_at, files, bytes, stored_bytes, duration_ms, warnings, error';

function view(row: RunRow): BackupRunView {
  return {
    id: row.id,
    job: row.job,
    kind: row.kind === 'full' || row.kind === 'incremental' ? row.kind : null,
    state: row.state as BackupRunState,
    startedAt: Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    files: Number(row.files),
    bytes: Number(row.bytes),
    storedBytes: Number(row.stored_bytes),
    durationMs: Number(row.duration_ms),
    warnings: Number(row.warnings),
    error: row.error,
  };
}

export class BackupCatalog {
  constructor(private readonly db: Db) {}

  save(run: RunResult): void {
    saveRunToCatalog(this.db, run);
  }

  /** Newest first. */
  list(opts: { job?: string; limit?: number } = {}): BackupRunView[] {
    const limit = Math.max(1, Math.min(opts.limit ?? 100, 10_000));
    const rows = opts.job
      ? this.db.prepare(`SELECT ${COLUMNS} FROM backup_runs WHERE job = ? ORDER BY started_at DESC, id DESC LIMIT ?`).all(opts.job, limit)
      : this.db.prepare(`SELECT ${COLUMNS} FROM backup_runs ORDER BY started_at DESC, id DESC LIMIT ?`).all(limit);
    return (rows as RunRow[]).map(view);
  }

  get(id: string): BackupRunView | null {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM backup_runs WHERE id = ?`).get(id) as RunRow | undefined;
    return row ? view(row) : null;
  }

  last(job: string): BackupRunView | null {
    return this.list({ job, limit: 1 })[0] ?? null;
  }

  lastSucceeded(job: string): BackupRunView | null {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM backup_runs WHERE job = ? AND state = 'succeeded' ORDER BY started_at DESC, id DESC LIMIT 1`).get(job) as RunRow | undefined;
    return row ? view(row) : null;
  }

  /** The job's succeeded runs before `beforeId` (newest first): the trend a new run is judged against. */
  succeededBefore(job: string, startedAt: number, limit: number): BackupRunView[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM backup_runs WHERE job = ? AND state = 'succeeded' AND started_at < ? ORDER BY started_at DESC LIMIT ?`)
      .all(job, startedAt, limit) as RunRow[];
    return rows.map(view);
  }

  /**
   * Brings the catalog level with the engine's journal: runs of the CLI, and runs the last stop or a
   * crash left unfinished (recover() has marked them interrupted). Returns the ids written.
   */
  syncFromJournal(records: JournalRecord[], now: number): string[] {
    const written: string[] = [];
    for (const rec of records) {
      const known = this.get(rec.id);
      if (known && known.state === rec.record.state) continue;
      this.save(journalRun(rec, now));
      written.push(rec.id);
    }
    return written;
  }
}

/** A journal record in the engine's RunResult shape (the journal does not keep the run's kind). */
export function journalRun(rec: JournalRecord, now: number): RunResult {
  return {
    id: rec.id,
    job: rec.job,
    status: rec.record.state,
    kind: null,
    files: rec.result?.files ?? 0,
    bytes: rec.result?.bytes ?? 0,
    storedBytes: rec.result?.storedBytes ?? 0,
    durationMs: runDuration(rec.record, now),
    transitions: rec.record.transitions,
    warnings: rec.result?.warnings ?? [],
    ...(rec.result?.error ? { error: rec.result.error } : rec.record.state === 'interrupted' ? { error: rec.record.transitions.at(-1)?.reason ?? 'interrupted' } : {}),
  };
}
