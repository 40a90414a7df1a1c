// Maintenance windows, dependencies, latency anomalies and observer offline through the whole core
// (real store, real HTTP servers on 127.0.0.1, a recording channel), with the clocks injected.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createKaavan, type KaavanOptions, type KaavanRuntime } from '../../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import { RecordingChannel, waitFor } from '../../helpers/core-harness.js';
import { closedPort, respond, startHttpServer } from '../../helpers/test-servers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(yaml: string, options: Partial<KaavanOptions> = {}, beforeStart?: (rt: KaavanRuntime) => void): Promise<{ rt: KaavanRuntime; channel: RecordingChannel }> {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-oversight-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const configFile = join(dir, 'kaavan.yaml');
  writeFileSync(configFile, yaml);
  const channel = new RecordingChannel();
  const rt = await createKaavan({ configStore: new FileConfigStore(configFile), dataDir: join(dir, 'data'), mode: 'headless', logger: silentLogger, channels: [channel], backoffMs: [50], ...options });
  cleanups.push(() => rt.stop());
  beforeStart?.(rt);
  await rt.start();
  return { rt, channel };
}

const target = async (rt: KaavanRuntime, name: string) => (await rt.service.overview()).targets.find((t) => t.name === name)!;

describe('maintenance windows', () => {
  it('checks run and are recorded, but no alert opens until the window ends', async () => {
    // A controllable wall clock; the monotonic clock moves with it, so the jump is not a sleep.
    let offset = Date.parse('2026-11-24T02:30:00Z') - performance.now();
    const now = () => performance.now() + offset;
    const port = await closedPort();
    const { rt, channel } = await start(
      `version: 1
targets:
  - name: web1
    tags: [prod]
    checks:
      - { name: api, kind: tcp, host: 127.0.0.1, port: ${port}, interval: 1s, retries: 0 }
  - name: web2
    checks:
      - { name: api, kind: tcp, host: 127.0.0.1, port: ${port}, interval: 1s, retries: 0 }
maintenance:
  - { tags: [prod], start: "2026-11-24T02:00:00Z", end: "2026-11-24T03:00:00Z", reason: "kernel upgrade" }
`,
      { now, monotonic: now },
    );
    // web2 is not in the window: its alert opens; web1's stays quiet though it is down and recorded.
    await waitFor(() => channel.notices.some((n) => n.kind === 'opened' && n.alert.target === 'web2'));
    const web1 = await waitFor(async () => {
      const t = await target(rt, 'web1');
      return t.checks[0]!.stats24h.probes >= 3 && t;
    });
    expect(web1.checks[0]!.status).toBe('down');
    expect(web1.maintenance).toEqual({ until: Date.parse('2026-11-24T03:00:00Z'), reason: 'kernel upgrade' });
    expect(web1.checks[0]!.suppressed).toEqual({ reason: 'maintenance', message: expect.stringMatching(/^in maintenance until \d{4}-\d\d-\d\d \d\d:\d\d \(.+\) \(kernel upgrade\)$/) });
    expect((await target(rt, 'web2')).maintenance).toBeNull();
    expect(channel.notices.filter((n) => n.alert.target === 'web1')).toEqual([]);

    // The window ends: the next probe finds web1 still down and opens its alert.
    offset += 31 * 60_000;
    const opened = await waitFor(() => channel.notices.find((n) => n.kind === 'opened' && n.alert.target === 'web1'));
    expect(opened.body).toMatch(/refused/);
    expect((await target(rt, 'web1')).maintenance).toBeNull();
  }, 30_000);
});

describe('dependencies', () => {
  it('a check whose parent is down is blocked by it: one alert, and the child runs again when the parent recovers', async () => {
    const db = await startHttpServer(respond(200, 'db ok'));
    const app = await startHttpServer(respond(200, 'app ok'));
    const { rt, channel } = await start(`version: 1
targets:
  - name: db1
    checks:
      - { name: health, kind: http, url: "${db.url('/')}", interval: 1s, retries: 0 }
  - name: web1
    dependsOn: [db1]
    checks:
      - { name: home, kind: http, url: "${app.url('/')}", interval: 1s, retries: 0 }
`);
    await waitFor(async () => (await rt.service.overview()).targets.every((t) => t.status === 'up'));
    await db.stop();
    await app.stop();
    await waitFor(() => channel.notices.some((n) => n.kind === 'opened' && n.alert.target === 'db1'));
    const web1 = await waitFor(async () => {
      const t = await target(rt, 'web1');
      return t.checks[0]!.status === 'down' && t.checks[0]!.suppressed?.reason === 'blocked' && t.checks[0]!.stats24h.probes >= 4 && t;
    });
    expect(web1.checks[0]!.suppressed!.message).toBe('blocked by parent: db1 is down (health)');
    expect(channel.notices.filter((n) => n.kind === 'opened').map((n) => n.alert.target)).toEqual(['db1']);

    await db.start();
    await app.start();
    await waitFor(() => channel.notices.some((n) => n.kind === 'recovered' && n.alert.target === 'db1'));
    await waitFor(async () => (await target(rt, 'web1')).checks[0]!.status === 'up');
    expect(channel.notices.filter((n) => n.alert.target === 'web1')).toEqual([]);
  }, 30_000);
});

describe('latency anomalies', () => {
  it('an answer far slower than the check usually answers makes it degraded, with the figures', async () => {
    let delayMs = 0;
    const server = await startHttpServer(async (_req, res) => {
      await new Promise((r) => setTimeout(r, delayMs));
      res.end('ok');
    });
    const { rt } = await start(`version: 1
targets:
  - name: web1
    checks:
      - { name: home, kind: http, url: "${server.url('/')}", interval: 1s, anomaly: { minSamples: 4, window: 20, z: 3 } }
`);
    await waitFor(async () => (await target(rt, 'web1')).checks[0]!.stats24h.probes >= 5);
    delayMs = 400;
    const slow = await waitFor(async () => {
      const check = (await target(rt, 'web1')).checks[0]!;
      return check.status === 'degraded' && check;
    });
    expect(slow.lastResult!.message).toMatch(/^latency 4\d\d ms is \d+\.\dσ above the \d+ ms mean of the last \d+ probes \(HTTP 200/);
  }, 30_000);
});

describe('observer offline', () => {
  it('with no network, failures that look like a lost network are "observer offline": nothing recorded, nothing alerts', async () => {
    let network = false;
    const hanging = await startHttpServer(() => undefined); // never answers: the probe times out
    const { rt, channel } = await start(
      `version: 1
targets:
  - name: web1
    checks:
      - { name: home, kind: http, url: "${hanging.url('/')}", interval: 1s, timeout: 300ms, retries: 0 }
`,
      { hasNetwork: () => network },
    );
    const offline = await waitFor(async () => {
      const check = (await target(rt, 'web1')).checks[0]!;
      return check.suppressed?.reason === 'observer-offline' && check;
    });
    expect(offline.suppressed!.message).toBe('observer offline: this computer has no network connection');
    expect(offline.status).toBe('pending');
    expect(offline.stats24h.probes).toBe(0);
    expect((await rt.service.health()).problems.map((p) => p.code)).toContain('observer-offline');
    // Back on the network, the same failures count: the check goes down and alerts.
    network = true;
    await waitFor(() => channel.notices.some((n) => n.kind === 'opened' && n.alert.target === 'web1'));
    expect((await target(rt, 'web1')).checks[0]!.status).toBe('down');
  }, 30_000);

  it('after a sleep (the wall clock jumps, the monotonic clock does not) every check runs again at once', async () => {
    const server = await startHttpServer(respond(200, 'ok'));
    let jump = 0;
    const { rt } = await start(
      `version: 1
targets:
  - name: web1
    checks:
      - { name: home, kind: http, url: "${server.url('/')}", interval: 1h }
`,
      { now: () => Date.now() + jump, monotonic: () => performance.now() },
    );
    await waitFor(async () => (await target(rt, 'web1')).checks[0]!.stats24h.probes === 1);
    const requests = server.requests.length;
    jump = 45 * 60_000;
    // The hourly check is probed again right after the wake, long before its next hour.
    await waitFor(() => server.requests.length > requests, 12_000);
    await waitFor(async () => (await target(rt, 'web1')).checks[0]!.status === 'up');
  }, 30_000);

  it('suspend and resume from the shell: nothing counts while asleep, every check runs on resume', async () => {
    const port = await closedPort();
    const { rt, channel } = await start(
      `version: 1
targets:
  - name: web1
    checks:
      - { name: api, kind: tcp, host: 127.0.0.1, port: ${port}, interval: 1s, retries: 0 }
`,
      {},
      // Asleep before the first probe can run (start() awaits other services after the engine).
      (runtime) => runtime.power.suspend(),
    );
    await new Promise((r) => setTimeout(r, 2500));
    const asleep = (await target(rt, 'web1')).checks[0]!;
    expect(asleep.suppressed).toEqual({ reason: 'observer-offline', message: 'observer offline: this computer is asleep' });
    expect(asleep.stats24h.probes).toBe(0);
    expect(channel.notices).toEqual([]);
    rt.power.resume();
    // A refusal is the server's answer, not a lost network: after the wake it counts.
    await waitFor(() => channel.notices.some((n) => n.kind === 'opened'));
  }, 30_000);
});
