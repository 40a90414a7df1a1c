// The dashboard's store fed by the real HTTP client against a real `serve`-style server and runtime:
// the first snapshot, Kaavan's health, live events, and per-check deltas merged (or a fresh snapshot
// fetched when a delta cannot be merged).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createKaavan, type KaavanRuntime } from '../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../src-main/core/config/file-config-store.js';
import { startHeadlessServer, type HeadlessServer } from '../../src-main/headless/server.js';
import type { OverviewSummary } from '../../src-main/core/model';
import { createHttpClient } from '../../src-renderer/src/client/http-client';
import type { KaavanClient } from '../../src-renderer/src/client/client';
import { useApp } from '../../src-renderer/src/state/store';

// Node 20 has no WebSocket global; `ws` is a complete client implementing the same interface.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

let dir: string;
let upstream: Server;
let runtime: KaavanRuntime;
let server: HeadlessServer;
let client: KaavanClient;

function waitFor<T>(what: string, poll: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const deadline = Date.now() + timeoutMs;
    const tick = () => {
      const value = poll();
      if (value !== undefined) return resolvePromise(value);
      if (Date.now() > deadline) return reject(new Error(`${what}: not within ${timeoutMs} ms`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kaavan-store-'));
  upstream = createServer((_q, r) => r.end('healthy'));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as AddressInfo).port;
  writeFileSync(
    join(dir, 'config.yaml'),
    `version: 1\ntargets:\n  - name: web\n    checks:\n      - { name: home, kind: http, url: "http://127.0.0.1:${port}/", interval: 1h }\n      - { name: api, kind: http, url: "http://127.0.0.1:${port}/api", interval: 1h }\n`,
  );
  runtime = await createKaavan({ configStore: new FileConfigStore(join(dir, 'config.yaml')), dataDir: join(dir, 'data'), mode: 'headless' });
  await runtime.start();
  server = await startHeadlessServer({ service: runtime.service, staticDir: null, log: () => undefined });
  client = createHttpClient({ token: server.token, origin: server.url });
  await useApp.getState().start(client);
});

afterAll(async () => {
  await server?.close();
  await runtime?.stop();
  upstream?.closeAllConnections();
  await new Promise((r) => upstream?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const webTarget = () => useApp.getState().overview?.targets.find((t) => t.name === 'web');

describe('app store over the HTTP client', () => {
  it('starts with the overview and Kaavan\u2019s own health', async () => {
    expect(useApp.getState().fatal).toBeNull();
    expect(webTarget()?.checks.map((c) => c.name)).toEqual(['home', 'api']);
    const health = await waitFor('health', () => useApp.getState().health ?? undefined);
    expect(health).toMatchObject({ ok: true, problems: [] });
    await waitFor('the event stream to open', () => (useApp.getState().connection.status === 'open' ? true : undefined));
    // Both hourly checks have run once; after this no event changes the overview until the pause below.
    await waitFor('both checks up', () => (webTarget()?.checks.every((c) => c.status === 'up') ? true : undefined));
  });

  it('merges a delta for one check by id and judges its target again', () => {
    // Stable ids come from the store (the engine in this branch may still number every check 0):
    // give this snapshot distinct ones so the merge has something to match.
    const real = useApp.getState().overview!;
    const overview = { ...real, targets: real.targets.map((t) => ({ ...t, checks: t.checks.map((c, i) => ({ ...c, id: i + 1 })) })) };
    useApp.setState({ overview });
    const api = overview.targets[0]!.checks.find((c) => c.name === 'api')!;
    const summary: OverviewSummary = {
      paused: false,
      level: 'error',
      counts: { pending: 0, up: 1, degraded: 0, down: 1, paused: 0 },
      openAlerts: 1,
      generatedAt: overview.generatedAt + 1,
    };
    useApp.getState().applyCheckDeltas([{ ...api, status: 'down', failStreak: 2 }], summary);
    const after = useApp.getState().overview!;
    expect(webTarget()!.status).toBe('down');
    expect(webTarget()!.checks.map((c) => c.status)).toEqual(['up', 'down']);
    expect(after).toMatchObject({ level: 'error', openAlerts: 1, generatedAt: overview.generatedAt + 1 });
    // The untouched check is the same object as before.
    expect(webTarget()!.checks[0]).toBe(overview.targets[0]!.checks[0]);
  });

  it('fetches a fresh snapshot from the server when a delta names a check it does not know', async () => {
    // The store now believes api is down (previous test); the server knows both checks are up.
    expect(webTarget()!.status).toBe('down');
    const overview = useApp.getState().overview!;
    const stranger = { ...overview.targets[0]!.checks[0]!, id: 987_654, name: 'stranger' };
    useApp.getState().applyCheckDeltas([stranger], { ...overview, generatedAt: overview.generatedAt + 1 });
    // Nothing else is flowing (hourly checks, nobody editing): only that fetch can bring "up" back.
    await waitFor('the fresh snapshot', () => (webTarget()?.status === 'up' ? true : undefined));
    expect(webTarget()!.checks.map((c) => [c.name, c.status])).toEqual([
      ['home', 'up'],
      ['api', 'up'],
    ]);
    expect(useApp.getState().overview!.openAlerts).toBe(0);
  });

  it('follows full snapshots from the event stream', async () => {
    await client.setPaused({ paused: true });
    await waitFor('the paused snapshot', () => (useApp.getState().overview?.paused ? true : undefined));
    await client.setPaused({ paused: false });
    await waitFor('the resumed snapshot', () => (useApp.getState().overview?.paused === false ? true : undefined));
  });
});
