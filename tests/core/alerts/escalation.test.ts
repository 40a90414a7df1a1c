// Escalation through the real store and notifier, with a controllable clock: a step is sent once
// its time has come, never twice (also after a restart), and never for an acknowledged alert.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../../src-main/core/store/store.js';
import { Notifier } from '../../../src-main/core/alerts/notifier.js';
import { Escalator } from '../../../src-main/core/alerts/escalation.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import type { AlertChannel } from '../../../src-main/core/alerts/channel.js';
import type { KaavanConfig } from '../../../src-main/core/config/schema.js';
import { validateConfig } from '../../../src-main/core/config/validate.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const channel = (name: string): AlertChannel => ({ name, accepts: () => true, deliver: async () => undefined });

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-esc-'));
  dirs.push(dir);
  const store = Store.open(join(dir, 'kaavan.db'));
  const notifier = new Notifier({ outbox: store.outbox, channels: [channel('ops-chat'), channel('oncall-mail'), channel('boss-mail')] });
  const result = validateConfig({
    version: 1,
    channels: [
      { name: 'ops-chat', kind: 'webhook', urlRef: 'a' },
      { name: 'oncall-mail', kind: 'webhook', urlRef: 'b' },
      { name: 'boss-mail', kind: 'webhook', urlRef: 'c' },
    ],
    routes: [{ name: 'prod', tags: ['prod'], channels: ['ops-chat'], escalate: [{ after: '10m', channels: ['oncall-mail'] }, { after: '1h', channels: ['boss-mail'] }] }],
    targets: [{ name: 'web1', tags: ['prod'] }],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const config: KaavanConfig = result.value;
  const opened = store.alerts.open({ key: 'check:1', checkId: 1, target: 'web1', check: 'home', severity: 'error', title: 't', message: 'connection refused', at: 0, metadata: { downSince: 0 } });
  const rows = () =>
    store.db.prepare('SELECT channel, idempotency_key AS key FROM outbox ORDER BY id').all() as Array<{ channel: string; key: string }>;
  return { store, notifier, config, alertId: opened.alert.id, rows };
}

describe('escalation', () => {
  it('sends each step once when its time comes, also across a restart', () => {
    const { store, notifier, config, rows } = setup();
    let now = 5 * 60_000;
    const escalator = new Escalator(store, notifier, () => now, silentLogger);
    escalator.apply(config);
    escalator.tick();
    expect(rows()).toEqual([]);
    now = 11 * 60_000;
    escalator.tick();
    escalator.tick();
    expect(rows().map((r) => r.channel)).toEqual(['oncall-mail']);
    const restarted = new Escalator(store, notifier, () => now, silentLogger);
    restarted.apply(config);
    restarted.tick();
    expect(rows().map((r) => r.channel)).toEqual(['oncall-mail']);
    now = 61 * 60_000;
    restarted.tick();
    expect(rows().map((r) => r.channel)).toEqual(['oncall-mail', 'boss-mail']);
    store.close();
  });

  it('an acknowledged alert does not escalate', () => {
    const { store, notifier, config, alertId, rows } = setup();
    store.alerts.acknowledge(alertId, 60_000, 'on it');
    const escalator = new Escalator(store, notifier, () => 2 * 3_600_000, silentLogger);
    escalator.apply(config);
    escalator.tick();
    expect(rows()).toEqual([]);
    store.close();
  });
});
