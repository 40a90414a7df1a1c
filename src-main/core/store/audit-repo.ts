import { atomically, type Db } from './database.js';
import type { AuditEntry } from '../model.js';

export class AuditRepo {
  constructor(private readonly db: Db) {}

  record(entry: Omit<AuditEntry, 'id'>): AuditEntry {
    const info = atomically(this.db, () =>
      this.db
        .prepare('INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)')
        .run(entry.at, entry.actor, entry.action, entry.subject, JSON.stringify(entry.detail)),
    );
    return { id: Number(info.lastInsertRowid), ...entry };
  }

  list(limit: number): AuditEntry[] {
    const rows = this.db.prepare('SELECT * FROM audit ORDER BY at DESC, id DESC LIMIT ?').all(limit) as Array<
      Record<string, unknown>
    >;
    return rows.map((r) => ({
      id: Number(r.id),
      at: Number(r.at),
      actor: String(r.actor),
      action: String(r.action),
      subject: String(r.subject),
      detail: JSON.parse(String(r.detail)) as Record<string, unknown>,
    }));
  }
}
