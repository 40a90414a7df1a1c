// The give-up age of the delivery queue (issue 8): a notice still undelivered after
// `settings.deliveryGiveUp` (default 24 h) is marked failed, and Kaavan raises an alert about its own
// delivery through that channel ("Kaavan could not deliver 3 notices via ops-mail"), sent like any
// alert to every channel that takes it. The alert resolves itself once the channel delivers again.
import type { Store } from '../store/store.js';
import type { Notifier } from './notifier.js';
import type { Alert } from '../model.js';
import type { AlertNotice } from './channel.js';
import { humanDuration } from '../config/duration.js';

export const DEFAULT_GIVE_UP_MS = 24 * 3_600_000;

/** The dedup key of the alert about one channel's delivery. */
export const deliveryAlertKey = (channel: string) => `delivery:${channel}`;

export interface DeliveryWatchOptions {
  store: Store;
  notifier: Notifier;
  now: () => number;
  giveUpMs: () => number;
  /** Told after the commit (alert.opened / alert.resolved events). */
  onAlert?: (type: 'opened' | 'resolved', alert: Alert, text: string) => void;
}

/**
 * One pass: fails what is older than the give-up age, opens (or adds to) one alert per channel,
 * and resolves the alerts of channels that have delivered since. Returns what was given up.
 */
export function watchDeliveries(options: DeliveryWatchOptions): number {
  const { store, notifier } = options;
  const now = options.now();
  const giveUpMs = options.giveUpMs();
  const after = humanDuration(giveUpMs);
  return store.transact((tx) => {
    const rows = store.outbox.giveUp(now - giveUpMs, now, `gave up after ${after}`);
    const byChannel = new Map<string, typeof rows>();
    for (const row of rows) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row]);
    for (const [channel, failed] of byChannel) {
      const last = failed[failed.length - 1]!;
      const count = `${failed.length} notice${failed.length === 1 ? '' : 's'}`;
      const message = `Kaavan gave up delivering ${count} via ${channel} after ${after}${last.lastError ? `; last error: ${last.lastError}` : ''}`;
      const active = store.alerts.active(deliveryAlertKey(channel));
      let alert: Alert;
      let eventId: number;
      let text = message;
      if (active) {
        alert = store.alerts.seen(active.id, now, message);
        eventId = store.alerts.addEvent(active.id, now, 'reminder', message);
        text = `Still failing: ${message}`;
      } else {
        ({ alert, eventId } = store.alerts.open({
          key: deliveryAlertKey(channel),
          checkId: null,
          target: 'Kaavan',
          check: `delivery via ${channel}`,
          severity: 'error',
          title: `Kaavan could not deliver notices via ${channel}`,
          message,
          at: now,
          metadata: { channel, givenUp: failed.map((f) => f.id) },
        }));
      }
      const notice: AlertNotice = { kind: active ? 'reminder' : 'opened', alert, title: alert.title, body: text, at: now };
      notifier.enqueue(notice, `event:${eventId}`, tx);
      tx.afterCommit(() => options.onAlert?.('opened', alert, text));
    }
    // Channels that delivered after their delivery alert opened work again.
    for (const alert of store.alerts.list({ state: 'active', target: 'Kaavan', limit: 100 })) {
      const channel = typeof alert.metadata.channel === 'string' ? alert.metadata.channel : null;
      if (!channel || alert.key !== deliveryAlertKey(channel)) continue;
      const delivered = store.outbox.lastDeliveredAt(channel);
      if (delivered === null || delivered <= alert.lastSeenAt) continue;
      const text = `Delivery via ${channel} works again`;
      const { alert: resolved, eventId } = store.alerts.resolve(alert.id, now, 'auto', text);
      notifier.enqueue({ kind: 'recovered', alert: resolved, title: `Kaavan delivers via ${channel} again`, body: text, at: now }, `event:${eventId}`, tx);
      tx.afterCommit(() => options.onAlert?.('resolved', resolved, text));
    }
    return rows.length;
  });
}
