// Self-healing in the check form, in Debian Chromium against a real `kaavan serve` watching a real
// HTTP server on 127.0.0.1: typing a heal command and saving first shows the exact command and the
// host it runs on and asks; cancelling keeps the form open and the file untouched; confirming
// saves it; a later edit that keeps the command saves without asking. The page of a backup job's
// check (derived, not in the file) opens, says where it comes from and offers no edit. Screenshots
// of the confirmation at 1280x800 in both themes go to test-results/screenshots/.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot, startKaavan, startTargetServer, type KaavanProcess, type TargetServer } from './helpers/servers';

const screenshotsDir = join(repoRoot, 'test-results', 'screenshots');

interface FileCheck {
  name: string;
  heal?: { command?: string; label?: string };
}

async function watchProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const url = message.location().url;
    // Without a keyring (plain xvfb-run) the secret names are unavailable: the form offers none, which is fine here.
    if (message.type() === 'error' && !/favicon|\/api\/rpc\/listSecrets$/.test(url)) problems.push(`console: ${message.text()} ${url}`);
  });
  return problems;
}

test.describe('self-healing in the check form', () => {
  test.describe.configure({ mode: 'serial' });
  test.use({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });

  let dir = '';
  let config = '';
  let kaavan: KaavanProcess | undefined;
  let server: TargetServer | undefined;

  const homepage = (): FileCheck => (parse(readFileSync(config, 'utf8')) as { targets: Array<{ checks: FileCheck[] }> }).targets[0]!.checks.find((c) => c.name === 'homepage')!;

  async function openEdit(page: Page): Promise<void> {
    await page.goto(kaavan!.url);
    await page.locator('a[href^="#/checks/"]', { hasText: 'homepage' }).first().click();
    await expect(page.getByTestId('check-page')).toHaveAttribute('data-check', 'homepage');
    await page.getByTestId('check-edit').click();
    await expect(page.getByTestId('check-dialog')).toBeVisible();
  }

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kaavan-e2e-heal-form-'));
    server = await startTargetServer();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.txt'), 'hello');
    config = join(dir, 'kaavan.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'targets:',
        '  - name: web',
        '    checks:',
        '      - name: homepage',
        '        kind: http',
        `        url: http://127.0.0.1:${server.port}/`,
        '        interval: 5s',
        'backups:',
        `  - { name: nightly, sources: [{ path: "${join(dir, 'src')}" }], destination: { kind: local, path: "${join(dir, 'dest')}" } }`,
        '',
      ].join('\n'),
    );
    kaavan = await startKaavan({ config, data: join(dir, 'data') });
    mkdirSync(screenshotsDir, { recursive: true });
  });

  test.afterAll(async () => {
    await kaavan?.stop();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('turning a heal on shows the exact command and host and asks; cancel keeps the form, confirm saves', async ({ page }) => {
    const problems = await watchProblems(page);
    await openEdit(page);
    const dialog = page.getByTestId('check-dialog');
    await dialog.getByTestId('input-heal.command').fill('systemctl restart nginx');
    await dialog.getByTestId('input-heal.maxAttempts').fill('2');
    await dialog.getByTestId('check-save').click();

    const confirm = page.getByTestId('confirm-dialog');
    await expect(confirm).toBeVisible();
    await expect(confirm.getByRole('heading')).toHaveText('Turn on self-healing?');
    await expect(confirm.getByTestId('heal-confirm-command')).toHaveText('systemctl restart nginx');
    await expect(confirm.getByTestId('heal-confirm-host')).toHaveText('this computer');
    await expect(confirm).toContainText('When web / homepage goes down, Kaavan will run this command on this computer, with Kaavan’s rights');
    await expect(confirm).toContainText('At most 2 times per outage, 5m apart');

    // Cancel: back in the form with what was typed, and nothing saved.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toBeHidden();
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('input-heal.command')).toHaveValue('systemctl restart nginx');
    expect(homepage().heal).toBeUndefined();

    // Confirm: saved as typed.
    await dialog.getByTestId('check-save').click();
    await confirm.getByRole('button', { name: 'Turn on and save' }).click();
    await expect(dialog).toBeHidden();
    await expect.poll(() => homepage().heal).toEqual({ command: 'systemctl restart nginx', maxAttempts: 2 });

    // The same command saved again with a new label: no question.
    await page.getByTestId('check-edit').click();
    await expect(dialog.getByTestId('input-heal.command')).toHaveValue('systemctl restart nginx');
    await dialog.getByTestId('input-heal.label').fill('restart nginx');
    await dialog.getByTestId('check-save').click();
    await expect(dialog).toBeHidden();
    await expect(confirm).toHaveCount(0);
    await expect.poll(() => homepage().heal?.label).toBe('restart nginx');
    expect(problems).toEqual([]);
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`screenshot of the confirmation (${theme})`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: theme });
      await openEdit(page);
      const dialog = page.getByTestId('check-dialog');
      await dialog.getByTestId('input-heal.command').fill('systemctl restart nginx.service');
      await dialog.getByTestId('check-save').click();
      await expect(page.getByTestId('heal-confirm-command')).toHaveText('systemctl restart nginx.service');
      // The dialog fades in: wait until it is fully drawn.
      await expect(page.getByTestId('confirm-dialog')).toHaveCSS('opacity', '1');
      await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
      await page.screenshot({ path: join(screenshotsDir, `heal-form-confirm-1280x800-${theme}.png`) });
      await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Cancel' }).click();
      await expect(dialog).toBeVisible();
    });
  }

  test('a backup job check: its page opens, names the job and links to Backups, with no edit, pause, clone or delete', async ({ page }) => {
    const problems = await watchProblems(page);
    await page.goto(kaavan!.url);
    await page.locator('a[href^="#/checks/"]', { hasText: 'nightly' }).first().click();
    const checkPage = page.getByTestId('check-page');
    await expect(checkPage).toHaveAttribute('data-check', 'nightly');
    await expect(page.getByTestId('check-derived')).toHaveText(/Derived from backup job nightly — edit it on the Backups page\./);
    await expect(page.getByTestId('check-settings')).toContainText('backup');
    for (const id of ['check-edit', 'check-pause', 'check-clone', 'check-delete']) await expect(page.getByTestId(id)).toHaveCount(0);
    await expect(page.getByTestId('check-run')).toBeVisible();
    await page.screenshot({ path: join(screenshotsDir, 'heal-form-derived-check-1280x800-light.png'), fullPage: true });
    await page.getByTestId('check-derived').getByRole('link', { name: 'Backups page' }).click();
    await expect(page).toHaveURL(/#\/backups$/);
    expect(problems).toEqual([]);
  });
});
