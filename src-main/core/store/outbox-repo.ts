import type { Db } from './database.js';
import type { AlertNotice } from '../alerts/channel.js';

export interface OutboxItem {
  id: number;
  channel: string;
  notice: AlertNotice;
  attempts: number;
}

/** Notices waiting for delivery. A notice is written here before any channel sees it. */
export class OutboxRepo {
  constructor(private readonly db: Db) {}

  enqueue(channel: string, notice: AlertNotice, now: number): number {
    const info = this.db
      .prepare('INSERT INTO outbox (channel, notice, created_at, next_attempt_at) VALUES (?, ?, ?, ?)')
      .run(channel, JSON.stringify(notice), now, now);
    return Number(info.lastInsertRowid);
  }

  due(now: number, limit = 50): OutboxItem[] {
    const rows = this.db
      .prepare(
        `SELECT id, channel, notice, attempts FROM outbox
         WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?`,
      )
      .all(now, limit) as Array<{ id: number; channel: string; notice: string; attempts: number }>;
    return rows.map((r) => ({
      id: Number(r.id),
      channel: r.channel,
      notice: JSON.parse(r.notice) as AlertNotice,
      attempts: Number(r.attempts),
    }));
  }

  /** The earliest time something is due, or null when nothing waits. */
  nextDueAt(): number | null {
    const row = this.db
      .prepare('SELECT MIN(next_attempt_at) AS next FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL')
      .get() as { next: number | null };
    return row.next === null ? null : Number(row.next);
  }

  markDelivered(id: number, now: number): void {
    this.db.prepare('UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?').run(now, id);
  }

  markFailed(id: number, error: string, retryAt: number | null, now: number): void {
    this.db
      .prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at), failed_at = ? WHERE id = ?')
      .run(error, retryAt, retryAt === null ? now : null, id);
  }

  pendingCount(): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL')
      .get() as { n: number };
    return Number(row.n);
  }
}
