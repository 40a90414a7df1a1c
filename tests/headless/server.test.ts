// The headless transport against a real runtime: token enforcement, validation, events, static files,
// and that it cannot be starved (idle connections, a lowered descriptor limit, a client that never reads).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import type { Alert, KaavanHealth, Overview, OverviewSummary } from '../../src-main/core/model.js';
import { createKaavan, type KaavanRuntime } from '../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../src-main/core/config/file-config-store.js';
import {
  connectionCap,
  decodePath,
  readFdLimit,
  splitRequestTarget,
  startHeadlessServer,
  type HeadlessServer,
} from '../../src-main/headless/server.js';

let dir: string;
let runtime: KaavanRuntime;
let server: HeadlessServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kaavan-srv-'));
  writeFileSync(join(dir, 'config.yaml'), 'version: 1\ntargets:\n  - name: web1\n');
  mkdirSync(join(dir, 'static'));
  writeFileSync(join(dir, 'static', 'index.html'), '<!doctype html><title>Kaavan</title>');
  // Next to the dashboard root, one level up: what a traversal would reach.
  writeFileSync(join(dir, 'secret.txt'), 'do not serve me');
  runtime = await createKaavan({ configStore: new FileConfigStore(join(dir, 'config.yaml')), dataDir: join(dir, 'data'), mode: 'headless' });
  await runtime.start();
  server = await startHeadlessServer({ service: runtime.service, staticDir: join(dir, 'static'), log: () => undefined });
});

afterAll(async () => {
  await server?.close();
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const rpcAt = (base: string, token: string | null, method: string, body?: unknown) =>
  fetch(`${base}/api/rpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const rpc = (method: string, body: unknown, token: string | null = server.token) => rpcAt(server.url, token, method, body);

interface RawResponse {
  status: number;
  headers: string;
  body: string;
}

/**
 * One request written byte for byte on a TCP socket: no client library gets to normalise the path
 * ("%2e%2e", "/../") before the server sees it.
 */
function rawRequest(port: number, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(port, '127.0.0.1');
    const headers = { host: `127.0.0.1:${port}`, connection: 'close', 'content-length': '0', ...options.headers };
    socket.on('connect', () => {
      socket.write(`${options.method ?? 'GET'} ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      resolvePromise({ status, headers: head, body: split === -1 ? '' : text.slice(split + 4) });
    });
  });
}

function waitFor<T>(what: string, timeoutMs: number, poll: () => Promise<T | undefined> | T | undefined, everyMs = 100): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const deadline = Date.now() + timeoutMs;
    const tick = async () => {
      let value: T | undefined;
      try {
        value = await poll();
      } catch {
        value = undefined;
      }
      if (value !== undefined) return resolvePromise(value);
      if (Date.now() > deadline) return reject(new Error(`${what}: not within ${timeoutMs} ms`));
      setTimeout(tick, everyMs);
    };
    void tick();
  });
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      // The server may reset it later (that is what some tests wait for).
      socket.on('error', () => undefined);
      resolvePromise(socket);
    });
    socket.once('error', reject);
  });
}

const closed = (socket: Socket) => new Promise<void>((r) => (socket.destroyed ? r() : socket.once('close', () => r())));

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
    expect((await rpc('health', undefined, null)).status).toBe(401);
  });

  it('answers with the token', async () => {
    const res = await rpc('overview', undefined);
    expect(res.status).toBe(200);
    const { result } = (await res.json()) as { result: { targets: Array<{ name: string }> } };
    expect(result.targets.map((t) => t.name)).toEqual(['web1']);
  });

  it("reports Kaavan's own health through the health method", async () => {
    const res = await rpc('health', undefined);
    expect(res.status).toBe(200);
    const { result } = (await res.json()) as { result: KaavanHealth };
    expect(result).toMatchObject({ ok: true, problems: [] });
    expect(typeof result.generatedAt).toBe('number');
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
    const res = await rawRequest(server.port, '/', { headers: { host: 'evil.example:80' } });
    expect(res.status).toBe(421);
    expect((await rawRequest(server.port, '/', { headers: { host: `localhost:${server.port}` } })).status).toBe(200);
  });

  it('answers malformed paths with 400, never 500', async () => {
    const auth = { authorization: `Bearer ${server.token}` };
    const badMethod = await rawRequest(server.port, '/api/rpc/%E0%A4%A', { method: 'POST', headers: auth });
    expect(badMethod.status).toBe(400);
    expect(JSON.parse(badMethod.body)).toEqual({
      error: { code: 'invalid_input', message: 'the method name in the path is not valid percent-encoding' },
    });
    // Without the token the API says nothing about the path.
    expect((await rawRequest(server.port, '/api/rpc/%E0%A4%A', { method: 'POST' })).status).toBe(401);
    for (const path of ['/%', '/%E0%A4%A', '/index.html%00.js', '/a%ZZb']) {
      const res = await rawRequest(server.port, path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
    }
    // Absolute-form targets are for proxies; this server is none.
    expect((await rawRequest(server.port, 'http://127.0.0.1/index.html')).status).toBe(400);
    // Still serving after all of that.
    expect((await rpc('overview', undefined)).status).toBe(200);
  });

  it('serves the dashboard with a strict CSP', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<title>Kaavan</title>');
  });

  it('never serves a file outside the dashboard folder, however the path is encoded', async () => {
    // Raw bytes: the server sees exactly these paths. Each would name ../secret.txt once decoded;
    // without the guard the first two return the file (checked by hand by disabling it).
    const attempts: Array<[string, number]> = [
      ['/%2e%2e/secret.txt', 403],
      ['/%2E%2E/secret.txt', 403],
      ['/..%2fsecret.txt', 403],
      ['/static/..%2f..%2f..%2fsecret.txt', 403],
      ['/../secret.txt', 403],
      // A backslash is a separator on Windows: refused everywhere.
      ['/static/..%5c..%5csecret.txt', 400],
      ['/..\\secret.txt', 400],
    ];
    for (const [path, status] of attempts) {
      const res = await rawRequest(server.port, path);
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(res.body).not.toContain('do not serve me');
    }
    // An encoded path that stays inside is served.
    expect((await rawRequest(server.port, '/%69ndex.html')).body).toContain('<title>Kaavan</title>');
  });

  it('streams events over WebSocket only with the token, starting with the overview and health', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=wrong`);
    const refusal = await new Promise<string>((resolve) => {
      refused.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      refused.on('error', (e) => resolve(e.message));
    });
    expect(refusal).toContain('401');

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`);
    const received: Array<{ type: string; overview?: Overview; health?: KaavanHealth; summary?: OverviewSummary }> = [];
    ws.on('message', (data) => received.push(JSON.parse(String(data))));
    await new Promise((r, j) => {
      ws.on('open', r);
      ws.on('error', j);
    });
    await waitFor('the first two events', 5000, () => (received.length >= 2 ? true : undefined));
    expect(received[0]!.type).toBe('overview');
    expect(received[0]!.overview!.targets.map((t) => t.name)).toEqual(['web1']);
    expect(received[1]).toMatchObject({ type: 'health', health: { ok: true } });

    await rpc('setPaused', { paused: true });
    // A full snapshot or a per-check delta, whichever the engine sends for a pause.
    const paused = await waitFor('a paused event', 5000, () =>
      received.find((e) => (e.type === 'overview' && e.overview!.paused) || (e.type === 'checks.changed' && e.summary!.paused)),
    );
    expect(paused).toBeDefined();
    ws.close();
    await rpc('setPaused', { paused: false });
  });
});

describe('path parsing', () => {
  it('keeps the raw path (no dot-segment removal) and splits off the query', () => {
    expect(splitRequestTarget('/%2e%2e/x?token=a%2Bb#frag')).toMatchObject({ path: '/%2e%2e/x' });
    expect(splitRequestTarget('/api/events?token=a%2Bb')!.query.get('token')).toBe('a+b');
    expect(splitRequestTarget('//evil/x')!.path).toBe('//evil/x');
    expect(splitRequestTarget('http://host/x')).toBeNull();
    expect(splitRequestTarget('*')).toBeNull();
  });

  it('decodes percent-encoding and refuses what cannot be a dashboard path', () => {
    expect(decodePath('/%2e%2e/secret.txt')).toBe('/../secret.txt');
    expect(decodePath('/%E0%A4%A')).toBeNull();
    expect(decodePath('/%')).toBeNull();
    expect(decodePath('/a%00b')).toBeNull();
    expect(decodePath('/..%5csecret')).toBeNull();
  });
});

describe('connection limits', () => {
  it('sizes the cap at a quarter of the descriptor limit, at most 256', () => {
    expect(connectionCap(256)).toBe(64);
    expect(connectionCap(1024)).toBe(256);
    expect(connectionCap(1_048_576)).toBe(256);
    expect(connectionCap(Number.POSITIVE_INFINITY)).toBe(256);
    expect(connectionCap(null)).toBe(256);
    expect(connectionCap(16)).toBe(8);
    const limits = 'Limit                     Soft Limit           Hard Limit           Units     \nMax open files            256                  4096                 files     \n';
    expect(readFdLimit(limits)).toBe(256);
    expect(readFdLimit('Max open files            unlimited            unlimited            files\n')).toBe(Number.POSITIVE_INFINITY);
    expect(readFdLimit('nothing here')).toBeNull();
  });

  it('closes a connection that sends nothing, and one that never finishes its headers', async () => {
    const small = await startHeadlessServer({ service: runtime.service, staticDir: null, limits: { idleMs: 300 }, log: () => undefined });
    try {
      const silent = await openSocket(small.port);
      const slow = await openSocket(small.port);
      slow.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const drip = setInterval(() => slow.writable && slow.write('X-Drip: 1\r\n'), 100);
      await Promise.race([Promise.all([closed(silent), closed(slow)]), new Promise((_, j) => setTimeout(() => j(new Error('idle connections were kept open')), 10_000))]);
      clearInterval(drip);
      expect(small.stats().connections).toBe(0);
      expect(small.stats().closedIdleConnections).toBe(2);
    } finally {
      await small.close();
    }
  });

  it('at the cap, a new client evicts the oldest idle connection and is served', async () => {
    const small = await startHeadlessServer({ service: runtime.service, staticDir: null, limits: { maxConnections: 8 }, log: () => undefined });
    const idle: Socket[] = [];
    try {
      for (let i = 0; i < 8; i++) idle.push(await openSocket(small.port));
      await waitFor('8 connections seen by the server', 5000, () => (small.stats().connections === 8 ? true : undefined), 20);
      const res = await rpcAt(small.url, small.token, 'overview');
      expect(res.status).toBe(200);
      await closed(idle[0]!);
      expect(idle.slice(1).every((s) => !s.destroyed)).toBe(true);
      expect(small.stats().connections).toBeLessThanOrEqual(8);
    } finally {
      for (const s of idle) s.destroy();
      await small.close();
    }
  });

  it('refuses a new connection rather than exceed the cap when every slot is busy, and limits event streams', async () => {
    const small = await startHeadlessServer({ service: runtime.service, staticDir: null, limits: { maxConnections: 3, maxEventClients: 3 }, log: () => undefined });
    const streams: WebSocket[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const ws = new WebSocket(`ws://127.0.0.1:${small.port}/api/events?token=${small.token}`);
        await new Promise((r, j) => {
          ws.on('open', r);
          ws.on('error', j);
        });
        streams.push(ws);
      }
      const late = await openSocket(small.port);
      await closed(late);
      expect(small.stats().connections).toBe(3);
      expect(streams.every((ws) => ws.readyState === WebSocket.OPEN)).toBe(true);
    } finally {
      for (const ws of streams) ws.terminate();
      await small.close();
    }

    const few = await startHeadlessServer({ service: runtime.service, staticDir: null, limits: { maxEventClients: 1 }, log: () => undefined });
    try {
      const first = new WebSocket(`ws://127.0.0.1:${few.port}/api/events?token=${few.token}`);
      await new Promise((r, j) => {
        first.on('open', r);
        first.on('error', j);
      });
      const second = new WebSocket(`ws://127.0.0.1:${few.port}/api/events?token=${few.token}`);
      const refusal = await new Promise<string>((resolve) => {
        second.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
        second.on('error', (e) => resolve(e.message));
      });
      expect(refusal).toBe('503');
      first.terminate();
    } finally {
      await few.close();
    }
  });

  it('never closes a connection whose request is still being answered', async () => {
    // A slow answer (a check probed on request) outlives the idle limit and still arrives.
    const upstream = createHttpServer((_q, r) => setTimeout(() => r.end('ok'), 800));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upstreamPort = (upstream.address() as AddressInfo).port;
    const small = await startHeadlessServer({ service: runtime.service, staticDir: null, limits: { idleMs: 200 }, log: () => undefined });
    try {
      const save = await rpcAt(small.url, small.token, 'saveCheck', {
        target: 'web1',
        check: { name: 'slow', kind: 'http', url: `http://127.0.0.1:${upstreamPort}/`, interval: '1h', timeout: '5s' },
      });
      expect(save.status).toBe(200);
      const res = await rpcAt(small.url, small.token, 'runCheckNow', { target: 'web1', check: 'slow' });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { result: { status: string } }).result.status).toBe('up');
    } finally {
      await rpcAt(small.url, small.token, 'removeCheck', { target: 'web1', check: 'slow' });
      await small.close();
      upstream.closeAllConnections();
      await new Promise((r) => upstream.close(r));
    }
  });
});

describe('event stream backpressure', () => {
  let bulkDir: string;
  let bulk: KaavanRuntime;

  beforeAll(async () => {
    bulkDir = mkdtempSync(join(tmpdir(), 'kaavan-srv-bulk-'));
    // 200 disabled checks: a large overview (each event is tens of KB) and no probing.
    const checks = Array.from({ length: 200 }, (_, i) => `      - { name: check-${i}, kind: http, url: "http://127.0.0.1:9/path/${i}", enabled: false }\n`).join('');
    writeFileSync(join(bulkDir, 'config.yaml'), `version: 1\ntargets:\n  - name: bulk\n    checks:\n${checks}`);
    bulk = await createKaavan({ configStore: new FileConfigStore(join(bulkDir, 'config.yaml')), dataDir: join(bulkDir, 'data'), mode: 'headless' });
    await bulk.start();
  });

  afterAll(async () => {
    await bulk?.stop();
    rmSync(bulkDir, { recursive: true, force: true });
  });

  async function openEvents(target: HeadlessServer): Promise<{ ws: WebSocket; socket: Socket; messages: Array<{ type: string; overview?: Overview }> }> {
    const ws = new WebSocket(`ws://127.0.0.1:${target.port}/api/events?token=${target.token}`);
    const messages: Array<{ type: string; overview?: Overview }> = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((r, j) => {
      ws.on('open', r);
      ws.on('error', j);
    });
    await waitFor('the snapshot', 5000, () => (messages.length >= 2 ? true : undefined), 20);
    // The client's TCP socket: pausing it means the client stops reading, as a frozen tab would.
    const socket = (ws as unknown as { _socket: Socket })._socket;
    return { ws, socket, messages };
  }

  it('drops a client at once when its unread events pass the hard limit', { timeout: 60_000 }, async () => {
    const hard = 512 * 1024;
    const tight = await startHeadlessServer({
      service: bulk.service,
      staticDir: null,
      // A soft limit above the hard one: only the hard limit can act here.
      limits: { eventSoftBytes: 64 * 1024 * 1024, eventHardBytes: hard, eventStaleLimitMs: 60_000 },
      log: () => undefined,
    });
    try {
      const frozen = await openEvents(tight);
      frozen.socket.pause();
      let paused = false;
      let emitted = 0;
      while (tight.stats().droppedEventClients === 0) {
        paused = !paused;
        await bulk.service.setPaused({ paused });
        emitted++;
        expect(emitted).toBeLessThan(3000);
      }
      expect(tight.stats().eventClients).toEqual([]);
      const disconnected = new Promise<void>((r) => frozen.ws.on('close', () => r()));
      frozen.socket.resume();
      await disconnected;
    } finally {
      await tight.close();
      await bulk.service.setPaused({ paused: false });
    }
  });

  it('a client that stops reading is coalesced, then given one fresh snapshot; one that never reads is dropped', { timeout: 60_000 }, async () => {
    const soft = 256 * 1024;
    const patient = await startHeadlessServer({
      service: bulk.service,
      staticDir: null,
      limits: { eventSoftBytes: soft, eventHardBytes: 64 * 1024 * 1024, eventStaleLimitMs: 60_000 },
      log: () => undefined,
    });
    const strict = await startHeadlessServer({
      service: bulk.service,
      staticDir: null,
      limits: { eventSoftBytes: soft, eventHardBytes: 64 * 1024 * 1024, eventStaleLimitMs: 1_000 },
      log: () => undefined,
    });
    try {
      const slow = await openEvents(patient);
      const frozen = await openEvents(strict);
      const eventBytes = JSON.stringify(slow.messages[0]).length;
      expect(eventBytes).toBeGreaterThan(20_000);
      slow.socket.pause();
      frozen.socket.pause();
      const frozenClosed = new Promise<void>((r) => frozen.ws.on('close', () => r()));

      // Many full snapshots flow (each pause/resume publishes one) until both servers hold the
      // client back, then 50 more. Without backpressure all of it would sit in the server's memory.
      let emitted = 0;
      let extra = 0;
      let paused = false;
      while (extra < 50) {
        paused = !paused;
        await bulk.service.setPaused({ paused });
        emitted++;
        const slowHeldBack = patient.stats().eventClients[0]?.stale === true;
        const frozenHeldBack = strict.stats().droppedEventClients > 0 || strict.stats().eventClients[0]?.stale === true;
        if (slowHeldBack && frozenHeldBack) extra++;
        expect(emitted).toBeLessThan(3000);
      }
      if (!paused) await bulk.service.setPaused({ paused: true });

      const held = patient.stats().eventClients[0]!;
      expect(held.stale).toBe(true);
      expect(held.skipped).toBeGreaterThanOrEqual(50);
      // Bounded: at most the soft limit plus the event that crossed it.
      expect(held.peakBufferedAmount).toBeLessThanOrEqual(soft + 2 * eventBytes);

      // The frozen client is dropped once it has been behind for its limit (it notices when it reads again).
      await waitFor('the frozen client to be dropped', 10_000, () => (strict.stats().droppedEventClients === 1 ? true : undefined));
      expect(strict.stats().eventClients).toEqual([]);
      frozen.socket.resume();
      await Promise.race([frozenClosed, new Promise((_, j) => setTimeout(() => j(new Error('the frozen client was not disconnected')), 10_000))]);

      // The slow client reads again: it gets what was already queued, then a fresh snapshot showing
      // the current state (paused), and is live again.
      slow.socket.resume();
      await waitFor('the slow client to catch up', 10_000, () => (patient.stats().eventClients[0]?.stale === false ? true : undefined));
      const last = await waitFor('a paused overview after the catch-up', 5000, () => {
        const overviews = slow.messages.filter((m) => m.type === 'overview');
        const final = overviews[overviews.length - 1];
        return final?.overview?.paused ? final : undefined;
      });
      expect(last.overview!.targets[0]!.checks).toHaveLength(200);
      expect(slow.messages.filter((m) => m.type === 'overview').length).toBeLessThan(emitted);
      expect(slow.messages.some((m) => m.type === 'health')).toBe(true);
      slow.ws.close();
    } finally {
      await patient.close();
      await strict.close();
      await bulk.service.setPaused({ paused: false });
    }
  });
});

// `kaavan serve` as a user runs it, with its descriptor limit lowered to 256: 1,100 idle connections
// must not starve the probes (EMFILE would mark every target down) nor lock the dashboard out.
describe('kaavan serve under a low descriptor limit', () => {
  const BIN = resolve('bin/kaavan.js');
  let serveDir: string;
  let upstream: HttpServer;
  let child: ChildProcess;
  let apiUrl: string;
  let token: string;
  let stderr = '';

  beforeAll(async () => {
    if (!existsSync(resolve('out/main/cli.js'))) throw new Error('the CLI is not built: run "npx electron-vite build" before these tests');
    serveDir = mkdtempSync(join(tmpdir(), 'kaavan-srv-fd-'));
    upstream = createHttpServer((_q, r) => r.end('healthy'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upstreamPort = (upstream.address() as AddressInfo).port;
    const configFile = join(serveDir, 'config.yaml');
    writeFileSync(
      configFile,
      `version: 1\ntargets:\n  - name: site\n    checks:\n      - { name: home, kind: http, url: "http://127.0.0.1:${upstreamPort}/", interval: 1s, timeout: 2s }\n`,
    );
    child = spawn('prlimit', ['--nofile=256:256', process.execPath, BIN, 'serve', '--config', configFile, '--data', join(serveDir, 'data'), '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (c) => (stderr += c));
    const started = await new Promise<{ apiUrl: string; token: string }>((resolvePromise, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 20_000);
      child.stdout!.on('data', (c) => {
        out += c;
        const line = out.split('\n')[0];
        if (out.includes('\n') && line) {
          clearTimeout(timer);
          resolvePromise(JSON.parse(line));
        }
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
    apiUrl = started.apiUrl;
    token = started.token;
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    upstream?.closeAllConnections();
    await new Promise((r) => upstream?.close(r));
    rmSync(serveDir, { recursive: true, force: true });
  });

  const call = async <T>(method: string, body?: unknown): Promise<T> => {
    const res = await rpcAt(apiUrl, token, method, body);
    if (res.status !== 200) throw new Error(`${method}: HTTP ${res.status}`);
    return ((await res.json()) as { result: T }).result;
  };

  const homeCheck = (overview: Overview) => overview.targets.find((t) => t.name === 'site')?.checks.find((c) => c.name === 'home');

  it('keeps answering and probing with 1,100 idle connections open against a limit of 256 descriptors', { timeout: 60_000 }, async () => {
    expect(readFileSync(`/proc/${child.pid}/limits`, 'utf8')).toMatch(/^Max open files\s+256\s+256\s/m);
    await waitFor('the check to be up', 15_000, async () => (homeCheck(await call<Overview>('overview'))?.status === 'up' ? true : undefined), 200);

    const floodStart = Date.now();
    const port = Number(new URL(apiUrl).port);
    const flood = await Promise.all(
      Array.from({ length: 1100 }, () =>
        new Promise<Socket | null>((r) => {
          const s = connect(port, '127.0.0.1');
          s.on('error', () => r(null));
          s.once('connect', () => r(s));
        }),
      ),
    );
    try {
      const connected = flood.filter((s): s is Socket => s !== null);
      expect(connected.length).toBeGreaterThan(1000);
      // The server holds at most its cap (a quarter of 256) plus Node's small backstop margin.
      const serverFds = readdirSync(`/proc/${child.pid}/fd`).length;
      expect(serverFds).toBeLessThan(200);

      // The API answers with the token while the flood is still open on our side.
      const overview = await call<Overview>('overview');
      expect(homeCheck(overview)).toBeDefined();
      // And the check keeps being probed, and found up, after the flood began.
      const fresh = await waitFor(
        'a probe result after the flood',
        10_000,
        async () => {
          const check = homeCheck(await call<Overview>('overview'));
          return check?.lastResult && check.lastResult.at > floodStart ? check : undefined;
        },
        200,
      );
      expect(fresh.status).toBe('up');
      expect(fresh.failStreak).toBe(0);
      expect(fresh.lastResult!.message).not.toMatch(/EMFILE|ENFILE/);
      expect(await call<Alert[]>('listAlerts', {})).toEqual([]);
      const health = await call<KaavanHealth>('health');
      expect(health.problems.map((p) => p.code)).not.toContain('descriptors-exhausted');
      expect(stderr).not.toMatch(/EMFILE/);
    } finally {
      for (const s of flood) s?.destroy();
    }
  });
});
