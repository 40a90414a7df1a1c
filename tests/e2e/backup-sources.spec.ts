// Web E2E of the job form's sources on servers, in Debian Chromium against a real `kaavan serve`
// whose target web1 has an ssh: connection to a real sshd on 127.0.0.1 (trusted host key, key from
// KAAVAN_SECRET_WEB1_KEY): add a job whose source is a folder on web1 (the target picked in a
// select of targets with SSH), see a target without SSH refused on that row, run the job, and see
// the run succeed with the folder's files. Screenshots of the form (1280 and 420 wide) into test-results/screenshots/.
import { test, expect } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startKaavan, type KaavanProcess } from './helpers/servers';
import { makeClientKey, sshdUnavailableReason, startSshd, type TestSshd } from '../helpers/sshd';

const screenshotsDir = join(repoRoot, 'test-results', 'screenshots');

test.describe('backup sources on SSH targets', () => {
  test.skip(sshdUnavailableReason() !== null, sshdUnavailableReason() ?? '');
  test.use({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });

  let dir = '';
  let sshd: TestSshd | undefined;
  let kaavan: KaavanProcess | undefined;
  let remote = '';

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kaavan-e2e-backup-sources-'));
    remote = join(dir, 'srv www');
    mkdirSync(join(remote, 'assets'), { recursive: true });
    writeFileSync(join(remote, 'index.html'), '<h1>web1</h1>\n');
    writeFileSync(join(remote, 'assets', 'site.css'), 'body { margin: 0 }\n'.repeat(100));
    const key = makeClientKey();
    process.env.KAAVAN_SECRET_WEB1_KEY = key.privateKey;
    sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    const config = join(dir, 'kaavan.yaml');
    writeFileSync(
      config,
      `version: 1
targets:
  - name: web1
    ssh: { host: 127.0.0.1, port: ${sshd.port}, user: root, keyRef: web1-key, hostKey: "${sshd.hostKeyFingerprint}" }
  - name: printer
`,
    );
    kaavan = await startKaavan({ config, data: join(dir, 'data') });
  });

  test.afterAll(async () => {
    await kaavan?.stop();
    await sshd?.stop();
    delete process.env.KAAVAN_SECRET_WEB1_KEY;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('add a job with a folder on web1, run it, see the run succeed', async ({ page }) => {
    await page.goto(kaavan!.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Backups' }).click();
    await page.getByTestId('backup-new-job').click();
    const dialog = page.getByTestId('job-dialog');
    await dialog.getByTestId('job-name-input').fill('web1-site');
    // A database dump can run here or on a target with SSH; removed again.
    await dialog.getByTestId('job-add-database').click();
    await expect(dialog.getByTestId('job-source-0-where-input')).toHaveValue('');
    await expect(dialog.getByTestId('job-source-0-where-input').locator('option')).toHaveText(['This computer', 'web1']);
    await expect(dialog.getByTestId('job-source-0-database-input')).toBeVisible();
    mkdirSync(screenshotsDir, { recursive: true });
    await page.setViewportSize({ width: 420, height: 800 });
    await dialog.getByTestId('job-source-0').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshotsDir, 'backup-sources-database-420x800-light.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await dialog.getByTestId('job-source-0-remove').click();
    await expect(dialog.getByTestId('job-source-0')).toHaveCount(0);
    await dialog.getByTestId('job-add-remote-folder').click();
    const row = dialog.getByTestId('job-source-0');
    const where = row.getByTestId('job-source-0-where-input');
    // Only targets with an SSH connection are offered, beside this computer.
    await expect(where.locator('option')).toHaveText(['This computer', 'web1']);
    await expect(where).toHaveValue('web1');
    await row.getByTestId('job-source-0-path-input').fill('srv/www');
    await dialog.getByTestId('job-destPath-input').fill(join(dir, 'backup'));
    await expect(row.getByTestId('job-source-0-path-error')).toContainText('needs an absolute path');
    await row.getByTestId('job-source-0-path-input').fill(remote);
    await expect(row.getByTestId('job-source-0-path-error')).toHaveCount(0);
    await page.screenshot({ path: join(screenshotsDir, 'backup-sources-form-1280x800-light.png') });
    await dialog.getByTestId('job-save').click();
    await expect(dialog).toHaveCount(0);

    const card = page.getByTestId('backup-job-web1-site');
    await expect(card).toContainText(`web1:${remote}`);
    await page.getByTestId('backup-run-web1-site').click();
    await expect(card).toContainText('Succeeded', { timeout: 30_000 });
    await card.getByRole('button', { name: 'web1-site', exact: true }).click();
    await expect(page.getByTestId('backup-runs').locator('tr[data-state="succeeded"]')).toHaveCount(1);
  });
});
