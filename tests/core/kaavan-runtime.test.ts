// The whole core wired together against a real HTTP server: up → down (alert, notice, reminder)
// → acknowledged → recovery with the downtime, history and state persisted across a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKaavan, type KaavanRuntime } from '../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../src-main/core/config/file-config-store.js';
import type { AlertChannel } from '../../src-main/core/alerts/channel.js';
import type { KaavanEvent } from '../../src-main/core/api/service.js';
import { KaavanError } from '../../src-main/core/api/errors.js';
import { RecordingChannel, waitFor } from '../helpers/core-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});


async function startHttp(port = 0): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.end('all good'));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}
const stopHttp = (s: Server) => {
  s.closeAllConnections?.();
  return new Promise<void>((r) => s.close(() => r()));
};


function setup(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-rt-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const configFile = join(dir, 'kaavan.yaml');
  writeFileSync(configFile, yaml);
  return { dir, configFile };
}

async function boot(configFile: string, dataDir: string, channel: AlertChannel): Promise<KaavanRuntime> {
  const rt = await createKaavan({ configStore: new FileConfigStore(configFile), dataDir, mode: 'headless', channels: [channel] });
  cleanups.push(() => rt.stop());
  await rt.start();
  return rt;
}

describe('kaavan runtime (engine + alerts + store)', () => {
  it('alerts on DOWN, reminds, stops reminding once acknowledged, resolves on recovery with the downtime', async () => {
    const http = await startHttp();
    const { dir, configFile } = setup(`version: 1
settings: { reminderEvery: 2 }
targets:
  - name: web1
    checks:
      - { name: home, kind: http, url: "http://127.0.0.1:${http.port}/", interval: 1s, timeout: 500ms, retries: 0, expect: { keyword: good } }
`);
    const channel = new RecordingChannel();
    const rt = await boot(configFile, join(dir, 'data'), channel);
    const events: KaavanEvent[] = [];
    rt.service.subscribe((e) => events.push(e));

    await waitFor(async () => (await rt.service.overview()).targets[0]?.checks[0]?.status === 'up');
    expect((await rt.service.overview()).level).toBe('ok');

    await stopHttp(http.server);
    const opened = await waitFor(() => events.find((e) => e.type === 'alert.opened'));
    if (opened.type !== 'alert.opened') throw new Error('unreachable');
    expect(opened.alert).toMatchObject({ target: 'web1', check: 'home', state: 'open', severity: 'error' });
    const ov = await rt.service.overview();
    expect(ov.level).toBe('error');
    expect(ov.openAlerts).toBe(1);
    expect(ov.targets[0]!.status).toBe('down');

    // reminderEvery 2: a reminder after two more failures.
    await waitFor(() => channel.notices.some((n) => n.kind === 'reminder'));
    expect(channel.notices.map((n) => n.kind).slice(0, 2)).toEqual(['opened', 'reminder']);
    expect(channel.notices[1]!.body).toMatch(/^Still down after 3 failed probes \(down for \d+ s\)/);

    const acked = await rt.service.acknowledgeAlert({ id: opened.alert.id, note: 'looking into it' });
    expect(acked).toMatchObject({ state: 'acknowledged', ackNote: 'looking into it' });
    const remindersAtAck = channel.notices.filter((n) => n.kind === 'reminder').length;
    await new Promise((r) => setTimeout(r, 2600));
    expect(channel.notices.filter((n) => n.kind === 'reminder').length).toBe(remindersAtAck);

    const again = await startHttp(http.port);
    cleanups.push(() => stopHttp(again.server));
    const resolved = await waitFor(() => events.find((e) => e.type === 'alert.resolved'));
    if (resolved.type !== 'alert.resolved') throw new Error('unreachable');
    expect(resolved.text).toMatch(/^Recovered after being down for \d+ s$/);
    expect(resolved.alert).toMatchObject({ state: 'resolved', resolvedBy: 'auto' });
    await waitFor(() => channel.notices.some((n) => n.kind === 'recovered'));

    const detail = await rt.service.alertDetail({ id: opened.alert.id });
    expect(detail.events.map((e) => e.type)).toEqual(['opened', 'reminder', 'acknowledged', 'resolved']);
    expect(detail.alert.count).toBeGreaterThanOrEqual(3);

    const history = await rt.service.checkHistory({ target: 'web1', check: 'home' });
    expect(history.some((p) => p.status === 'down')).toBe(true);
    expect(history.at(-1)!.status).toBe('up');
    const stats = (await rt.service.overview()).targets[0]!.checks[0]!.stats24h;
    expect(stats.uptime).toBeGreaterThan(0);
    expect(stats.uptime).toBeLessThan(1);
    expect(stats.p95LatencyMs).not.toBeNull();

    const audit = await rt.service.listAudit({});
    expect(audit[0]).toMatchObject({ action: 'alert.acknowledge', subject: 'web1 / home', detail: { alert: opened.alert.id } });
  }, 40_000);

  it('keeps an outage open across a restart and resolves it afterwards', async () => {
    const http = await startHttp();
    const port = http.port;
    await stopHttp(http.server);
    const { dir, configFile } = setup(`version: 1
targets:
  - name: api
    checks:
      - { name: port, kind: tcp, host: 127.0.0.1, port: ${port}, interval: 1s, timeout: 500ms, retries: 0 }
`);
    const channel = new RecordingChannel();
    const first = await boot(configFile, join(dir, 'data'), channel);
    await waitFor(() => channel.notices.some((n) => n.kind === 'opened'));
    await first.stop();

    const again = await startHttp(port);
    cleanups.push(() => stopHttp(again.server));
    const channel2 = new RecordingChannel();
    const second = await boot(configFile, join(dir, 'data'), channel2);
    // Before any new probe, the restored state is DOWN.
    expect((await second.service.overview()).targets[0]!.checks[0]!.status).toBe('down');
    await waitFor(() => channel2.notices.find((n) => n.kind === 'recovered'));
    expect(channel2.notices.some((n) => n.kind === 'opened')).toBe(false);
    const alerts = await second.service.listAlerts({});
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ state: 'resolved', resolvedBy: 'auto' });
  }, 30_000);

  it('edits the config through the service: field errors, duplicates, rename, removal', async () => {
    const { dir, configFile } = setup('version: 1\ntargets: []\n');
    const rt = await boot(configFile, join(dir, 'data'), new RecordingChannel());
    await rt.service.saveTarget({ target: { name: 'db1', tags: ['prod'] } });
    const bad = await rt.service.saveCheck({ target: 'db1', check: { name: 'pg', kind: 'tcp', host: 'x', port: 0, interval: '1 minute' } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(KaavanError);
    expect((bad as KaavanError).issues?.map((i) => i.path).sort()).toEqual(['interval', 'port']);

    await rt.service.saveCheck({ target: 'db1', check: { name: 'pg', kind: 'tcp', host: '127.0.0.1', port: 5432, interval: '30s' } });
    const dup = await rt.service.saveCheck({ target: 'db1', check: { name: 'pg', kind: 'tcp', host: 'h', port: 1 } }).catch((e: unknown) => e);
    expect((dup as KaavanError).issues).toEqual([{ path: 'name', message: 'a check named "pg" already exists in "db1"' }]);
    const dupTarget = await rt.service.saveTarget({ target: { name: 'db1' } }).catch((e: unknown) => e);
    expect((dupTarget as KaavanError).code).toBe('invalid_input');

    await rt.service.saveTarget({ originalName: 'db1', target: { name: 'db-primary', tags: ['prod'] } });
    const saved = readFileSync(configFile, 'utf8');
    expect(saved).toContain('name: db-primary');
    expect(saved).toContain('interval: 30s');
    expect((await rt.service.overview()).targets.map((t) => t.name)).toEqual(['db-primary']);
    expect((await rt.service.overview()).targets[0]!.checks[0]!.describe).toBe('127.0.0.1:5432');

    await rt.service.removeCheck({ target: 'db-primary', check: 'pg' });
    expect((await rt.service.overview()).targets[0]!.checks).toEqual([]);
    const missing = await rt.service.removeTarget({ name: 'nope' }).catch((e: unknown) => e);
    expect((missing as KaavanError).code).toBe('not_found');
  });

  it('refuses to start on an invalid config, naming file and field', async () => {
    const { dir, configFile } = setup('version: 1\ntargets:\n  - name: a\n    checks:\n      - { name: x, kind: http, url: "ftp:/nope", interval: fast }\n');
    const error = await createKaavan({ configStore: new FileConfigStore(configFile), dataDir: join(dir, 'd'), mode: 'headless' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KaavanError);
    expect((error as KaavanError).message).toContain(configFile);
    expect((error as KaavanError).message).toContain('targets.0.checks.0.interval');
  });
});

describe('retiring a failing check', () => {
  it('closes its open alert when the check is disabled, and again when it is removed', async () => {
    const { dir, configFile } = setup(`version: 1
targets:
  - name: api
    checks:
      - { name: a, kind: tcp, host: 127.0.0.1, port: 1, interval: 1s, timeout: 500ms, retries: 0 }
      - { name: b, kind: tcp, host: 127.0.0.1, port: 1, interval: 1s, timeout: 500ms, retries: 0 }
`);
    const rt = await boot(configFile, join(dir, 'data'), new RecordingChannel());
    await waitFor(async () => (await rt.service.listAlerts({ state: 'open' })).length === 2);
    await rt.service.saveCheck({ target: 'api', originalName: 'a', check: { name: 'a', kind: 'tcp', host: '127.0.0.1', port: 1, enabled: false } });
    await rt.service.removeCheck({ target: 'api', check: 'b' });
    const alerts = await rt.service.listAlerts({});
    expect(alerts.map((a) => [a.check, a.state]).sort()).toEqual([['a', 'resolved'], ['b', 'resolved']]);
    const events = await Promise.all(alerts.map((a) => rt.service.alertDetail({ id: a.id })));
    expect(events.map((d) => d.events.at(-1)!.message).sort()).toEqual([
      'Closed: check disabled',
      'Closed: the check was removed from the configuration',
    ]);
    expect((await rt.service.overview()).targets[0]!.checks[0]!.status).toBe('paused');
  });
});
