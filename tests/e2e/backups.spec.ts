// Web E2E of the Backups page in Debian Chromium against a real `kaavan serve` (built CLI and
// renderer): create a job in the form (inline validation first), back it up, see the run in the
// list with its restore command; watch the progress bar of a slow job (a pg_dump stand-in that
// writes 6 MiB over ~4 s) while the new job waits behind it (global limit 1); screenshots of the
// page at three sizes in light and dark into test-results/screenshots/.
import { test, expect, type Page } from '@playwright/test';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { repoRoot, startKaavan, type KaavanProcess } from './helpers/servers';

const screenshotsDir = join(repoRoot, 'test-results', 'screenshots');

async function dismissToasts(page: Page): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

test.describe('backups against kaavan serve', () => {
  test.describe.configure({ mode: 'serial' });
  test.use({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });

  let dir = '';
  let kaavan: KaavanProcess | undefined;

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kaavan-e2e-backups-'));
    const docs = join(dir, 'Documents');
    mkdirSync(join(docs, 'notes'), { recursive: true });
    for (let i = 0; i < 50; i++) writeFileSync(join(docs, 'notes', `note-${i}.md`), `# Note ${i}\n${'text '.repeat(200 * (i + 1))}\n`);
    for (let i = 0; i < 4; i++) writeFileSync(join(docs, `scan-${i}.bin`), randomBytes(2 * 1024 * 1024));
    // Stands in for pg_dump: 6 MiB in six parts, 0.7 s apart, so the run takes a few seconds.
    const slowDump = join(dir, 'slow-dump.sh');
    writeFileSync(slowDump, '#!/bin/sh\nfor i in 1 2 3 4 5 6; do head -c 1048576 /dev/urandom; sleep 0.7; done\n');
    chmodSync(slowDump, 0o755);
    const config = join(dir, 'kaavan.yaml');
    writeFileSync(
      config,
      `version: 1
backups:
  - name: database
    sources: [{ kind: postgres, name: app, database: app, pgDump: "${slowDump}" }]
    destination: { kind: local, path: "${join(dir, 'backup', 'database')}" }
    schedule: "30 3 * * *"
`,
    );
    kaavan = await startKaavan({ config, data: join(dir, 'data') });
  });

  test.afterAll(async () => {
    await kaavan?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('create a job, run it, watch the progress bar, see the run in the list', async ({ page }) => {
    const errors: string[] = [];
    page.on('console', (message) => {
      // The one 400 is the save of the incomplete form below (the server's answer carries the field issues).
      if (message.type() === 'error' && !/favicon/.test(message.location().url) && !/status of 400/.test(message.text())) errors.push(message.text());
    });
    await page.goto(kaavan!.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Backups' }).click();
    await expect(page.getByRole('heading', { name: 'Backups', level: 1 })).toBeVisible();
    await expect(page.getByTestId('backup-job-database')).toContainText('30 3 * * *');

    // The form validates inline, field by field.
    await page.getByTestId('backup-new-job').click();
    const dialog = page.getByTestId('job-dialog');
    await dialog.getByTestId('job-name-input').fill('documents');
    await dialog.getByTestId('job-schedule-input').fill('0 2 * *');
    await expect(dialog.getByTestId('job-schedule-error')).toContainText('has 4');
    await dialog.getByTestId('job-schedule-input').fill('0 2 * * *');
    await expect(dialog.getByTestId('job-schedule-error')).toHaveCount(0);
    await dialog.getByTestId('job-save').click();
    await expect(dialog.getByTestId('job-folders-error')).toContainText('at least one source');
    await dialog.getByTestId('job-folders-input').fill(join(dir, 'Documents'));
    await dialog.getByTestId('job-exclude-input').fill('*.tmp');
    await dialog.getByTestId('job-destPath-input').fill(join(dir, 'backup', 'documents'));
    await expect(dialog.getByTestId('job-folders-error')).toHaveCount(0);
    await dialog.getByTestId('job-save').click();
    await expect(dialog).toHaveCount(0);
    const card = page.getByTestId('backup-job-documents');
    await expect(card).toContainText('0 2 * * *');
    await expect(card).toContainText('Never');

    // Every state the new job's progress bar shows, recorded in the page as it changes.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { barStates: string[] }).barStates = seen;
      new MutationObserver(() => {
        const state = document.querySelector('[data-testid="backup-progress-documents"]')?.getAttribute('data-state');
        if (state && seen[seen.length - 1] !== state) seen.push(state);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    });

    // The slow job takes the only run slot; the new one waits behind it, then runs.
    await page.getByTestId('backup-run-database').click();
    const slowBar = page.getByTestId('backup-progress-database');
    await expect(slowBar).toHaveAttribute('data-state', 'archiving');
    await expect(slowBar.getByRole('progressbar')).toBeVisible();
    await expect(slowBar).toContainText('0 of 1 files');
    await page.getByTestId('backup-run-documents').click();
    await expect(page.getByTestId('backup-progress-documents')).toContainText('Waiting for another backup');
    mkdirSync(screenshotsDir, { recursive: true });
    await page.screenshot({ path: join(screenshotsDir, 'backups-running-1280x800-light.png'), fullPage: true });
    await expect(slowBar).toHaveCount(0, { timeout: 20_000 });
    await expect(page.getByTestId('backup-progress-documents')).toHaveCount(0, { timeout: 20_000 });
    const states = await page.evaluate(() => (window as unknown as { barStates: string[] }).barStates);
    expect(states[0]).toBe('queued');
    // React may fold states that follow each other within a frame; at least one working state shows.
    expect(states.slice(1).some((state) => ['scanning', 'archiving', 'uploading', 'verifying'].includes(state))).toBe(true);

    // Both runs are listed as succeeded; the selected job's runs show the restore command.
    await expect(page.getByTestId('backup-job-database')).toContainText('Succeeded');
    await expect(card).toContainText('Succeeded');
    await card.getByRole('button', { name: 'documents', exact: true }).click();
    const runs = page.getByTestId('backup-runs');
    await expect(runs).toContainText('Runs of documents');
    const row = runs.locator('tr[data-state="succeeded"]');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('54');
    await expect(row).toContainText(/8\.\d MiB/);
    await row.getByRole('button', { name: 'Verify' }).click();
    await expect(row.getByRole('status')).toContainText('Intact: 54 files');
    await row.getByRole('button', { name: 'Restore…' }).click();
    await expect(page.getByTestId('backup-restore-command')).toContainText(/^kaavan restore \d{8}T\d{9}Z-[0-9a-f]{8} --to /);
    await expect(page.getByTestId('backup-throughput-chart').locator('canvas')).toHaveCount(1);
    await dismissToasts(page);
    expect(errors).toEqual([]);
  });

  for (const theme of ['light', 'dark'] as const) {
    for (const [width, height] of [
      [1280, 800],
      [1920, 1080],
      [420, 800],
    ] as const) {
      test(`screenshot ${width}x${height} ${theme}`, async ({ page }) => {
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme: theme });
        await page.goto(kaavan!.url);
        await page.evaluate((t) => localStorage.setItem('kaavan.theme', t), theme);
        await page.goto(kaavan!.url);
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
        // The token is kept for the session once read from the fragment: go to the page by its route.
        await page.evaluate(() => {
          location.hash = '#/backups';
        });
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
        await expect(page.getByTestId('backup-job-documents')).toBeVisible();
        await expect(page.getByTestId('backup-runs').locator('tr[data-state="succeeded"]').first()).toBeVisible();
        await dismissToasts(page);
        mkdirSync(screenshotsDir, { recursive: true });
        // Nothing sticks out sideways: a narrow window scrolls the runs table, not the page.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        await page.screenshot({ path: join(screenshotsDir, `backups-page-${width}x${height}-${theme}.png`), fullPage: true });
      });
    }
  }
});
