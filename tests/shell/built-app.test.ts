// The BUILT app, as Electron would load it: `electron-vite build` into a temporary folder, then
// - the sandboxed preload bundle (out/preload/index.cjs) run the way a sandboxed preload runs: CommonJS
//   with a `require` that only knows 'electron' (here a recording contextBridge/ipcRenderer); a bundle
//   needing anything else throws;
// - the built dashboard served through the app:// handler: the page and every asset it references.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import type { KaavanBridge } from '../../src-main/core/api/transport.js';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-main/core/api/transport.js';
import { APP_PAGE_URL, serveAppRequest } from '../../src-main/shell/app-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../src-main/shell/security-policy.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'kaavan-built-'));

beforeAll(() => {
  const build = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build', '--outDir', outDir, '--logLevel', 'warn'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
}, 200_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Runs the built preload with only 'electron' available; returns what it exposed and asked for. */
function loadPreload() {
  const exposed = new Map<string, unknown>();
  const required: string[] = [];
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => {
        invoked.push(args);
        return { ok: true, result: 'pong' };
      },
      on: (channel: string, fn: (...args: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(fn);
      },
      removeListener: (channel: string, fn: (...args: unknown[]) => void) => listeners.get(channel)?.delete(fn),
      send: () => {
        throw new Error('the bridge must not use send');
      },
    },
  };
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name !== 'electron') throw new Error(`a sandboxed preload cannot require "${name}"`);
    return electron;
  };
  const module = { exports: {} };
  const code = readFileSync(join(outDir, 'preload', 'index.cjs'), 'utf8');
  runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, Promise, TypeError }, { filename: 'index.cjs' });
  return { exposed, required, invoked, listeners };
}

describe('built preload (out/preload/index.cjs)', () => {
  it('needs nothing but electron, and exposes exactly window.kaavan with invoke and onEvent', () => {
    const { exposed, required } = loadPreload();
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['kaavan']);
    expect(Object.keys(exposed.get('kaavan') as object).sort()).toEqual(['invoke', 'onEvent']);
  });

  it('invokes the one IPC channel with method and input, and refuses a non-string method', async () => {
    const { exposed, invoked } = loadPreload();
    const bridge = exposed.get('kaavan') as KaavanBridge;
    expect(await bridge.invoke('overview')).toEqual({ ok: true, result: 'pong' });
    await bridge.invoke('setPaused', { paused: true });
    expect(invoked).toEqual([
      [IPC_INVOKE_CHANNEL, 'overview', undefined],
      [IPC_INVOKE_CHANNEL, 'setPaused', { paused: true }],
    ]);
    await expect(bridge.invoke(42 as unknown as string)).rejects.toThrow('method must be a string');
    expect(invoked).toHaveLength(2);
  });

  it('delivers events without the Electron event object (no sender), and unsubscribes', () => {
    const { exposed, listeners } = loadPreload();
    const bridge = exposed.get('kaavan') as KaavanBridge;
    const seen: unknown[][] = [];
    const off = bridge.onEvent((...args: unknown[]) => seen.push(args));
    const emit = (payload: unknown) => listeners.get(IPC_EVENT_CHANNEL)?.forEach((fn) => fn({ sender: { send() {} } }, payload));
    emit({ type: 'config.changed' });
    off();
    emit({ type: 'config.changed' });
    expect(seen).toEqual([[{ type: 'config.changed' }]]);
    expect(listeners.get(IPC_EVENT_CHANNEL)?.size).toBe(0);
    expect(() => bridge.onEvent('not a function' as unknown as () => void)).toThrow('listener must be a function');
  });
});

describe('built dashboard over app://', () => {
  it('serves the page and every script, style and icon it references, with the CSP header', async () => {
    const rendererDir = join(outDir, 'renderer');
    const page = await serveAppRequest(new Request(APP_PAGE_URL), rendererDir);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const html = await page.text();
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(references.some((r) => r.endsWith('.js'))).toBe(true);
    expect(references.some((r) => r.endsWith('.css'))).toBe(true);
    for (const reference of references) {
      const url = new URL(reference, APP_PAGE_URL).href;
      expect(url.startsWith('app://kaavan/'), reference).toBe(true);
      const response = await serveAppRequest(new Request(url), rendererDir);
      expect(response.status, url).toBe(200);
      const type = response.headers.get('content-type') ?? '';
      if (url.endsWith('.js')) expect(type).toMatch(/^text\/javascript/);
      if (url.endsWith('.css')) expect(type).toMatch(/^text\/css/);
    }
  });
});
