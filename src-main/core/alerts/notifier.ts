// Delivers notices to channels through the persisted outbox. Rows are written in the transaction
// of the alert change that caused them (enqueue), then each channel's own lane delivers them: one
// hung or failing channel never holds up another. Each attempt has a timeout and an abort signal;
// failures are retried with exponential backoff and jitter; whatever is pending when Kaavan stops is
// delivered after the next start, with the same idempotency key. Nothing is dropped silently.
import type { AlertChannel, AlertNotice } from './channel.js';
import type { OutboxItem, OutboxRepo } from '../store/outbox-repo.js';
import type { Tx } from '../store/store.js';

/** Delay before attempt n+1 (ms, ±20 % jitter); after the last one an item is marked failed. */
const BACKOFF_MS = [1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000];
const DEFAULT_DELIVERY_TIMEOUT_MS = 30_000;
/** How long stop() waits for deliveries in flight before aborting them. */
const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;
/** Retry delay after the outbox itself could not be read. */
const STORE_RETRY_MS = 5_000;

export interface NotifierOptions {
  outbox: OutboxRepo;
  channels: AlertChannel[];
  now?: () => number;
  random?: () => number;
  /** Reports delivery and outbox failures (logged by the caller). */
  onError?: (channel: string, error: unknown) => void;
  /** Delays between attempts (tests shorten them). */
  backoffMs?: number[];
  shutdownGraceMs?: number;
}

class DeliveryLane {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private stopped = true;
  private readonly shutdown = new AbortController();

  constructor(
    readonly channel: AlertChannel,
    private readonly options: NotifierOptions,
  ) {}

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Starts a drain now, or right after the one in progress (so rows written meanwhile are seen). */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      if (!this.next) this.next = this.running.catch(() => undefined).then(() => {
        this.next = null;
        return this.kick();
      });
      return this.next;
    }
    this.clearTimer();
    this.running = this.drain().finally(() => {
      this.running = null;
      this.arm();
    });
    return this.running;
  }

  /** Waits for the delivery in flight (up to the grace), then aborts it; no new attempt starts. */
  async dispose(graceMs: number): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    const running = this.running;
    if (!running) return;
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([running.catch(() => undefined), new Promise<void>((r) => (graceTimer = setTimeout(r, graceMs)))]);
    clearTimeout(graceTimer);
    this.shutdown.abort(new Error('Kaavan is stopping'));
    await running.catch(() => undefined);
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      let due: OutboxItem[];
      try {
        due = this.options.outbox.due(this.channel.name, this.now);
      } catch (error) {
        // The store could not be read (locked, closed, disk error): report and try again later.
        this.options.onError?.('outbox', error);
        this.arm(STORE_RETRY_MS);
        return;
      }
      if (due.length === 0) return;
      for (const item of due) {
        if (this.stopped) return;
        await this.attempt(item);
      }
    }
  }

  private async attempt(item: OutboxItem): Promise<void> {
    const timeout = AbortSignal.timeout(this.channel.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS);
    const signal = AbortSignal.any([timeout, this.shutdown.signal]);
    let failure: unknown = null;
    try {
      await abortable(
        this.channel.deliver(item.notice, { idempotencyKey: item.idempotencyKey, signal, attempt: item.attempts + 1 }),
        signal,
      );
    } catch (error) {
      failure = timeout.aborted ? new Error(`no answer within ${(this.channel.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS) / 1000} s`) : error;
    }
    try {
      if (failure === null) {
        this.options.outbox.markDelivered(item.id, this.now);
      } else {
        const base = (this.options.backoffMs ?? BACKOFF_MS)[item.attempts];
        const jitter = 0.8 + 0.4 * (this.options.random ?? Math.random)();
        const retryAt = base === undefined ? null : this.now + Math.round(base * jitter);
        const message = failure instanceof Error ? failure.message : String(failure);
        this.options.outbox.markFailed(item.id, message, retryAt, this.now);
        this.options.onError?.(this.channel.name, failure);
      }
    } catch (error) {
      // Not recorded: the row stays due and is attempted again (with the same idempotency key).
      this.options.onError?.('outbox', error);
      if (!this.stopped) this.arm(STORE_RETRY_MS);
      throw error;
    }
  }

  private arm(delayMs?: number): void {
    if (this.stopped) return;
    this.clearTimer();
    let delay = delayMs;
    if (delay === undefined) {
      let next: number | null;
      try {
        next = this.options.outbox.nextDueAt(this.channel.name);
      } catch {
        next = this.now + STORE_RETRY_MS;
      }
      if (next === null) return;
      delay = Math.max(50, next - this.now);
    }
    this.timer = setTimeout(() => void this.kick().catch(() => undefined), delay);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Settles when `work` does or when `signal` aborts, whichever is first (a channel may ignore it). */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export class Notifier {
  private readonly lanes = new Map<string, DeliveryLane>();
  private started = false;
  private router: ((notice: AlertNotice) => ReadonlySet<string> | null) | null = null;

  constructor(private readonly options: NotifierOptions) {
    for (const channel of options.channels) this.lanes.set(channel.name, new DeliveryLane(channel, options));
  }

  get channelNames(): string[] {
    return [...this.lanes.keys()];
  }

  addChannel(channel: AlertChannel): void {
    const lane = new DeliveryLane(channel, this.options);
    this.lanes.set(channel.name, lane);
    if (this.started) lane.start();
  }

  /** Decides which lanes get a notice (routes, quiet hours); without one, every lane that accepts it. */
  setRouter(router: (notice: AlertNotice) => ReadonlySet<string> | null): void {
    this.router = router;
  }

  async removeChannel(name: string): Promise<void> {
    const lane = this.lanes.get(name);
    if (!lane) return;
    this.lanes.delete(name);
    await lane.dispose(this.options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
  }

  /**
   * Writes one outbox row per channel that wants this notice, inside `tx`; delivery starts after
   * the commit. `eventKey` identifies the alert event; with the channel it forms the idempotency key.
   */
  enqueue(notice: AlertNotice, eventKey: string, tx: Tx): void {
    const at = (this.options.now ?? Date.now)();
    const wanted: DeliveryLane[] = [];
    const routed = this.router?.(notice) ?? null;
    for (const lane of this.lanes.values()) {
      if (!lane.channel.accepts(notice.kind)) continue;
      if (routed && !routed.has(lane.channel.name)) continue;
      this.options.outbox.enqueue(lane.channel.name, notice, at, `${eventKey}:${lane.channel.name}`);
      wanted.push(lane);
    }
    tx.afterCommit(() => {
      for (const lane of wanted) void lane.kick().catch(() => undefined);
    });
  }

  /**
   * Writes outbox rows for exactly these lanes (an escalation step names its own channels), inside
   * `tx`; unknown names are skipped. Same idempotency rule as enqueue().
   */
  enqueueTo(notice: AlertNotice, eventKey: string, channels: readonly string[], tx: Tx): void {
    const at = (this.options.now ?? Date.now)();
    const wanted: DeliveryLane[] = [];
    for (const name of channels) {
      const lane = this.lanes.get(name);
      if (!lane) continue;
      this.options.outbox.enqueue(name, notice, at, `${eventKey}:${name}`);
      wanted.push(lane);
    }
    tx.afterCommit(() => {
      for (const lane of wanted) void lane.kick().catch(() => undefined);
    });
  }

  /** Delivers everything due now on every lane; resolves when done (tests await it). */
  async flush(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((lane) => lane.kick().catch(() => undefined)));
  }

  start(): void {
    this.started = true;
    for (const lane of this.lanes.values()) lane.start();
  }

  /** Stops every lane, waiting for deliveries in flight (bounded by the shutdown grace). */
  async stop(): Promise<void> {
    this.started = false;
    const grace = this.options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    await Promise.all([...this.lanes.values()].map((lane) => lane.dispose(grace)));
  }

  /** Pending notices of registered channels and the age of the oldest (for Kaavan's own health). */
  backlog(): { pending: number; oldestAt: number | null } {
    return this.options.outbox.backlog(this.channelNames);
  }
}
