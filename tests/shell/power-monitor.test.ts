// Electron's power events (played on the stand-in powerMonitor) reach the real core: while the
// computer sleeps nothing counts and nothing alerts; on resume every check runs at once.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeElectron } from './fake-electron.js';
import { watchPower } from '../../src-main/shell/power-monitor.js';
import { createKaavan } from '../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../src-main/core/config/file-config-store.js';
import { silentLogger } from '../../src-main/core/log/logger.js';
import { RecordingChannel, waitFor } from '../helpers/core-harness.js';
import { closedPort } from '../helpers/test-servers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('power monitor', () => {
  it('suspend: results stop counting; resume: every check runs again and counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaavan-power-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await closedPort();
    writeFileSync(join(dir, 'kaavan.yaml'), `version: 1\ntargets:\n  - name: web1\n    checks:\n      - { name: api, kind: tcp, host: 127.0.0.1, port: ${port}, interval: 1s, retries: 0 }\n`);
    const channel = new RecordingChannel();
    const rt = await createKaavan({ configStore: new FileConfigStore(join(dir, 'kaavan.yaml')), dataDir: join(dir, 'data'), mode: 'electron', logger: silentLogger, channels: [channel] });
    cleanups.push(() => rt.stop());
    const power = fakeElectron.powerMonitor;
    const unwatch = watchPower(power, rt.power, silentLogger);
    cleanups.push(unwatch);
    power.emit('suspend');
    await rt.start();
    await new Promise((r) => setTimeout(r, 2500));
    const check = async () => (await rt.service.overview()).targets[0]!.checks[0]!;
    expect((await check()).suppressed).toEqual({ reason: 'observer-offline', message: 'observer offline: this computer is asleep' });
    expect((await check()).stats24h.probes).toBe(0);
    expect(channel.notices).toEqual([]);
    // Locking the screen is not a sleep: nothing changes.
    power.emit('lock-screen');
    power.emit('resume');
    await waitFor(() => channel.notices.some((n) => n.kind === 'opened' && n.alert.target === 'web1'));
    expect((await check()).status).toBe('down');
    unwatch();
    expect(power.listenerCount('suspend') + power.listenerCount('resume') + power.listenerCount('lock-screen')).toBe(0);
  }, 20_000);
});
