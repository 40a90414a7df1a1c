import { atomically, type Db } from './database.js';
import { prepared } from './prepared.js';
import type { Alert, AlertEvent, AlertEventType, AlertState, Severity } from '../model.js';
import type { AlertFilter } from '../api/service.js';

type Row = Record<string, unknown>;

function toAlert(r: Row): Alert {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    checkId: r.check_id === null || r.check_id === undefined ? null : Number(r.check_id),
    key: String(r.key),
    target: String(r.target),
    check: String(r.check_name),
    severity: r.severity as Severity,
    state: r.state as AlertState,
    title: String(r.title),
    message: String(r.message),
    openedAt: Number(r.opened_at),
    lastSeenAt: Number(r.last_seen_at),
    ackedAt: num(r.acked_at),
    ackNote: r.ack_note === null || r.ack_note === undefined ? null : String(r.ack_note),
    resolvedAt: num(r.resolved_at),
    resolvedBy: (r.resolved_by ?? null) as Alert['resolvedBy'],
    count: Number(r.count),
    metadata: JSON.parse(String(r.metadata ?? '{}')) as Record<string, unknown>,
    silencedUntil: num(r.silenced_until),
  };
}

/** A page of the alert history (issue 8): search text, time range and the usual filters. */
export interface AlertHistoryQuery {
  /** Words searched in title, message, target, check and acknowledgement note (prefix match). */
  text?: string;
  /** Opened at or after (ms). */
  from?: number;
  /** Opened before (ms). */
  to?: number;
  state?: AlertState | 'active';
  severity?: Severity;
  target?: string;
  offset?: number;
  limit?: number;
}

/**
 * The user's words as an FTS5 query: each word a quoted prefix term, all required. Quoting keeps
 * FTS syntax (AND, NEAR, "*", ":") from being interpreted, so any text is a valid search.
 */
export function ftsQuery(text: string): string | null {
  const words = text
    .split(/\s+/)
    .map((w) => w.replace(/"/g, '').trim())
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length === 0) return null;
  return words.map((w) => `"${w}"*`).join(' AND ');
}

const CSV_COLUMNS = ['id', 'target', 'check', 'severity', 'state', 'title', 'message', 'opened_at', 'acked_at', 'ack_note', 'resolved_at', 'resolved_by', 'failed_probes'] as const;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // A cell starting with = + - @ is run as a formula by spreadsheets: neutralise it.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV of a list of alerts (RFC 4180, UTC ISO times, header row). */
export function alertsCsv(alerts: Alert[]): string {
  const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());
  const lines = [CSV_COLUMNS.join(',')];
  for (const a of alerts) {
    lines.push(
      [a.id, a.target, a.check, a.severity, a.state, a.title, a.message, iso(a.openedAt), iso(a.ackedAt), a.ackNote, iso(a.resolvedAt), a.resolvedBy, a.count]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export interface NewAlert {
  key: string;
  checkId: number | null;
  target: string;
  check: string;
  severity: Severity;
  title: string;
  message: string;
  at: number;
  metadata: Record<string, unknown>;
}

export class AlertsRepo {
  constructor(private readonly db: Db) {}

  /** A statement of fixed text, prepared once per connection (several run with every probe). */
  private sql(text: string) {
    return prepared(this.db, text);
  }

  get(id: number): Alert | null {
    const row = this.sql('SELECT * FROM alerts WHERE id = ?').get(id) as Row | undefined;
    return row ? toAlert(row) : null;
  }

  /** The most recent alert of a check whatever its state (the level-triggered repair looks at it). */
  latestForCheck(checkId: number): Alert | null {
    const row = this.sql('SELECT * FROM alerts WHERE check_id = ? ORDER BY id DESC LIMIT 1').get(checkId) as Row | undefined;
    return row ? toAlert(row) : null;
  }

  /** Active (open or acknowledged) alerts of checks, for reconciliation. */
  activeByCheck(): Map<number, Alert> {
    const rows = this.sql("SELECT * FROM alerts WHERE state <> 'resolved' AND check_id IS NOT NULL").all() as Row[];
    return new Map(rows.map((r) => [Number(r.check_id), toAlert(r)]));
  }

  /** Keeps the labels of a check's alerts in step with its current names (ids do not change). */
  relabel(checkId: number, target: string, check: string): void {
    this.sql('UPDATE alerts SET target = ?, check_name = ? WHERE check_id = ?').run(target, check, checkId);
  }

  /** The open or acknowledged alert for a dedup key, if any. */
  active(key: string): Alert | null {
    const row = this.sql("SELECT * FROM alerts WHERE key = ? AND state <> 'resolved'").get(key) as Row | undefined;
    return row ? toAlert(row) : null;
  }

  /** Opens an alert with its 'opened' event; returns both (the event id keys its notices). */
  open(a: NewAlert): { alert: Alert; eventId: number } {
    return atomically(this.db, () => {
      const info = this.db
        .prepare(
          `INSERT INTO alerts (key, check_id, target, check_name, severity, state, title, message, opened_at, last_seen_at, count, metadata)
           VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, 1, ?)`,
        )
        .run(a.key, a.checkId, a.target, a.check, a.severity, a.title, a.message, a.at, a.at, JSON.stringify(a.metadata));
      const id = Number(info.lastInsertRowid);
      const eventId = this.addEvent(id, a.at, 'opened', a.message);
      return { alert: this.get(id)!, eventId };
    });
  }

  setMetadata(id: number, metadata: Record<string, unknown>): void {
    this.sql('UPDATE alerts SET metadata = ? WHERE id = ?').run(JSON.stringify(metadata), id);
  }

  /** Another failure while the alert is active. */
  seen(id: number, at: number, message: string): Alert {
    this.sql('UPDATE alerts SET last_seen_at = ?, count = count + 1, message = ? WHERE id = ?').run(at, message, id);
    return this.get(id)!;
  }

  acknowledge(id: number, at: number, note: string | null): { alert: Alert; eventId: number } {
    return atomically(this.db, () => {
      this.sql("UPDATE alerts SET state = 'acknowledged', acked_at = ?, ack_note = ? WHERE id = ?").run(at, note, id);
      const eventId = this.addEvent(id, at, 'acknowledged', note ? `Acknowledged: ${note}` : 'Acknowledged');
      return { alert: this.get(id)!, eventId };
    });
  }

  resolve(id: number, at: number, by: 'auto' | 'manual', message: string): { alert: Alert; eventId: number } {
    return atomically(this.db, () => {
      this.sql("UPDATE alerts SET state = 'resolved', resolved_at = ?, resolved_by = ? WHERE id = ?").run(at, by, id);
      const eventId = this.addEvent(id, at, 'resolved', message);
      return { alert: this.get(id)!, eventId };
    });
  }

  addEvent(alertId: number, at: number, type: AlertEventType, message: string): number {
    return Number(
      this.sql('INSERT INTO alert_events (alert_id, at, type, message) VALUES (?, ?, ?, ?)').run(alertId, at, type, message).lastInsertRowid,
    );
  }

  events(alertId: number): AlertEvent[] {
    const rows = this.sql('SELECT * FROM alert_events WHERE alert_id = ? ORDER BY at, id').all(alertId) as Row[];
    return rows.map((r) => ({
      id: Number(r.id),
      alertId: Number(r.alert_id),
      at: Number(r.at),
      type: r.type as AlertEventType,
      message: String(r.message),
    }));
  }

  list(filter: AlertFilter): Alert[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.state === 'active') where.push("state <> 'resolved'");
    else if (filter.state) {
      where.push('state = ?');
      params.push(filter.state);
    }
    if (filter.severity) {
      where.push('severity = ?');
      params.push(filter.severity);
    }
    if (filter.target) {
      where.push('target = ?');
      params.push(filter.target);
    }
    params.push(filter.limit ?? 200);
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...(params as never[])) as Row[]).map(toAlert);
  }

  /** Where clause and parameters of a history query (shared by the page and its count). */
  private historyWhere(q: AlertHistoryQuery): { where: string; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    const match = q.text ? ftsQuery(q.text) : null;
    if (q.text && match === null) where.push('0');
    if (match !== null) {
      where.push('id IN (SELECT rowid FROM alerts_fts WHERE alerts_fts MATCH ?)');
      params.push(match);
    }
    if (q.from !== undefined) {
      where.push('opened_at >= ?');
      params.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('opened_at < ?');
      params.push(q.to);
    }
    // IN rather than <> 'resolved', so the (state, opened_at) index serves the active ones.
    if (q.state === 'active') where.push("state IN ('open', 'acknowledged')");
    else if (q.state) {
      where.push('state = ?');
      params.push(q.state);
    }
    if (q.severity) {
      where.push('severity = ?');
      params.push(q.severity);
    }
    if (q.target) {
      where.push('target = ?');
      params.push(q.target);
    }
    return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
  }

  /** One page of the history, newest first, with the number of alerts matching in all. */
  history(q: AlertHistoryQuery): { total: number; alerts: Alert[] } {
    const { where, params } = this.historyWhere(q);
    const total = Number((this.db.prepare(`SELECT COUNT(*) AS n FROM alerts ${where}`).get(...(params as never[])) as { n: number }).n);
    const rows = this.db
      .prepare(`SELECT * FROM alerts ${where} ORDER BY opened_at DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...([...params, q.limit ?? 100, q.offset ?? 0] as never[])) as Row[];
    return { total, alerts: rows.map(toAlert) };
  }

  /** Every alert a history query matches (for CSV export), newest first, at most `max`. */
  historyAll(q: AlertHistoryQuery, max: number): Alert[] {
    const { where, params } = this.historyWhere(q);
    const rows = this.db.prepare(`SELECT * FROM alerts ${where} ORDER BY opened_at DESC, id DESC LIMIT ?`).all(...([...params, max] as never[])) as Row[];
    return rows.map(toAlert);
  }

  /** Holds reminders back until `until` (null lifts the silence), with an event on the alert. */
  silence(id: number, until: number | null, at: number, message: string): { alert: Alert; eventId: number } {
    return atomically(this.db, () => {
      this.sql('UPDATE alerts SET silenced_until = ? WHERE id = ?').run(until, id);
      const eventId = this.addEvent(id, at, 'silenced', message);
      return { alert: this.get(id)!, eventId };
    });
  }

  countActive(): number {
    const row = this.sql("SELECT COUNT(*) AS n FROM alerts WHERE state <> 'resolved'").get() as { n: number };
    return Number(row.n);
  }
}
