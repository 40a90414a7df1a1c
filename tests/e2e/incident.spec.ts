// Incident response in the browser against a real `kaavan serve` (built CLI and renderer), a real
// HTTP server it watches and a real SMTP server (smtp-server) with a login, all on 127.0.0.1:
// store the channel's password through Settings → Secrets, "Send test" on the Delivery screen and
// the mail arrives authenticated; the server goes down and the alert's mail arrives; find the alert
// by searching the history (2,000 seeded alerts), acknowledge and silence it; the audit log names
// the check; turning on a heal shows the exact command first. Screenshots of Alerts, Delivery and
// Audit at three sizes in light and dark go to test-results/screenshots/.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { repoRoot, startKaavan, startTargetServer, type KaavanProcess, type TargetServer } from './helpers/servers';
import { Store } from '../../src-main/core/store/store';
import { seedAlerts } from '../../bench/incident-seed';

const screenshotsDir = join(repoRoot, 'test-results', 'screenshots');
const SMTP_USER = 'kaavan@example.test';
const SMTP_PASSWORD = 'e2e-Sm7p-pa55word';
const SEEDED = 2000;

async function dismissToasts(page: Page): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

interface Mail {
  user: string | undefined;
  parsed: ParsedMail;
}

async function startSmtp(): Promise<{ port: number; mails: Mail[]; close: () => Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return callback(null, { user: auth.username });
      const err = new Error('5.7.8 authentication failed') as Error & { responseCode: number };
      err.responseCode = 535;
      return callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks)).then(
          (parsed) => {
            mails.push({ user: session.user as string | undefined, parsed });
            callback(null, `Ok: queued as E2E${mails.length}`);
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
  { width: 420, height: 800 },
];

/** The screen at every size in light and dark. */
async function screenshots(page: Page, name: string, ready: () => Promise<void>): Promise<void> {
  mkdirSync(screenshotsDir, { recursive: true });
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const v of VIEWPORTS) {
      await page.setViewportSize(v);
      await ready();
      await dismissToasts(page);
      await page.screenshot({ path: join(screenshotsDir, `incident-${name}-${v.width}x${v.height}-${theme}.png`), fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(VIEWPORTS[0]!);
}

test.describe('incident response against kaavan serve', () => {
  test.describe.configure({ mode: 'serial' });
  test.use({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });

  let dir = '';
  let kaavan: KaavanProcess | undefined;
  let target: TargetServer | undefined;
  let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kaavan-e2e-incident-'));
    target = await startTargetServer();
    smtp = await startSmtp();
    // A history to search: 2,000 alerts from earlier in the year.
    mkdirSync(join(dir, 'data'), { recursive: true });
    const store = Store.open(join(dir, 'data', 'kaavan.db'));
    seedAlerts(store, SEEDED);
    store.db.exec("UPDATE alerts SET state = 'resolved', resolved_at = opened_at + 45000, resolved_by = 'auto' WHERE state <> 'resolved'");
    store.close();
    const config = join(dir, 'kaavan.yaml');
    writeFileSync(
      config,
      `version: 1
targets:
  - name: web1
    checks:
      - { name: homepage, kind: http, url: "http://127.0.0.1:${target.port}/", interval: 1s, timeout: 800ms, retries: 0, heal: { command: "systemctl restart nginx", label: restart nginx, enabled: false } }
channels:
  - { name: ops-mail, kind: email, host: 127.0.0.1, port: ${smtp.port}, security: none, user: ${SMTP_USER}, passwordRef: smtp-e2e, from: ${SMTP_USER}, to: [ops@example.test] }
routes:
  - { name: all, channels: [ops-mail] }
`,
    );
    kaavan = await startKaavan({ config, data: join(dir, 'data') });
  });

  test.afterAll(async () => {
    await kaavan?.stop();
    await target?.stop();
    await smtp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('email channel with a password, send test, acknowledge and silence, search, audit, heal confirmation', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(kaavan!.url);

    // --- The channel's password goes to the keychain through Settings → Secrets.
    await page.getByRole('link', { name: /^Settings/ }).click();
    await page.getByRole('button', { name: 'Add secret' }).click();
    const secretDialog = page.getByTestId('secret-dialog');
    await secretDialog.getByLabel('Name').fill('smtp-e2e');
    await secretDialog.getByLabel('Value').fill(SMTP_PASSWORD);
    await secretDialog.getByRole('button', { name: 'Save secret' }).click();
    await expect(secretDialog).toBeHidden();

    // --- Delivery: "Send test" shows the server's answer; the mail arrived, logged in.
    await page.getByRole('link', { name: /^Delivery/ }).click();
    const card = page.locator('[data-testid="channel-card"][data-channel="ops-mail"]');
    await expect(card).toContainText(`ops@example.test via 127.0.0.1:${smtp!.port}`);
    await card.getByTestId('send-test').click();
    const answer = card.getByTestId('test-answer');
    await expect(answer).toHaveAttribute('data-ok', 'true');
    await expect(answer).toContainText('Ok: queued as E2E1');
    expect(smtp!.mails).toHaveLength(1);
    expect(smtp!.mails[0]!.user).toBe(SMTP_USER);

    // The route preview.
    await expect(page.getByTestId('route-preview')).toHaveText('An error alert on web1/homepage would go to: ops-mail.');

    // --- The server goes down: the alert's mail arrives.
    await target!.stop();
    await expect.poll(() => smtp!.mails.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    expect(smtp!.mails[1]!.parsed.subject).toContain('web1 / homepage');

    // --- Search the history (2,000 seeded alerts + the new one) and acknowledge the new one.
    await page.getByRole('link', { name: /^Alerts/ }).click();
    await page.getByLabel('State').selectOption('all');
    await expect(page.getByTestId('alerts-count')).toHaveText(`${SEEDED + 1} alerts`);
    await page.getByTestId('filter-text').fill('vendor ticket');
    await expect(page.getByTestId('alerts-count')).toHaveText(`${SEEDED / 1000} alerts`);
    await page.getByTestId('filter-text').fill('web1 homepage refused');
    const row = page.locator('[data-testid="alert-row"][data-target="web1"][data-check="homepage"][data-state="open"]');
    await expect(row).toBeVisible();
    await row.getByTestId('ack-button').click();
    const ackDialog = page.getByTestId('ack-dialog');
    await ackDialog.getByLabel(/Note/).fill('Looking at nginx');
    await ackDialog.getByTestId('note-submit').click();
    await expect(ackDialog).toBeHidden();
    const acked = page.locator('[data-testid="alert-row"][data-target="web1"][data-check="homepage"]').first();
    await expect(acked).toHaveAttribute('data-state', 'acknowledged');
    await acked.getByTestId('silence-button').click();
    await page.getByTestId('silence-duration').selectOption({ label: '8 hours' });
    await page.getByTestId('silence-submit').click();
    await expect(acked.getByTestId('silenced-badge')).toBeVisible();
    // The note is searchable.
    await page.getByTestId('filter-text').fill('looking nginx');
    await expect(page.getByTestId('alerts-count')).toHaveText('1 alert');
    await page.getByTestId('filter-text').fill('');
    await page.getByLabel('State').selectOption('all');
    await expect(page.getByTestId('alerts-count')).toHaveText(`${SEEDED + 1} alerts`);
    await screenshots(page, 'alerts', async () => {
      await expect(page.locator('[data-testid="alert-row"]').first()).toBeVisible();
    });

    // --- Audit: the rows name the check; filter by action.
    await page.getByRole('link', { name: /^Audit/ }).click();
    await page.getByTestId('audit-action').selectOption('alert');
    const auditRows = page.getByTestId('audit-row');
    await expect(auditRows).toHaveCount(2);
    await expect(auditRows.nth(0)).toContainText('alert.silence');
    await expect(auditRows.nth(1)).toContainText('alert.acknowledge');
    await expect(auditRows.nth(1)).toContainText('web1 / homepage');
    await expect(auditRows.nth(1)).toContainText('Looking at nginx');
    await page.getByTestId('audit-action').selectOption('');
    await screenshots(page, 'audit', async () => {
      await expect(page.getByTestId('audit-row').first()).toBeVisible();
    });

    // --- Delivery: turning on the heal shows the exact command and asks first.
    await page.getByRole('link', { name: /^Delivery/ }).click();
    const heal = page.getByTestId('heal-row');
    await expect(heal).toHaveAttribute('data-enabled', 'false');
    await heal.getByTestId('heal-toggle').click();
    const confirm = page.getByTestId('confirm-dialog');
    await expect(confirm.getByTestId('heal-confirm-command')).toHaveText('systemctl restart nginx');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(heal).toHaveAttribute('data-enabled', 'false');
    await target!.start();
    await screenshots(page, 'delivery', async () => {
      await expect(page.getByTestId('heal-row')).toBeVisible();
    });
    expect(errors).toEqual([]);
  });
});
