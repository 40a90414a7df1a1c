import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../../src-main/core/store/store.js';
import { Notifier } from '../../../src-main/core/alerts/notifier.js';
import type { AlertChannel, AlertNotice, NoticeKind } from '../../../src-main/core/alerts/channel.js';

const dirs: string[] = [];
function tempStore() {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-outbox-'));
  dirs.push(dir);
  return { dir, store: Store.open(join(dir, 'kaavan.db')) };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

class RecordingChannel implements AlertChannel {
  delivered: AlertNotice[] = [];
  failuresLeft: number;
  constructor(readonly name: string, failures = 0, private readonly kinds: NoticeKind[] = ['opened', 'reminder', 'recovered']) {
    this.failuresLeft = failures;
  }
  accepts(kind: NoticeKind) {
    return this.kinds.includes(kind);
  }
  async deliver(notice: AlertNotice) {
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
    n.notify(notice('opened'));
    n.notify(notice('acknowledged'));
    await n.flush();
    expect(desktop.delivered.map((d) => d.kind)).toEqual(['opened']);
    expect(store.outbox.pendingCount()).toBe(0);
    n.stop();
    store.close();
  });

  it('retries a failing channel with backoff until it succeeds', async () => {
    const { store } = tempStore();
    const flaky = new RecordingChannel('email', 2);
    const errors: string[] = [];
    const n = new Notifier({ outbox: store.outbox, channels: [flaky], backoffMs: [50, 50, 50], onError: (_c, e) => errors.push((e as Error).message) });
    n.start();
    n.notify(notice('opened', 'web down'));
    await waitFor(() => flaky.delivered.length === 1);
    expect(errors).toEqual(['SMTP 451 try later', 'SMTP 451 try later']);
    expect(store.outbox.pendingCount()).toBe(0);
    n.stop();
    store.close();
  });

  it('gives up after the last backoff step and keeps the error', async () => {
    const { store } = tempStore();
    const broken = new RecordingChannel('webhook', 99);
    const n = new Notifier({ outbox: store.outbox, channels: [broken], backoffMs: [20] });
    n.start();
    n.notify(notice('opened'));
    await waitFor(() => (store.db.prepare('SELECT failed_at FROM outbox').get() as { failed_at: number | null }).failed_at !== null);
    const row = store.db.prepare('SELECT attempts, last_error FROM outbox').get() as { attempts: number; last_error: string };
    expect(row.attempts).toBe(2);
    expect(row.last_error).toBe('SMTP 451 try later');
    n.stop();
    store.close();
  });

  it('delivers notices left pending after a restart', async () => {
    const { dir, store } = tempStore();
    // Queued while the channel's process went away (stopped before delivery).
    const first = new Notifier({ outbox: store.outbox, channels: [new RecordingChannel('desktop')] });
    first.stop();
    first.notify(notice('opened', 'queued before restart'));
    store.close();

    const reopened = Store.open(join(dir, 'kaavan.db'));
    expect(reopened.outbox.pendingCount()).toBe(1);
    const desktop = new RecordingChannel('desktop');
    const second = new Notifier({ outbox: reopened.outbox, channels: [desktop] });
    second.start();
    await waitFor(() => desktop.delivered.length === 1);
    expect(desktop.delivered[0]!.title).toBe('queued before restart');
    second.stop();
    reopened.close();
  });
});
