// Headless sessions in Debian Chromium against a real `kaavan serve` (built CLI + renderer):
// an open tab keeps working across a restart (the token is kept in the data folder) and says
// "cannot reach" meanwhile; after --new-token it says the server has a new token; Settings exports
// the config file as YAML with its comments; Settings hides desktop-only settings. Screenshots of
// Settings at three sizes in both themes go to test-results/screenshots/.
import { test, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startTargetServer, type TargetServer } from './helpers/servers';

const screenshotsDir = join(repoRoot, 'test-results', 'screenshots');

interface Serve {
  url: string;
  token: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** `kaavan serve --json` on a fixed port (a restart must come back where the tab points). */
async function serve(config: string, data: string, port: number, extra: string[] = []): Promise<Serve> {
  if (!existsSync(join(repoRoot, 'out', 'main', 'cli.js'))) throw new Error('Kaavan is not built: run "npx electron-vite build" first');
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'bin', 'kaavan.js'), 'serve', '--json', '--config', config, '--data', data, '--port', String(port), ...extra], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KAAVAN_TOKEN: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const info = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from kaavan serve: ${stderr}`)), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as { url: string; token: string });
    });
    void exited.then(() => reject(new Error(`kaavan serve exited: ${stderr}`)));
  });
  return {
    ...info,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function dismissToasts(page: Page): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

test.describe('headless sessions', () => {
  test.describe.configure({ mode: 'serial' });
  test.use({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', acceptDownloads: true });

  let dir = '';
  let config = '';
  let data = '';
  let port = 0;
  let target: TargetServer | undefined;
  let kaavan: Serve | undefined;

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kaavan-e2e-headless-'));
    target = await startTargetServer();
    config = join(dir, 'kaavan.yaml');
    data = join(dir, 'data');
    writeFileSync(
      config,
      [
        '# Watched from the e2e test (this comment must survive an export)',
        'version: 1',
        'targets:',
        '  - name: shop # the web shop',
        '    tags: [prod]',
        '    checks:',
        `      - { name: home, kind: http, url: "http://127.0.0.1:${target.port}/", interval: 2s }`,
        '',
      ].join('\n'),
    );
    port = await freePort();
    kaavan = await serve(config, data, port);
  });

  test.afterAll(async () => {
    await kaavan?.stop();
    await target?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('an open tab keeps working across a restart, and says it cannot reach the server meanwhile', async ({ page, context }) => {
    await page.goto(kaavan!.url);
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await expect(page.getByTestId('connection-banner')).toHaveCount(0);

    await kaavan!.stop();
    const banner = page.getByTestId('connection-banner');
    await expect(banner).toHaveAttribute('data-state', 'reconnecting');
    await expect(banner).toContainText(`Cannot reach the server at 127.0.0.1:${port}`);

    kaavan = await serve(config, data, port);
    // No click: the tab's own backoff (at most 10 s between tries) gets back in with the token it has.
    await expect(page.getByTestId('connection-banner')).toHaveCount(0);
    // Calls work with the token the tab already had: the Settings screen loads its data.
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Configuration file' })).toBeVisible();
    await expect(page.getByText(data, { exact: true })).toBeVisible();
    // A reload, and the bookmarked link from before the restart, still get in.
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
    const bookmark = await context.newPage();
    await bookmark.goto(kaavan!.url);
    await expect(bookmark.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await expect(bookmark.getByTestId('fatal')).toHaveCount(0);
    await bookmark.close();
  });

  test('Settings hides desktop-only settings and exports the config file as YAML with its comments', async ({ page }) => {
    await page.goto(kaavan!.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Alerting & engine' })).toBeVisible();
    await expect(page.getByText('Launch at login')).toHaveCount(0);
    await expect(page.getByText('Desktop notifications')).toHaveCount(0);
    await expect(page.getByTestId('browser-notifications')).toContainText('Browser notifications');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export YAML' }).click()]);
    expect(download.suggestedFilename()).toBe('kaavan-config.yaml');
    const text = readFileSync(await download.path(), 'utf8');
    expect(text).toBe(readFileSync(config, 'utf8'));
    expect(text).toContain('# Watched from the e2e test');

    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    expect(json.suggestedFilename()).toBe('kaavan-config.json');
    expect(JSON.parse(readFileSync(await json.path(), 'utf8')).targets[0].name).toBe('shop');
  });

  test('screenshots of Settings at three sizes in light and dark', async ({ page }) => {
    mkdirSync(screenshotsDir, { recursive: true });
    await page.goto(kaavan!.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Public status page' })).toBeVisible();
    for (const [width, height] of [
      [1280, 800],
      [1920, 1080],
      [420, 800],
    ] as const) {
      for (const theme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme: theme });
        await dismissToasts(page);
        // Nothing may stick out sideways at any width.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        await page.screenshot({ path: join(screenshotsDir, `headless-settings-${width}x${height}-${theme}.png`), fullPage: true });
      }
    }
  });

  test('after a restart with --new-token the open tab says the server has a new token', async ({ page }) => {
    await page.goto(kaavan!.url);
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    const oldToken = kaavan!.token;
    await kaavan!.stop();
    await expect(page.getByTestId('connection-banner')).toHaveAttribute('data-state', 'reconnecting');
    kaavan = await serve(config, data, port, ['--new-token']);
    expect(kaavan.token).not.toBe(oldToken);
    const banner = page.getByTestId('connection-banner');
    // "Retry now" hurries the tab; its own backoff may get there first, and then the button is gone.
    await expect(async () => {
      const retry = banner.getByRole('button', { name: 'Retry now' });
      if (await retry.isVisible()) await retry.click({ timeout: 1_000 }).catch(() => undefined);
      await expect(banner).toHaveAttribute('data-state', 'unauthorized', { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(banner).toHaveAttribute('data-reason', 'token-changed');
    await expect(banner).toContainText('The server restarted with a new token.');
    await expect(banner).toContainText('Open the new link');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: join(screenshotsDir, 'headless-new-token-1280x800-light.png') });
    // The new link works.
    await page.goto(kaavan.url);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await expect(page.getByTestId('connection-banner')).toHaveCount(0);
  });
});
