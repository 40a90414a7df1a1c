// Stable identities through the whole core: renames keep history, state and open alerts; removals
// close alerts with a reason, also when they happened while Kaavan was stopped; a re-added check
// starts fresh; alert levels are repaired at start.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKaavan, type KaavanRuntime } from '../../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import { Store } from '../../../src-main/core/store/store.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import type { AlertChannel } from '../../../src-main/core/alerts/channel.js';
import { RecordingChannel, waitFor } from '../../helpers/core-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});



async function httpServer(): Promise<{ port: number; server: Server }> {
  const server = createServer((_q, s) => s.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  return { port: (server.address() as AddressInfo).port, server };
}

function files(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-id-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const configFile = join(dir, 'kaavan.yaml');
  writeFileSync(configFile, yaml);
  return { configFile, dataDir: join(dir, 'data') };
}

async function boot(configFile: string, dataDir: string, channel: AlertChannel = new RecordingChannel()): Promise<KaavanRuntime> {
  const rt = await createKaavan({ configStore: new FileConfigStore(configFile), dataDir, mode: 'headless', channels: [channel], logger: silentLogger });
  let stopped = false;
  cleanups.push(() => (stopped ? undefined : rt.stop()));
  await rt.start();
  const stop = rt.stop.bind(rt);
  rt.stop = async () => {
    stopped = true;
    await stop();
  };
  return rt;
}

const downCheck = (name: string) => `{ name: ${name}, kind: tcp, host: 127.0.0.1, port: 1, interval: 1s, timeout: 500ms, retries: 0 }`;

describe('stable identities', () => {
  it('renaming a target through the API keeps its history, state and open alert, and says so in the audit log', async () => {
    const { configFile, dataDir } = files(`version: 1\ntargets:\n  - name: web1\n    checks:\n      - ${downCheck('port')}\n`);
    const rt = await boot(configFile, dataDir);
    const [alert] = await waitFor(async () => {
      const a = await rt.service.listAlerts({ state: 'active' });
      return a.length ? a : null;
    });
    const before = await rt.service.checkHistory({ target: 'web1', check: 'port' });
    expect(before.length).toBeGreaterThan(0);

    await rt.service.saveTarget({ originalName: 'web1', target: { name: 'web-one' } });

    const active = await rt.service.listAlerts({ state: 'active' });
    expect(active.map((a) => [a.id, a.target])).toEqual([[alert!.id, 'web-one']]);
    const after = await rt.service.checkHistory({ target: 'web-one', check: 'port' });
    expect(after.slice(0, before.length).map((p) => p.at)).toEqual(before.map((p) => p.at));
    const view = (await rt.service.overview()).targets[0]!.checks[0]!;
    expect(view.status).toBe('down');
    const audit = await rt.service.listAudit({});
    expect(audit.find((e) => e.action === 'target.rename')).toMatchObject({ subject: 'web-one', detail: { from: 'web1', to: 'web-one' } });
  });

  it('a check renamed by hand in the file keeps its history and alert', async () => {
    const { configFile, dataDir } = files(`version: 1\ntargets:\n  - name: web1\n    checks:\n      - ${downCheck('port')}\n`);
    const rt = await boot(configFile, dataDir);
    const [alert] = await waitFor(async () => {
      const a = await rt.service.listAlerts({ state: 'active' });
      return a.length ? a : null;
    });
    writeFileSync(configFile, `version: 1\ntargets:\n  - name: web1\n    checks:\n      - ${downCheck('ssh-port')}\n`);
    await rt.reloadConfig();
    const active = await rt.service.listAlerts({ state: 'active' });
    expect(active.map((a) => [a.id, a.check])).toEqual([[alert!.id, 'ssh-port']]);
    expect((await rt.service.checkHistory({ target: 'web1', check: 'ssh-port' })).length).toBeGreaterThan(0);
    expect((await rt.service.listAudit({})).some((e) => e.action === 'check.rename')).toBe(true);
  });

  it('a check removed while Kaavan was stopped has its alert closed at the next start, with the reason', async () => {
    const { configFile, dataDir } = files(`version: 1\ntargets:\n  - name: web1\n    checks:\n      - ${downCheck('port')}\n      - { name: other, kind: tcp, host: 127.0.0.1, port: 9, interval: 1h }\n`);
    const channel = new RecordingChannel();
    let rt = await boot(configFile, dataDir, channel);
    const [alert] = await waitFor(async () => {
      const a = await rt.service.listAlerts({ state: 'active' });
      return a.length ? a : null;
    });
    await rt.stop();
    writeFileSync(configFile, `version: 1\ntargets:\n  - name: web1\n    checks:\n      - { name: other, kind: tcp, host: 127.0.0.1, port: 9, interval: 1h }\n`);
    rt = await boot(configFile, dataDir, channel);
    const detail = await rt.service.alertDetail({ id: alert!.id });
    expect(detail.alert.state).toBe('resolved');
    expect(detail.events.at(-1)!.message).toBe('Closed: the check was removed from the configuration while Kaavan was stopped');
    await waitFor(() => channel.notices.some((n) => n.alert.id === alert!.id && n.kind === 'resolved'));
  });

  it('a check removed and added again starts fresh instead of inheriting the old result', async () => {
    const { port } = await httpServer();
    const check = `{ name: home, kind: http, url: "http://127.0.0.1:${port}/", interval: 1s }`;
    const { configFile, dataDir } = files(`version: 1\ntargets:\n  - name: web1\n    checks:\n      - ${check}\n`);
    const rt = await boot(configFile, dataDir);
    await waitFor(async () => (await rt.service.overview()).targets[0]!.checks[0]!.lastResult);
    await rt.service.removeCheck({ target: 'web1', check: 'home' });
    await rt.service.setPaused({ paused: true });
    await rt.service.saveCheck({ target: 'web1', check: { name: 'home', kind: 'http', url: `http://127.0.0.1:${port}/`, interval: '1s' } });
    const view = (await rt.service.overview()).targets[0]!.checks[0]!;
    expect(view.lastResult).toBeNull();
    expect(view.stats24h.probes).toBe(0);
    expect(await rt.service.checkHistory({ target: 'web1', check: 'home' })).toEqual([]);
  });

  it('repairs alert levels at start: a check stored as DOWN without an alert gets one', async () => {
    const { configFile, dataDir } = files(`version: 1\ntargets:\n  - name: web1\n    checks:\n      - ${downCheck('port')}\n`);
    let rt = await boot(configFile, dataDir);
    await waitFor(async () => (await rt.service.listAlerts({ state: 'active' })).length === 1);
    await rt.stop();
    // As if the alert write had been lost: the state says DOWN, the alert tables are empty.
    const store = Store.open(join(dataDir, 'kaavan.db'));
    store.db.exec('DELETE FROM outbox; DELETE FROM alert_events; DELETE FROM alerts;');
    store.close();
    writeFileSync(configFile, `version: 1\nsettings: { paused: true }\ntargets:\n  - name: web1\n    checks:\n      - ${downCheck('port')}\n`);
    const channel = new RecordingChannel();
    rt = await boot(configFile, dataDir, channel);
    const active = await rt.service.listAlerts({ state: 'active' });
    expect(active).toHaveLength(1);
    await waitFor(() => channel.notices.some((n) => n.kind === 'opened'));
  });
});

describe('the config file edited by hand', () => {
  it('an invalid edit keeps the running configuration and is shown as Kaavan\'s own problem until fixed', async () => {
    const good = `version: 1\ntargets:\n  - name: web1\n    checks:\n      - ${downCheck('port')}\n`;
    const { configFile, dataDir } = files(good);
    const rt = await boot(configFile, dataDir);
    writeFileSync(configFile, good.replace('interval: 1s', 'intervall: 1s'));
    const result = await rt.reloadConfig();
    expect(result.ok).toBe(false);
    const problem = (await rt.service.health()).problems.find((p) => p.code === 'config-invalid');
    expect(problem?.message).toMatch(/is not valid .*intervall.*keeps running the previous configuration/);
    expect((await rt.service.overview()).targets[0]!.checks.map((c) => c.name)).toEqual(['port']);
    writeFileSync(configFile, good.replace('port, kind', 'port2, kind'));
    expect((await rt.reloadConfig()).ok).toBe(true);
    expect((await rt.service.health()).ok).toBe(true);
    expect((await rt.service.overview()).targets[0]!.checks.map((c) => c.name)).toEqual(['port2']);
  });

  it('a second engine on the same data folder is refused, naming the holder', async () => {
    const { configFile, dataDir } = files(`version: 1\ntargets: []\n`);
    await boot(configFile, dataDir);
    await expect(createKaavan({ configStore: new FileConfigStore(configFile), dataDir, mode: 'electron', logger: silentLogger })).rejects.toThrow(
      /in use by kaavan serve \(pid \d+/,
    );
  });
});
