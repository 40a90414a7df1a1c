// The incident-response methods of the service (issue 8): silences, the paged and searchable alert
// history with CSV export, the delivery queue, the route preview, the healing view and the audit
// filters. kaavan-service.ts keeps thin wrappers; the logic is here.
import type { Alert, AuditEntry, Severity } from '../model.js';
import type { Store } from '../store/store.js';
import type { AlertHistoryQuery } from '../store/alerts-repo.js';
import { alertsCsv } from '../store/alerts-repo.js';
import type { AuditFilter } from '../store/audit-repo.js';
import type { QueueItem } from '../store/outbox-repo.js';
import type { KaavanConfig } from '../config/schema.js';
import type { NoticeKind } from '../alerts/channel.js';
import { previewRoute, type RoutePreview } from '../alerts/routing.js';
import type { HealCoordinator, HealStatus } from '../healing/heal-coordinator.js';
import { DEFAULT_GIVE_UP_MS } from '../alerts/delivery-watch.js';
import { humanDuration, parseDuration } from '../config/duration.js';
import { KaavanError } from './errors.js';

/** At most this many rows in one CSV export. */
export const CSV_EXPORT_MAX = 100_000;

export interface AlertHistoryPage {
  total: number;
  offset: number;
  alerts: Alert[];
}

export interface DeliveryQueue {
  /** Every channel notices go to, with its undelivered counts. */
  channels: Array<{ name: string; pending: number; failed: number }>;
  items: QueueItem[];
  giveUpMs: number;
}

/** The give-up age in ms from the settings. */
export function giveUpMsOf(config: KaavanConfig): number {
  const raw = config.settings?.deliveryGiveUp;
  return raw === undefined ? DEFAULT_GIVE_UP_MS : (parseDuration(raw) ?? DEFAULT_GIVE_UP_MS);
}

export interface IncidentDeps {
  store: Store;
  now: () => number;
  config: () => KaavanConfig;
  /** Names of the delivery lanes (configured or built-in channels). */
  channelNames: () => string[];
  /** Wakes the delivery lanes after "Retry now". */
  kickDelivery?: () => void;
  healing?: HealCoordinator;
  /** The stable id of a check by its labels, or null. */
  checkIdOf: (target: string, check: string) => number | null;
  audit: (action: string, subject: string, detail: Record<string, unknown>) => void;
  onAlertChanged: (alert: Alert, text: string) => void;
}

export class IncidentMethods {
  constructor(private readonly deps: IncidentDeps) {}

  silenceAlert(input: { id: number; forMs: number; note?: string }): Alert {
    const { store } = this.deps;
    const at = this.deps.now();
    const alert = store.transact(() => {
      const current = store.alerts.get(input.id);
      if (!current) throw new KaavanError('not_found', `no alert with id ${input.id}`);
      if (current.state === 'resolved') throw new KaavanError('conflict', `alert ${input.id} (${current.target} / ${current.check}) is already resolved`);
      const until = input.forMs === 0 ? null : at + input.forMs;
      const note = input.note?.trim();
      const text =
        until === null
          ? 'Silence lifted: reminders are sent again'
          : `Silenced for ${humanDuration(input.forMs)} (until ${new Date(until).toISOString().slice(0, 16).replace('T', ' ')} UTC): no reminders; the recovery is still sent${note ? `. ${note}` : ''}`;
      return store.alerts.silence(input.id, until, at, text).alert;
    });
    this.deps.audit(input.forMs === 0 ? 'alert.unsilence' : 'alert.silence', `${alert.target} / ${alert.check}`, {
      alert: alert.id,
      ...(input.forMs ? { for: humanDuration(input.forMs) } : {}),
      note: input.note ?? null,
    });
    this.deps.onAlertChanged(alert, input.forMs === 0 ? 'silence lifted' : `silenced for ${humanDuration(input.forMs)}`);
    return alert;
  }

  alertHistory(input: AlertHistoryQuery): AlertHistoryPage {
    const page = this.deps.store.alerts.history(input);
    return { total: page.total, offset: input.offset ?? 0, alerts: page.alerts };
  }

  exportAlertsCsv(input: Omit<AlertHistoryQuery, 'offset' | 'limit'>): { csv: string; rows: number; truncated: boolean } {
    const alerts = this.deps.store.alerts.historyAll(input, CSV_EXPORT_MAX + 1);
    const truncated = alerts.length > CSV_EXPORT_MAX;
    const rows = truncated ? alerts.slice(0, CSV_EXPORT_MAX) : alerts;
    return { csv: alertsCsv(rows), rows: rows.length, truncated };
  }

  deliveryQueue(input: { channel?: string; state?: 'pending' | 'failed'; limit?: number }): DeliveryQueue {
    const { store } = this.deps;
    const counts = store.outbox.queueCounts();
    const names = new Set([...this.deps.channelNames(), ...counts.keys()]);
    return {
      channels: [...names].map((name) => ({ name, pending: counts.get(name)?.pending ?? 0, failed: counts.get(name)?.failed ?? 0 })),
      items: store.outbox.queue(input),
      giveUpMs: giveUpMsOf(this.deps.config()),
    };
  }

  retryDelivery(input: { id: number }): { channel: string } {
    const channel = this.deps.store.outbox.retryNow(input.id, this.deps.now());
    if (channel === null) throw new KaavanError('not_found', `no undelivered notice with id ${input.id} (it may have been delivered meanwhile)`);
    this.deps.audit('delivery.retry', channel, { notice: input.id });
    this.deps.kickDelivery?.();
    return { channel };
  }

  previewRoute(input: { target: string; check: string; severity?: Severity; event?: NoticeKind }): RoutePreview {
    const config = this.deps.config();
    const channels = (config.channels ?? []).length > 0 ? (config.channels ?? []) : this.deps.channelNames().map((name) => ({ name }));
    const tags = (config.targets ?? []).find((t) => t.name === input.target)?.tags ?? [];
    return previewRoute({ ...input, tags }, { channels, routes: (config.channels ?? []).length > 0 ? (config.routes ?? []) : [] });
  }

  healStatus(): HealStatus[] {
    return this.deps.healing?.status(this.deps.checkIdOf) ?? [];
  }

  searchAudit(input: AuditFilter): AuditEntry[] {
    return this.deps.store.audit.search(input);
  }
}
