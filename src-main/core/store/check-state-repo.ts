import type { Db } from './database.js';

/** Persists each check's state-machine state so a restart resumes (an open outage stays open). */
export class CheckStateRepo {
  constructor(private readonly db: Db) {}

  load<T>(): Map<string, T> {
    const rows = this.db.prepare('SELECT target, check_name, state FROM check_state').all() as Array<{
      target: string;
      check_name: string;
      state: string;
    }>;
    return new Map(rows.map((r) => [`${r.target}/${r.check_name}`, JSON.parse(r.state) as T]));
  }

  save(target: string, check: string, state: unknown): void {
    this.db
      .prepare(
        'INSERT INTO check_state (target, check_name, state) VALUES (?, ?, ?) ON CONFLICT(target, check_name) DO UPDATE SET state = excluded.state',
      )
      .run(target, check, JSON.stringify(state));
  }

  delete(target: string, check: string): void {
    this.db.prepare('DELETE FROM check_state WHERE target = ? AND check_name = ?').run(target, check);
  }
}
