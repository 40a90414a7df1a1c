// The headless transport against a real runtime: token enforcement, validation, events, static files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createKaavan, type KaavanRuntime } from '../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../src-main/core/config/file-config-store.js';
import { startHeadlessServer, type HeadlessServer } from '../../src-main/headless/server.js';

let dir: string;
let runtime: KaavanRuntime;
let server: HeadlessServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kaavan-srv-'));
  writeFileSync(join(dir, 'config.yaml'), 'version: 1\ntargets:\n  - name: web1\n');
  mkdirSync(join(dir, 'static'));
  writeFileSync(join(dir, 'static', 'index.html'), '<!doctype html><title>Kaavan</title>');
  writeFileSync(join(dir, 'secret.txt'), 'do not serve me');
  runtime = await createKaavan({ configStore: new FileConfigStore(join(dir, 'config.yaml')), dataDir: join(dir, 'data'), mode: 'headless' });
  await runtime.start();
  server = await startHeadlessServer({ service: runtime.service, staticDir: join(dir, 'static') });
});

afterAll(async () => {
  await server?.close();
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const rpc = (method: string, body: unknown, token: string | null = server.token) =>
  fetch(`${server.url}/api/rpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

function rawGet(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('headless server', () => {
  it('listens on 127.0.0.1 and prints a dashboard URL carrying the token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.dashboardUrl).toBe(`${server.url}/#token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('rejects API calls without the token or with a wrong one (401)', async () => {
    expect((await rpc('overview', undefined, null)).status).toBe(401);
    expect((await rpc('overview', undefined, 'x'.repeat(server.token.length))).status).toBe(401);
    const res = await rpc('getConfig', undefined, 'wrong');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'invalid_input', message: 'missing or wrong token' } });
  });

  it('answers with the token', async () => {
    const res = await rpc('overview', undefined);
    expect(res.status).toBe(200);
    const { result } = (await res.json()) as { result: { targets: Array<{ name: string }> } };
    expect(result.targets.map((t) => t.name)).toEqual(['web1']);
  });

  it('validates input in one place and names the bad field', async () => {
    const res = await rpc('acknowledgeAlert', { id: 'seven' });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; issues: Array<{ path: string }> } };
    expect(error.code).toBe('invalid_input');
    expect(error.issues[0]!.path).toBe('id');
    const extra = await rpc('setPaused', { paused: true, evil: 1 });
    expect(extra.status).toBe(400);
    const notJson = await fetch(`${server.url}/api/rpc/overview`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: '{nope' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toContain('not valid JSON');
  });

  it('reports unknown methods and missing things as 404', async () => {
    expect((await rpc('dropDatabase', {})).status).toBe(404);
    const missing = await rpc('alertDetail', { id: 999 });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe('no alert with id 999');
  });

  it('returns check field errors from saveCheck as 400 with paths', async () => {
    const res = await rpc('saveCheck', { target: 'web1', check: { name: 'x', kind: 'http', url: 'nope' } });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { issues: Array<{ path: string }> } };
    expect(error.issues.map((i) => i.path)).toEqual(['url']);
  });

  it('refuses foreign Host headers (DNS rebinding)', async () => {
    const res = await rawGet('/', 'evil.example:80');
    expect(res.status).toBe(421);
    expect((await rawGet('/', `localhost:${server.port}`)).status).toBe(200);
  });

  it('serves the dashboard with a strict CSP and never files outside it', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<title>Kaavan</title>');
    expect((await rawGet('/../secret.txt', `127.0.0.1:${server.port}`)).body).not.toContain('do not serve me');
    expect((await rawGet('/..%2fsecret.txt', `127.0.0.1:${server.port}`)).status).toBe(403);
  });

  it('streams events over WebSocket only with the token', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=wrong`);
    const refusal = await new Promise<string>((resolve) => {
      refused.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      refused.on('error', (e) => resolve(e.message));
    });
    expect(refusal).toContain('401');

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`);
    await new Promise((r, j) => {
      ws.on('open', r);
      ws.on('error', j);
    });
    // Other overview events (coalesced from earlier changes) may come first: wait for the paused one.
    const got = new Promise<{ type: string; overview?: { paused: boolean } }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no paused overview event within 5 s')), 5000);
      ws.on('message', (data) => {
        const event = JSON.parse(String(data));
        if (event.type === 'overview' && event.overview.paused) {
          clearTimeout(timer);
          resolve(event);
        }
      });
    });
    await rpc('setPaused', { paused: true });
    const event = await got;
    expect(event.overview?.paused).toBe(true);
    ws.close();
    await rpc('setPaused', { paused: false });
  });
});
