import { atomically, type Db } from './database.js';
import type { AuditEntry } from '../model.js';

export interface AuditFilter {
  action?: string;
  subject?: string;
  actor?: string;
  since?: number;
  until?: number;
  limit?: number;
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

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
    return this.search({ limit });
  }

  /**
   * Filtered, newest first (issue 8): `action` matches the action or its family ("alert" matches
   * "alert.acknowledge"), `subject` is a case-insensitive substring, `actor` exact, times in ms.
   */
  search(filter: AuditFilter): AuditEntry[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.action) {
      where.push("(action = ? OR action LIKE ? ESCAPE '\\')");
      params.push(filter.action, `${likeEscape(filter.action)}.%`);
    }
    if (filter.subject) {
      where.push("subject LIKE ? ESCAPE '\\'");
      params.push(`%${likeEscape(filter.subject)}%`);
    }
    if (filter.actor) {
      where.push('actor = ?');
      params.push(filter.actor);
    }
    if (filter.since !== undefined) {
      where.push('at >= ?');
      params.push(filter.since);
    }
    if (filter.until !== undefined) {
      where.push('at < ?');
      params.push(filter.until);
    }
    params.push(filter.limit ?? 200);
    const rows = this.db
      .prepare(`SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`)
      .all(...(params as never[])) as Array<Record<string, unknown>>;
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
