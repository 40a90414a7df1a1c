// kill -9 at each step of a probe and of a delivery, then a restart on the same data folder:
// no alert or notice is lost, and none is delivered twice to a peer that honours idempotency keys.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Store } from '../../src-main/core/store/store.js';
import { cleanups, runCleanups, startChild, startReceiver, stopChild, switchablePort, tempDir, waitFor, writeConfig } from './fault-helpers.js';

afterEach(runCleanups);

function alertsIn(dataDir: string): Array<{ id: number; state: string }> {
  const store = Store.open(join(dataDir, 'kaavan.db'));
  try {
    return store.db.prepare('SELECT id, state FROM alerts ORDER BY id').all() as Array<{ id: number; state: string }>;
  } finally {
    store.close();
  }
}

describe.each(['inside-probe-transaction', 'between-result-and-state', 'before-delivery', 'after-delivery-before-recording'])(
  'kill -9 %s',
  (killAt) => {
    it('the outage still gets exactly one alert, one DOWN notice and one recovery notice', { timeout: 120_000 }, async () => {
      const dir = tempDir('kaavan-kill-');
      const dataDir = join(dir, 'data');
      const target = await switchablePort();
      const receiver = await startReceiver();
      const configFile = writeConfig(dir, target.port);
      const env = { CONFIG_FILE: configFile, DATA_DIR: dataDir, RECEIVER_URL: receiver.url };

      // The target is down from the start; the child dies at the chosen step.
      const first = startChild({ ...env, FAULT_KILL_AT: killAt });
      const ended = await first.exited;
      expect(ended.signal, first.output()).toBe('SIGKILL');

      const second = startChild(env);
      cleanups.push(() => stopChild(second));
      const said = () => `first run:\n${first.output()}\nsecond run:\n${second.output()}\nreceived: ${JSON.stringify(receiver.raw)}`;
      // Generous: each child compiles the core with tsx at start, slow on a loaded CI machine.
      await waitFor(() => receiver.unique().some((d) => d.kind === 'opened'), 50_000).catch((e: Error) => {
        throw new Error(`${e.message}\n${said()}`);
      });
      await target.up();
      await waitFor(() => receiver.unique().some((d) => d.kind === 'recovered'), 50_000).catch((e: Error) => {
        throw new Error(`${e.message}\n${said()}`);
      });
      await stopChild(second);

      const kinds = receiver.unique().map((d) => d.kind);
      expect(kinds.filter((k) => k === 'opened')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'recovered')).toHaveLength(1);
      const alerts = alertsIn(dataDir);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.state).toBe('resolved');
      if (killAt === 'after-delivery-before-recording') {
        // Sent once before the kill, once after: the same key both times, so the peer shows it once.
        expect(receiver.raw.filter((d) => d.kind === 'opened').length).toBe(2);
      } else {
        expect(receiver.raw.length).toBe(receiver.unique().length);
      }
    });
  },
);
