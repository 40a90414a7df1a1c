// Web E2E in Debian Chromium against a real `kaavan serve` (built CLI + built renderer) and a real
// HTTP server on 127.0.0.1: add a target and a check in the UI, watch the card turn green, stop
// the server and watch it turn red, find the alert, acknowledge it with a note, restart the server
// on the same port and see the alert resolve with its downtime. Screenshots go to
// artifacts/screenshots/ (the README's docs/screenshot.png is picked from them).
import { test, expect, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startKaavan, startTargetServer, type KaavanProcess, type TargetServer } from './helpers/servers';

const screenshotsDir = join(repoRoot, 'artifacts', 'screenshots');

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(screenshotsDir, { recursive: true });
  const path = join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** Closes transient notifications so screenshots show the screen itself. */
async function dismissToasts(page: Page): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

test.describe('dashboard against kaavan serve', () => {
  test.describe.configure({ mode: 'serial' });
  test.use({ viewport: { width: 1360, height: 900 }, colorScheme: 'light' });

  let dir = '';
  let kaavan: KaavanProcess | undefined;
  let target: TargetServer | undefined;

  test.beforeAll(async () => {
    dir = tempDir('kaavan-e2e-');
    const config = join(dir, 'kaavan.yaml');
    writeFileSync(config, 'version: 1\ntargets: []\n');
    target = await startTargetServer();
    kaavan = await startKaavan({ config, data: join(dir, 'data') });
  });

  test.afterAll(async () => {
    await kaavan?.stop();
    await target?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a check goes down, alerts, is acknowledged, and resolves with its downtime', async ({ page }, testInfo) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/favicon/.test(message.location().url)) errors.push(message.text());
    });

    await page.goto(kaavan!.url);
    await expect(page.getByTestId('overall-status')).toHaveAttribute('data-level', 'idle');
    // The token leaves the address bar (it is kept in sessionStorage for reloads).
    expect(page.url()).not.toContain('token=');

    // --- Add a target and an HTTP check through the UI.
    await page.getByRole('link', { name: 'Targets & checks' }).click();
    await page.getByTestId('add-target').click();
    const targetDialog = page.getByTestId('target-dialog');
    await targetDialog.getByLabel('Name').fill('e2e-server');
    await targetDialog.getByLabel('Tags').fill('e2e, local');
    await targetDialog.getByTestId('target-save').click();
    await expect(targetDialog).toBeHidden();

    const targetConfig = page.locator('[data-testid="target-config"][data-target="e2e-server"]');
    await targetConfig.getByTestId('add-check').click();
    const checkDialog = page.getByTestId('check-dialog');
    await checkDialog.getByLabel('Name').fill('homepage');
    // Inline validation from the server's schema, next to the field it names, while typing.
    await checkDialog.getByLabel('URL', { exact: true }).fill('ftp://example');
    await expect(checkDialog.getByTestId('field-url-error')).toContainText('http:// or https://');
    await checkDialog.getByLabel('URL', { exact: true }).fill(`http://127.0.0.1:${target!.port}/health`);
    await expect(checkDialog.getByTestId('field-url-error')).toBeHidden();
    await checkDialog.getByLabel('Interval').fill('1s');
    await checkDialog.getByLabel('Retries').fill('0');
    await checkDialog.getByLabel('Body must contain').fill('ok');
    await checkDialog.getByTestId('check-save').click();
    await expect(checkDialog).toBeHidden();
    await expect(targetConfig.locator('[data-testid="check-config"][data-check="homepage"]')).toBeVisible();

    // --- The card turns green.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    const card = page.locator('[data-testid="target-card"][data-target="e2e-server"]');
    const row = card.locator('[data-testid="check-row"][data-check="homepage"]');
    await expect(card).toHaveAttribute('data-status', 'up');
    await expect(row).toHaveAttribute('data-status', 'up');
    await expect(row.getByTestId('check-status')).toContainText('Up');
    await expect(row.getByTestId('check-message')).toContainText('HTTP 200');
    await expect(page.getByTestId('overall-status')).toHaveAttribute('data-level', 'ok');
    await expect(row.getByTestId('uptime')).toHaveText('100%');
    await page.waitForTimeout(4000); // a few probes for the sparkline
    await dismissToasts(page);
    await screenshot(page, testInfo, 'dashboard-green');

    // --- Stop the server: the card turns red and an alert opens.
    await target!.stop();
    await expect(card).toHaveAttribute('data-status', 'down');
    await expect(row.getByTestId('check-status')).toContainText('Down');
    await expect(row.getByTestId('check-message')).toContainText(/refused/i);
    await expect(page.getByTestId('overall-status')).toHaveAttribute('data-level', 'error');
    await expect(page.getByTestId('open-alerts')).toContainText('1');
    await page.waitForTimeout(2500);
    await dismissToasts(page);
    await screenshot(page, testInfo, 'dashboard-red');

    // --- Find the alert in the history and acknowledge it with a note.
    await page.getByRole('link', { name: /^Alerts/ }).click();
    const alertRow = page.locator('[data-testid="alert-row"][data-target="e2e-server"][data-check="homepage"]');
    await expect(alertRow).toHaveAttribute('data-state', 'open');
    await expect(alertRow).toContainText('e2e-server / homepage is down');
    await alertRow.getByTestId('ack-button').click();
    const ackDialog = page.getByTestId('ack-dialog');
    await expect(ackDialog.getByLabel(/Note/)).toBeFocused();
    await ackDialog.getByLabel(/Note/).fill('Restarting the e2e server');
    await ackDialog.getByTestId('note-submit').click();
    await expect(ackDialog).toBeHidden();
    await expect(alertRow).toHaveAttribute('data-state', 'acknowledged');
    await expect(alertRow).toContainText('Restarting the e2e server');
    await dismissToasts(page);
    await screenshot(page, testInfo, 'alerts-acknowledged');

    // --- Restart the server on the same port: the alert resolves with the downtime.
    await target!.start();
    await page.getByLabel('State').selectOption('all');
    await expect(alertRow).toHaveAttribute('data-state', 'resolved');
    await expect(alertRow.getByTestId('alert-duration')).toContainText(/down for \d+ (ms|s|min)/);
    await dismissToasts(page);
    await screenshot(page, testInfo, 'alert-history');

    // The alert's timeline tells the whole story.
    await alertRow.getByRole('link', { name: 'e2e-server / homepage is down' }).click();
    const timeline = page.getByTestId('alert-timeline');
    await expect(page.getByTestId('alert-state')).toContainText('Resolved');
    await expect(timeline.locator('[data-type="opened"]')).toBeVisible();
    await expect(timeline.locator('[data-type="acknowledged"]')).toContainText('Restarting the e2e server');
    await expect(timeline.locator('[data-type="resolved"]')).toContainText(/Recovered after being down for \d+ (ms|s|min)/);
    await dismissToasts(page);
    await screenshot(page, testInfo, 'alert-detail');

    // Back on the dashboard everything is green again.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await expect(card).toHaveAttribute('data-status', 'up');
    await expect(page.getByTestId('open-alerts')).toContainText('0');

    expect(errors, `errors in the page:\n${errors.join('\n')}`).toEqual([]);
  });
});

test.describe('dashboard showcase', () => {
  test.use({ viewport: { width: 1360, height: 900 } });

  let dir = '';
  let kaavan: KaavanProcess | undefined;
  const servers: TargetServer[] = [];

  test.beforeAll(async () => {
    dir = tempDir('kaavan-e2e-showcase-');
    const fast = await startTargetServer((_req, res) => setTimeout(() => res.end('ok'), 5 + Math.random() * 40));
    const api = await startTargetServer((_req, res) => setTimeout(() => res.end('{"status":"ok"}'), 30 + Math.random() * 80));
    const slow = await startTargetServer((_req, res) => setTimeout(() => res.end('ok'), 360 + Math.random() * 120));
    const broken = await startTargetServer((_req, res) => {
      res.statusCode = 503;
      res.end('upstream unavailable');
    });
    servers.push(fast, api, slow, broken);
    const config = join(dir, 'kaavan.yaml');
    writeFileSync(
      config,
      `version: 1
targets:
  - name: web-eu-1
    tags: [prod, eu-west]
    checks:
      - { name: homepage, kind: http, url: "http://127.0.0.1:${fast.port}/", interval: 1s, expect: { keyword: ok } }
      - { name: api-health, kind: http, url: "http://127.0.0.1:${api.port}/api/health", interval: 1s, expect: { keyword: ok } }
      - { name: search, kind: http, url: "http://127.0.0.1:${slow.port}/search?q=status", interval: 1s, expect: { maxLatency: 300ms } }
  - name: db-primary
    tags: [prod]
    checks:
      - { name: postgres, kind: tcp, host: 127.0.0.1, port: ${fast.port}, interval: 1s }
      - { name: billing-api, kind: http, url: "http://127.0.0.1:${broken.port}/billing/health", interval: 1s, retries: 0 }
  - name: staging
    tags: [staging]
    checks:
      - { name: app, kind: http, url: "http://127.0.0.1:${api.port}/", interval: 1s }
`,
    );
    kaavan = await startKaavan({ config, data: join(dir, 'data') });
  });

  test.afterAll(async () => {
    await kaavan?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('mixed health in light and dark themes', async ({ page }, testInfo) => {
    await page.goto(kaavan!.url);
    const card = (name: string) => page.locator(`[data-testid="target-card"][data-target="${name}"]`);
    await expect(card('web-eu-1')).toHaveAttribute('data-status', 'degraded');
    await expect(card('db-primary')).toHaveAttribute('data-status', 'down');
    await expect(card('staging')).toHaveAttribute('data-status', 'up');
    await expect(page.getByTestId('count-up')).toContainText('4');
    await expect(page.getByTestId('count-degraded')).toContainText('1');
    await expect(page.getByTestId('count-down')).toContainText('1');
    // Status is told by icon and text too, never by colour alone.
    await expect(card('db-primary').getByTestId('target-status')).toHaveText('Down');
    await page.waitForTimeout(8000); // let the sparklines fill
    await dismissToasts(page);
    await screenshot(page, testInfo, 'showcase-dashboard-light');

    // The theme toggle wins over the system preference and is remembered.
    await page.getByTestId('theme-dark').click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await dismissToasts(page);
    await screenshot(page, testInfo, 'showcase-dashboard-dark');
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect(card('db-primary')).toHaveAttribute('data-status', 'down');

    await page.getByRole('link', { name: /^Alerts/ }).click();
    await expect(page.locator('[data-testid="alert-row"][data-check="billing-api"]')).toHaveAttribute('data-state', 'open');
    await dismissToasts(page);
    await screenshot(page, testInfo, 'showcase-alerts-dark');
  });
});
