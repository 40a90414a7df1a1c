// Hosts in the browser against `kaavan serve` and a real sshd on 127.0.0.1: add an SSH server in
// the target form and trust the host key it shows, add disk and files checks from the kinds' own
// forms, see the host panel on the target page; change a watched file and the card turns red, an
// alert opens and the panel names the file; accept the current state and it recovers. Screenshots of
// the target page at three sizes in both themes go to test-results/screenshots/.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startKaavan, type KaavanProcess } from './helpers/servers';
import { makeClientKey, sshdUnavailableReason, startSshd, stopAllSshd, type TestSshd } from '../helpers/sshd';

const screenshotsDir = join(repoRoot, 'test-results', 'screenshots');
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
  { width: 420, height: 800 },
];

async function dismissToasts(page: Page): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

test.describe('hosts against kaavan serve and sshd', () => {
  test.describe.configure({ mode: 'serial' });
  test.skip(sshdUnavailableReason() !== null, sshdUnavailableReason() ?? '');
  test.use({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });

  let dir = '';
  let watched = '';
  let kaavan: KaavanProcess | undefined;
  let sshd: TestSshd | undefined;

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kaavan-e2e-hosts-'));
    watched = join(dir, 'etc');
    mkdirSync(watched);
    writeFileSync(join(watched, 'nginx.conf'), 'worker_processes 2;\n');
    writeFileSync(join(watched, 'sshd_config'), 'PermitRootLogin no\n');
    const key = makeClientKey();
    sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    // The key reaches serve through the documented environment fallback of the web1-key secret.
    process.env.KAAVAN_SECRET_WEB1_KEY = key.privateKey;
    const config = join(dir, 'kaavan.yaml');
    writeFileSync(config, 'version: 1\ntargets: []\n');
    kaavan = await startKaavan({ config, data: join(dir, 'data') });
  });

  test.afterAll(async () => {
    await kaavan?.stop();
    await stopAllSshd();
    delete process.env.KAAVAN_SECRET_WEB1_KEY;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('add an SSH server, trust its key, watch its disk and files; a changed file turns it red until accepted', async ({ page }) => {
    // Probes over SSH on a shared, loaded machine: state changes get generous time.
    test.setTimeout(300_000);
    const settle = { timeout: 60_000 };
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(kaavan!.url);

    // --- The target form: SSH connection and the host key the server offers.
    await page.getByRole('link', { name: 'Targets & checks' }).click();
    await page.getByTestId('add-target').click();
    const targetDialog = page.getByTestId('target-dialog');
    await targetDialog.getByLabel('Name').fill('web1');
    await targetDialog.getByTestId('input-ssh-on').check();
    await targetDialog.getByTestId('input-ssh-host').fill('127.0.0.1');
    await targetDialog.getByTestId('input-ssh-port').fill(String(sshd!.port));
    await targetDialog.getByTestId('input-ssh-user').fill('root');
    await targetDialog.getByTestId('input-ssh-keyRef').fill('web1-key');
    await targetDialog.getByTestId('show-host-key').click();
    const offer = targetDialog.getByTestId('host-key-offer');
    await expect(offer).toHaveAttribute('data-state', 'unknown');
    await expect(offer.getByTestId('offered-fingerprint')).toHaveText(sshd!.hostKeyFingerprint);
    mkdirSync(screenshotsDir, { recursive: true });
    await page.screenshot({ path: join(screenshotsDir, 'hosts-target-form-host-key-1280x800-light.png'), fullPage: true });
    await offer.getByTestId('trust-host-key').click();
    await expect(targetDialog.getByTestId('input-ssh-hostKey')).toHaveValue(sshd!.hostKeyFingerprint);
    await targetDialog.getByTestId('target-save').click();
    await expect(targetDialog).toBeHidden();
    const targetConfig = page.locator('[data-testid="target-config"][data-target="web1"]');
    await expect(targetConfig).toContainText(`ssh root@127.0.0.1:${sshd!.port}`);
    await expect(targetConfig.getByTestId('target-untrusted')).toHaveCount(0);

    // --- A disk check and a files check, from the kinds' own forms.
    await targetConfig.getByTestId('add-check').click();
    let checkDialog = page.getByTestId('check-dialog');
    await checkDialog.getByLabel('Kind').selectOption('disk');
    await checkDialog.getByLabel('Name', { exact: true }).fill('data-disk');
    await checkDialog.getByTestId('input-path').fill(dir);
    await checkDialog.getByTestId('input-interval').fill('4s');
    await checkDialog.getByTestId('input-timeout').fill('3500ms');
    await checkDialog.getByTestId('check-save').click();
    await expect(checkDialog).toBeHidden();

    await targetConfig.getByTestId('add-check').click();
    checkDialog = page.getByTestId('check-dialog');
    await checkDialog.getByLabel('Kind').selectOption('files');
    await checkDialog.getByLabel('Name', { exact: true }).fill('config-files');
    await checkDialog.getByTestId('input-paths').fill(watched);
    await checkDialog.getByTestId('input-exclude').fill('*.swp');
    // Room for a loaded CI machine: a probe that times out would read as a change of state.
    await checkDialog.getByTestId('input-interval').fill('4s');
    await checkDialog.getByTestId('input-timeout').fill('3500ms');
    await checkDialog.getByTestId('input-retries').fill('0');
    await checkDialog.getByTestId('check-save').click();
    await expect(checkDialog).toBeHidden();
    await expect(targetConfig.locator('[data-testid="check-config"][data-check="config-files"]')).toContainText('File integrity');

    // --- The target page: connection, disk and the recorded baseline.
    await targetConfig.getByRole('link', { name: 'web1' }).click();
    const panel = page.getByTestId('host-panel');
    await expect(panel.getByTestId('pinned-host-key')).toHaveText(sshd!.hostKeyFingerprint);
    const disk = panel.locator('[data-testid="host-disk"][data-check="data-disk"]');
    await expect(disk.getByRole('meter')).toHaveAttribute('aria-valuenow', /\d/, settle);
    await expect(disk.getByTestId('disk-chart')).toBeVisible(settle);
    const files = panel.locator('[data-testid="host-files"][data-check="config-files"]');
    await expect(files.getByTestId('files-unchanged')).toBeVisible(settle);
    await expect(files).toContainText('baseline of 2 files');
    await expect(page.getByTestId('target-page-status')).toContainText('Up', settle);

    // --- A watched file changes: red card, an alert, and the panel names the file.
    writeFileSync(join(watched, 'sshd_config'), 'PermitRootLogin yes\n');
    await expect(page.getByTestId('target-page-status')).toContainText('Down', settle);
    await expect(files.getByTestId('files-diff')).toContainText(join(watched, 'sshd_config'), settle);
    await expect(files.getByTestId('files-diff-summary')).toContainText('1 modified');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    const card = page.locator('[data-testid="target-card"][data-target="web1"]');
    await expect(card).toHaveAttribute('data-status', 'down', settle);
    await expect(page.getByTestId('open-alerts')).toContainText('1');
    await page.getByRole('link', { name: /^Alerts/ }).click();
    await expect(page.locator('[data-testid="alert-row"][data-target="web1"][data-check="config-files"]')).toHaveAttribute('data-state', 'open');

    // --- Screenshots of the target page, red, at each size in both themes.
    await page.goBack();
    await page.goBack();
    await expect(files.getByTestId('files-diff')).toBeVisible();
    await page.waitForTimeout(5000); // a few disk samples for the chart
    mkdirSync(screenshotsDir, { recursive: true });
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await dismissToasts(page);
        await page.waitForTimeout(300);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `no sideways scrolling at ${size.width}px`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: join(screenshotsDir, `hosts-target-page-${size.width}x${size.height}-${theme}.png`), fullPage: true });
      }
    }
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
    await page.setViewportSize({ width: 1280, height: 800 });

    // --- Accept the current state: the check recovers and the diff is gone.
    await files.getByTestId('accept-baseline').click();
    await page.getByRole('button', { name: 'Accept current state' }).last().click();
    await expect(page.getByTestId('target-page-status')).toContainText('Up', settle);
    await expect(files.getByTestId('files-unchanged')).toBeVisible(settle);

    expect(errors).toEqual([]);
  });

  test('the check form of any kind comes from its description: HTTP headers by secret reference, log patterns in a table', async ({ page }) => {
    await page.goto(kaavan!.url);
    await page.getByRole('link', { name: 'Targets & checks' }).click();
    await page.locator('[data-testid="target-config"][data-target="web1"]').getByTestId('add-check').click();
    const dialog = page.getByTestId('check-dialog');
    await dialog.getByLabel('Kind').selectOption('http');
    await dialog.getByLabel('Name', { exact: true }).fill('api');
    await dialog.getByTestId('input-url').fill('https://127.0.0.1/health');
    await dialog.getByTestId('input-method').selectOption('POST');
    await dialog.getByTestId('add-headers').click();
    await dialog.getByTestId('input-headers-name').fill('Authorization');
    await dialog.getByTestId('input-headers-value').fill('Bearer abc');
    // A credential typed in clear is refused next to the headers table, by the server's own schema.
    await dialog.getByTestId('check-save').click();
    await expect(dialog.getByTestId('field-headers')).toContainText('a credential must not be written in the configuration');
    await dialog.getByTestId('input-headers-value').fill('api-token');
    await dialog.getByTestId('input-headers-secret').check();
    await expect(dialog.getByTestId('field-headers')).toContainText('The secret \u201capi-token\u201d is not set yet');
    await dialog.getByTestId('input-body').fill('{"ping": true}');
    mkdirSync(screenshotsDir, { recursive: true });
    await page.screenshot({ path: join(screenshotsDir, 'hosts-check-form-http-1280x800-light.png'), fullPage: true });
    await dialog.getByTestId('check-save').click();
    await expect(dialog).toBeHidden();
    const row = page.locator('[data-testid="target-config"][data-target="web1"] [data-testid="check-config"][data-check="api"]');
    await expect(row).toContainText('POST');
    await expect(row).toContainText('1 header');

    // A kind with a table of records: log patterns with a severity.
    await row.getByRole('button', { name: 'Edit check api' }).click();
    await dialog.getByLabel('Kind').selectOption('logs');
    await dialog.getByTestId('input-path').fill('/var/log/app.log');
    await dialog.getByTestId('add-patterns').click();
    await dialog.getByTestId('input-patterns-regex').fill('ERROR|FATAL');
    await dialog.getByTestId('input-patterns-severity').selectOption('critical');
    await dialog.getByTestId('check-save').click();
    await expect(dialog).toBeHidden();
    await expect(row).toContainText('Log file');
  });

  test('the status report lists the target, its incident and the disk', async ({ page }) => {
    await page.goto(kaavan!.url);
    await page.getByRole('link', { name: 'Report' }).click();
    const targets = page.getByTestId('report-targets');
    await expect(targets.locator('tr[data-target="web1"]')).toBeVisible();
    await expect(page.getByTestId('report-incident-list')).toContainText('web1 / config-files');
    await expect(page.getByTestId('report-disks')).toContainText('web1 / data-disk');
    mkdirSync(screenshotsDir, { recursive: true });
    await page.screenshot({ path: join(screenshotsDir, 'hosts-report-1280x800-light.png'), fullPage: true });
  });
});
