// An alert channel delivers notices to people. One channel = one file under alerts/channels/
// (core, plain Node) or src-main/shell/ (Electron-only, e.g. the desktop Notification channel).
import type { Alert } from '../model.js';

export type NoticeKind = 'opened' | 'reminder' | 'recovered' | 'acknowledged' | 'resolved';

export interface AlertNotice {
  kind: NoticeKind;
  alert: Alert;
  /** Short title for a notification: "web1 / homepage is DOWN". */
  title: string;
  /** One or two lines: the reason, or "Recovered after being down for 4 min 12 s". */
  body: string;
  at: number;
  // Optional context for channels that show more than a line (email, webhook). The alert manager
  // fills what it knows; a channel shows what is present and leaves the rest out.
  /** What the check probes, as its kind describes it ("https://web1.example.com/health"). */
  url?: string;
  /** How long the outage lasted, on a recovery notice. */
  downtimeMs?: number;
  /** The last few probe results, newest first. */
  recentResults?: NoticeResult[];
  /** Figures over the check's recent history (the LAYA webhook payload's `statistics`). */
  statistics?: NoticeStatistics;
  /** Set on a notice sent because an alert stayed unacknowledged (routing escalation). */
  escalation?: { step: number; afterMs: number };
}

export interface NoticeResult {
  at: number;
  status: 'up' | 'degraded' | 'down';
  latencyMs: number | null;
  message: string;
}

export interface NoticeStatistics {
  totalChecks: number;
  totalFailures: number;
  consecutiveFailures: number;
  /** 0..100 */
  uptimePercentage: number;
  avgResponseTimeMs: number | null;
}

/** What the peer answered to a delivery ("250 2.0.0 Ok: queued", "HTTP 200 from hooks.example.com"). */
export interface DeliveryReceipt {
  answer: string;
}

export interface AlertChannel {
  /** Unique name ("desktop", "email:ops", ...). */
  readonly name: string;
  /** How long one delivery may take before it is aborted and retried later (default 30 s). */
  readonly deliveryTimeoutMs?: number;
  /** Which notice kinds this channel wants (acknowledged/resolved by hand are often not worth a popup). */
  accepts(kind: NoticeKind): boolean;
  /**
   * Delivers one notice; rejects on failure (the caller records it and retries with backoff).
   * `ctx.idempotencyKey` is the same for every attempt of one notice to this channel: a channel
   * whose peer can de-duplicate (an `Idempotency-Key` header, a message id) must pass it on, so a
   * crash between sending and recording the delivery never shows the notice twice.
   * `ctx.signal` aborts at the channel's delivery timeout or at shutdown.
   */
  deliver(notice: AlertNotice, ctx: DeliveryContext): Promise<void | DeliveryReceipt>;
}

export interface DeliveryContext {
  idempotencyKey: string;
  signal: AbortSignal;
  /** 1 for the first attempt. */
  attempt: number;
}
