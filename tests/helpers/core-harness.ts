// Small pieces the core's integration tests share: polling for a condition, a channel that records
// what it was given, and secrets held in memory.
import type { AlertChannel, AlertNotice } from '../../src-main/core/alerts/channel.js';
import type { SecretStore } from '../../src-main/core/secrets/secrets.js';

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

/** Secrets held in memory, for tests where the keychain is not what is under test. */
export function memorySecrets(values: Record<string, string>): SecretStore {
  return {
    get: async (name) => values[name] ?? null,
    list: async () => Object.keys(values).map((name) => ({ name, source: 'keychain' as const })),
    set: async (name, value) => {
      values[name] = value;
      return { name, source: 'keychain' as const };
    },
    delete: async (name) => {
      const had = name in values;
      delete values[name];
      return had;
    },
  } as SecretStore;
}
