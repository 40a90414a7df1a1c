// Electron end-to-end: the real app starts, its tray exists, and the window opens on the dashboard.
// Runs where Electron's binary exists (it is fetched lazily and cannot be on every machine);
// elsewhere it is skipped with the reason. Needs a display on Linux (CI: xvfb-run) and `npm run build`.
import { test, expect, _electron as electron, type ElectronApplication } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The installed Electron binary, found without require('electron') (which would try to download it). */
function electronBinary(): { path: string; reason?: undefined } | { path?: undefined; reason: string } {
  let dir: string;
  try {
    dir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return { reason: `no binary was downloaded (${pathFile} is missing)` };
  const relative = readFileSync(pathFile, 'utf8').trim();
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const full = override ? join(override, relative || 'electron') : join(dir, 'dist', relative);
  return existsSync(full) ? { path: full } : { reason: `${full} does not exist` };
}

interface TestHook {
  ready: true;
  dataDir: string;
  tray(): { exists: boolean; icon: string | null; tooltip: string | null; menu: Array<{ type: string; label?: string }> };
  window(): { exists: boolean; visible: boolean; url: string | null };
}
type WithHook = typeof globalThis & { __kaavanTest?: TestHook };

const binary = electronBinary();
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
// The list reporter does not show skip reasons: say it where a person reading the CI log looks.
if (!binary.path) console.log(`Electron E2E skipped: Electron binary not available on this machine: ${binary.reason}`);
else if (noDisplay) console.log('Electron E2E skipped: no display (run under xvfb-run)');

test.describe('Kaavan desktop app', () => {
  test.skip(!binary.path, `Electron binary not available on this machine: ${binary.reason}`);
  test.skip(noDisplay, 'Electron needs a display: run under xvfb-run (no DISPLAY or WAYLAND_DISPLAY set)');

  let app: ElectronApplication | undefined;
  let dataDir = '';

  test.beforeEach(() => {
    if (!existsSync(join(root, 'out', 'main', 'index.js')) || !existsSync(join(root, 'out', 'renderer', 'index.html')))
      throw new Error('the app is not built: run "npm run build" first');
    dataDir = mkdtempSync(join(tmpdir(), 'kaavan-e2e-electron-'));
  });

  test.afterEach(async () => {
    await app?.close().catch(() => undefined);
    app = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('starts with a tray icon and opens the dashboard window', async () => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    delete env.ELECTRON_RUN_AS_NODE;
    app = await electron.launch({
      executablePath: binary.path!,
      // Chromium refuses to run as root with its OS sandbox (CI containers); the renderer keeps
      // Electron's sandboxed mode (no Node in the page or the preload) either way.
      args: [root, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      cwd: root,
      env: { ...env, KAAVAN_E2E: '1', KAAVAN_DATA: dataDir },
      timeout: 60_000,
    });

    // The main process installs its test hook once the core, tray and IPC are up.
    await expect
      .poll(() => app!.evaluate(() => (globalThis as WithHook).__kaavanTest?.ready ?? false), { timeout: 60_000 })
      .toBe(true);

    const tray = await app.evaluate(() => (globalThis as WithHook).__kaavanTest!.tray());
    expect(tray.exists).toBe(true);
    expect(['ok', 'warning', 'error', 'idle']).toContain(tray.icon);
    expect(tray.tooltip).toMatch(/^Kaavan — /);
    const labels = tray.menu.map((item) => ('label' in item ? item.label : ''));
    expect(labels).toContain('Open dashboard');
    expect(labels).toContain('Quit Kaavan');
    // First start seeds the demo configuration: both demo servers are listed.
    expect(labels.some((l) => l.includes('example-web'))).toBe(true);
    expect(labels.some((l) => l.includes('public-dns'))).toBe(true);
    expect(await app.evaluate(() => (globalThis as WithHook).__kaavanTest!.dataDir)).toBe(dataDir);

    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    // Served from its own app:// origin (so the CSP header applies), never file://.
    expect(page.url()).toMatch(/^app:\/\/kaavan\/index\.html(#.*)?$/);

    // The CSP header applies to the app:// page: a connection to anything but the page's own origin
    // (here a loopback port) is refused by the connect-src directive.
    const violated = await page.evaluate(
      () =>
        new Promise<string | null>((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
          fetch('http://127.0.0.1:9/').catch(() => undefined);
          setTimeout(() => resolve(null), 5_000);
        }),
    );
    expect(violated).toBe('connect-src');

    // The page gets the bridge, and nothing of Node.
    const exposure = await page.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown> & { kaavan?: Record<string, unknown> };
      return {
        bridge: Object.keys(g.kaavan ?? {}).sort(),
        require: typeof g.require,
        process: typeof g.process,
      };
    });
    expect(exposure).toEqual({ bridge: ['invoke', 'onEvent'], require: 'undefined', process: 'undefined' });
    const info = await page.evaluate(() =>
      (globalThis as unknown as { kaavan: { invoke(m: string): Promise<{ ok: boolean; result?: { mode?: string } }> } }).kaavan.invoke('info'),
    );
    expect(info.ok).toBe(true);
    expect(info.result?.mode).toBe('electron');
    const bad = await page.evaluate(() =>
      (globalThis as unknown as { kaavan: { invoke(m: string, i: unknown): Promise<{ ok: boolean; error?: { code: string } }> } }).kaavan.invoke('setPaused', { paused: 'yes' }),
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    // The dashboard renders the seeded targets.
    await expect(page.getByText('example-web').first()).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: test.info().outputPath('electron-dashboard.png') });

    // Closing the window hides it; the app stays in the tray.
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
    await expect
      .poll(() => app!.evaluate(() => (globalThis as WithHook).__kaavanTest!.window()))
      .toMatchObject({ exists: true, visible: false });
    expect((await app.evaluate(() => (globalThis as WithHook).__kaavanTest!.tray())).exists).toBe(true);
  });
});
