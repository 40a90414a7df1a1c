import { atomically, type Db } from './database.js';
import type { AlertNotice } from '../alerts/channel.js';

type Row = Record<string, unknown>;

/** One undelivered notice in the delivery queue. */
export interface QueueItem {
  id: number;
  channel: string;
  state: 'pending' | 'failed';
  alertId: number;
  title: string;
  kind: AlertNotice['kind'];
  attempts: number;
  createdAt: number;
  /** When the next attempt is due (pending rows). */
  nextAttemptAt: number | null;
  failedAt: number | null;
  lastError: string | null;
}

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

  /**
   * The delivery queue as the UI shows it (issue 8): rows not delivered, pending or failed, newest
   * first, optionally of one channel.
   */
  queue(filter: { channel?: string; state?: 'pending' | 'failed'; limit?: number } = {}): QueueItem[] {
    const where = ['delivered_at IS NULL'];
    const params: unknown[] = [];
    if (filter.channel) {
      where.push('channel = ?');
      params.push(filter.channel);
    }
    if (filter.state === 'pending') where.push('failed_at IS NULL');
    if (filter.state === 'failed') where.push('failed_at IS NOT NULL');
    params.push(filter.limit ?? 500);
    const rows = this.db
      .prepare(
        `SELECT id, channel, notice, attempts, idempotency_key, created_at, next_attempt_at, failed_at, last_error FROM outbox
         WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .all(...(params as never[])) as Row[];
    return rows.map((r) => {
      const notice = JSON.parse(String(r.notice)) as AlertNotice;
      return {
        id: Number(r.id),
        channel: String(r.channel),
        state: r.failed_at === null ? 'pending' : 'failed',
        alertId: notice.alert.id,
        title: notice.title,
        kind: notice.kind,
        attempts: Number(r.attempts),
        createdAt: Number(r.created_at),
        nextAttemptAt: r.failed_at === null ? Number(r.next_attempt_at) : null,
        failedAt: r.failed_at === null ? null : Number(r.failed_at),
        lastError: r.last_error === null ? null : String(r.last_error),
      } satisfies QueueItem;
    });
  }

  /** Per channel: pending and failed counts (rows not delivered). */
  queueCounts(): Map<string, { pending: number; failed: number }> {
    const rows = this.db
      .prepare(
        `SELECT channel, SUM(failed_at IS NULL) AS pending, SUM(failed_at IS NOT NULL) AS failed FROM outbox
         WHERE delivered_at IS NULL GROUP BY channel`,
      )
      .all() as Row[];
    return new Map(rows.map((r) => [String(r.channel), { pending: Number(r.pending), failed: Number(r.failed) }]));
  }

  /**
   * Makes a pending or failed row due now ("Retry now"); a failed row becomes pending again with
   * its attempts kept. Returns the channel, or null when there is no such undelivered row.
   */
  retryNow(id: number, now: number): string | null {
    return atomically(this.db, () => {
      const row = this.db.prepare('SELECT channel FROM outbox WHERE id = ? AND delivered_at IS NULL').get(id) as { channel: string } | undefined;
      if (!row) return null;
      this.db.prepare('UPDATE outbox SET next_attempt_at = ?, failed_at = NULL, created_at = CASE WHEN failed_at IS NULL THEN created_at ELSE ? END WHERE id = ?').run(now, now, id);
      return String(row.channel);
    });
  }

  /**
   * Gives up on pending rows created before `before`: they are marked failed with `reason`
   * appended to their last error. Returns what was given up (channel, alert id, title).
   */
  giveUp(before: number, now: number, reason: string): Array<{ id: number; channel: string; alertId: number; title: string; lastError: string | null }> {
    return atomically(this.db, () => {
      const rows = this.db
        .prepare('SELECT id, channel, notice, last_error FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL AND created_at < ? ORDER BY id LIMIT 1000')
        .all(before) as Row[];
      const update = this.db.prepare("UPDATE outbox SET failed_at = ?, last_error = COALESCE(last_error || '; ', '') || ? WHERE id = ?");
      return rows.map((r) => {
        update.run(now, reason, Number(r.id));
        const notice = JSON.parse(String(r.notice)) as AlertNotice;
        return { id: Number(r.id), channel: String(r.channel), alertId: notice.alert.id, title: notice.title, lastError: r.last_error === null ? null : String(r.last_error) };
      });
    });
  }

  /** When the channel last delivered a notice, or null. */
  lastDeliveredAt(channel: string): number | null {
    const row = this.db.prepare('SELECT MAX(delivered_at) AS at FROM outbox WHERE channel = ?').get(channel) as { at: number | null };
    return row.at === null ? null : Number(row.at);
  }

  pendingCount(): number {
    return this.backlog().pending;
  }
}
