// An installed (packaged) app: the end-to-end test hook is never installed, even with KAAVAN_E2E=1,
// and a renderer dev-server address in the environment is ignored (the app:// page is loaded).
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeBrowserWindow, FakeTray, fakeApp, fakeDialog, fakeSession } from './fake-electron.js';

vi.mock('electron', async () => {
  const { fakeElectron } = await import('./fake-electron.js');
  return { ...fakeElectron, default: fakeElectron };
});

const root = new URL('../../', import.meta.url).pathname;
const temp = mkdtempSync(join(tmpdir(), 'kaavan-shell-packaged-'));
const dataDir = join(temp, 'data');
const appDir = join(temp, 'app');

afterAll(async () => {
  if (!fakeApp.finished) fakeApp.quit();
  await vi.waitFor(() => expect(fakeApp.finished).toBe(true), { timeout: 10_000 });
  for (const key of ['KAAVAN_E2E', 'KAAVAN_DATA', 'ELECTRON_RENDERER_URL']) delete process.env[key];
  rmSync(temp, { recursive: true, force: true });
});

describe('packaged app', () => {
  it('has no test hook and loads its own app:// page, whatever the environment says', async () => {
    mkdirSync(join(appDir, 'resources'), { recursive: true });
    cpSync(join(root, 'resources', 'tray'), join(appDir, 'resources', 'tray'), { recursive: true });
    writeFileSync(join(appDir, 'resources', 'demo-config.yaml'), 'version: 1\ntargets:\n  - name: demo\n    checks: []\n');
    fakeApp.appPath = appDir;
    fakeApp.isPackaged = true;
    fakeApp.paths.set('appData', join(temp, 'appData'));
    process.env.KAAVAN_E2E = '1';
    process.env.KAAVAN_DATA = dataDir;
    process.env.ELECTRON_RENDERER_URL = 'http://127.0.0.1:5173/';

    const { runShell } = await import('../../src-main/shell/app.js');
    runShell();
    // The window is opened last in start(), after the point where the hook would be installed.
    await vi.waitFor(() => expect(FakeBrowserWindow.all[0]?.loaded.length).toBe(1), { timeout: 15_000, interval: 20 });

    expect(globalThis.__kaavanTest).toBeUndefined();
    expect(FakeBrowserWindow.all[0]!.loaded[0]).toEqual({ url: 'app://kaavan/index.html' });
    expect(FakeTray.all).toHaveLength(1);
    // The CSP header is on (it is off only for the development server).
    expect(fakeSession.headerHooks).toHaveLength(1);
    expect(fakeDialog.errors).toEqual([]);
  });
});
