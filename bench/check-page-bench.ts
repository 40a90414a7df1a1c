// The per-check page with 30 days of roll-ups in the store (and one check with a year of them): time from opening the page (a hash
// change in an already loaded dashboard, as a click does) to the latency chart drawn, per range,
// in Debian Chromium driven by Playwright against a real `kaavan serve`. Peers in the same run: the
// checkSeries call alone over HTTP (what the page waits for), and the same page for a check with
// no history (the page's own cost without data).
//
//   npx electron-vite build            # once: the CLI and renderer as users run them
//   npx tsx bench/check-page-bench.ts [--runs 15]
//
// Prints a markdown table; writes bench/results/check-page.json. Nothing asserts on timings.
import { chromium, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { repoRoot, startKaavan, startTargetServer } from '../tests/e2e/helpers/servers';
import { seedCheckHistory } from '../tests/e2e/helpers/seed-history';
import { chromiumLaunchOptions } from '../playwright.config';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;
const RANGES = ['1h', '24h', '7d', '30d', '1y'] as const;

function stats(values: number[]): { median: number; p90: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { median: Math.round(at(0.5) * 10) / 10, p90: Math.round(at(0.9) * 10) / 10, max: Math.round(sorted.at(-1)! * 10) / 10 };
}

/** Opens #/checks/<id> from the dashboard with `range` chosen and returns ms until the chart has drawn its points. */
async function timeToChart(page: Page, id: number, range: string, minPoints: number): Promise<number> {
  await page.evaluate(() => (window.location.hash = '#/'));
  await page.getByTestId('overall-status').waitFor();
  return page.evaluate(
    ({ id, range, minPoints }) =>
      new Promise<number>((resolve, reject) => {
        localStorage.setItem('kaavan.checkPage.range', range);
        const started = performance.now();
        const done = () => {
          const chart = document.querySelector<HTMLElement>('[data-testid="latency-chart"]');
          const note = document.querySelector<HTMLElement>('[data-testid="chart-note"]');
          if (chart && note?.dataset.range === range && Number(chart.dataset.drawn ?? -1) >= minPoints) {
            observer.disconnect();
            clearTimeout(timer);
            // The frame that shows it: the next animation frame after the canvas was drawn.
            requestAnimationFrame(() => resolve(performance.now() - started));
          }
        };
        const observer = new MutationObserver(done);
        observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-drawn', 'data-range'] });
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(new Error(`chart for ${range} not drawn within 10 s`));
        }, 10_000);
        window.location.hash = `#/checks/${id}`;
      }),
    { id, range, minPoints },
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-bench-page-'));
  const server = await startTargetServer();
  const config = join(dir, 'kaavan.yaml');
  writeFileSync(
    config,
    `version: 1\ntargets:\n  - name: web\n    checks:\n      - name: homepage\n        kind: http\n        url: http://127.0.0.1:${server.port}/\n        interval: 30s\n      - name: fresh\n        kind: http\n        url: http://127.0.0.1:${server.port}/fresh\n        interval: 30s\n  - name: archive\n    checks:\n      - name: yearly\n        kind: http\n        url: http://127.0.0.1:${server.port}/yearly\n        interval: 30s\n`,
  );
  const seedStart = performance.now();
  const id = seedCheckHistory({ dataDir: join(dir, 'data'), target: 'web', check: 'homepage', days: 30 });
  // A second check with a whole year of hour roll-ups: the longest chart there is.
  const yearId = seedCheckHistory({ dataDir: join(dir, 'data'), target: 'archive', check: 'yearly', days: 365 });
  const seedMs = performance.now() - seedStart;
  const kaavan = await startKaavan({ config, data: join(dir, 'data') });
  const browser = await chromium.launch(chromiumLaunchOptions);
  const results: Record<string, unknown> = {};
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // tsx (esbuild keepNames) wraps named functions in __name(); the page has no such helper.
    await page.addInitScript('window.__name = (f) => f;');
    await page.goto(kaavan.url);
    await page.getByTestId('overall-status').waitFor();
    const overview = (await page.evaluate(async ({ origin, token }) => {
      const r = await fetch(`${origin}/api/rpc/overview`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '' });
      return r.json();
    }, { origin: new URL(kaavan.url).origin, token: kaavan.token })) as { result?: { targets: Array<{ checks: Array<{ id: number; name: string }> }> }; targets?: Array<{ checks: Array<{ id: number; name: string }> }> };
    const targets = (overview.result ?? overview).targets!;
    const freshId = targets.flatMap((t) => t.checks).find((c) => c.name === 'fresh')!.id;

    const rows: string[] = [];
    const cases: Array<{ label: string; id: number; range: (typeof RANGES)[number] }> = [
      ...RANGES.map((range) => ({ label: range, id, range })),
      { label: '1y, a year stored', id: yearId, range: '1y' as const },
    ];
    for (const { label, id, range } of cases) {
      // Points the chart must show: what the API returns for this range.
      const api: number[] = [];
      let points = 0;
      for (let i = 0; i < runs; i++) {
        const t = await page.evaluate(async ({ origin, token, id, range }) => {
          const started = performance.now();
          const r = await fetch(`${origin}/api/rpc/checkSeries`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ id, range }) });
          const body = (await r.json()) as { result?: { points: unknown[] }; points?: unknown[] };
          return { ms: performance.now() - started, points: (body.result ?? body).points!.length };
        }, { origin: new URL(kaavan.url).origin, token: kaavan.token, id, range });
        api.push(t.ms);
        points = t.points;
      }
      const page30: number[] = [];
      for (let i = 0; i < runs; i++) page30.push(await timeToChart(page, id, range, Math.min(points, 1)));
      const empty: number[] = [];
      for (let i = 0; i < Math.min(runs, 5); i++) empty.push(await timeToChart(page, freshId, range, 0));
      const s = stats(page30);
      const a = stats(api);
      const e = stats(empty);
      results[label] = { points, chartMs: s, apiMs: a, emptyCheckChartMs: e, runs };
      rows.push(`| ${label} | ${points} | **${s.median}** / ${s.p90} / ${s.max} | ${a.median} / ${a.p90} | ${e.median} |`);
      process.stderr.write(`${label}: ${points} points, chart ${s.median} ms median\n`);
    }
    const machine = {
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      freeGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
      loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
      node: process.version,
      chromium: browser.version(),
      commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot }).toString().trim(),
      seedMs: Math.round(seedMs),
    };
    console.log(`Machine: ${machine.cpus}, ${machine.memoryGiB} GiB (${machine.freeGiB} free), load ${machine.loadavg.join(' ')}, Node ${machine.node}, Chromium ${machine.chromium}, commit ${machine.commit}; ${runs} runs per range\n`);
    console.log('| range | points | page → chart drawn, ms (median / p90 / max) | checkSeries over HTTP, ms (median / p90) | same page, check without history, ms (median) |');
    console.log('|---|---|---|---|---|');
    for (const row of rows) console.log(row);
    mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
    writeFileSync(join(repoRoot, 'bench', 'results', 'check-page.json'), JSON.stringify({ machine, results }, null, 2));
  } finally {
    await browser.close();
    await kaavan.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
