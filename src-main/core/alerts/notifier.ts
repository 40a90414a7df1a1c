// Delivers notices to channels through the persisted outbox: a notice is written to the store
// first, then delivered; failures are retried with backoff, and whatever is still pending when
// Kaavan stops is delivered after the next start. Nothing is dropped silently.
import type { AlertChannel, AlertNotice } from './channel.js';
import type { OutboxRepo } from '../store/outbox-repo.js';

/** Delay before attempt n+1 (ms); after the last one an item is marked failed. */
const BACKOFF_MS = [1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000];

export interface NotifierOptions {
  outbox: OutboxRepo;
  channels: AlertChannel[];
  now?: () => number;
  /** Reports delivery failures (logged by the caller). */
  onError?: (channel: string, error: unknown) => void;
  /** Delays between attempts (tests shorten them). */
  backoffMs?: number[];
}

export class Notifier {
  private readonly channels = new Map<string, AlertChannel>();
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly options: NotifierOptions) {
    this.now = options.now ?? Date.now;
    for (const channel of options.channels) this.channels.set(channel.name, channel);
  }

  addChannel(channel: AlertChannel): void {
    this.channels.set(channel.name, channel);
    this.kick();
  }

  /** Queues a notice for every channel that wants it, then starts delivery. */
  notify(notice: AlertNotice): void {
    const at = this.now();
    for (const channel of this.channels.values()) {
      if (channel.accepts(notice.kind)) this.options.outbox.enqueue(channel.name, notice, at);
    }
    this.kick();
  }

  /**
   * Delivers everything due now; resolves when done (tests and shutdown await it). Calls queue
   * behind a drain in progress, so a notice written during its last step is not left waiting.
   */
  flush(): Promise<void> {
    const run: Promise<void> = (this.draining ?? Promise.resolve())
      .then(() => this.drain())
      .catch((error: unknown) => this.options.onError?.('outbox', error))
      .finally(() => {
        if (this.draining === run) {
          this.draining = null;
          this.armTimer();
        }
      });
    this.draining = run;
    return run;
  }

  start(): void {
    this.stopped = false;
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private kick(): void {
    if (this.stopped) return;
    void this.flush();
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const due = this.options.outbox.due(this.now()).filter((item) => this.channels.has(item.channel));
      if (due.length === 0) return;
      for (const item of due) {
        if (this.stopped) return;
        const channel = this.channels.get(item.channel)!;
        try {
          await channel.deliver(item.notice, { idempotencyKey: `outbox:${item.id}`, signal: new AbortController().signal, attempt: item.attempts + 1 });
          this.options.outbox.markDelivered(item.id, this.now());
        } catch (error) {
          const delay = (this.options.backoffMs ?? BACKOFF_MS)[item.attempts];
          const message = error instanceof Error ? error.message : String(error);
          this.options.outbox.markFailed(item.id, message, delay === undefined ? null : this.now() + delay, this.now());
          this.options.onError?.(item.channel, error);
        }
      }
    }
  }

  private armTimer(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const next = this.options.outbox.nextDueAt();
    if (next === null) return;
    this.timer = setTimeout(() => this.kick(), Math.max(50, next - this.now()));
    this.timer.unref?.();
  }
}
