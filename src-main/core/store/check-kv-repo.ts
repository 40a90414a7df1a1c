// Per-check memory for check kinds that need one (a file-integrity baseline, a log file's offset and
// inode). Values are JSON; keys are the kind's own. Rows go with the check when it is retired.
import { atomically, type Db } from './database.js';

export class CheckKvRepo {
  constructor(private readonly db: Db) {}

  get<T>(checkId: number, key: string): T | null {
    const row = this.db.prepare('SELECT value FROM check_kv WHERE check_id = ? AND key = ?').get(checkId, key) as { value: string } | undefined;
    return row ? (JSON.parse(String(row.value)) as T) : null;
  }

  set(checkId: number, key: string, value: unknown, now: number): void {
    atomically(this.db, () => this.db
      .prepare('INSERT INTO check_kv (check_id, key, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(check_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
      .run(checkId, key, JSON.stringify(value), now));
  }

  delete(checkId: number, key?: string): void {
    atomically(this.db, () => {
      if (key === undefined) this.db.prepare('DELETE FROM check_kv WHERE check_id = ?').run(checkId);
      else this.db.prepare('DELETE FROM check_kv WHERE check_id = ? AND key = ?').run(checkId, key);
    });
  }
}
