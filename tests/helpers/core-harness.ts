// Small pieces the core's integration tests share: polling for a condition, and a channel that
// records what it was given.
import type { AlertChannel, AlertNotice } from '../../src-main/core/alerts/channel.js';

/** Polls `fn` every 50 ms until it returns something truthy; fails after `ms`, naming `what`. */
export async function waitFor<T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms = 15_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A channel that keeps every notice it is given (and accepts every kind). */
export class RecordingChannel implements AlertChannel {
  notices: AlertNotice[] = [];
  constructor(readonly name = 'recording') {}
  accepts() {
    return true;
  }
  async deliver(n: AlertNotice) {
    this.notices.push(n);
  }
}
