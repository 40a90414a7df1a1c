// Turns state-machine signals into alerts (one active alert per check, deduplicated by key),
// their persisted events, and notices for the channels. Also the manual acknowledge/resolve.
import type { Alert } from '../model.js';
import type { AlertNotice, NoticeKind } from './channel.js';
import type { MachineSignal } from '../engine/check-state-machine.js';
import type { Store } from '../store/store.js';
import type { Notifier } from './notifier.js';
import { KaavanError } from '../api/errors.js';
import { humanDuration } from '../config/duration.js';

export function alertKey(target: string, check: string): string {
  return `check:${target}/${check}`;
}

export function downtimeText(ms: number): string {
  return `down for ${humanDuration(ms)}`;
}

export interface AlertSubject {
  target: string;
  check: string;
  describe: string;
}

export type AlertListener = (type: 'opened' | 'reminder' | 'acknowledged' | 'resolved', alert: Alert, text: string) => void;

export class AlertManager {
  constructor(
    private readonly store: Store,
    private readonly notifier: Notifier,
    private readonly onChange: AlertListener,
    private readonly now: () => number = Date.now,
  ) {}

  /** Acts on a state-machine signal for one check; `message` is the probe's message. */
  handle(subject: AlertSubject, signal: MachineSignal, message: string, at: number): void {
    const key = alertKey(subject.target, subject.check);
    const name = `${subject.target} / ${subject.check}`;
    switch (signal.kind) {
      case 'down': {
        const existing = this.store.alerts.active(key);
        if (existing) {
          // Still active from an earlier outage (e.g. acknowledged, never recovered): keep one alert.
          const alert = this.store.alerts.seen(existing.id, at, message);
          this.store.alerts.addEvent(alert.id, at, 'reopened', `Down again: ${message}`);
          this.emit('opened', 'opened', alert, `${name} is DOWN`, message, at);
          return;
        }
        const alert = this.store.alerts.open({
          key,
          target: subject.target,
          check: subject.check,
          severity: 'error',
          title: `${name} is down`,
          message,
          at,
          metadata: { describe: subject.describe, downSince: signal.downSince },
        });
        this.emit('opened', 'opened', alert, `${name} is DOWN`, message, at);
        return;
      }
      case 'still-down': {
        const active = this.store.alerts.active(key);
        if (!active) return; // resolved by hand during this outage: stay quiet until it recovers
        const alert = this.store.alerts.seen(active.id, at, message);
        // An acknowledged alert means someone is on it: no more reminders for this outage.
        if (signal.reminder && alert.state === 'open') {
          const text = `Still down after ${signal.failuresWhileDown} failed checks (${downtimeText(at - signal.downSince)}): ${message}`;
          this.store.alerts.addEvent(alert.id, at, 'reminder', text);
          this.emit('reminder', 'reminder', alert, `${name} is still DOWN`, text, at);
        }
        return;
      }
      case 'recovered': {
        const active = this.store.alerts.active(key);
        if (!active) return;
        const text = `Recovered after being ${downtimeText(signal.downtimeMs)}`;
        const alert = this.store.alerts.resolve(active.id, at, 'auto', text);
        this.emit('resolved', 'recovered', alert, `${name} is back UP`, text, at);
        return;
      }
    }
  }

  acknowledge(id: number, note: string | null): Alert {
    const alert = this.require(id);
    if (alert.state === 'resolved') throw new KaavanError('conflict', `alert ${id} is already resolved`);
    const updated = this.store.alerts.acknowledge(id, this.now(), note);
    this.emit('acknowledged', 'acknowledged', updated, `${alert.target} / ${alert.check} acknowledged`, note ?? 'Acknowledged', this.now());
    return updated;
  }

  resolve(id: number, note: string | null): Alert {
    const alert = this.require(id);
    if (alert.state === 'resolved') throw new KaavanError('conflict', `alert ${id} is already resolved`);
    const text = note ? `Resolved by hand: ${note}` : 'Resolved by hand';
    const updated = this.store.alerts.resolve(id, this.now(), 'manual', text);
    this.emit('resolved', 'resolved', updated, `${alert.target} / ${alert.check} resolved`, text, this.now());
    return updated;
  }

  /** A check was removed or disabled: its active alert can no longer recover by itself. */
  closeForRetiredCheck(target: string, check: string, reason: 'removed from' | 'disabled in'): void {
    const active = this.store.alerts.active(alertKey(target, check));
    if (!active) return;
    const text = `Resolved: the check was ${reason} the configuration`;
    const updated = this.store.alerts.resolve(active.id, this.now(), 'manual', text);
    this.onChange('resolved', updated, text);
  }

  private require(id: number): Alert {
    const alert = this.store.alerts.get(id);
    if (!alert) throw new KaavanError('not_found', `no alert with id ${id}`);
    return alert;
  }

  private emit(
    type: Parameters<AlertListener>[0],
    noticeKind: NoticeKind,
    alert: Alert,
    title: string,
    body: string,
    at: number,
  ): void {
    const notice: AlertNotice = { kind: noticeKind, alert, title, body, at };
    this.notifier.notify(notice);
    this.onChange(type, alert, body);
  }
}
