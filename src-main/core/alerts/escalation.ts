// Escalation: while an alert stays open and unacknowledged, the routes' `escalate` steps tell
// further channels. Due steps are decided by routing.ts (pure); this owner runs them on a timer,
// writes each step's notices and marks the step done in the alert's metadata in ONE transaction, so
// a step is sent once even across restarts (the outbox keys make a repeat a no-op as well).
import type { Store } from '../store/store.js';
import type { Notifier } from './notifier.js';
import type { KaavanConfig } from '../config/schema.js';
import type { AlertNotice } from './channel.js';
import type { Logger } from '../log/logger.js';
import { dueEscalations } from './routing.js';
import { humanDuration } from '../config/duration.js';

const TICK_MS = 15_000;

export class Escalator {
  private timer: NodeJS.Timeout | null = null;
  private config: KaavanConfig | null = null;

  constructor(
    private readonly store: Store,
    private readonly notifier: Notifier,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  apply(config: KaavanConfig): void {
    this.config = config;
  }

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Sends every escalation step due now (also steps missed while Kaavan was not running). */
  tick(): void {
    const config = this.config;
    if (!config?.routes?.some((r) => r.escalate?.length)) return;
    const routing = { channels: config.channels ?? [], routes: config.routes };
    const tags = new Map((config.targets ?? []).map((t) => [t.name, t.tags ?? []]));
    const now = this.now();
    try {
      for (const alert of this.store.alerts.list({ state: 'open', limit: 1000 })) {
        if ((alert.silencedUntil ?? 0) > now) continue; // silenced (issue 8): no escalation until it ends
        const done = new Set(Array.isArray(alert.metadata.escalated) ? (alert.metadata.escalated as string[]) : []);
        const subject = { target: alert.target, check: alert.check, tags: tags.get(alert.target) ?? [], severity: alert.severity };
        const due = dueEscalations(alert, subject, routing, now, done);
        if (due.length === 0) continue;
        this.store.transact((tx) => {
          for (const step of due) {
            const notice: AlertNotice = {
              kind: 'opened',
              alert,
              title: `${alert.target} / ${alert.check} is still DOWN — unacknowledged for ${humanDuration(step.afterMs)}`,
              body: alert.message,
              at: now,
              escalation: { step: step.step, afterMs: step.afterMs },
            };
            // A channel in quiet hours is skipped for this step, as for any notice (docs/channels.md).
            this.notifier.enqueueTo(notice, step.key, step.decisions.filter((d) => d.deliver).map((d) => d.channel), tx);
            done.add(step.key);
          }
          this.store.alerts.setMetadata(alert.id, { ...alert.metadata, escalated: [...done] });
        });
      }
    } catch (error) {
      this.log.warn('escalation failed; it is tried again shortly', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
