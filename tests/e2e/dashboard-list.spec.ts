// The dashboard at scale and its actions, in Debian Chromium against real `kaavan serve`
// processes and real HTTP servers on 127.0.0.1:
// - a small setup (a down, a degraded, a retrying and healthy checks): problems first, tiles as
//   filters, the outage banner's links, search with "/", tags, the remembered list view, quick
//   and bulk actions (pause, clone, delete, acknowledge) and the defects seen in use;
// - 2,000 checks over 100 targets: the compact list keeps only visible rows in the DOM, search
//   finds any check, and screenshots of cards and list at three sizes in both themes.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startKaavan, startTargetServer, type KaavanProcess, type TargetServer } from './helpers/servers';

const shotsDir = join(repoRoot, 'test-results', 'screenshots');

async function shot(page: Page, name: string, width: number, height: number, theme: 'light' | 'dark'): Promise<void> {
  mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: join(shotsDir, `dashboard-${name}-${width}x${height}-${theme}.png`) });
}

async function dismissToasts(page: Page): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

/** Every visible toast's box against every visible button and link on the page: none may overlap. */
async function toastsCoverSomething(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const toasts = [...document.querySelectorAll('[data-testid="toast"]')].map((t) => t.getBoundingClientRect());
    const hits: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('main button, main a, main input, nav a, .sidebar-footer button')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.bottom < 0 || r.top > window.innerHeight) continue;
      for (const t of toasts) {
        if (r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top) hits.push(el.getAttribute('aria-label') ?? el.textContent ?? el.tagName);
      }
    }
    return hits;
  });
}

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

test.describe('dashboard: problems first, search, actions', () => {
  test.describe.configure({ mode: 'serial' });
  test.use({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });

  let dir = '';
  let kaavan: KaavanProcess | undefined;
  let ok: TargetServer | undefined;
  let slow: TargetServer | undefined;

  test.beforeAll(async () => {
    dir = tempDir('kaavan-dash-e2e-');
    ok = await startTargetServer();
    slow = await startTargetServer((_req, res) => setTimeout(() => res.end('ok\n'), 250));
    const http = (name: string, port: number, extra = '') => `{ name: ${name}, kind: http, url: "http://127.0.0.1:${port}/${name}", interval: 1s, retries: 0${extra} }`;
    const config = join(dir, 'kaavan.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'targets:',
        '  - name: web',
        '    tags: [prod]',
        '    checks:',
        `      - ${http('home', ok.port)}`,
        `      - ${http('api', ok.port)}`,
        '  - name: reports',
        '    tags: [staging]',
        '    checks:',
        `      - ${http('render', slow.port, ', expect: { maxLatency: 50ms }')}`,
        '  - name: queue',
        '    tags: [staging]',
        '    checks:',
        '      - { name: worker, kind: tcp, host: 127.0.0.1, port: 1, interval: 2s, timeout: 500ms, retries: 100 }',
        '  - name: db',
        '    tags: [prod, eu]',
        '    checks:',
        '      - { name: primary, kind: tcp, host: 127.0.0.1, port: 1, interval: 1s, timeout: 500ms, retries: 0 }',
        '',
      ].join('\n'),
    );
    kaavan = await startKaavan({ config, data: join(dir, 'data') });
  });

  test.afterAll(async () => {
    await kaavan?.stop();
    await ok?.stop();
    await slow?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('problems first: down, then degraded, then pending targets on top; the banner names what is down', async ({ page }) => {
    await page.goto(kaavan!.url);
    const cards = page.getByTestId('target-card');
    await expect(page.locator('[data-testid="target-card"][data-target="reports"]')).toHaveAttribute('data-status', 'degraded');
    await expect(page.locator('[data-testid="target-card"][data-target="db"]')).toHaveAttribute('data-status', 'down');
    await expect(page.locator('[data-testid="target-card"][data-target="queue"]')).toHaveAttribute('data-status', 'pending');
    // web is pending too until its first probes land (first runs are spread): wait for it to be up.
    await expect(page.locator('[data-testid="target-card"][data-target="web"]')).toHaveAttribute('data-status', 'up');
    await expect(cards.first()).toHaveAttribute('data-target', 'db');
    expect(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-target')))).toEqual(['db', 'reports', 'queue', 'web']);

    const banner = page.getByTestId('outage-banner');
    await expect(banner).toContainText('1 probe is down');
    const link = banner.getByTestId('outage-link');
    await expect(link).toHaveText('db / primary');
    const id = await page.locator('[data-testid="check-row"][data-check="primary"]').getAttribute('data-id');
    await expect(link).toHaveAttribute('href', `#/checks/${id}`);
    // Every card and row links to its page.
    await expect(page.locator('[data-testid="target-card"][data-target="web"]').getByTestId('target-link')).toHaveAttribute('href', /^#\/targets\/\d+$/);
    await expect(page.locator('[data-testid="check-row"][data-check="home"]').getByTestId('check-link')).toHaveAttribute('href', /^#\/checks\/\d+$/);
    // The retrying check says how far it is from down.
    await expect(page.locator('[data-testid="check-row"][data-check="worker"]').getByTestId('failure-note')).toContainText(/failure \d+ of 101 before down/);
  });

  test('tiles filter by status; "/" focuses search; tags and "problems only" filter', async ({ page }) => {
    await page.goto(kaavan!.url);
    await expect(page.locator('[data-testid="check-row"]')).toHaveCount(5);
    await page.getByTestId('count-down').click();
    await expect(page.getByTestId('count-down')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('[data-testid="check-row"]')).toHaveCount(1);
    await expect(page.locator('[data-testid="check-row"]')).toHaveAttribute('data-check', 'primary');
    await page.getByTestId('count-down').click();
    await expect(page.locator('[data-testid="check-row"]')).toHaveCount(5);

    // Any check in two keystrokes: "/" then its name.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    await expect(page.getByTestId('dash-search')).toBeFocused();
    await page.keyboard.type('api');
    await expect(page.locator('[data-testid="check-row"]')).toHaveCount(1);
    await expect(page.getByTestId('shown-count')).toHaveText('1 of 5 probes');
    await page.keyboard.press('Escape');
    await expect(page.locator('[data-testid="check-row"]')).toHaveCount(5);

    // By URL and by tag.
    await page.getByTestId('dash-search').fill('/render');
    await expect(page.locator('[data-testid="check-row"]')).toHaveAttribute('data-check', 'render');
    await page.getByTestId('dash-search').fill('');
    await page.getByTestId('tag-filter').filter({ hasText: 'eu' }).click();
    await expect(page.locator('[data-testid="check-row"]')).toHaveCount(1);
    await page.getByTestId('clear-filters').click();
    await page.getByTestId('problems-only').check();
    expect(await page.locator('[data-testid="check-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-check')))).toEqual(['primary', 'render', 'worker']);
  });

  test('the list view is remembered and sorts; rows show a bar of recent probes and link to the check', async ({ page }) => {
    await page.goto(kaavan!.url);
    await page.getByTestId('view-list').click();
    const rows = page.getByTestId('list-row');
    await expect(rows).toHaveCount(5);
    // Problems first; the two healthy checks follow in the order they came up (a race between them).
    const order = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-check')));
    expect(order.slice(0, 3)).toEqual(['primary', 'render', 'worker']);
    expect(order.slice(3).sort()).toEqual(['api', 'home']);
    await page.reload();
    await expect(page.getByTestId('view-list')).toHaveAttribute('aria-pressed', 'true');
    await page.getByTestId('sort-name').click();
    await expect(rows.first()).toHaveAttribute('data-check', 'primary');
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-target')))).toEqual(['db', 'queue', 'reports', 'web', 'web']);
    await expect(rows.filter({ hasText: 'home' }).locator('.probe-bar path').first()).toBeAttached();
    await page.getByTestId('sort-status').click();
    await page.getByTestId('view-cards').click();
  });

  test('pausing a retrying check: paused, no failure note, duration from the pause; one toast naming it, covering no action', async ({ page }) => {
    await page.goto(kaavan!.url);
    const row = page.locator('[data-testid="check-row"][data-check="worker"]');
    await expect(row.getByTestId('failure-note')).toBeVisible();
    await row.getByTestId('pause-check').click();
    await expect(row).toHaveAttribute('data-status', 'paused');
    await expect(row.getByTestId('check-status')).toContainText('Paused');
    await expect(row.getByTestId('check-status')).toContainText('just now');
    await expect(row.getByTestId('failure-note')).toHaveCount(0);
    // One toast for the action (other checks' reminders may come and go meanwhile).
    const toasts = page.getByTestId('toast');
    await expect(toasts.filter({ hasText: 'queue / worker' })).toHaveCount(1);
    await expect(toasts.filter({ hasText: 'queue / worker' })).toContainText('Paused queue / worker');
    expect(await toastsCoverSomething(page)).toEqual([]);
    // Still paused after a reload (it is in the configuration), never showing the failure note.
    await page.reload();
    await expect(row).toHaveAttribute('data-status', 'paused');
    await expect(row.getByTestId('failure-note')).toHaveCount(0);
    await row.getByTestId('resume-check').click();
    await expect(row).not.toHaveAttribute('data-status', 'paused');
  });

  test('acknowledge from the dashboard, then pausing the down check closes its alert', async ({ page }) => {
    await page.goto(kaavan!.url);
    const row = page.locator('[data-testid="check-row"][data-check="primary"]');
    await expect(page.getByTestId('open-alerts')).toContainText('1');
    await row.getByTestId('ack-button').click();
    await expect(page.getByTestId('toast').filter({ hasText: 'Acknowledged db / primary' })).toHaveCount(1);
    await expect(row.getByTestId('ack-button')).toHaveCount(0);
    await row.getByTestId('pause-check').click();
    await expect(row).toHaveAttribute('data-status', 'paused');
    await expect(page.getByTestId('open-alerts')).toContainText('0');
    await expect(page.getByTestId('outage-banner')).toHaveCount(0);
    await row.getByTestId('resume-check').click();
  });

  test('clone, then bulk pause two checks and bulk delete the clone with a confirmation', async ({ page }) => {
    await page.goto(kaavan!.url);
    const web = page.locator('[data-testid="target-card"][data-target="web"]');
    await web.locator('[data-testid="check-row"][data-check="home"]').getByTestId('more-actions').click();
    await page.getByTestId('clone-check').click();
    await expect(web.locator('[data-testid="check-row"][data-check="home (copy)"]')).toBeVisible();
    await expect(page.getByTestId('toast').filter({ hasText: 'Cloned web / home as \u201chome (copy)\u201d' })).toHaveCount(1);

    await page.getByTestId('view-list').click();
    await page.getByTestId('dash-search').fill('web');
    await expect(page.getByTestId('list-row')).toHaveCount(3);
    await page.getByLabel('Select web / home', { exact: true }).check();
    await page.getByLabel('Select web / api', { exact: true }).check();
    await expect(page.getByTestId('selected-count')).toHaveText('2 probes selected');
    await page.getByTestId('bulk-pause').click();
    await expect(page.locator('[data-testid="list-row"][data-check="home"]')).toHaveAttribute('data-status', 'paused');
    await expect(page.locator('[data-testid="list-row"][data-check="api"]')).toHaveAttribute('data-status', 'paused');
    await expect(page.locator('[data-testid="list-row"][data-check="home (copy)"]')).not.toHaveAttribute('data-status', 'paused');
    await expect(page.getByTestId('toast').filter({ hasText: 'Paused 2 probes on web' })).toHaveCount(1);
    expect(await page.getByTestId('toast').count()).toBeLessThanOrEqual(3);

    await page.getByLabel('Select web / home (copy)', { exact: true }).check();
    await page.getByTestId('bulk-delete').click();
    const confirm = page.getByTestId('confirm-dialog');
    await expect(confirm).toContainText('Delete web / home (copy)?');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByTestId('list-row')).toHaveCount(2);
    await page.getByLabel('Select every probe shown').check();
    await page.getByTestId('bulk-resume').click();
    await expect(page.locator('[data-testid="list-row"][data-check="home"]')).not.toHaveAttribute('data-status', 'paused');
    await page.getByTestId('view-cards').click();
  });

  test('at 1280 px nothing overflows a card; at 420 px every action stays reachable', async ({ page }) => {
    await page.goto(kaavan!.url);
    await expect(page.locator('[data-testid="check-row"]')).toHaveCount(5);
    const overflowing = await page.getByTestId('target-card').evaluateAll((cards) =>
      cards.flatMap((card) => [...card.querySelectorAll<HTMLElement>('*')].filter((el) => el.getBoundingClientRect().right > card.getBoundingClientRect().right + 1).map((el) => el.className || el.tagName)),
    );
    expect(overflowing).toEqual([]);

    await page.setViewportSize({ width: 420, height: 800 });
    const row = page.locator('[data-testid="check-row"][data-check="home"]');
    for (const id of ['run-now', 'pause-check', 'more-actions']) {
      const box = (await row.getByTestId(id).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(420);
    }
    await page.getByTestId('view-list').click();
    const listRow = page.locator('[data-testid="list-row"][data-check="home"]');
    for (const id of ['pause-check', 'more-actions']) {
      const box = (await listRow.getByTestId(id).boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(420);
    }
    await listRow.getByTestId('more-actions').click();
    await expect(page.getByTestId('clone-check')).toBeInViewport();
    await page.keyboard.press('Escape');
    await page.getByTestId('view-cards').click();
  });
});

test.describe('dashboard: empty', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('the empty dashboard has no pause button, and "Add a target" opens the form', async ({ page }) => {
    const dir = tempDir('kaavan-dash-empty-');
    const config = join(dir, 'kaavan.yaml');
    writeFileSync(config, 'version: 1\ntargets: []\n');
    const kaavan = await startKaavan({ config, data: join(dir, 'data') });
    try {
      await page.goto(kaavan.url);
      await expect(page.getByTestId('dashboard-empty')).toBeVisible();
      await expect(page.getByTestId('pause-toggle')).toHaveCount(0);
      await expect(page.locator('main')).not.toContainText(/check\(s\)/);
      await page.getByTestId('add-first-target').click();
      await expect(page.getByTestId('target-dialog')).toBeVisible();
      await expect(page).toHaveURL(/#\/targets$/);
    } finally {
      await kaavan.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test.describe('dashboard: 2,000 checks', () => {
  test.describe.configure({ mode: 'serial' });
  test.setTimeout(300_000);

  let dir = '';
  let kaavan: KaavanProcess | undefined;
  const servers: TargetServer[] = [];

  test.beforeAll(async () => {
    dir = tempDir('kaavan-dash-2000-');
    for (let i = 0; i < 4; i++) servers.push(await startTargetServer());
    const lines = ['version: 1', 'settings: { concurrency: 32 }', 'targets:'];
    for (let t = 0; t < 100; t++) {
      lines.push(`  - name: host-${String(t).padStart(3, '0')}`, `    tags: [${t % 3 === 0 ? 'prod' : 'staging'}${t % 10 === 0 ? ', eu' : ''}]`, '    checks:');
      for (let c = 0; c < 20; c++) {
        const name = `svc-${String(c).padStart(2, '0')}`;
        // A few checks are down (a closed port), the rest answer.
        if ((t * 20 + c) % 250 === 7) lines.push(`      - { name: ${name}, kind: tcp, host: 127.0.0.1, port: 1, interval: 30s, timeout: 2s, retries: 0 }`);
        else lines.push(`      - { name: ${name}, kind: http, url: "http://127.0.0.1:${servers[(t + c) % servers.length]!.port}/h${t}/${name}", interval: 30s, timeout: 5s }`);
      }
    }
    const config = join(dir, 'kaavan.yaml');
    writeFileSync(config, `${lines.join('\n')}\n`);
    kaavan = await startKaavan({ config, data: join(dir, 'data'), timeoutMs: 60_000 });
  });

  test.afterAll(async () => {
    await kaavan?.stop();
    for (const s of servers) await s.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the compact list renders only the visible rows of 2,000, puts the down ones first and finds any check', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(kaavan!.url);
    // Above 200 checks the list is the default view.
    const list = page.getByTestId('check-list');
    await expect(list).toHaveAttribute('data-rows', '2000');
    await expect(page.getByTestId('count-pending')).toContainText('0', { timeout: 60_000 });
    await expect(page.getByTestId('count-down')).toContainText('8');
    const rows = page.getByTestId('list-row');
    const inDom = await rows.count();
    expect(inDom).toBeGreaterThan(10);
    expect(inDom).toBeLessThan(60);
    const firstStatuses = await rows.evaluateAll((els) => els.slice(0, 9).map((e) => e.getAttribute('data-status')));
    expect(firstStatuses.slice(0, 8)).toEqual(Array(8).fill('down'));

    // Scroll to the end: the last rows are there, still only a window of rows in the DOM.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await expect(page.locator('[data-testid="list-row"][aria-rowindex="2001"]')).toBeVisible();
    expect(await rows.count()).toBeLessThan(60);

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.keyboard.press('/');
    await page.keyboard.type('host-042 svc-13');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute('data-target', 'host-042');
  });

  test('screenshots: cards and list, 1280x800, 1920x1080 and 420x800, light and dark', async ({ page }) => {
    await page.goto(kaavan!.url);
    await expect(page.getByTestId('count-pending')).toContainText('0', { timeout: 60_000 });
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      for (const [width, height] of [
        [1280, 800],
        [1920, 1080],
        [420, 800],
      ] as const) {
        await page.setViewportSize({ width, height });
        await page.getByTestId('view-list').click();
        await page.evaluate(() => window.scrollTo(0, 0));
        await dismissToasts(page);
        await shot(page, 'list', width, height, theme);
        await page.getByTestId('view-cards').click();
        await page.evaluate(() => window.scrollTo(0, 0));
        await shot(page, 'cards', width, height, theme);
        await page.getByTestId('problems-only').check();
        await shot(page, 'problems', width, height, theme);
        await page.getByTestId('problems-only').uncheck();
      }
    }
    await page.getByTestId('view-list').click();
  });
});
