// Quick and bulk actions of the dashboard against a real runtime: a YAML config file, a real
// SQLite store and real probes of HTTP/TCP peers on 127.0.0.1. Each bulk action is one
// configuration write and one audit entry naming the checks; pausing closes alerts as
// "check disabled" and says so in the audit; severity and alerts on degraded mean something.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import { createKaavan, type KaavanRuntime } from '../../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import type { KaavanEvent } from '../../../src-main/core/api/service.js';
import type { KaavanConfig } from '../../../src-main/core/config/schema.js';
import type { CheckView } from '../../../src-main/core/model.js';
import { freeCopyName, namesLine } from '../../../src-main/core/api/dashboard-actions.js';
import { RecordingChannel, waitFor } from '../../helpers/core-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function httpServer(delayMs = 0): Promise<number> {
  const server = createServer((_q, s) => {
    setTimeout(() => s.end('ok'), delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  return (server.address() as AddressInfo).port;
}

async function boot(yaml: string): Promise<{ rt: KaavanRuntime; configFile: string; events: KaavanEvent[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-dash-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const configFile = join(dir, 'kaavan.yaml');
  writeFileSync(configFile, yaml);
  const rt = await createKaavan({ configStore: new FileConfigStore(configFile), dataDir: join(dir, 'data'), mode: 'headless', channels: [new RecordingChannel()], logger: silentLogger });
  cleanups.push(() => rt.stop());
  await rt.start();
  const events: KaavanEvent[] = [];
  rt.service.subscribe((e) => events.push(e));
  return { rt, configFile, events };
}

const fileConfig = (path: string) => parse(readFileSync(path, 'utf8')) as KaavanConfig;
const checksOf = async (rt: KaavanRuntime): Promise<CheckView[]> => (await rt.service.overview()).targets.flatMap((t) => t.checks);
const byName = async (rt: KaavanRuntime, target: string, name: string) => (await checksOf(rt)).find((c) => c.target === target && c.name === name)!;

const http = (name: string, port: number, extra = '') => `{ name: ${name}, kind: http, url: "http://127.0.0.1:${port}/", interval: 1s, retries: 0${extra} }`;
const refused = (name: string, extra = '') => `{ name: ${name}, kind: tcp, host: 127.0.0.1, port: 1, interval: 1s, timeout: 500ms, retries: 0${extra} }`;

describe('dashboard actions', () => {
  it('pauses three checks in one configuration write with one audit entry naming them, and resumes them', async () => {
    const port = await httpServer();
    const { rt, configFile, events } = await boot(
      `version: 1\ntargets:\n  - name: web1\n    checks:\n      - ${http('home', port)}\n      - ${http('api', port)}\n  - name: web2\n    checks:\n      - ${http('home', port)}\n      - ${http('shop', port)}\n`,
    );
    await waitFor(async () => (await checksOf(rt)).every((c) => c.status === 'up'));
    const ids = await Promise.all([byName(rt, 'web1', 'home'), byName(rt, 'web1', 'api'), byName(rt, 'web2', 'home')]).then((v) => v.map((c) => c.id));
    const writesBefore = events.filter((e) => e.type === 'config.changed').length;

    await rt.service.setEnabled({ checkIds: ids, enabled: false });

    expect(events.filter((e) => e.type === 'config.changed').length - writesBefore).toBe(1);
    const saved = fileConfig(configFile);
    expect(saved.targets!.flatMap((t) => t.checks!.map((c) => `${t.name}/${c.name}:${c.enabled ?? true}`))).toEqual([
      'web1/home:false',
      'web1/api:false',
      'web2/home:false',
      'web2/shop:true',
    ]);
    expect((await checksOf(rt)).map((c) => c.status)).toEqual(['paused', 'paused', 'paused', 'up']);
    const pauses = (await rt.service.listAudit({})).filter((a) => a.action === 'check.pause');
    expect(pauses).toHaveLength(1);
    expect(pauses[0]!.subject).toBe('web1 / home, web1 / api, web2 / home');

    await rt.service.setEnabled({ checkIds: ids, enabled: true });
    expect(fileConfig(configFile).targets!.flatMap((t) => t.checks!.map((c) => c.enabled))).toEqual([undefined, undefined, undefined, undefined]);
    await waitFor(async () => (await checksOf(rt)).every((c) => c.status === 'up'));
  });

  it('a paused target pauses all its checks; its status is dated from the pause; resuming one check resumes the target', async () => {
    const port = await httpServer();
    const { rt, configFile } = await boot(`version: 1\ntargets:\n  - name: web1\n    checks:\n      - ${http('home', port)}\n      - ${http('api', port)}\n  - name: other\n    checks:\n      - ${http('x', port)}\n`);
    await waitFor(async () => (await checksOf(rt)).every((c) => c.status === 'up'));
    const web1 = (await rt.service.overview()).targets.find((t) => t.name === 'web1')!;
    const upSince = web1.checks[0]!.since!;
    await new Promise((r) => setTimeout(r, 1100));
    const beforePause = Date.now();

    await rt.service.setEnabled({ targetIds: [web1.id], enabled: false });

    const saved = fileConfig(configFile).targets!.find((t) => t.name === 'web1')!;
    expect(saved.enabled).toBe(false);
    expect(saved.checks!.map((c) => c.enabled)).toEqual([undefined, undefined]);
    const paused = (await rt.service.overview()).targets.find((t) => t.name === 'web1')!;
    expect(paused.status).toBe('paused');
    expect(paused.checks.map((c) => c.status)).toEqual(['paused', 'paused']);
    // "Paused for …" counts from the pause, not from when the check last came up.
    expect(paused.checks[0]!.since!).toBeGreaterThanOrEqual(beforePause);
    expect(paused.checks[0]!.since!).toBeGreaterThan(upSince);
    expect((await byName(rt, 'other', 'x')).status).toBe('up');

    await rt.service.setEnabled({ checkIds: [paused.checks[0]!.id], enabled: true });
    const resumed = fileConfig(configFile).targets!.find((t) => t.name === 'web1')!;
    expect(resumed.enabled).toBeUndefined();
    await waitFor(async () => (await byName(rt, 'web1', 'home')).status === 'up');
  });

  it('pausing a down check closes its alert as "check disabled" and records that in the audit', async () => {
    const { rt } = await boot(`version: 1\ntargets:\n  - name: db\n    checks:\n      - ${refused('port')}\n`);
    const [alert] = await waitFor(async () => {
      const a = await rt.service.listAlerts({ state: 'active' });
      return a.length ? a : null;
    });
    const check = await byName(rt, 'db', 'port');
    expect(check.status).toBe('down');

    await rt.service.setEnabled({ checkIds: [check.id], enabled: false });

    const detail = await rt.service.alertDetail({ id: alert!.id });
    expect(detail.alert.state).toBe('resolved');
    expect(detail.events.at(-1)).toMatchObject({ type: 'resolved', message: 'Closed: check disabled' });
    const audit = await rt.service.listAudit({});
    expect(audit.find((a) => a.action === 'alert.close')).toMatchObject({ subject: 'db / port', detail: { alert: alert!.id, reason: 'check disabled' } });
    expect(audit.find((a) => a.action === 'check.pause')?.subject).toBe('db / port');
  });

  it('clones a check next to the original under a free name, twice', async () => {
    const port = await httpServer();
    const { rt, configFile } = await boot(`version: 1\ntargets:\n  - name: web1\n    checks:\n      - ${http('home', port, ', expect: { keyword: ok }')}\n      - ${http('api', port)}\n`);
    const home = await byName(rt, 'web1', 'home');

    const first = await rt.service.cloneCheck({ id: home.id });
    const second = await rt.service.cloneCheck({ id: home.id });

    expect([first.name, second.name]).toEqual(['home (copy)', 'home (copy 2)']);
    const saved = fileConfig(configFile).targets![0]!.checks!;
    expect(saved.map((c) => c.name)).toEqual(['home', 'home (copy 2)', 'home (copy)', 'api']);
    expect(saved[2]).toMatchObject({ kind: 'http', url: `http://127.0.0.1:${port}/`, expect: { keyword: 'ok' } });
    await waitFor(async () => (await byName(rt, 'web1', 'home (copy)'))?.status === 'up');
    expect((await rt.service.listAudit({})).find((a) => a.action === 'check.clone')).toMatchObject({ subject: 'web1 / home (copy 2)', detail: { from: 'web1 / home' } });
  });

  it('removes checks in one write and one audit entry; unknown ids are refused without writing anything', async () => {
    const port = await httpServer();
    const { rt, configFile, events } = await boot(`version: 1\ntargets:\n  - name: a\n    checks:\n      - ${http('one', port)}\n      - ${http('two', port)}\n  - name: b\n    checks:\n      - ${http('three', port)}\n`);
    const [one, , three] = await checksOf(rt);

    await expect(rt.service.removeChecks({ ids: [one!.id, 999_999] })).rejects.toThrow('no check with id 999999');
    expect(fileConfig(configFile).targets!.flatMap((t) => t.checks!.map((c) => c.name))).toEqual(['one', 'two', 'three']);

    const writesBefore = events.filter((e) => e.type === 'config.changed').length;
    await rt.service.removeChecks({ ids: [one!.id, three!.id] });
    expect(events.filter((e) => e.type === 'config.changed').length - writesBefore).toBe(1);
    expect(fileConfig(configFile).targets!.map((t) => [t.name, (t.checks ?? []).map((c) => c.name)])).toEqual([
      ['a', ['two']],
      ['b', []],
    ]);
    expect((await rt.service.listAudit({})).filter((a) => a.action === 'check.remove').map((a) => a.subject)).toEqual(['a / one, b / three']);
  });

  it('acknowledges the open alerts of several checks at once, skipping ones already acknowledged', async () => {
    const { rt } = await boot(`version: 1\ntargets:\n  - name: db\n    checks:\n      - ${refused('p1')}\n      - ${refused('p2')}\n`);
    const alerts = await waitFor(async () => {
      const a = await rt.service.listAlerts({ state: 'open' });
      return a.length === 2 ? a : null;
    });
    await rt.service.acknowledgeAlert({ id: alerts[0]!.id });

    const acked = await rt.service.acknowledgeAlerts({ ids: alerts.map((a) => a.id), note: 'on it' });

    expect(acked.map((a) => a.id)).toEqual([alerts[1]!.id]);
    expect((await rt.service.listAlerts({ state: 'open' })).length).toBe(0);
    const entry = (await rt.service.listAudit({})).find((a) => a.action === 'alert.acknowledge' && a.subject.includes(' / '));
    expect(entry).toMatchObject({ subject: `db / ${alerts[1]!.check}`, detail: { note: 'on it' } });
  });

  it('opens the DOWN alert with the check severity, and a warning alert while degraded when asked to', async () => {
    const slowPort = await httpServer(150);
    const { rt } = await boot(
      `version: 1\ntargets:\n  - name: s\n    checks:\n      - ${refused('crit', ', severity: critical')}\n      - ${http('slow', slowPort, ', alertOnDegraded: true, expect: { maxLatency: 50ms }')}\n      - ${http('slow-quiet', slowPort, ', expect: { maxLatency: 50ms }')}\n`,
    );
    const alerts = await waitFor(async () => {
      const a = await rt.service.listAlerts({ state: 'active' });
      return a.length >= 2 ? a : null;
    });
    expect(alerts.map((a) => [a.check, a.severity, a.title]).sort()).toEqual([
      ['crit', 'critical', 's / crit is down'],
      ['slow', 'warning', 's / slow is degraded'],
    ]);
    // Its first probe may come a moment later (first runs are spread): degraded, with no alert.
    await waitFor(async () => ((await byName(rt, 's', 'slow-quiet')).status === 'degraded' ? true : null));
    expect((await rt.service.listAlerts({ state: 'active' })).map((a) => a.check).sort()).toEqual(['crit', 'slow']);
  });
});

describe('names of copies and audit subjects', () => {
  it('finds a free copy name ignoring case, within 64 characters', () => {
    expect(freeCopyName('home', ['home'])).toBe('home (copy)');
    expect(freeCopyName('home', ['home', 'HOME (COPY)'])).toBe('home (copy 2)');
    const long = 'x'.repeat(64);
    expect(freeCopyName(long, [long])).toHaveLength(64);
    expect(freeCopyName(long, [long]).endsWith(' (copy)')).toBe(true);
  });

  it('keeps a long list of names to one line', () => {
    expect(namesLine(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe('a, b, c, d, e and 2 more');
  });
});
