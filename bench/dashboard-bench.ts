// The dashboard at scale, in Debian Chromium (Playwright) against a real `kaavan serve` watching
// 200, 1,000 and 2,000 checks over 100 targets (30 s interval) against local HTTP servers:
// - first load: navigation start to the first screen of list rows rendered (and, as the peer
//   measured in the same run, the same for the cards view);
// - JS heap after load (CDP Performance.getMetrics, after a forced GC);
// - a status change: a server is stopped, the bench hears the check's result on the event stream
//   (the probe has completed) and the page records when the row shows "down" (MutationObserver);
//   the difference, over several flips;
// - scrolling the compact list to the end: long tasks (PerformanceObserver 'longtask') and the
//   longest gap between animation frames.
// Nothing asserts; figures go to stdout as markdown and to bench/results/dashboard.json.
//
//   npx electron-vite build && xvfb-run -a npx tsx bench/dashboard-bench.ts [--sizes 200,1000,2000] [--flips 3]
import { chromium, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, freemem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import WebSocket from 'ws';
import { chromiumLaunchOptions } from '../playwright.config';
import { repoRoot, startKaavan, startTargetServer, type KaavanProcess, type TargetServer } from '../tests/e2e/helpers/servers';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const SIZES = (args.get('sizes') ?? '200,1000,2000').split(',').map(Number);
const FLIPS = Number(args.get('flips') ?? 3);
const TARGETS = 100;

const log = (...parts: unknown[]) => process.stderr.write(`${parts.join(' ')}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rpc<T>(kaavan: KaavanProcess, method: string, input: unknown = {}): Promise<T> {
  const res = await fetch(`${kaavan.apiUrl.replace(/\/$/, '')}/api/rpc/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${kaavan.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { result: T }).result;
}

interface Figures {
  checks: number;
  firstLoadListMs: number;
  firstLoadCardsMs: number;
  heapMB: number;
  statusChangeMs: number[];
  longTasks: number;
  longestTaskMs: number;
  longestFrameMs: number;
  rowsInDom: number;
  peer: ScrollFigures;
}

async function firstLoad(page: Page, url: string, view: 'list' | 'cards'): Promise<number> {
  // tsx keeps function names with a `__name` helper that page.evaluate's copies do not carry.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.addInitScript((v) => localStorage.setItem('kaavan.dashboard.view', v), view);
  await page.goto('about:blank');
  await page.goto(url);
  const selector = view === 'list' ? '[data-testid="list-row"]' : '[data-testid="check-row"]';
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length >= 8, selector, { timeout: 60_000 });
  // performance.now() counts from the navigation's start: fetch, parse, connect, snapshot, render.
  return page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now()))));
}

async function heapMB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1024 / 1024;
}

/** Stops the flip server; the time from the check's result event to the row showing "down". */
async function statusChange(page: Page, kaavan: KaavanProcess, flip: TargetServer): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { __downAt?: number; __obs?: MutationObserver };
    w.__downAt = undefined;
    w.__obs?.disconnect();
    const seen = () => document.querySelector('[data-testid="list-row"][data-check="flip"][data-status="down"]');
    w.__obs = new MutationObserver(() => {
      if (w.__downAt === undefined && seen()) w.__downAt = Date.now();
    });
    w.__obs.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
  const ws = new WebSocket(`${kaavan.apiUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/api/events?token=${encodeURIComponent(kaavan.token)}`);
  const resultAt = new Promise<number>((resolve) => {
    ws.on('message', (data) => {
      const event = JSON.parse(String(data)) as { type: string; result?: { check: string }; status?: string };
      if (event.type === 'check.result' && event.result?.check === 'flip' && event.status === 'down') resolve(Date.now());
    });
  });
  await new Promise((r) => ws.once('open', r));
  await flip.stop();
  const heard = await resultAt;
  await page.waitForFunction(() => (window as unknown as { __downAt?: number }).__downAt !== undefined, null, { timeout: 30_000 });
  const shown = await page.evaluate(() => (window as unknown as { __downAt: number }).__downAt);
  ws.close();
  await flip.start();
  // Wait until it is up again (so the next flip starts from up).
  for (let i = 0; i < 100; i++) {
    const overview = await rpc<{ targets: Array<{ checks: Array<{ name: string; status: string }> }> }>(kaavan, 'overview');
    if (overview.targets.flatMap((t) => t.checks).find((c) => c.name === 'flip')?.status === 'up') break;
    await sleep(200);
  }
  return shown - heard;
}

type ScrollFigures = { longTasks: number; longestTaskMs: number; longestFrameMs: number; rowsInDom: number };

async function scrollList(page: Page, rowSelector = '[data-testid="list-row"]'): Promise<ScrollFigures> {
  await page.evaluate('globalThis.__name = (f) => f;');
  await page.evaluate(() => {
    (window as unknown as { __obs?: MutationObserver }).__obs?.disconnect();
    window.scrollTo(0, 0);
  });
  return page.evaluate(
    (rowSel) =>
      new Promise<{ longTasks: number; longestTaskMs: number; longestFrameMs: number; rowsInDom: number }>((resolve) => {
        const tasks: number[] = [];
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) tasks.push(entry.duration);
        });
        observer.observe({ type: 'longtask', buffered: false });
        let last = performance.now();
        let longestFrame = 0;
        let maxRows = 0;
        const end = document.documentElement.scrollHeight - window.innerHeight;
        const step = 120; // px per frame: a fast wheel / trackpad fling
        const started = performance.now();
        const frame = (t: number) => {
          longestFrame = Math.max(longestFrame, t - last);
          last = t;
          maxRows = Math.max(maxRows, document.querySelectorAll(rowSel).length);
          // The end of the page, or 60 s at most (a page that stopped growing its scroll height).
          if (window.scrollY >= end - 1 || t - started > 60_000) {
            observer.disconnect();
            resolve({ longTasks: tasks.length, longestTaskMs: tasks.length ? Math.max(...tasks) : 0, longestFrameMs: longestFrame, rowsInDom: maxRows });
            return;
          }
          window.scrollBy(0, step);
          requestAnimationFrame(frame);
        };
        requestAnimationFrame((t) => {
          last = t;
          requestAnimationFrame(frame);
        });
      }),
    rowSelector,
  );
}

/**
 * The peer for scrolling, in the same browser and the same minute: a static page with the same
 * number of plain table rows (no framework, no virtualisation), scrolled the same way. On a busy
 * machine its long tasks are the machine's share; the dashboard's excess over it is its own.
 */
async function scrollStaticPeer(page: Page, rows: number): Promise<ScrollFigures> {
  const body = Array.from({ length: rows }, (_, i) => `<tr class="r"><td>Up</td><td>svc-${i % 20}</td><td>host-${Math.floor(i / 20)}</td><td>2 ms</td><td>100%</td></tr>`).join('');
  await page.setContent(`<!doctype html><style>td{padding:10px 12px;border-bottom:1px solid #ddd;font:14px sans-serif}</style><table>${body}</table>`);
  return scrollList(page, 'tr.r');
}

async function measure(size: number): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-dash-bench-'));
  const servers: TargetServer[] = [];
  let kaavan: KaavanProcess | undefined;
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    for (let i = 0; i < 4; i++) servers.push(await startTargetServer());
    const flip = await startTargetServer();
    const perTarget = size / TARGETS;
    const lines = ['version: 1', 'targets:'];
    for (let t = 0; t < TARGETS; t++) {
      lines.push(`  - name: host-${String(t).padStart(3, '0')}`, `    tags: [${t % 3 === 0 ? 'prod' : 'staging'}]`, '    checks:');
      for (let c = 0; c < perTarget; c++) {
        // One check (counted in the size) watches the server the bench stops; it probes every 2 s
        // so each flip is seen quickly, the others every 30 s.
        if (t === 0 && c === 0) lines.push(`      - { name: flip, kind: http, url: "http://127.0.0.1:${flip.port}/", interval: 2s, timeout: 1s, retries: 0 }`);
        else lines.push(`      - { name: svc-${c}, kind: http, url: "http://127.0.0.1:${servers[(t + c) % servers.length]!.port}/h${t}/${c}", interval: 30s, timeout: 5s }`);
      }
    }
    const config = join(dir, 'kaavan.yaml');
    writeFileSync(config, `${lines.join('\n')}\n`);
    kaavan = await startKaavan({ config, data: join(dir, 'data'), timeoutMs: 60_000 });
    // Let every check report once, so the dashboard shows real states and sparklines.
    for (let i = 0; i < 300; i++) {
      const o = await rpc<{ counts: Record<string, number> }>(kaavan, 'overview');
      if (o.counts.pending === 0) break;
      await sleep(200);
    }
    log(`  ${size} checks reporting; measuring`);

    // A first load to warm the browser (compile caches), not counted; then cards and list alike.
    const warm = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await firstLoad(warm, kaavan.url, 'list');
    await warm.context().close();
    const cardsPage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const firstLoadCardsMs = await firstLoad(cardsPage, kaavan.url, 'cards');
    await cardsPage.context().close();

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const firstLoadListMs = await firstLoad(page, kaavan.url, 'list');
    await sleep(2000);
    const heap = await heapMB(page);
    const changes: number[] = [];
    for (let i = 0; i < FLIPS; i++) changes.push(await statusChange(page, kaavan, flip));
    log(`  first load ${Math.round(firstLoadListMs)} ms (cards ${Math.round(firstLoadCardsMs)} ms), heap ${heap.toFixed(1)} MB, status changes ${changes.map(Math.round).join(', ')} ms`);
    page.on('crash', () => log('  page crashed'));
    log('  scrolling the list');
    if (args.has('paused')) await rpc(kaavan, 'setPaused', { paused: true });
    const scroll = await scrollList(page);
    const peerPage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await peerPage.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    const peer = await scrollStaticPeer(peerPage, size);
    log(`  scroll: ${scroll.longTasks} long tasks (longest ${Math.round(scroll.longestTaskMs)} ms); static peer ${peer.longTasks} (longest ${Math.round(peer.longestTaskMs)} ms)`);
    await flip.stop();
    return { checks: size, firstLoadListMs, firstLoadCardsMs, heapMB: heap, statusChangeMs: changes, ...scroll, peer };
  } finally {
    await browser.close();
    await kaavan?.stop();
    for (const s of servers) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const machine = {
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
  memoryGB: +(totalmem() / 1024 ** 3).toFixed(1),
  freeGB: +(freemem() / 1024 ** 3).toFixed(1),
  loadAvg: loadavg().map((l) => +l.toFixed(2)),
  node: process.version,
  chromium: (() => {
    try {
      return execFileSync(chromiumLaunchOptions.executablePath, ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  })(),
  commit: (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  })(),
};

const results: Figures[] = [];
for (const size of SIZES) {
  log(`dashboard bench: ${size} checks over ${TARGETS} targets`);
  results.push(await measure(size));
}

const ms = (v: number) => `${Math.round(v)} ms`;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
console.log(`Machine: ${machine.cpus}, ${machine.memoryGB} GB (${machine.freeGB} GB free), load ${machine.loadAvg.join(' ')}, Node ${machine.node}, ${machine.chromium}, commit ${machine.commit}\n`);
console.log('| checks | first load, list (goal ≤ 1 s) | first load, cards view (peer) | JS heap (goal ≤ 100 MB) | status change visible after the probe, median / max (goal ≤ 200 ms) | scrolling the list: long tasks, longest (goal: none > 50 ms) | longest frame | rows in the DOM | peer: static table of as many rows, long tasks, longest / longest frame |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(
    `| ${r.checks} | ${ms(r.firstLoadListMs)} | ${ms(r.firstLoadCardsMs)} | ${r.heapMB.toFixed(1)} MB | ${ms(median(r.statusChangeMs))} / ${ms(Math.max(...r.statusChangeMs))} | ${r.longTasks}, ${ms(r.longestTaskMs)} | ${ms(r.longestFrameMs)} | ${r.rowsInDom} | ${r.peer.longTasks}, ${ms(r.peer.longestTaskMs)} / ${ms(r.peer.longestFrameMs)} |`,
  );
}
mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
writeFileSync(join(repoRoot, 'bench', 'results', 'dashboard.json'), `${JSON.stringify({ machine, results }, null, 2)}\n`);
