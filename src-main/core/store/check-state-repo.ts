import type { Db } from './database.js';

/** Persists each check's state-machine state by check id, so a restart resumes (an open outage stays open). */
export class CheckStateRepo {
  private readonly saveStmt;
  constructor(private readonly db: Db) {
    this.saveStmt = db.prepare(
      'INSERT INTO check_state (check_id, state) VALUES (?, ?) ON CONFLICT(check_id) DO UPDATE SET state = excluded.state',
    );
  }

  load<T>(): Map<number, T> {
    const rows = this.db.prepare('SELECT check_id, state FROM check_state').all() as Array<{ check_id: number; state: string }>;
    return new Map(rows.map((r) => [Number(r.check_id), JSON.parse(r.state) as T]));
  }

  save(checkId: number, state: unknown): void {
    this.saveStmt.run(checkId, JSON.stringify(state));
  }

  delete(checkId: number): void {
    this.db.prepare('DELETE FROM check_state WHERE check_id = ?').run(checkId);
  }
}
