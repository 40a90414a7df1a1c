// /metrics of the headless server as Prometheus would scrape it: a real runtime probing real
// servers on 127.0.0.1, the text checked by Prometheus' own `promtool check metrics`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKaavan, type KaavanRuntime } from '../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../src-main/core/config/file-config-store.js';
import { startHeadlessServer, type HeadlessServer } from '../../src-main/headless/server.js';
import { waitFor } from '../helpers/core-harness.js';
import type { Overview } from '../../src-main/core/model.js';

const PROMTOOL = '/usr/bin/promtool';

let dir: string;
let target: Server;
let runtime: KaavanRuntime;
let server: HeadlessServer;

const scrape = (token: string | null = server.token) => fetch(`${server.url}/metrics`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kaavan-metrics-'));
  target = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const port = (target.address() as AddressInfo).port;
  // A port nothing listens on: bound, then closed.
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      'version: 1',
      'targets:',
      '  - name: web "1"',
      '    tags: [prod]',
      '    checks:',
      `      - { name: home, kind: http, url: "http://127.0.0.1:${port}/health?key=secret", interval: 1s }`,
      `      - { name: db, kind: tcp, host: 127.0.0.1, port: ${deadPort}, interval: 1s, retries: 0 }`,
      '',
    ].join('\n'),
  );
  runtime = await createKaavan({ configStore: new FileConfigStore(join(dir, 'config.yaml')), dataDir: join(dir, 'data'), mode: 'headless' });
  server = await startHeadlessServer({ service: runtime.service, staticDir: null, log: () => undefined });
  await runtime.start();
  await waitFor(async () => {
    const overview: Overview = await runtime.service.overview();
    const checks = overview.targets.flatMap((t) => t.checks);
    const alerts = await runtime.service.listAlerts({ state: 'active' });
    return checks.find((c) => c.name === 'home')?.status === 'up' && checks.find((c) => c.name === 'db')?.status === 'down' && alerts.length === 1 ? true : undefined;
  }, 15_000, 'home up and db down');
});

afterAll(async () => {
  await server?.close();
  await runtime?.stop();
  await new Promise((r) => target?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('/metrics', () => {
  it('refuses a scrape without the token or with a wrong one', async () => {
    const none = await scrape(null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.text()).not.toContain('kaavan_check');
    expect((await scrape('x'.repeat(server.token.length))).status).toBe(401);
  });

  it('reports each check status, uptime, latency and the open alert, in text promtool accepts', async () => {
    // At least two probes of home so the histogram has counted something.
    await waitFor(async () => ((await (await scrape()).text()).match(/kaavan_check_latency_seconds_count\{[^}]*check="home"[^}]*\} ([2-9]|\d\d+)/) ? true : undefined), 10_000, 'two latency samples');
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();

    // Label values are escaped as the format wants (the quotes in the target name).
    expect(text).toContain('kaavan_check_status{target="web \\"1\\"",check="home",kind="http",status="up"} 1');
    expect(text).toContain('kaavan_check_status{target="web \\"1\\"",check="home",kind="http",status="down"} 0');
    expect(text).toContain('kaavan_check_status{target="web \\"1\\"",check="db",kind="tcp",status="down"} 1');
    expect(text).toContain('kaavan_check_up{target="web \\"1\\"",check="home",kind="http"} 1');
    expect(text).toContain('kaavan_check_up{target="web \\"1\\"",check="db",kind="tcp"} 0');
    expect(text).toMatch(/kaavan_check_uptime_ratio\{target="web \\"1\\"",check="home",kind="http"\} 1\n/);
    expect(text).toMatch(/kaavan_check_latency_seconds_bucket\{le="\+Inf",target="web \\"1\\"",check="home",kind="http"\} \d+/);
    const openAlerts = [...text.matchAll(/^kaavan_alerts_open\{severity="\w+",state="open"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(openAlerts).toBe(1);
    expect(text).toContain('kaavan_monitoring_paused 0');
    expect(text).toMatch(/^kaavan_self_healthy [01]$/m);
    // The target's health score (one check up, one down): a number below 1.
    const score = /^kaavan_target_health_score\{target="web \\"1\\""\} ([\d.e-]+)$/m.exec(text);
    expect(score, 'a health score line for the target').not.toBeNull();
    expect(Number(score![1])).toBeGreaterThanOrEqual(0);
    expect(Number(score![1])).toBeLessThan(1);
    // Nothing of the URL's query.
    expect(text).not.toContain('secret');

    expect(existsSync(PROMTOOL), `${PROMTOOL} is missing: apt-get install -y prometheus`).toBe(true);
    const lint = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it('drops the series of a removed check', async () => {
    const config = await runtime.service.getConfig();
    const web = config.targets![0]!;
    await runtime.service.replaceConfig({ config: { ...config, targets: [{ ...web, checks: web.checks!.filter((c) => c.name !== 'home') }] } });
    const text = await (await scrape()).text();
    expect(text).not.toContain('check="home"');
    expect(text).toContain('check="db"');
  });
});
