// The backup run catalog in Kaavan's SQLite store, for the lead to add as a migration in
// store/database.ts (this module does not edit the store). The destination stays the truth for what
// is restorable; the catalog is this machine's history (failed and cancelled runs included), for the
// UI, the CLI's `backup list`, and the backup checks (last success age, duration and size trends).
import type { Db } from '../store/database.js';
import type { RunResult } from './engine.js';

export const BACKUP_STORE_SCHEMA = `
CREATE TABLE backup_runs (
  id TEXT PRIMARY KEY,
  job TEXT NOT NULL,
  kind TEXT,
  state TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  files INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  stored_bytes INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER NOT NULL DEFAULT 0,
  warnings INTEGER NOT NULL DEFAULT 0,
  error TEXT
);
CREATE INDEX backup_runs_job_started ON backup_runs (job, started_at);
CREATE TABLE backup_run_transitions (
  run_id TEXT NOT NULL REFERENCES backup_runs (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  at INTEGER NOT NULL,
  reason TEXT,
  PRIMARY KEY (run_id, seq)
);
`;

/** Inserts or replaces a run and its transitions (call after run() returns, or on recover()). */
export function saveRunToCatalog(db: Db, r: RunResult): void {
  const started = r.transitions[0]?.at ?? 0;
  const last = r.transitions[r.transitions.length - 1];
  db.transaction(() => {
    db.prepare(
      `INSERT OR REPLACE INTO backup_runs (id, job, kind, state, started_at, finished_at, files, bytes, stored_bytes, duration_ms, warnings, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(r.id, r.job, r.kind, r.status, started, last && last.to === r.status ? last.at : null, r.files, r.bytes, r.storedBytes, r.durationMs, r.warnings.length, r.error ?? null);
    db.prepare('DELETE FROM backup_run_transitions WHERE run_id = ?').run(r.id);
    const ins = db.prepare('INSERT INTO backup_run_transitions (run_id, seq, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?, ?)');
    r.transitions.forEach((t, i) => ins.run(r.id, i, t.from, t.to, t.at, t.reason ?? null));
  })();
}
