// Dependencies and host keys through the whole core, against real sshd on 127.0.0.1: a server that
// goes away blocks its host-level checks behind ONE alert, and everything opened gets its resolved
// notice once it is back; a changed host key blocks the connection and raises a critical alert
// naming both fingerprints.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKaavan, type KaavanRuntime } from '../../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import { RecordingChannel, waitFor as waitForWithin } from '../../helpers/core-harness.js';
import { makeClientKey, sshdUnavailableReason, startSshd, stopAllSshd, type ClientKey, type TestSshd } from '../../helpers/sshd.js';

const unavailable = sshdUnavailableReason();
// Generous: sshd start-up and reconnect backoff on a busy machine (nothing here measures speed).
const waitFor = <T>(fn: Parameters<typeof waitForWithin<T>>[0], ms = 30_000) => waitForWithin(fn, ms);
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * Stopping sshd closes its listener only: each session lives in its own forked sshd until its
 * client leaves. A server that really went away drops those too (these are processes the test's
 * own sshd started, found by the port they serve).
 */
function dropSessions(server: TestSshd): void {
  const out = execFileSync('ss', ['-tnpH', 'state', 'established', `( sport = :${server.port} )`], { encoding: 'utf8' });
  for (const match of out.matchAll(/pid=(\d+)/g)) {
    try {
      process.kill(Number(match[1]), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

describe.skipIf(unavailable !== null)(`SSH targets as parents${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let key: ClientKey;
  beforeAll(() => {
    key = makeClientKey();
  });
  afterAll(() => stopAllSshd());

  async function start(yaml: string): Promise<{ rt: KaavanRuntime; channel: RecordingChannel; dir: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'kaavan-deps-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const configFile = join(dir, 'kaavan.yaml');
    writeFileSync(configFile, yaml.replaceAll('$DIR', dir));
    const secrets = { get: async (n: string) => (n === 'web1-key' ? key.privateKey : null), set: async () => ({ name: '', source: 'env' as const }), delete: async () => false, list: async () => [] };
    const channel = new RecordingChannel();
    const rt = await createKaavan({ configStore: new FileConfigStore(configFile), dataDir: join(dir, 'data'), mode: 'headless', logger: silentLogger, secrets, channels: [channel], backoffMs: [50] });
    cleanups.push(() => rt.stop());
    await rt.start();
    return { rt, channel, dir };
  }

  it('a server that goes away: children blocked by parent, one alert, resolved notices when it is back', async () => {
    const server = await startSshd({ authorizedKeys: [key.publicKey] });
    const ssh = `{ host: 127.0.0.1, port: ${server.port}, user: root, keyRef: web1-key, hostKey: "${server.hostKeyFingerprint}" }`;
    const checks = ['uptime', 'df', 'who', 'date', 'hostname']
      .map((name) => `      - { name: ${name}, kind: command, command: "${name} >/dev/null", interval: 1s, timeout: 5s, retries: 0 }\n`)
      .join('');
    const { rt, channel, dir } = await start(`version: 1
targets:
  - name: web1
    ssh: ${ssh}
    checks:
${checks}      - { name: marker, kind: command, command: "test ! -e $DIR/broken", interval: 1s, timeout: 5s, retries: 0 }
`);
    const views = async () => (await rt.service.overview()).targets[0]!;
    // The first connection may need a retry or two on a loaded machine (backoff 1 s, 2 s, 4 s…).
    await waitFor(async () => (await views()).checks.every((c) => c.status === 'up'), 60_000).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${(await views()).checks.map((c) => `${c.name} ${c.status} ${c.lastResult?.message ?? ''}`).join('; ')}`);
    });

    // One check fails on its own first: it has an alert of its own before the server goes away.
    writeFileSync(join(dir, 'broken'), '');
    await waitFor(() => channel.notices.some((n) => n.kind === 'opened' && n.alert.check === 'marker'));

    await server.stop();
    dropSessions(server);
    const sshAlert = await waitFor(() => channel.notices.find((n) => n.kind === 'opened' && n.alert.key.startsWith('ssh:')));
    expect(sshAlert.alert).toMatchObject({ target: 'web1', checkId: null, severity: 'error' });
    expect(sshAlert.body).toMatch(new RegExp(`^web1 unreachable over SSH: 127\\.0\\.0\\.1:${server.port} refused the connection`));
    // Every host-level check of web1 is blocked by its parent, with the reason on its card.
    const blocked = await waitFor(async () => {
      const target = await views();
      return target.checks.every((c) => c.suppressed?.reason === 'blocked' && c.lastResult?.message.startsWith('blocked by parent')) && target;
    });
    expect(blocked.checks[0]!.suppressed!.message).toBe('blocked by parent: web1 unreachable over SSH');
    // Several more rounds of probes while it is away: still one alert, no reminders, nothing from the children.
    const probesBefore = blocked.checks[0]!.stats24h.probes;
    await waitFor(async () => (await views()).checks[0]!.stats24h.probes >= probesBefore + 3);
    const opened = channel.notices.filter((n) => n.kind === 'opened').map((n) => `${n.alert.target}/${n.alert.check}`);
    expect(opened).toEqual(['web1/marker', 'web1/SSH connection']);
    expect(channel.notices.filter((n) => n.kind === 'reminder')).toEqual([]);

    // Back again, and the check that failed on its own is fixed: every alert that opened resolves.
    rmSync(join(dir, 'broken'));
    await server.start();
    await waitFor(() => channel.notices.filter((n) => n.kind === 'recovered').length >= 2, 40_000);
    expect(channel.notices.filter((n) => n.kind === 'recovered').map((n) => `${n.alert.target}/${n.alert.check}`).sort()).toEqual(['web1/SSH connection', 'web1/marker']);
    const after = await waitFor(async () => {
      const target = await views();
      return target.checks.every((c) => c.status === 'up' && !c.suppressed) && target;
    });
    expect(after.health).toMatchObject({ score: 1, band: 'excellent', classification: 'NORMAL' });
    expect((await rt.service.listAlerts({ state: 'active' })).length).toBe(0);
  }, 150_000);

  it('a changed host key blocks every connection and raises one critical alert naming both fingerprints', async () => {
    const server = await startSshd({ authorizedKeys: [key.publicKey] });
    const pinned = server.hostKeyFingerprint;
    const ssh = `{ host: 127.0.0.1, port: ${server.port}, user: root, keyRef: web1-key, hostKey: "${pinned}" }`;
    const { rt, channel } = await start(`version: 1
targets:
  - name: web1
    ssh: ${ssh}
    checks:
      - { name: uptime, kind: command, command: "uptime", interval: 1s, timeout: 5s, retries: 0 }
      - { name: df, kind: command, command: "df", interval: 1s, timeout: 5s, retries: 0 }
`);
    await waitFor(async () => (await rt.service.overview()).targets[0]!.checks.every((c) => c.status === 'up'));
    await server.rotateHostKey();
    dropSessions(server);
    const offered = server.hostKeyFingerprint;
    const notice = await waitFor(() => channel.notices.find((n) => n.kind === 'opened'), 30_000);
    expect(notice.alert).toMatchObject({ target: 'web1', check: 'SSH host key', severity: 'critical', checkId: null });
    expect(notice.body).toContain(`pinned ${pinned}`);
    expect(notice.body).toContain(`offered ${offered}`);
    // The connection stays refused (no further attempt), and the checks are blocked behind this one alert.
    const target = await waitFor(async () => {
      const t = (await rt.service.overview()).targets[0]!;
      return t.checks.every((c) => c.suppressed?.reason === 'blocked' && /host key of .* changed/.test(c.lastResult?.message ?? '')) && t;
    });
    expect(target.checks.map((c) => c.status)).toEqual(['down', 'down']);
    await new Promise((r) => setTimeout(r, 2500));
    expect(channel.notices.filter((n) => n.kind === 'opened')).toHaveLength(1);
    expect(server.establishedConnections()).toBe(0);
  }, 120_000);
});

describe('an SSH server still away after a restart', () => {
  it('stays on the one alert opened before the restart (no second "down" notice)', async () => {
    const { closedPort } = await import('../../helpers/test-servers.js');
    const dir = mkdtempSync(join(tmpdir(), 'kaavan-deps-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const configFile = join(dir, 'kaavan.yaml');
    const port = await closedPort();
    writeFileSync(configFile, `version: 1
targets:
  - name: web1
    ssh: { host: 127.0.0.1, port: ${port}, user: root, keyRef: web1-key, hostKey: "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s" }
    checks:
      - { name: uptime, kind: command, command: uptime, interval: 1s, retries: 0 }
`);
    const secrets = { get: async () => 'unused: the server refuses before any login', set: async () => ({ name: '', source: 'env' as const }), delete: async () => false, list: async () => [] };
    const run = async () => {
      const channel = new RecordingChannel();
      const rt = await createKaavan({ configStore: new FileConfigStore(configFile), dataDir: join(dir, 'data'), mode: 'headless', logger: silentLogger, secrets, channels: [channel], backoffMs: [50] });
      await rt.start();
      return { rt, channel };
    };
    const first = await run();
    await waitFor(() => first.channel.notices.some((n) => n.kind === 'opened' && n.alert.check === 'SSH connection'));
    await first.rt.stop();

    const second = await run();
    cleanups.push(() => second.rt.stop());
    const probes = async () => (await second.rt.service.overview()).targets[0]!.checks[0]!.stats24h.probes;
    const before = await probes();
    await waitFor(async () => (await probes()) >= before + 3);
    expect(second.channel.notices.filter((n) => n.kind === 'opened')).toEqual([]);
    const active = await second.rt.service.listAlerts({ state: 'active' });
    expect(active.map((a) => `${a.target}/${a.check}`)).toEqual(['web1/SSH connection']);
  }, 60_000);
});
