// Storage over a month: 200 checks probed every 30 s for 30 simulated days, written through the real
// repositories (ResultsRepo.insert + RollupsRepo.add, with Retention.run every simulated hour as the
// engine runs it), then the size of the database and the time to open it and load the 24 h
// statistics of every check, next to the old way (24 h of raw results per check, re-sorted).
//
//   node bench/storage.mjs [--checks 200] [--interval-s 30] [--days 30] [--detail-days 8] [--ticks-per-tx 2] [--load-runs 5] [--seed 1] [--keep]
//
// Time is compressed two ways so the run takes minutes, not the 17 million single probes' worth:
// - The last --detail-days (default 8: the 7 days of minute roll-ups plus one, which holds the 48 h
//   of raw results) go probe by probe through ResultsRepo.insert + RollupsRepo.add, in one
//   transaction per --ticks-per-tx rounds of all checks (the engine uses one per probe: same rows,
//   fewer commits). Retention runs every simulated hour.
// - Days before that only survive as hour roll-ups, so their probes are simulated the same way but
//   counted per hour in memory and merged with RollupsRepo.addHour (the same row as 120 add() calls;
//   tests/core/store/rollups-repo.test.ts checks that). Retention runs every simulated day there.
// The simulated checks: latencies log-normal around a per-check median (3–250 ms, σ 0.15–0.6),
// 0.3 % slow ("degraded"), 0.2 % isolated failures, and outages (0.4 a day per check, 2–60 min);
// each outage opens and resolves an alert with its events and a delivered outbox notice per channel.
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import { args, saveResults } from './lib/machine.mjs';
import { fmt, table } from './lib/stats.mjs';

register();
const opt = args({ checks: 200, intervalS: 30, days: 30, detailDays: 8, ticksPerTx: 2, loadRuns: 5, seed: 1, keep: false });
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const src = (p) => pathToFileURL(join(ROOT, 'src-main/core', p)).href;
const { openDatabase } = await import(src('store/database.ts'));
const { ResultsRepo, toTenths } = await import(src('store/results-repo.ts'));
const { RollupsRepo } = await import(src('store/rollups-repo.ts'));
const { Retention, DEFAULT_RETENTION } = await import(src('store/retention.ts'));
const { RollingStats, uptimeWindows, computeStats, STATS_WINDOW_MS } = await import(src('stats/check-stats.ts'));
const { LatencyHistogram } = await import(src('stats/latency-histogram.ts'));

// The statistics before this change, taken from git so the comparison runs the code that shipped.
const OLD_STATS_COMMIT = 'a3fd132';
const scratch = mkdtempSync(join(tmpdir(), 'kaavan-bench-storage-'));
const oldStatsFile = join(scratch, 'old-check-stats.mts');
writeFileSync(oldStatsFile, execFileSync('git', ['show', `${OLD_STATS_COMMIT}:src-main/core/stats/check-stats.ts`], { cwd: ROOT, encoding: 'utf8' }));
const { RollingStats: OldRollingStats } = await import(pathToFileURL(oldStatsFile).href);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const INTERVAL = opt.intervalS * 1000;
const log = (...a) => console.error('storage:', ...a);

// ---- the simulated checks --------------------------------------------------------------------
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(opt.seed);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const OUTAGES_PER_DAY = 0.4;
const outageChance = (OUTAGES_PER_DAY * INTERVAL) / DAY;

const checks = Array.from({ length: opt.checks }, (_, i) => {
  const medianMs = Math.exp(Math.log(3) + rand() * (Math.log(250) - Math.log(3)));
  const sigma = 0.15 + rand() * 0.45;
  return { index: i, id: 0, http: i % 2 === 0, medianMs, sigma, slowMs: medianMs * Math.exp(2.75 * sigma), outageUntil: 0, alertId: 0, offset: Math.floor((i * INTERVAL) / opt.checks) };
});

/** One probe of a check at time `at`; updates the check's outage state. */
function probe(check, at) {
  if (check.outageUntil <= at && check.alertId === 0 && rand() < outageChance) check.outageUntil = at + (2 + rand() * 58) * 60_000;
  if (at < check.outageUntil) {
    return check.http
      ? { status: 'down', latencyMs: null, message: 'timed out after 10 s (no response)' }
      : { status: 'down', latencyMs: null, message: 'connection refused' };
  }
  const latencyMs = Math.round(check.medianMs * Math.exp(check.sigma * gauss()) * 10) / 10;
  if (rand() < 0.002) {
    return check.http
      ? { status: 'down', latencyMs, message: `HTTP 503 in ${Math.round(latencyMs)} ms (expected 200)`, metrics: { statusCode: 503, bodyBytes: 162 } }
      : { status: 'down', latencyMs: null, message: 'connection reset by the server' };
  }
  if (latencyMs > check.slowMs) return { status: 'degraded', latencyMs, message: `slow: ${Math.round(latencyMs)} ms (limit ${Math.round(check.slowMs)} ms)` };
  return { status: 'up', latencyMs, message: `HTTP 200 in ${latencyMs} ms`, metrics: { statusCode: 200, bodyBytes: 1024 } };
}

// ---- the database ----------------------------------------------------------------------------
const file = join(scratch, 'kaavan.db');
const db = openDatabase(file);
// The simulation's own connection skips fsync and keeps more pages in memory, to write a month in
// minutes: this changes how fast rows are written, not which bytes end up in the file. Start-up is
// measured below through openDatabase's own settings.
db.exec('PRAGMA synchronous = OFF');
db.exec('PRAGMA cache_size = -262144');
const results = new ResultsRepo(db);
const rollups = new RollupsRepo(db);
const retention = new Retention(db);
const end = Date.UTC(2026, 10, 1, 0, 30); // the simulated "now": half past midnight
const start = end - opt.days * DAY;
const detailFrom = end - opt.detailDays * DAY;

db.transaction(() => {
  const target = db.prepare("INSERT INTO entities (kind, parent_id, name, created_at) VALUES ('target', NULL, ?, ?)");
  const check = db.prepare("INSERT INTO entities (kind, parent_id, name, created_at) VALUES ('check', ?, ?, ?)");
  let targetId = 0;
  for (const c of checks) {
    if (c.index % 20 === 0) targetId = Number(target.run(`server-${c.index / 20 + 1}`, start).lastInsertRowid);
    c.id = Number(check.run(targetId, `${c.http ? 'http' : 'tcp'}-${c.index % 20}`, start).lastInsertRowid);
  }
})();

// Alerts, events and notices for outages, as the alert manager writes them (two channels).
const alertSql = {
  open: db.prepare(
    `INSERT INTO alerts (key, target, check_name, severity, state, title, message, opened_at, last_seen_at, check_id)
     VALUES (?, '', '', 'critical', 'open', ?, ?, ?, ?, ?)`,
  ),
  resolve: db.prepare("UPDATE alerts SET state = 'resolved', resolved_at = ?, resolved_by = 'auto' WHERE id = ?"),
  event: db.prepare('INSERT INTO alert_events (alert_id, at, type, message) VALUES (?, ?, ?, ?)'),
  notice: db.prepare(
    `INSERT INTO outbox (channel, notice, created_at, attempts, next_attempt_at, delivered_at, idempotency_key)
     VALUES (?, ?, ?, 1, ?, ?, ?)`,
  ),
};
function alertStep(check, at, outcome) {
  const down = outcome.status === 'down' && at < check.outageUntil;
  if (down && check.alertId === 0) {
    const message = outcome.message;
    check.alertId = Number(alertSql.open.run(`check:${check.id}`, `check ${check.id} is down`, message, at, at, check.id).lastInsertRowid);
    alertSql.event.run(check.alertId, at, 'opened', message);
    for (const channel of ['desktop', 'mail']) {
      const notice = JSON.stringify({ kind: 'opened', alertId: check.alertId, title: `check ${check.id} is down`, message, at });
      alertSql.notice.run(channel, notice, at, at, at + 1_000, `${check.alertId}:opened:${channel}`);
    }
  } else if (!down && check.alertId !== 0 && at >= check.outageUntil) {
    alertSql.resolve.run(at, check.alertId);
    alertSql.event.run(check.alertId, at, 'resolved', 'recovered');
    for (const channel of ['desktop', 'mail']) {
      const notice = JSON.stringify({ kind: 'resolved', alertId: check.alertId, title: `check ${check.id} recovered`, at });
      alertSql.notice.run(channel, notice, at, at, at + 1_000, `${check.alertId}:resolved:${channel}`);
    }
    check.alertId = 0;
  }
}

// ---- simulation --------------------------------------------------------------------------------
const counted = new Map(); // check id -> hour being counted in memory (fast-forward phase)
function countProbe(check, at, outcome) {
  const hourAt = Math.floor(at / HOUR) * HOUR;
  let h = counted.get(check.id);
  if (h && h.at !== hourAt) {
    rollups.addHour(check.id, h);
    h = undefined;
  }
  if (!h) {
    h = { at: hourAt, probes: 0, down: 0, degraded: 0, latN: 0, latSumMs: 0, minLatencyMs: null, maxLatencyMs: null, histogram: new LatencyHistogram(), sumTenths: 0 };
    counted.set(check.id, h);
  }
  h.probes++;
  if (outcome.status === 'down') h.down++;
  if (outcome.status === 'degraded') h.degraded++;
  const tenths = outcome.status === 'down' ? null : toTenths(outcome.latencyMs);
  if (tenths !== null) {
    const ms = tenths / 10;
    h.latN++;
    h.sumTenths += tenths;
    h.latSumMs = h.sumTenths / 10;
    if (h.minLatencyMs === null || ms < h.minLatencyMs) h.minLatencyMs = ms;
    if (h.maxLatencyMs === null || ms > h.maxLatencyMs) h.maxLatencyMs = ms;
    h.histogram.add(ms);
  }
}
function flushCounted() {
  for (const [id, h] of counted) rollups.addHour(id, h);
  counted.clear();
}

const ticks = Math.round((end - start) / INTERVAL);
const retentionTotals = { runs: 0, ms: 0, maxMs: 0, results: 0, minuteRollups: 0, outbox: 0, alertEvents: 0, vacuumedPages: 0, batches: 0 };
async function prune(now) {
  const t0 = performance.now();
  const r = await retention.run(now, DEFAULT_RETENTION);
  const ms = performance.now() - t0;
  retentionTotals.runs++;
  retentionTotals.ms += ms;
  retentionTotals.maxMs = Math.max(retentionTotals.maxMs, ms);
  for (const k of ['results', 'minuteRollups', 'outbox', 'alertEvents', 'vacuumedPages', 'batches']) retentionTotals[k] += r[k];
}

const loadAverageAtStart = loadavg()[0];
const simStart = performance.now();
let detailProbes = 0;
let detailWriteMs = 0;
let lastPruneHour = Math.floor(start / HOUR);
for (let tick = 0; tick < ticks; tick += opt.ticksPerTx) {
  const tickAt = start + tick * INTERVAL;
  const detail = tickAt >= detailFrom;
  if (detail && counted.size) db.transaction(flushCounted)();
  const t0 = performance.now();
  db.transaction(() => {
    for (let k = tick; k < Math.min(ticks, tick + opt.ticksPerTx); k++) {
      for (const check of checks) {
        const at = start + k * INTERVAL + check.offset;
        const outcome = probe(check, at);
        if (detail) {
          results.insert(check.id, { at, ...outcome });
          rollups.add(check.id, at, outcome.status, outcome.latencyMs);
          detailProbes++;
        } else countProbe(check, at, outcome);
        alertStep(check, at, outcome);
      }
    }
  })();
  if (detail) detailWriteMs += performance.now() - t0;
  const hour = Math.floor((tickAt + opt.ticksPerTx * INTERVAL) / HOUR);
  if (hour !== lastPruneHour && (detail || hour % 24 === 0)) {
    lastPruneHour = hour;
    await prune(hour * HOUR);
  }
  if (tick % (2880 * 2) < opt.ticksPerTx) {
    const day = Math.round((tickAt - start) / DAY);
    log(`day ${day}/${opt.days}, ${((performance.now() - simStart) / 1000).toFixed(0)} s, ${detail ? 'probe by probe' : 'hour roll-ups'}`);
  }
}
db.transaction(flushCounted)();
await prune(end);
const simulationS = (performance.now() - simStart) / 1000;
log(`simulated in ${simulationS.toFixed(0)} s`);

// ---- size --------------------------------------------------------------------------------------
const rowCount = (t) => Number(db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get().n);
const rows = Object.fromEntries(['results', 'rollup_minute', 'rollup_hour', 'alerts', 'alert_events', 'outbox', 'audit', 'entities'].map((t) => [t, rowCount(t)]));
let perObject;
try {
  perObject = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all().map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
} catch {
  perObject = null; // dbstat not compiled in
}
const pragma = (p) => Number(Object.values(db.prepare(`PRAGMA ${p}`).get())[0]);
const pages = { pageSize: pragma('page_size'), pageCount: pragma('page_count'), freelist: pragma('freelist_count'), autoVacuum: pragma('auto_vacuum') };
db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
db.close();
const dbBytes = statSync(file).size;
const walBytes = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
const probesTotal = ticks * opt.checks;
log(`database ${(dbBytes / 1e6).toFixed(1)} MB after ${probesTotal.toLocaleString('en')} probes`);

// ---- start-up: open + load the 24 h statistics of every check ------------------------------
const now = end;
const ids = checks.map((c) => c.id);
function loadNew() {
  const t0 = performance.now();
  const d = openDatabase(file);
  const t1 = performance.now();
  const r = new ResultsRepo(d);
  const ru = new RollupsRepo(d);
  const stats = ids.map((id) => RollingStats.load(ru, r, id, now));
  const figures = stats.map((s) => s.stats(now));
  const t2 = performance.now();
  d.close();
  return { openMs: t1 - t0, loadMs: t2 - t1, totalMs: t2 - t0, figures, sparkline: stats[0].recentLatency(40).length };
}
function loadOld() {
  const t0 = performance.now();
  const d = openDatabase(file);
  const t1 = performance.now();
  const r = new ResultsRepo(d);
  let samples = 0;
  const figures = ids.map((id) => {
    const s = new OldRollingStats();
    const history = r.history(id, now - STATS_WINDOW_MS, 100_000);
    samples += history.length;
    for (const p of history) s.add(p.at, p.status, p.latencyMs);
    return s.stats(now);
  });
  const t2 = performance.now();
  d.close();
  return { openMs: t1 - t0, loadMs: t2 - t1, totalMs: t2 - t0, figures, samples };
}
function loadWindows() {
  const d = openDatabase(file);
  const ru = new RollupsRepo(d);
  const t0 = performance.now();
  const w = ids.map((id) => uptimeWindows(ru, id, now));
  const ms = performance.now() - t0;
  d.close();
  return { ms, first: w[0] };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const newRuns = [];
const oldRuns = [];
const windowRuns = [];
for (let i = 0; i < opt.loadRuns; i++) {
  newRuns.push(loadNew());
  oldRuns.push(loadOld());
  windowRuns.push(loadWindows());
}
// How far the bucketed figures are from exact ones over the same window (the current clock hour
// and the 23 before it), computed from the raw results with the old sort-everything code.
const exact = (() => {
  const d = openDatabase(file);
  const r = new ResultsRepo(d);
  const from = Math.floor(now / HOUR) * HOUR - 23 * HOUR;
  const figures = ids.map((id) => computeStats(r.history(id, from, 1_000_000)));
  d.close();
  return figures;
})();
const nf = newRuns[0].figures;
let maxUptimeDiff = 0;
let maxP95Rel = 0;
let maxMeanRel = 0;
const p95Rel = [];
for (let i = 0; i < nf.length; i++) {
  if (nf[i].probes !== exact[i].probes) throw new Error(`check ${ids[i]}: ${nf[i].probes} probes in buckets, ${exact[i].probes} raw`);
  maxUptimeDiff = Math.max(maxUptimeDiff, Math.abs(nf[i].uptime - exact[i].uptime));
  if (exact[i].p95LatencyMs) {
    const rel = Math.abs(nf[i].p95LatencyMs - exact[i].p95LatencyMs) / exact[i].p95LatencyMs;
    p95Rel.push(rel);
    maxP95Rel = Math.max(maxP95Rel, rel);
  }
  if (exact[i].meanLatencyMs) maxMeanRel = Math.max(maxMeanRel, Math.abs(nf[i].meanLatencyMs - exact[i].meanLatencyMs) / exact[i].meanLatencyMs);
}
const meanP95Rel = p95Rel.reduce((a, b) => a + b, 0) / p95Rel.length;

// ---- statistics cost per result: old RollingStats vs new, a day of history ------------------
// What the engine does per result: add() it, then stats(now) for the overview.
function perResult(Stats, intervalMs, iterations) {
  const s = new Stats();
  const r2 = mulberry32(7);
  const t = end - DAY;
  for (let at = t; at < end; at += intervalMs) s.add(at, r2() < 0.01 ? 'down' : 'up', 5 + r2() * 100);
  s.stats(end);
  let at = end;
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    at += intervalMs;
    s.add(at, 'up', 5 + r2() * 100);
    s.stats(at);
  }
  return ((performance.now() - t0) * 1000) / iterations;
}
const cost = {
  interval30s: { oldUs: perResult(OldRollingStats, 30_000, 400), newUs: perResult(RollingStats, 30_000, 100_000) },
  interval1s: { oldUs: perResult(OldRollingStats, 1_000, 30), newUs: perResult(RollingStats, 1_000, 100_000) },
};

// ---- report ------------------------------------------------------------------------------------
const mb = (b) => (b / 1e6).toFixed(1);
const summary = {
  options: opt,
  loadAverage: { start: loadAverageAtStart, end: loadavg()[0] },
  simulated: { probes: probesTotal, detailProbes, countedProbes: probesTotal - detailProbes, simulationS: +simulationS.toFixed(1) },
  storeWriteUsPerProbe: +((detailWriteMs * 1000) / detailProbes).toFixed(1),
  retention: { ...retentionTotals, meanMs: +(retentionTotals.ms / retentionTotals.runs).toFixed(1), policy: DEFAULT_RETENTION },
  size: { dbBytes, walBytes, ...pages, rows, perObject },
  startup: {
    checks: ids.length,
    runs: opt.loadRuns,
    newMedian: { openMs: +median(newRuns.map((r) => r.openMs)).toFixed(1), loadMs: +median(newRuns.map((r) => r.loadMs)).toFixed(1), totalMs: +median(newRuns.map((r) => r.totalMs)).toFixed(1) },
    oldMedian: { openMs: +median(oldRuns.map((r) => r.openMs)).toFixed(1), loadMs: +median(oldRuns.map((r) => r.loadMs)).toFixed(1), totalMs: +median(oldRuns.map((r) => r.totalMs)).toFixed(1) },
    oldSamplesRead: oldRuns[0].samples,
    uptimeWindowsMs: +median(windowRuns.map((r) => r.ms)).toFixed(1),
    uptimeWindowsExample: windowRuns[0].first,
  },
  accuracy: { window: 'current clock hour + 23 before', maxUptimeDiff, maxMeanRelDiff: maxMeanRel, maxP95RelDiff: maxP95Rel, meanP95RelDiff: meanP95Rel },
  statsCostPerResult: cost,
};
const out = saveResults('storage', summary);

console.log(`## Storage: ${opt.checks} checks every ${opt.intervalS} s for ${opt.days} days\n`);
console.log(
  table(
    ['figure', 'value', 'goal'],
    [
      ['database file (after checkpoint)', `${mb(dbBytes)} MB`, '≤ 100 MB'],
      ['probes simulated', probesTotal.toLocaleString('en'), ''],
      ['rows: results / minute / hour', `${rows.results.toLocaleString('en')} / ${rows.rollup_minute.toLocaleString('en')} / ${rows.rollup_hour.toLocaleString('en')}`, ''],
      ['free pages left', `${pages.freelist} of ${pages.pageCount}`, ''],
      ['open + load 24 h stats of all checks (new, median)', `${fmt(summary.startup.newMedian.totalMs, 1)} ms (open ${fmt(summary.startup.newMedian.openMs, 1)} ms)`, '≤ 1,000 ms'],
      ['open + load 24 h raw results, old RollingStats (median)', `${fmt(summary.startup.oldMedian.totalMs, 1)} ms (${summary.startup.oldSamplesRead.toLocaleString('en')} rows)`, ''],
      ['24 h / 7 d / 30 d uptime of all checks', `${fmt(summary.startup.uptimeWindowsMs, 1)} ms`, ''],
      ['stats per result, 30 s check: old → new', `${fmt(cost.interval30s.oldUs, 0)} µs → ${fmt(cost.interval30s.newUs, 2)} µs`, ''],
      ['stats per result, 1 s check: old → new', `${fmt(cost.interval1s.oldUs, 0)} µs → ${fmt(cost.interval1s.newUs, 2)} µs`, ''],
      ['bucketed vs exact, same window: max abs. Δ uptime / max rel. Δ mean / max (mean) rel. Δ p95', `${maxUptimeDiff.toExponential(1)} / ${(maxMeanRel * 100).toFixed(2)} % / ${(maxP95Rel * 100).toFixed(2)} % (${(meanP95Rel * 100).toFixed(2)} %)`, ''],
      ['store write per probe (insert + roll-ups, batched)', `${summary.storeWriteUsPerProbe} µs`, ''],
      ['retention runs: mean / max', `${fmt(summary.retention.meanMs, 1)} ms / ${fmt(retentionTotals.maxMs, 1)} ms (${retentionTotals.runs} runs)`, ''],
    ],
  ),
);
if (perObject) {
  console.log('\n' + table(['table or index', 'MB'], perObject.filter((o) => o.bytes >= 50_000).map((o) => [o.name, mb(o.bytes)])));
}
console.error(`storage: wrote ${out}`);
if (opt.keep) console.error(`storage: kept ${file}`);
else rmSync(scratch, { recursive: true, force: true });
