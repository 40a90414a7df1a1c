import { atomically, type Db } from './database.js';
import type { AlertNotice } from '../alerts/channel.js';

export interface OutboxItem {
  id: number;
  channel: string;
  notice: AlertNotice;
  attempts: number;
  idempotencyKey: string;
  createdAt: number;
}

/**
 * Notices waiting for delivery. A notice is written here in the same transaction as the alert
 * change that caused it, before any channel sees it. One row per (alert event, channel): the
 * idempotency key makes a repeated enqueue a no-op and is handed to the channel on every attempt.
 */
export class OutboxRepo {
  constructor(private readonly db: Db) {}

  /** Returns the row id, or null when a row with this key already exists. */
  enqueue(channel: string, notice: AlertNotice, now: number, idempotencyKey: string): number | null {
    const info = atomically(this.db, () => this.db
      .prepare(
        'INSERT OR IGNORE INTO outbox (channel, notice, created_at, next_attempt_at, idempotency_key) VALUES (?, ?, ?, ?, ?)',
      )
      .run(channel, JSON.stringify(notice), now, now, idempotencyKey));
    return Number(info.changes) === 0 ? null : Number(info.lastInsertRowid);
  }

  /** Due rows of one channel, oldest first. */
  due(channel: string, now: number, limit = 20): OutboxItem[] {
    const rows = this.db
      .prepare(
        `SELECT id, channel, notice, attempts, idempotency_key, created_at FROM outbox
         WHERE channel = ? AND delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?`,
      )
      .all(channel, now, limit) as Array<{ id: number; channel: string; notice: string; attempts: number; idempotency_key: string; created_at: number }>;
    return rows.map((r) => ({
      id: Number(r.id),
      channel: r.channel,
      notice: JSON.parse(r.notice) as AlertNotice,
      attempts: Number(r.attempts),
      idempotencyKey: r.idempotency_key,
      createdAt: Number(r.created_at),
    }));
  }

  /** The earliest time something is due for one channel, or null when nothing waits. */
  nextDueAt(channel: string): number | null {
    const row = this.db
      .prepare('SELECT MIN(next_attempt_at) AS next FROM outbox WHERE channel = ? AND delivered_at IS NULL AND failed_at IS NULL')
      .get(channel) as { next: number | null };
    return row.next === null ? null : Number(row.next);
  }

  markDelivered(id: number, now: number): void {
    atomically(this.db, () => this.db.prepare('UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?').run(now, id));
  }

  markFailed(id: number, error: string, retryAt: number | null, now: number): void {
    atomically(this.db, () =>
      this.db
        .prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at), failed_at = ? WHERE id = ?')
        .run(error, retryAt, retryAt === null ? now : null, id),
    );
  }

  /** Pending rows (optionally only those of the given channels) and the age of the oldest. */
  backlog(channels?: string[]): { pending: number; oldestAt: number | null } {
    const filter = channels ? `AND channel IN (${channels.map(() => '?').join(',') || "''"})` : '';
    const row = this.db
      .prepare(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL ${filter}`)
      .get(...((channels ?? []) as never[])) as { n: number; oldest: number | null };
    return { pending: Number(row.n), oldestAt: row.oldest === null ? null : Number(row.oldest) };
  }

  pendingCount(): number {
    return this.backlog().pending;
  }
}
