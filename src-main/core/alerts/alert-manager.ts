// Carries out alert decisions (alert-decision.ts) inside the caller's transaction: the alert rows,
// their events and the outbox rows for every channel are written together with the probe's result
// and state, or not at all. Listeners and delivery start only after the commit.
// Also the manual acknowledge/resolve and the closing of alerts of retired or disabled checks.
import type { Alert, Severity } from '../model.js';
import type { AlertNotice, NoticeKind } from './channel.js';
import type { Store, Tx } from '../store/store.js';
import type { Notifier } from './notifier.js';
import type { AlertAction } from './alert-decision.js';
import { KaavanError } from '../api/errors.js';
import { humanDuration } from '../config/duration.js';

export function alertKey(checkId: number): string {
  return `check:${checkId}`;
}

export function downtimeText(ms: number): string {
  return `down for ${humanDuration(ms)}`;
}

export interface AlertSubject {
  /** The check the alert is about; null for a target-level alert (which then gives its own key). */
  checkId: number | null;
  target: string;
  check: string;
  describe: string;
  /** Target-level alerts (hosts issue: "web1 unreachable over SSH"): their own key and severity. */
  key?: string;
  /** Severity of the DOWN alert (check option `severity`, or a target-level alert's own); default error. */
  severity?: Severity;
  /** How the check came back, when it has a heal (issue 8): "recovered after 'restart nginx'" or "recovered by itself". */
  recovery?: string | null;
}

export type AlertListener = (type: 'opened' | 'reminder' | 'acknowledged' | 'resolved', alert: Alert, text: string) => void;

export class AlertManager {
  constructor(
    private readonly store: Store,
    private readonly notifier: Notifier,
    private readonly onChange: AlertListener,
    private readonly now: () => number = Date.now,
  ) {}

  /** Writes what `action` asks for, as part of `tx`; `message` is the probe's message. */
  apply(subject: AlertSubject, action: AlertAction, message: string, at: number, tx: Tx): void {
    const name = `${subject.target} / ${subject.check}`;
    const alerts = this.store.alerts;
    switch (action.kind) {
      case 'open': {
        const degraded = action.level === 'degraded';
        const { alert, eventId } = alerts.open({
          key: subject.key ?? alertKey(subject.checkId ?? 0),
          checkId: subject.checkId,
          target: subject.target,
          check: subject.check,
          severity: degraded ? 'warning' : (subject.severity ?? 'error'),
          title: degraded ? `${name} is degraded` : `${name} is down`,
          message,
          at,
          metadata: { describe: subject.describe, downSince: action.downSince },
        });
        this.emit(tx, 'opened', 'opened', alert, eventId, degraded ? `${name} is DEGRADED` : `${name} is DOWN`, message, at);
        return;
      }
      case 'reopen': {
        // Still active from an earlier outage (acknowledged, never recovered): keep one alert.
        alerts.seen(action.alert.id, at, message);
        const eventId = alerts.addEvent(action.alert.id, at, 'reopened', `Down again: ${message}`);
        this.emit(tx, 'opened', 'opened', alerts.get(action.alert.id)!, eventId, `${name} is DOWN`, message, at);
        return;
      }
      case 'remind': {
        const alert = alerts.seen(action.alert.id, at, message);
        const text = `Still down after ${action.failuresWhileDown} failed probes (${downtimeText(at - action.downSince)}): ${message}`;
        const eventId = alerts.addEvent(alert.id, at, 'reminder', text);
        this.emit(tx, 'reminder', 'reminder', alert, eventId, `${name} is still DOWN`, text, at);
        return;
      }
      case 'seen':
        alerts.seen(action.alert.id, at, message);
        return;
      case 'resolve': {
        const text = subject.recovery
          ? `${subject.recovery.charAt(0).toUpperCase()}${subject.recovery.slice(1)}; ${downtimeText(action.downtimeMs)}`
          : `Recovered after being ${downtimeText(action.downtimeMs)}`;
        const { alert, eventId } = alerts.resolve(action.alert.id, at, 'auto', text);
        this.emit(tx, 'resolved', 'recovered', alert, eventId, `${name} is back UP`, text, at);
        return;
      }
    }
  }

  acknowledge(id: number, note: string | null): Alert {
    return this.store.transact((tx) => {
      const alert = this.require(id);
      if (alert.state === 'resolved') throw new KaavanError('conflict', `alert ${id} is already resolved`);
      const at = this.now();
      const { alert: updated, eventId } = this.store.alerts.acknowledge(id, at, note);
      this.emit(tx, 'acknowledged', 'acknowledged', updated, eventId, `${alert.target} / ${alert.check} acknowledged`, note ?? 'Acknowledged', at);
      return updated;
    });
  }

  resolve(id: number, note: string | null): Alert {
    return this.store.transact((tx) => {
      const alert = this.require(id);
      if (alert.state === 'resolved') throw new KaavanError('conflict', `alert ${id} is already resolved`);
      const at = this.now();
      const text = note ? `Resolved by hand: ${note}` : 'Resolved by hand';
      const { alert: updated, eventId } = this.store.alerts.resolve(id, at, 'manual', text);
      this.emit(tx, 'resolved', 'resolved', updated, eventId, `${alert.target} / ${alert.check} resolved`, text, at);
      return updated;
    });
  }

  /**
   * A check was removed or disabled: its active alert can no longer recover by itself, so it is
   * closed with the reason, and whoever was told it is down is told it is closed.
   */
  closeForCheck(checkId: number, reason: string, tx: Tx): Alert | null {
    const active = this.store.alerts.active(alertKey(checkId));
    if (!active) return null;
    const at = this.now();
    const text = `Closed: ${reason}`;
    const { alert, eventId } = this.store.alerts.resolve(active.id, at, 'manual', text);
    this.emit(tx, 'resolved', 'resolved', alert, eventId, `${alert.target} / ${alert.check} closed`, text, at);
    return alert;
  }

  private require(id: number): Alert {
    const alert = this.store.alerts.get(id);
    if (!alert) throw new KaavanError('not_found', `no alert with id ${id}`);
    return alert;
  }

  private emit(
    tx: Tx,
    type: Parameters<AlertListener>[0],
    noticeKind: NoticeKind,
    alert: Alert,
    eventId: number,
    title: string,
    body: string,
    at: number,
  ): void {
    const notice: AlertNotice = { kind: noticeKind, alert, title, body, at };
    this.notifier.enqueue(notice, `event:${eventId}`, tx);
    tx.afterCommit(() => this.onChange(type, alert, body));
  }
}
