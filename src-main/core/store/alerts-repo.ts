import type { Db } from './database.js';
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
  };
}

export interface NewAlert {
  key: string;
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

  get(id: number): Alert | null {
    const row = this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as Row | undefined;
    return row ? toAlert(row) : null;
  }

  /** The open or acknowledged alert for a dedup key, if any. */
  active(key: string): Alert | null {
    const row = this.db.prepare("SELECT * FROM alerts WHERE key = ? AND state <> 'resolved'").get(key) as Row | undefined;
    return row ? toAlert(row) : null;
  }

  open(a: NewAlert): Alert {
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO alerts (key, target, check_name, severity, state, title, message, opened_at, last_seen_at, count, metadata)
           VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, 1, ?)`,
        )
        .run(a.key, a.target, a.check, a.severity, a.title, a.message, a.at, a.at, JSON.stringify(a.metadata));
      const id = Number(info.lastInsertRowid);
      this.addEvent(id, a.at, 'opened', a.message);
      return this.get(id)!;
    })();
  }

  /** Another failure while the alert is active. */
  seen(id: number, at: number, message: string): Alert {
    this.db.prepare('UPDATE alerts SET last_seen_at = ?, count = count + 1, message = ? WHERE id = ?').run(at, message, id);
    return this.get(id)!;
  }

  acknowledge(id: number, at: number, note: string | null): Alert {
    return this.db.transaction(() => {
      this.db.prepare("UPDATE alerts SET state = 'acknowledged', acked_at = ?, ack_note = ? WHERE id = ?").run(at, note, id);
      this.addEvent(id, at, 'acknowledged', note ? `Acknowledged: ${note}` : 'Acknowledged');
      return this.get(id)!;
    })();
  }

  resolve(id: number, at: number, by: 'auto' | 'manual', message: string): Alert {
    return this.db.transaction(() => {
      this.db.prepare("UPDATE alerts SET state = 'resolved', resolved_at = ?, resolved_by = ? WHERE id = ?").run(at, by, id);
      this.addEvent(id, at, 'resolved', message);
      return this.get(id)!;
    })();
  }

  addEvent(alertId: number, at: number, type: AlertEventType, message: string): void {
    this.db.prepare('INSERT INTO alert_events (alert_id, at, type, message) VALUES (?, ?, ?, ?)').run(alertId, at, type, message);
  }

  events(alertId: number): AlertEvent[] {
    const rows = this.db.prepare('SELECT * FROM alert_events WHERE alert_id = ? ORDER BY at, id').all(alertId) as Row[];
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

  countActive(): number {
    const row = this.db.prepare("SELECT COUNT(*) AS n FROM alerts WHERE state <> 'resolved'").get() as { n: number };
    return Number(row.n);
  }

  renameTarget(from: string, to: string): void {
    // Keys embed the target name; keep an active outage attached to the renamed target.
    this.db
      .prepare("UPDATE alerts SET target = ?, key = 'check:' || ? || '/' || check_name WHERE target = ?")
      .run(to, to, from);
  }
}
