// Alert history at 100,000 alerts (issue 8): the paged queries the Alerts screen makes, on a real
// SQLite store seeded by bench/incident-seed.ts, next to the same queries at 1,000 alerts and to
// the indexed-LIKE alternative of the full-text search; then the first render of the Alerts screen
// in Chromium against `kaavan serve` (built CLI) on each store. Prints markdown, writes
// bench/results/incident-history.json. About a minute.
//   node bench/incident-history.mjs [--runs 30] [--no-browser]
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { register } from 'tsx/esm/api';
import { summarize, table } from './lib/stats.mjs';
import { args, saveResults } from './lib/machine.mjs';

register();
const { Store } = await import('../src-main/core/store/store.ts');
const { seedAlerts, SEED_START } = await import('./incident-seed.ts');

const opts = args({ runs: 30, noBrowser: false });
const ms = (v) => `${v.toFixed(2)} ms`;

function timeIt(fn, runs) {
  for (let i = 0; i < 3; i++) fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return summarize(samples);
}

/** The LIKE alternative to FTS5: the same matches over the same columns, index on opened_at for the order. */
function likeSearch(store, word, limit) {
  const pattern = `%${word}%`;
  const where = 'title LIKE ?1 OR message LIKE ?1 OR target LIKE ?1 OR check_name LIKE ?1 OR ack_note LIKE ?1';
  const total = store.db.prepare(`SELECT COUNT(*) AS n FROM alerts WHERE ${where}`).get(pattern).n;
  const rows = store.db.prepare(`SELECT * FROM alerts WHERE ${where} ORDER BY opened_at DESC, id DESC LIMIT ?2`).all(pattern, limit);
  return { total, rows };
}

const sizes = [100_000, 1_000];
const dirs = [];
const queryRows = [];
const raw = {};
for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-bench-history-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'data'));
  const store = Store.open(join(dir, 'data', 'kaavan.db'));
  const seedStart = performance.now();
  seedAlerts(store, n);
  process.stderr.write(`seeded ${n} alerts in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);
  const cases = {
    'page 1 of all (100 rows + total)': () => store.alerts.history({ limit: 100 }),
    'last page (offset n-100)': () => store.alerts.history({ offset: n - 100, limit: 100 }),
    'active only': () => store.alerts.history({ state: 'active', limit: 100 }),
    'one day (time range)': () => store.alerts.history({ from: SEED_START + 86_400_000, to: SEED_START + 2 * 86_400_000, limit: 100 }),
    'search "nginx" (FTS5)': () => store.alerts.history({ text: 'nginx', limit: 100 }),
    'search "nginx" (LIKE, peer)': () => likeSearch(store, 'nginx', 100),
    'search "vendor ticket" (FTS5)': () => store.alerts.history({ text: 'vendor ticket', limit: 100 }),
    'CSV export of "nginx"': () => store.alerts.historyAll({ text: 'nginx' }, 100_000),
  };
  raw[n] = {};
  for (const [name, fn] of Object.entries(cases)) {
    const s = timeIt(fn, opts.runs);
    raw[n][name] = s;
    queryRows.push([n.toLocaleString('en'), name, ms(s.median), ms(s.p95)]);
  }
  store.close();
}

console.log('### Alert history queries (median and p95 of', opts.runs, 'runs, in-process, after 3 warm-ups)\n');
console.log(table(['alerts', 'query', 'median', 'p95'], queryRows));

const renderRows = [];
if (!opts.noBrowser) {
  const { chromium } = await import('@playwright/test');
  const { startKaavan } = await import('../tests/e2e/helpers/servers.ts');
  const { writeFileSync } = await import('node:fs');
  const browser = await chromium.launch({ executablePath: process.env.KAAVAN_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    for (const [i, n] of sizes.entries()) {
      const dir = dirs[i];
      const config = join(dir, 'kaavan.yaml');
      writeFileSync(config, 'version: 1\ntargets: []\n');
      const kaavan = await startKaavan({ config, data: join(dir, 'data') });
      try {
        const samples = { render: [], scrollEnd: [], query: [] };
        for (let run = 0; run < 5; run++) {
          const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
          await page.goto(kaavan.url);
          await page.getByRole('link', { name: /^Alerts/ }).click();
          await page.locator('[data-testid="alert-row"]').first().waitFor();
          // From choosing "All" to the first rows of the full history on screen.
          const t0 = Date.now();
          await page.getByLabel('State').selectOption('all');
          await page.getByTestId('alerts-count').filter({ hasText: `${n} alerts` }).waitFor();
          await page.locator(`[data-testid="alert-row"][data-alert-id="${n}"]`).waitFor();
          samples.render.push(Date.now() - t0);
          samples.query.push(Number(await page.locator("html").getAttribute("data-alerts-query-ms")));
          // Jump to the very end: the oldest alert on screen (a page fetched on demand).
          const t1 = Date.now();
          await page.locator('.alert-list-scroll').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
          await page.locator('[data-testid="alert-row"][data-alert-id="1"]').waitFor();
          samples.scrollEnd.push(Date.now() - t1);
          const rowsInDom = await page.locator('[data-testid="alert-row"]').count();
          if (run === 0) raw[`dom-rows-${n}`] = rowsInDom;
          await page.close();
        }
        const r = summarize(samples.render);
        const q = summarize(samples.query);
        const s = summarize(samples.scrollEnd);
        raw[`render-${n}`] = { render: r, query: q, scrollEnd: s };
        renderRows.push([n.toLocaleString('en'), `${r.median.toFixed(0)} ms`, `${q.median.toFixed(0)} ms`, `${s.median.toFixed(0)} ms`, String(raw[`dom-rows-${n}`])]);
      } finally {
        await kaavan.stop();
      }
    }
  } finally {
    await browser.close();
  }
  console.log('\n### Alerts screen in Chromium against kaavan serve (median of 5 page loads, 1280x800)\n');
  console.log(table(['alerts', '"All" chosen → first rows shown', 'page-1 request (in the page)', 'jump to the end → oldest row shown', 'rows in the DOM'], renderRows));
}

for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
const file = saveResults('incident-history', { runs: opts.runs, queries: raw });
process.stderr.write(`wrote ${file}\n`);
