// The public status page of the headless server: off by default, no token, one page for all targets
// and one per tag, nothing secret on it, a strict CSP that its own style passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKaavan, type KaavanRuntime } from '../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../src-main/core/config/file-config-store.js';
import { startHeadlessServer, type HeadlessServer } from '../../src-main/headless/server.js';
import { publicWhere } from '../../src-main/headless/status-page.js';
import { waitFor } from '../helpers/core-harness.js';
import { validateConfig } from '../../src-main/core/config/validate.js';

let dir: string;
let target: Server;
let runtime: KaavanRuntime;
let server: HeadlessServer;

/** A GET with a chosen Host header (fetch would not let us set it). */
function get(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolvePromise({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kaavan-status-'));
  target = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const port = (target.address() as AddressInfo).port;
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      'version: 1',
      'targets:',
      '  - name: shop <b>&<i> "front"',
      '    tags: [prod, Public]',
      '    checks:',
      `      - { name: home, kind: http, url: "http://ops@127.0.0.1:${port}/health?api_key=hunter2#frag", interval: 1s }`,
      `      - { name: port, kind: tcp, host: 127.0.0.1, port: ${port}, interval: 1s }`,
      '  - name: internal-db',
      '    tags: [staging]',
      '    checks:',
      `      - { name: pg, kind: tcp, host: 127.0.0.1, port: ${port}, interval: 1s }`,
      '',
    ].join('\n'),
  );
  runtime = await createKaavan({ configStore: new FileConfigStore(join(dir, 'config.yaml')), dataDir: join(dir, 'data'), mode: 'headless' });
  server = await startHeadlessServer({ service: runtime.service, staticDir: null, log: () => undefined });
  await runtime.start();
  await waitFor(async () => ((await runtime.service.overview()).targets.every((t) => t.checks.every((c) => c.status === 'up')) ? true : undefined), 15_000, 'every check up');
});

afterAll(async () => {
  await server?.close();
  await runtime?.stop();
  await new Promise((r) => target?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('status page', () => {
  it('is off by default: /status and /status/<tag> are not found', async () => {
    expect((await fetch(`${server.url}/status`)).status).toBe(404);
    expect((await fetch(`${server.url}/status/prod`)).status).toBe(404);
  });

  it('once enabled, shows every target with its checks, status and 24 h uptime, without a token', async () => {
    await runtime.service.updateSettings({ statusPage: { enabled: true, title: 'Acme status' } });
    const response = await fetch(`${server.url}/status`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<title>Acme status</title>');
    expect(html).toContain('All systems operational');
    // Names are escaped, never markup.
    expect(html).toContain('shop &lt;b&gt;&amp;&lt;i&gt; &quot;front&quot;');
    expect(html).not.toContain("<b>&<i>");
    expect(html).toContain('internal-db');
    expect(html).toContain('>home<');
    expect(html).toContain('100 %');
    expect(html).toContain('Operational');
  });

  it('shows the URL of a check without its user, query or fragment, and nothing secret', async () => {
    const html = await (await fetch(`${server.url}/status`)).text();
    expect(html).toMatch(/http:\/\/127\.0\.0\.1:\d+\/health</);
    for (const leak of ['hunter2', 'api_key', 'ops@', 'frag', server.token]) expect(html).not.toContain(leak);
    expect(publicWhere({ kind: 'command', describe: 'curl -u admin:pw https://x' })).toBeNull();
    expect(publicWhere({ kind: 'tcp', describe: 'db.example.com:5432' })).toBe('db.example.com:5432');
  });

  it('has one page per tag (any case) and none for a tag no target carries', async () => {
    const prod = await (await fetch(`${server.url}/status/PROD`)).text();
    expect(prod).toContain('Acme status \u2014 prod');
    expect(prod).toContain('shop &lt;b&gt;');
    expect(prod).not.toContain('internal-db');
    expect((await fetch(`${server.url}/status/staging`)).status).toBe(200);
    expect((await fetch(`${server.url}/status/nope`)).status).toBe(404);
  });

  it('with tags listed, exposes only those tags and their targets', async () => {
    await runtime.service.updateSettings({ statusPage: { enabled: true, tags: ['public'] } });
    const all = await (await fetch(`${server.url}/status`)).text();
    expect(all).toContain('<title>Service status</title>');
    expect(all).toContain('shop &lt;b&gt;');
    expect(all).not.toContain('internal-db');
    expect((await fetch(`${server.url}/status/staging`)).status).toBe(404);
    expect((await fetch(`${server.url}/status/public`)).status).toBe(200);
  });

  it('sends a CSP without scripts whose style hash matches the page, and is reachable through a proxy name', async () => {
    const response = await fetch(`${server.url}/status`);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    const html = await response.text();
    expect(html).not.toContain('<script');
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    // A reverse proxy passing its own Host gets the page; the API still refuses that Host.
    expect((await get('/status', 'status.example.com')).status).toBe(200);
    expect((await get('/api/rpc/info', 'status.example.com')).status).toBe(421);
  });

  it('names a wrong setting by its field path, in words', () => {
    const result = validateConfig({ version: 1, settings: { statusPage: { enabled: 'yes', title: '', tags: 'prod', extra: 1 } } });
    expect(result.ok).toBe(false);
    const byPath = Object.fromEntries(result.issues.map((i) => [i.path, i.message]));
    expect(byPath['settings.statusPage.enabled']).toBe('must be true or false (got the text "yes")');
    expect(byPath['settings.statusPage.title']).toBe('must not be empty');
    expect(Object.keys(byPath)).toEqual(expect.arrayContaining(['settings.statusPage.tags', 'settings.statusPage.extra']));
  });

  it('turns off again when disabled', async () => {
    await runtime.service.updateSettings({ statusPage: { enabled: false } });
    expect((await fetch(`${server.url}/status`)).status).toBe(404);
  });
});
