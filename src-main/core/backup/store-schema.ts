// Writing a run to the backup run catalog in Kaavan's SQLite store (tables backup_runs and
// backup_run_transitions, created by the store's migrations). The destination stays the truth for
// what is restorable; the catalog is this machine's history (failed and cancelled runs included),
// for the UI, the CLI's `backup list`, and the backup checks (last success age, duration and size
// trends). Reads are in catalog.ts.
import { atomically, type Db } from '../store/database.js';
import type { RunResult } from './engine.js';

/** Inserts or replaces a run and its transitions (call after run() returns, or on recover()). */
export function saveRunToCatalog(db: Db, r: RunResult): void {
  const started = r.transitions[0]?.at ?? 0;
  const last = r.transitions[r.transitions.length - 1];
  atomically(db, () => {
    db.prepare(
      `INSERT OR REPLACE INTO backup_runs (id, job, kind, state, started_at, finished_at, files, bytes, stored_bytes, duration_ms, warnings, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(r.id, r.job, r.kind, r.status, started, last && last.to === r.status ? last.at : null, r.files, r.bytes, r.storedBytes, r.durationMs, r.warnings.length, r.error ?? null);
    db.prepare('DELETE FROM backup_run_transitions WHERE run_id = ?').run(r.id);
    const ins = db.prepare('INSERT INTO backup_run_transitions (run_id, seq, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?, ?)');
    r.transitions.forEach((t, i) => ins.run(r.id, i, t.from, t.to, t.at, t.reason ?? null));
  });
}
