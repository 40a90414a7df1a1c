import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../../src-main/core/store/store.js';
import { Notifier } from '../../../src-main/core/alerts/notifier.js';
import type { AlertChannel, AlertNotice, DeliveryContext, NoticeKind } from '../../../src-main/core/alerts/channel.js';

const dirs: string[] = [];
function tempStore() {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-outbox-'));
  dirs.push(dir);
  return { dir, store: Store.open(join(dir, 'kaavan.db')) };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

let eventSeq = 0;
/** Queues a notice the way the alert manager does: inside a transaction, keyed by its alert event. */
function notify(n: Notifier, store: Store, notice: AlertNotice, eventKey = `event:${++eventSeq}`): void {
  store.transact((tx) => n.enqueue(notice, eventKey, tx));
}

class RecordingChannel implements AlertChannel {
  delivered: AlertNotice[] = [];
  keys: string[] = [];
  failuresLeft: number;
  constructor(readonly name: string, failures = 0, private readonly kinds: NoticeKind[] = ['opened', 'reminder', 'recovered']) {
    this.failuresLeft = failures;
  }
  accepts(kind: NoticeKind) {
    return this.kinds.includes(kind);
  }
  async deliver(notice: AlertNotice, ctx: DeliveryContext) {
    this.keys.push(ctx.idempotencyKey);
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('SMTP 451 try later');
    }
    this.delivered.push(notice);
  }
}

const notice = (kind: NoticeKind, title = 't'): AlertNotice => ({
  kind,
  title,
  body: 'b',
  at: 1,
  alert: { id: 1, checkId: 1, key: 'check:a/b', target: 'a', check: 'b', severity: 'error', state: 'open', title, message: 'm', openedAt: 1, lastSeenAt: 1, ackedAt: null, ackNote: null, resolvedAt: null, resolvedBy: null, count: 1, metadata: {} },
});

const waitFor = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('notifier with persisted outbox', () => {
  it('delivers only the kinds a channel accepts', async () => {
    const { store } = tempStore();
    const desktop = new RecordingChannel('desktop');
    const n = new Notifier({ outbox: store.outbox, channels: [desktop] });
    n.start();
    notify(n, store, notice('opened'));
    notify(n, store, notice('acknowledged'));
    await n.flush();
    expect(desktop.delivered.map((d) => d.kind)).toEqual(['opened']);
    expect(store.outbox.pendingCount()).toBe(0);
    await n.stop();
    store.close();
  });

  it('retries a failing channel with backoff until it succeeds', async () => {
    const { store } = tempStore();
    const flaky = new RecordingChannel('email', 2);
    const errors: string[] = [];
    const n = new Notifier({ outbox: store.outbox, channels: [flaky], backoffMs: [50, 50, 50], onError: (_c, e) => errors.push((e as Error).message) });
    n.start();
    notify(n, store, notice('opened', 'web down'));
    await waitFor(() => flaky.delivered.length === 1);
    expect(errors).toEqual(['SMTP 451 try later', 'SMTP 451 try later']);
    expect(store.outbox.pendingCount()).toBe(0);
    await n.stop();
    store.close();
  });

  it('gives up after the last backoff step and keeps the error', async () => {
    const { store } = tempStore();
    const broken = new RecordingChannel('webhook', 99);
    const n = new Notifier({ outbox: store.outbox, channels: [broken], backoffMs: [20] });
    n.start();
    notify(n, store, notice('opened'));
    await waitFor(() => (store.db.prepare('SELECT failed_at FROM outbox').get() as { failed_at: number | null }).failed_at !== null);
    const row = store.db.prepare('SELECT attempts, last_error FROM outbox').get() as { attempts: number; last_error: string };
    expect(row.attempts).toBe(2);
    expect(row.last_error).toBe('SMTP 451 try later');
    await n.stop();
    store.close();
  });

  it('delivers notices left pending after a restart', async () => {
    const { dir, store } = tempStore();
    // Queued while the channel's process went away (stopped before delivery).
    const first = new Notifier({ outbox: store.outbox, channels: [new RecordingChannel('desktop')] });
    await first.stop();
    notify(first, store, notice('opened', 'queued before restart'));
    store.close();

    const reopened = Store.open(join(dir, 'kaavan.db'));
    expect(reopened.outbox.pendingCount()).toBe(1);
    const desktop = new RecordingChannel('desktop');
    const second = new Notifier({ outbox: reopened.outbox, channels: [desktop] });
    second.start();
    await waitFor(() => desktop.delivered.length === 1);
    expect(desktop.delivered[0]!.title).toBe('queued before restart');
    await second.stop();
    reopened.close();
  });

  it('keeps one idempotency key per notice and channel across retries, and ignores a repeated enqueue', async () => {
    const { store } = tempStore();
    const flaky = new RecordingChannel('webhook', 1);
    const n = new Notifier({ outbox: store.outbox, channels: [flaky], backoffMs: [30] });
    n.start();
    notify(n, store, notice('opened'), 'event:42');
    notify(n, store, notice('opened'), 'event:42');
    await waitFor(() => flaky.delivered.length === 1);
    await n.flush();
    expect(flaky.keys).toEqual(['event:42:webhook', 'event:42:webhook']);
    expect(flaky.delivered).toHaveLength(1);
    await n.stop();
    store.close();
  });

  it('one hung channel never holds up another, and its delivery is aborted at its timeout', async () => {
    const { store } = tempStore();
    const fast = new RecordingChannel('desktop');
    let aborted = false;
    const hung: AlertChannel = {
      name: 'hung',
      deliveryTimeoutMs: 300,
      accepts: () => true,
      deliver: (_n, ctx) =>
        new Promise<void>((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    };
    const n = new Notifier({ outbox: store.outbox, channels: [hung, fast], backoffMs: [60_000] });
    n.start();
    for (let i = 0; i < 5; i++) notify(n, store, notice('opened', `n${i}`));
    await waitFor(() => fast.delivered.length === 5);
    expect((store.db.prepare("SELECT COUNT(*) AS c FROM outbox WHERE channel = 'hung' AND delivered_at IS NOT NULL").get() as { c: number }).c).toBe(0);
    await waitFor(() => aborted);
    const row = store.db.prepare("SELECT last_error FROM outbox WHERE channel = 'hung' AND attempts = 1").get() as { last_error: string };
    expect(row.last_error).toBe('no answer within 0.3 s');
    await n.stop();
    store.close();
  });

  it('rows of a channel that is no longer configured do not stop delivery to the others', async () => {
    const { store } = tempStore();
    const gone = new Notifier({ outbox: store.outbox, channels: [new RecordingChannel('removed-channel')] });
    for (let i = 0; i < 120; i++) notify(gone, store, notice('opened', `old ${i}`));
    const desktop = new RecordingChannel('desktop');
    const n = new Notifier({ outbox: store.outbox, channels: [desktop] });
    n.start();
    notify(n, store, notice('opened', 'fresh'));
    await waitFor(() => desktop.delivered.length === 1);
    expect(desktop.delivered[0]!.title).toBe('fresh');
    await n.stop();
    store.close();
  });

  it('stop() waits for a delivery in flight instead of cutting it off', async () => {
    const { store } = tempStore();
    let finished = false;
    const slow: AlertChannel = {
      name: 'slow',
      accepts: () => true,
      deliver: () => new Promise<void>((r) => setTimeout(() => ((finished = true), r()), 300)),
    };
    const n = new Notifier({ outbox: store.outbox, channels: [slow] });
    n.start();
    notify(n, store, notice('opened'));
    await new Promise((r) => setTimeout(r, 50));
    await n.stop();
    expect(finished).toBe(true);
    expect((store.db.prepare('SELECT delivered_at FROM outbox').get() as { delivered_at: number | null }).delivered_at).not.toBeNull();
    store.close();
  });

  it('an outbox that cannot be read is reported and retried, never a crash', async () => {
    const { store } = tempStore();
    const desktop = new RecordingChannel('desktop');
    const errors: string[] = [];
    const n = new Notifier({ outbox: store.outbox, channels: [desktop], onError: (c, e) => errors.push(`${c}: ${(e as Error).message}`) });
    notify(n, store, notice('opened'));
    store.db.exec('ALTER TABLE outbox RENAME TO outbox_hidden');
    n.start();
    await waitFor(() => errors.length > 0);
    expect(errors[0]).toMatch(/^outbox: .*no such table/);
    store.db.exec('ALTER TABLE outbox_hidden RENAME TO outbox');
    await n.flush();
    expect(desktop.delivered).toHaveLength(1);
    await n.stop();
    store.close();
  });
});
