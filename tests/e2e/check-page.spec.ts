// The per-check and per-target pages in Debian Chromium against a real `kaavan serve` whose store
// holds 30 days of history for one check (seeded before start) and a real HTTP server on 127.0.0.1:
// open the check from the dashboard, see the uPlot chart drawn and change its range, pause and
// resume, clone; an HTTPS check whose certificate expires in 10 days (trusted by the server process
// through NODE_EXTRA_CA_CERTS) shows its days left; the target page with its small charts and pause
// of the whole target; no CSP
// violation anywhere. Screenshots of both pages at three sizes in both themes go to
// test-results/screenshots/.
import { test, expect, type Page } from '@playwright/test';
import https from 'node:https';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startKaavan, startTargetServer, type KaavanProcess, type TargetServer } from './helpers/servers';
import { seedCheckHistory } from './helpers/seed-history';
import { generate } from 'selfsigned';

const screenshotsDir = join(repoRoot, 'test-results', 'screenshots');
const SIZES = [
  [1280, 800],
  [1920, 1080],
  [420, 800],
] as const;

/** Records CSP violations and page errors from the first script on. */
async function watchProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/favicon/.test(message.location().url)) problems.push(`console: ${message.text()}`);
  });
  await page.exposeFunction('__reportCsp', (text: string) => problems.push(`CSP: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCsp: (t: string) => void }).__reportCsp(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return problems;
}

async function dismissToasts(page: Page): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

/** Waits until the chart in `testId` has drawn at least `min` points and returns how many. */
async function drawnPoints(page: Page, testId: string, min = 1): Promise<number> {
  const chart = page.getByTestId(testId).first();
  await expect(chart.locator('canvas')).toBeVisible();
  await expect.poll(async () => Number((await chart.getAttribute('data-drawn')) ?? '0')).toBeGreaterThanOrEqual(min);
  return Number(await chart.getAttribute('data-drawn'));
}

test.describe('check and target pages against kaavan serve', () => {
  test.describe.configure({ mode: 'serial' });
  test.use({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });

  let dir = '';
  let kaavan: KaavanProcess | undefined;
  let server: TargetServer | undefined;
  let checkId = 0;
  let tlsServer: https.Server | undefined;

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kaavan-e2e-pages-'));
    server = await startTargetServer();
    // An HTTPS site whose certificate expires in 10 days, trusted as a system CA would be.
    const day = 86_400_000;
    const pems = await generate([{ name: 'commonName', value: 'expires-soon.localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(Date.now() - day),
      notAfterDate: new Date(Date.now() + 10 * day),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
    });
    tlsServer = https.createServer({ key: pems.private, cert: pems.cert }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => tlsServer!.listen(0, '127.0.0.1', resolve));
    const tlsPort = (tlsServer.address() as { port: number }).port;
    writeFileSync(join(dir, 'trusted.pem'), pems.cert);
    process.env.NODE_EXTRA_CA_CERTS = join(dir, 'trusted.pem'); // read by the kaavan serve child only

    const config = join(dir, 'kaavan.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'targets:',
        '  - name: web',
        '    tags: [prod]',
        '    checks:',
        '      - name: homepage',
        '        kind: http',
        `        url: http://127.0.0.1:${server.port}/`,
        '        interval: 2s',
        '        retries: 0',
        '      - name: api',
        '        kind: http',
        `        url: http://127.0.0.1:${server.port}/api`,
        '        interval: 2s',
        '  - name: secure',
        '    checks:',
        '      - name: site',
        '        kind: http',
        `        url: https://localhost:${tlsPort}/`,
        '        interval: 5s',
        '',
      ].join('\n'),
    );
    checkId = seedCheckHistory({ dataDir: join(dir, 'data'), target: 'web', check: 'homepage', days: 30 });
    kaavan = await startKaavan({ config, data: join(dir, 'data') });
    mkdirSync(screenshotsDir, { recursive: true });
  });

  test.afterAll(async () => {
    await kaavan?.stop();
    await server?.stop();
    await new Promise((resolve) => (tlsServer ? tlsServer.close(resolve) : resolve(undefined)));
    delete process.env.NODE_EXTRA_CA_CERTS;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('open a check from the dashboard, read its chart over every range, pause, resume and clone it', async ({ page }) => {
    const problems = await watchProblems(page);
    await page.goto(kaavan!.url);
    await page.locator(`a[href="#/checks/${checkId}"]`).first().click();
    const checkPage = page.getByTestId('check-page');
    await expect(checkPage).toHaveAttribute('data-check', 'homepage');
    await expect(page).toHaveURL(new RegExp(`#/checks/${checkId}$`));

    // The 24 h chart (the default) from minute roll-ups: one point per minute of the seeded day.
    await expect(page.getByTestId('chart-note')).toHaveAttribute('data-range', '24h');
    expect(await drawnPoints(page, 'latency-chart', 1400)).toBeLessThanOrEqual(1500);
    // Uptime from the hour roll-ups: the seeded outages make it less than 100 % over 30 days.
    await expect(page.getByTestId('uptime-30d')).toContainText(/\d+(\.\d+)?%/);
    await expect(page.getByTestId('uptime-30d')).not.toContainText('100%');
    await expect(page.getByTestId('probe-bar').locator('.probe-up').first()).toBeVisible();
    await expect(page.getByTestId('transitions').getByTestId('transition').first()).toBeVisible();
    await expect(page.getByTestId('check-settings')).toContainText(`http://127.0.0.1:${server!.port}/`);

    const expected: Record<string, [number, number]> = {
      '1h': [50, 2000], // raw results: seeded minutes plus live 2 s probes
      '7d': [2000, 2100], // five-minute buckets
      '30d': [715, 730], // hours
      '1y': [715, 730], // the store has 30 days: no more points than that
    };
    for (const [range, [min, max]] of Object.entries(expected)) {
      await page.getByTestId(`range-${range}`).click();
      await expect(page.getByTestId('chart-note')).toHaveAttribute('data-range', range);
      await expect(page.getByTestId(`range-${range}`)).toHaveAttribute('aria-pressed', 'true');
      const drawn = await drawnPoints(page, 'latency-chart', min);
      expect(drawn, range).toBeLessThanOrEqual(max);
    }

    // Pause and resume.
    await page.getByTestId('check-pause').click();
    await expect(page.getByTestId('check-page-status')).toHaveText('Paused');
    await expect(page.getByTestId('check-pause')).toHaveText(/Resume/);
    await page.getByTestId('check-pause').click();
    await expect(page.getByTestId('check-page-status')).not.toHaveText('Paused');
    await expect(page.getByTestId('check-page-status')).toHaveText('Up', { timeout: 20_000 });

    // Clone: the copy opens on its own page, a new check with no history of the original.
    await page.getByTestId('check-clone').click();
    await expect(checkPage).toHaveAttribute('data-check', /homepage.*copy/);
    await expect(page).not.toHaveURL(new RegExp(`#/checks/${checkId}$`));
    await expect(page.getByTestId('check-settings')).toContainText(`http://127.0.0.1:${server!.port}/`);

    expect(problems).toEqual([]);
  });

  test('the target page: its checks with small charts, pause and resume of the whole target', async ({ page }) => {
    const problems = await watchProblems(page);
    await page.goto(kaavan!.url);
    await page.locator(`a[href="#/checks/${checkId}"]`).first().click();
    await page.getByTestId('target-link').click();
    const targetPage = page.getByTestId('target-page');
    await expect(targetPage).toHaveAttribute('data-target', 'web');
    await expect(page.getByTestId('target-check')).toHaveCount(3); // homepage, api, and the clone
    await drawnPoints(page, 'small-chart', 100);

    await page.getByTestId('target-pause').click();
    for (const row of await page.getByTestId('target-check').all()) await expect(row).toHaveAttribute('data-status', 'paused');
    await page.getByTestId('target-pause').click();
    await expect(page.getByTestId('target-check').first()).not.toHaveAttribute('data-status', 'paused');

    // From the target page back to a check page.
    await page.locator('[data-testid="target-check"][data-check="homepage"]').getByTestId('check-link').click();
    await expect(page.getByTestId('check-page')).toHaveAttribute('data-check', 'homepage');
    expect(problems).toEqual([]);
  });

  test('an HTTPS check shows the days its certificate has left, degraded under warnDays with the date', async ({ page }) => {
    const problems = await watchProblems(page);
    await page.goto(kaavan!.url);
    await page.locator('a[href^="#/checks/"]', { hasText: 'site' }).first().click();
    await expect(page.getByTestId('check-page')).toHaveAttribute('data-check', 'site');
    const expires = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await expect(page.getByTestId('check-page-status')).toHaveText('Degraded');
    await expect(page.getByTestId('check-page-message')).toContainText(`certificate expires on ${expires} (9 days)`);
    await expect(page.getByTestId('cert-days')).toContainText('9 days left');
    await expect(page.getByTestId('cert-days')).toHaveClass(/tile-warn/);
    await page.screenshot({ path: join(screenshotsDir, 'check-page-cert-1280x800-light.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`screenshots of the check and target pages (${theme})`, async ({ page }) => {
      const problems = await watchProblems(page);
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(kaavan!.url);
      await expect(page.getByTestId('overall-status')).toBeVisible();
      for (const [width, height] of SIZES) {
        await page.setViewportSize({ width, height });
        await page.evaluate((hash) => (window.location.hash = hash), `#/checks/${checkId}`);
        await page.getByTestId('range-30d').click();
        await drawnPoints(page, 'latency-chart', 700);
        await dismissToasts(page);
        await page.screenshot({ path: join(screenshotsDir, `check-page-check-${width}x${height}-${theme}.png`), fullPage: true });
        await page.getByTestId('target-link').click();
        await drawnPoints(page, 'small-chart', 100);
        await dismissToasts(page);
        await page.screenshot({ path: join(screenshotsDir, `check-page-target-${width}x${height}-${theme}.png`), fullPage: true });
        // Nothing wider than the window (tables and charts stay inside their cards).
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      }
      expect(problems).toEqual([]);
    });
  }
});
