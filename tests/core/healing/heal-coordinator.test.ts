// The coordinator's own decisions, deterministically: a real SQLite store and real commands on this
// computer; the check's verification probe is the one thing the test decides (up or not), and the
// test says when the schedule sees the check come back. The running-engine paths are in
// healing-runtime.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../../src-main/core/store/store.js';
import { localHost } from '../../../src-main/core/hosts/local-host.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';
import { alertKey } from '../../../src-main/core/alerts/alert-manager.js';
import { HEAL_STATE_KEY, HealCoordinator, nextHealAt } from '../../../src-main/core/healing/heal-coordinator.js';
import { healSchema, resolveHeal } from '../../../src-main/core/healing/heal-config.js';
import { initialHealState } from '../../../src-main/core/healing/heal-runner.js';
import { waitFor } from '../../helpers/core-harness.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const subject = { checkId: 5, target: 'web1', check: 'homepage' };
const config = (heal: Record<string, unknown>) => ({ version: 1 as const, targets: [{ name: 'web1', checks: [{ name: 'homepage', kind: 'tcp' as const, host: '127.0.0.1', port: 1, heal }] }] });

function setup(probe: () => boolean, onSleep?: (coordinator: HealCoordinator) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-healco-'));
  const store = Store.open(join(dir, 'kaavan.db'));
  const coordinator: HealCoordinator = new HealCoordinator({
    store,
    hostOf: () => localHost,
    secrets: createSecretStore({ backend: null, env: {} }),
    probe: async () => probe(),
    sleep: async () => onSleep?.(coordinator),
  });
  cleanups.push(async () => {
    await coordinator.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = () =>
    store.alerts.open({ key: alertKey(subject.checkId), checkId: subject.checkId, target: 'web1', check: 'homepage', severity: 'error', title: 'web1 / homepage is down', message: 'refused', at: Date.now(), metadata: { downSince: Date.now() } }).alert;
  return { store, coordinator, open };
}

describe('heal coordinator', () => {
  it('credits the heal when the schedule sees the check up during verification, even if the verify probe does not', async () => {
    const { store, coordinator, open } = setup(
      () => false,
      (c) => c.onTransition(subject, 'up', Date.now()),
    );
    coordinator.apply(config({ command: 'true', label: 'restart web', verifyAfter: '1s' }));
    const alert = open();
    coordinator.onTransition(subject, 'down', Date.now());
    const [row] = await waitFor(() => store.audit.search({ action: 'heal' }).at(0) && store.audit.search({ action: 'heal' }));
    expect(row!.detail).toMatchObject({ result: 'healed', label: 'restart web', breaker: 'closed' });
    expect(store.alerts.events(alert.id).map((e) => e.type)).toEqual(['opened', 'heal']);
  });

  it('words the recovery by what the heal state says; nothing for a check without heal', async () => {
    const { store, coordinator } = setup(() => true);
    expect(coordinator.recoveryNote(subject.checkId)).toBeNull();
    coordinator.apply(config({ command: 'true', label: 'restart web' }));
    store.alerts.open({ key: alertKey(subject.checkId), checkId: subject.checkId, target: 'web1', check: 'homepage', severity: 'error', title: 't', message: 'm', at: 1, metadata: {} });
    expect(coordinator.recoveryNote(subject.checkId)).toBe('recovered by itself');
    store.checkKv.set(subject.checkId, HEAL_STATE_KEY, { ...initialHealState(), outage: { downSince: 1, attempts: 1, healedBy: 'restart web' } }, 2);
    expect(coordinator.recoveryNote(subject.checkId)).toBe("recovered after 'restart web'");
    // enabled: false keeps the block but nothing runs, and the recovery is plain again.
    store.checkKv.delete(subject.checkId, HEAL_STATE_KEY);
    coordinator.apply(config({ command: 'true', enabled: false }));
    expect(coordinator.recoveryNote(subject.checkId)).toBeNull();
    expect(coordinator.status(() => subject.checkId)).toMatchObject([{ target: 'web1', check: 'homepage', enabled: false, action: 'true', breaker: { phase: 'closed' } }]);
  });

  it('schedules the next heal after the cooldown, or after the open breaker, and none when attempts are used', () => {
    const heal = resolveHeal(healSchema.parse({ command: 'x', maxAttempts: 3, cooldown: '5m', breaker: { failures: 2, window: '1h', openFor: '30m' } }));
    const base = initialHealState();
    expect(nextHealAt(heal, base)).toBe(0);
    expect(nextHealAt(heal, { ...base, lastAttemptAt: 1000, outage: { downSince: 0, attempts: 1, healedBy: null } })).toBe(1000 + 300_000);
    expect(nextHealAt(heal, { ...base, lastAttemptAt: 1000, breaker: { phase: 'open', failures: [], openedAt: 1000 }, outage: { downSince: 0, attempts: 2, healedBy: null } })).toBe(1000 + 1_800_000);
    expect(nextHealAt(heal, { ...base, lastAttemptAt: 1000, outage: { downSince: 0, attempts: 3, healedBy: null } })).toBeNull();
  });
});
