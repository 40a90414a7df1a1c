// The Electron shell's lifecycle, run in plain Node against a recording stand-in for Electron
// (fake-electron.ts) and the real core: first start seeds the configuration from the app's
// resources, the window gets its security options, the tray follows the overview, IPC serves only
// our own app:// page, links leave only after a confirmation, the log file is written, closing
// hides, Quit stops everything. (Where Electron's binary exists,
// tests/e2e-electron covers the real thing.)
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FakeBrowserWindow,
  FakeTray,
  fakeApp,
  fakeDialog,
  fakeIpcMain,
  fakeProtocol,
  fakeSession,
  fakeShell,
} from './fake-electron.js';
import { CONTENT_SECURITY_POLICY } from '../../src-main/shell/security-policy.js';

vi.mock('electron', async () => {
  const { fakeElectron } = await import('./fake-electron.js');
  return { ...fakeElectron, default: fakeElectron };
});

const root = new URL('../../', import.meta.url).pathname;
const temp = mkdtempSync(join(tmpdir(), 'kaavan-shell-'));
const dataDir = join(temp, 'data');
const appDir = join(temp, 'app');
let server: Server;
let port = 0;
const guardsBefore = { rejection: 0, exception: 0 };

type Hook = NonNullable<typeof globalThis.__kaavanTest>;
const hook = (): Hook => globalThis.__kaavanTest!;
const window = () => FakeBrowserWindow.all[0]!;
const tray = () => FakeTray.all[0]!;
const menuLabels = () => (tray().menu?.template ?? []).map((item) => String(item.label ?? item.type));

function invoke(event: unknown, method: unknown, input?: unknown) {
  const handler = fakeIpcMain.handlers.get('kaavan:invoke');
  if (!handler) throw new Error('no IPC handler');
  return handler(event, method, input) as Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }>;
}

function trustedEvent() {
  const contents = window().webContents;
  return { sender: contents, senderFrame: contents.mainFrame };
}

beforeAll(async () => {
  // A TCP service on loopback for the demo's check to find up (no outside network in this test).
  server = createServer((socket) => socket.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;

  // The app folder as packaged: resources/ with tray icons, app icon and a demo configuration.
  mkdirSync(join(appDir, 'resources'), { recursive: true });
  cpSync(join(root, 'resources', 'tray'), join(appDir, 'resources', 'tray'), { recursive: true });
  cpSync(join(root, 'resources', 'icon.png'), join(appDir, 'resources', 'icon.png'));
  writeFileSync(
    join(appDir, 'resources', 'demo-config.yaml'),
    [
      'version: 1',
      'targets:',
      '  - name: loopback',
      '    checks:',
      '      - { name: service, kind: tcp, host: 127.0.0.1, port: ' + port + ', interval: 1s, timeout: 1s }',
      '  - name: spare',
      '    checks: []',
      '',
    ].join('\n'),
  );

  fakeApp.appPath = appDir;
  fakeApp.paths.set('appData', join(temp, 'appData'));
  process.env.KAAVAN_E2E = '1';
  process.env.KAAVAN_DATA = dataDir;

  guardsBefore.rejection = process.listenerCount('unhandledRejection');
  guardsBefore.exception = process.listenerCount('uncaughtException');
  const { runShell } = await import('../../src-main/shell/app.js');
  runShell();
  await vi.waitFor(() => expect(globalThis.__kaavanTest?.ready).toBe(true), { timeout: 15_000, interval: 20 });
});

afterAll(async () => {
  if (!fakeApp.finished) fakeApp.quit();
  await vi.waitFor(() => expect(fakeApp.finished).toBe(true), { timeout: 10_000 });
  delete process.env.KAAVAN_E2E;
  delete process.env.KAAVAN_DATA;
  delete globalThis.__kaavanTest;
  await new Promise((r) => server.close(r));
  rmSync(temp, { recursive: true, force: true });
});

describe('Electron shell lifecycle (stand-in Electron, real core)', () => {
  it('uses the Kaavan data folder (here $KAAVAN_DATA), with Chromium state in a sub-folder', () => {
    expect(fakeApp.getName()).toBe('Kaavan');
    expect(fakeApp.getPath('userData')).toBe(dataDir);
    expect(fakeApp.getPath('sessionData')).toBe(join(dataDir, 'session'));
    expect(hook().dataDir).toBe(dataDir);
    expect(existsSync(join(dataDir, 'kaavan.db'))).toBe(true);
  });

  it('seeds the configuration file (the CLI\'s <data>/config.yaml) from resources/demo-config.yaml on first start', () => {
    expect(readFileSync(join(dataDir, 'config.yaml'), 'utf8')).toBe(readFileSync(join(appDir, 'resources', 'demo-config.yaml'), 'utf8'));
    expect(existsSync(join(dataDir, 'config.json'))).toBe(false);
  });

  it('opens a sandboxed, isolated window on the built dashboard', () => {
    const options = window().options as { webPreferences: Record<string, unknown>; show: boolean };
    expect(options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(String(options.webPreferences.preload)).toMatch(/preload[/\\]index\.cjs$/);
    expect(options.show).toBe(false); // shown on 'ready-to-show'
    // Our own origin, not file://: the CSP header applies and no other file is same-origin.
    expect(window().loaded[0]).toEqual({ url: 'app://kaavan/index.html' });
    window().emit('ready-to-show');
    expect(window().visible).toBe(true);
  });

  it('serves the dashboard from app:// (registered before ready), never a file outside the renderer folder', async () => {
    expect(fakeProtocol.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, bypassCSP: false }) as unknown },
    ]);
    const handler = fakeProtocol.handlers.get('app')!;
    expect(handler).toBeDefined();
    // (The renderer folder of this test run does not exist; the handler answers 404, never a file.)
    for (const url of ['app://kaavan/..%2F..%2F..%2Fpackage.json', 'app://kaavan/%2e%2e/%2e%2e/%2e%2e/package.json', 'app://other/index.html']) {
      const response = await handler(new Request(url));
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('sets the CSP header on responses and denies permissions', () => {
    let result: { responseHeaders?: Record<string, string[]> } = {};
    fakeSession.headerHooks[0]!({ responseHeaders: { 'content-type': ['text/html'] } }, (r) => (result = r as typeof result));
    expect(result.responseHeaders?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    let granted: boolean | null = null;
    fakeSession.permissionHandler!({}, 'geolocation', (g) => (granted = g));
    expect(granted).toBe(false);
  });

  it('blocks navigation away from the dashboard and new windows; http(s) links go to the browser once confirmed', async () => {
    const contents = window().webContents;
    const navigate = (url: string) => {
      let prevented = false;
      contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    // The user answers "Cancel": nothing opens.
    fakeDialog.questionAnswer = 1;
    expect(navigate('https://evil.example/')).toBe(true);
    await vi.waitFor(() => expect(fakeDialog.questions).toHaveLength(1));
    expect(fakeDialog.questions[0]).toMatchObject({ message: 'Open this link in your web browser?', detail: 'https://evil.example/', buttons: ['Open in browser', 'Cancel'] });
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate(`${contents.getURL().split('#')[0]}#/alerts`)).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(fakeShell.opened).toEqual([]);

    // The user answers "Open in browser".
    fakeDialog.questionAnswer = 0;
    expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(fakeShell.opened).toEqual(['https://example.com/']));
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    await new Promise((r) => setImmediate(r));
    // Only the two http(s) links were ever asked about; the others were dropped silently.
    expect(fakeDialog.questions.map((q) => q.detail)).toEqual(['https://evil.example/', 'https://example.com/']);
    expect(fakeShell.opened).toEqual(['https://example.com/']);
    let attached = true;
    contents.emit('will-attach-webview', { preventDefault: () => (attached = false) });
    expect(attached).toBe(false);
  });

  it('serves IPC calls from our own page only, with validated input', async () => {
    const info = await invoke(trustedEvent(), 'info');
    expect(info.ok).toBe(true);
    expect(info.result).toMatchObject({ mode: 'electron', dataDir });

    const bad = await invoke(trustedEvent(), 'setPaused', { paused: 'yes' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const unknown = await invoke(trustedEvent(), 'dropTables');
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const contents = window().webContents;
    const frame = (url: string, parent: unknown = null) => ({ sender: contents, senderFrame: { url, parent } });
    expect(await invoke(frame('https://evil.example/'), 'info')).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    // The page's old file:// address is not ours any more.
    expect(await invoke(frame(`file://${root}out/renderer/index.html`), 'info')).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await invoke(frame(contents.mainFrame.url, {}), 'info')).toMatchObject({ ok: false });
    expect(await invoke({ sender: {}, senderFrame: contents.mainFrame }, 'info')).toMatchObject({ ok: false });
    expect(await invoke({ sender: contents, senderFrame: null }, 'info')).toMatchObject({ ok: false });
    // Refusals are logged, with the frame that tried.
    const log = readFileSync(join(dataDir, 'logs', 'kaavan.log'), 'utf8');
    expect(log).toContain('"frame":"https://evil.example/"');
  });

  it('installs the process guards (their behaviour: tests/core/log/process-guards.test.ts)', () => {
    expect(process.listenerCount('unhandledRejection')).toBe(guardsBefore.rejection + 1);
    expect(process.listenerCount('uncaughtException')).toBe(guardsBefore.exception + 1);
  });

  it('logs to <data>/logs/kaavan.log, readable by the owner only', () => {
    const file = join(dataDir, 'logs', 'kaavan.log');
    expect(hook().logFile).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(lines.some((l) => l.level === 'info' && l.msg.startsWith('first start: wrote the demo configuration to '))).toBe(true);
  });

  it('shows the worst status in the tray: green once the check is up, with a count tooltip and menu', async () => {
    expect(tray().image.path).toMatch(/resources[/\\]tray[/\\](ok|warning|error|idle)\.png$/);
    expect(existsSync(tray().image.path)).toBe(true);
    await vi.waitFor(() => expect(hook().tray().icon).toBe('ok'), { timeout: 10_000, interval: 50 });
    expect(tray().image.path).toMatch(/ok\.png$/);
    expect(tray().tooltip).toBe('Kaavan — 1 up · health 1.00 (excellent)');
    expect(menuLabels()).toEqual([
      '●  loopback — up',
      'spare — no checks',
      'separator',
      'Open dashboard',
      'Pause monitoring',
      'separator',
      'Quit Kaavan',
    ]);
    const submenu = tray().menu!.template[0]!.submenu as Array<{ label: string; enabled: boolean }>;
    expect(submenu).toEqual([{ label: '●  service — up', enabled: false }]);
  });

  it('forwards service events to the window', () => {
    const events = window().webContents.sent.filter((s) => s.channel === 'kaavan:event').map((s) => (s.payload as { type: string }).type);
    expect(events).toContain('checks.changed');
    expect(events).toContain('check.result');
  });

  it('pauses and resumes monitoring from the tray menu (grey while paused)', async () => {
    const click = (label: string) => {
      const item = tray().menu!.template.find((i) => i.label === label) as { click: () => void } | undefined;
      if (!item) throw new Error(`no tray item ${label}: ${menuLabels().join(' | ')}`);
      item.click();
    };
    click('Pause monitoring');
    await vi.waitFor(() => expect(hook().tray().icon).toBe('idle'), { timeout: 5_000, interval: 20 });
    expect(tray().tooltip).toBe('Kaavan — monitoring paused (1 check)');
    expect(menuLabels()).toContain('Resume monitoring');
    click('Resume monitoring');
    await vi.waitFor(() => expect(menuLabels()).toContain('Pause monitoring'), { timeout: 5_000, interval: 20 });
    await vi.waitFor(() => expect(hook().tray().icon).toBe('ok'), { timeout: 10_000, interval: 50 });
  });

  it('hides the window on close and shows it again from the tray, a second launch or a route', () => {
    window().close();
    expect(window().destroyed).toBe(false);
    expect(window().visible).toBe(false);
    expect(hook().window()).toMatchObject({ exists: true, visible: false });

    (tray().menu!.template.find((i) => i.label === 'Open dashboard') as { click: () => void }).click();
    expect(window().visible).toBe(true);
    window().hide();
    fakeApp.emit('second-instance');
    expect(window().visible).toBe(true);

    // A notification click opens the alert's view in the running page (hash route).
    hook().openWindow('/alerts/7');
    expect(window().webContents.executed.at(-1)).toBe('window.location.hash = "#/alerts/7";');
    expect(FakeBrowserWindow.all).toHaveLength(1);
  });

  it('quits from the tray: stops the core, removes tray and IPC, closes the window', async () => {
    (tray().menu!.template.find((i) => i.label === 'Quit Kaavan') as { click: () => void }).click();
    await vi.waitFor(() => expect(fakeApp.finished).toBe(true), { timeout: 10_000, interval: 20 });
    expect(tray().destroyed).toBe(true);
    expect(fakeIpcMain.handlers.has('kaavan:invoke')).toBe(false);
    expect(window().destroyed).toBe(true);
    expect(fakeDialog.errors).toEqual([]);
    expect(fakeApp.exited).toBeNull();
  });
});

