// Memory of `kaavan serve` with 200 checks (10 targets × 10 http + 10 tcp, interval 5 s) against
// 10 local HTTP servers on 127.0.0.1 (in a child process that stops by itself), next to two
// baselines: an idle Node process and `kaavan serve` with no checks at all.
//
//   node bench/memory.mjs [--seconds 90] [--baseline-seconds 15] [--targets 10] [--per-target 20] [--interval 5s] [--build]
//
// RSS is read from /proc/<pid>/status every second: VmRSS (resident now) and VmHWM (peak resident).
// "Steady" is the median VmRSS over the second half of the window. CPU comes from /proc/<pid>/stat.
// Afterwards the SQLite file is read with `libsql` to count the results actually written.
// Needs the built CLI (out/main/cli.js); it is built with `npx electron-vite build` when missing
// or when --build is given.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'libsql';
import { startServers } from './lib/servers.mjs';
import { fmt, table } from './lib/stats.mjs';
import { args, saveResults } from './lib/machine.mjs';

const opt = args({ seconds: 90, baselineSeconds: 15, targets: 10, perTarget: 20, interval: '5s', build: false });
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(ROOT, 'out/main/cli.js');
const BIN = join(ROOT, 'bin/kaavan.js');
const CLK_TCK = 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (opt.build || !existsSync(CLI)) {
  console.error('memory: building the CLI bundle (npx electron-vite build)');
  execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

function readStatus(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(text)?.[1]);
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
}
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** Samples a process every second for `seconds`; returns the samples and the CPU it used. */
async function sample(pid, seconds, label) {
  const samples = [];
  const t0 = Date.now();
  const cpu0 = cpuMs(pid);
  for (let i = 1; i <= seconds; i++) {
    await sleep(t0 + i * 1000 - Date.now());
    const s = readStatus(pid);
    samples.push({ t: i, ...s });
    if (i % 15 === 0) console.error(`  ${label}: ${i}/${seconds} s, RSS ${(s.rssKiB / 1024).toFixed(1)} MiB, peak ${(s.hwmKiB / 1024).toFixed(1)} MiB`);
  }
  return { samples, cpuMs: cpuMs(pid) - cpu0, seconds: (Date.now() - t0) / 1000 };
}

function describe({ samples, cpuMs: cpu, seconds }) {
  const half = samples.filter((s) => s.t > samples.length / 2).map((s) => s.rssKiB).sort((a, b) => a - b);
  const mib = (k) => k / 1024;
  const last = samples[samples.length - 1];
  // Least-squares slope of RSS over the second half, in MiB per minute. A leak shows as a steady
  // positive trend; over a minute or so, GC's saw-tooth alone moves it by a few MiB/min either way.
  const pts = samples.filter((s) => s.t > samples.length / 2);
  const mx = pts.reduce((a, p) => a + p.t, 0) / pts.length;
  const my = pts.reduce((a, p) => a + p.rssKiB, 0) / pts.length;
  const slope = pts.reduce((a, p) => a + (p.t - mx) * (p.rssKiB - my), 0) / (pts.reduce((a, p) => a + (p.t - mx) ** 2, 0) || 1);
  return {
    steadyRssMiB: mib(half[Math.floor(half.length / 2)]),
    steadyMinMiB: mib(half[0]),
    steadyMaxMiB: mib(half[half.length - 1]),
    peakHwmMiB: mib(last.hwmKiB),
    firstRssMiB: mib(samples[0].rssKiB),
    lastRssMiB: mib(last.rssKiB),
    // Growth over the second half, per minute: a leak shows here (GC noise is a few MiB either way).
    trendMiBPerMin: mib(slope) * 60,
    cpuShare: cpu / 1000 / seconds,
    rssSeriesMiB: samples.map((x) => +mib(x.rssKiB).toFixed(1)),
  };
}

function startProcess(cmd, argv, env = {}) {
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const stderr = [];
  createInterface({ input: child.stderr }).on('line', (l) => stderr.push(l));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stderr, exited };
}

async function stopProcess(p) {
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
  const result = await p.exited;
  clearTimeout(timer);
  return result;
}

/** Starts `kaavan serve --json`, waits for its JSON line, returns the process. */
async function startServe(configFile, dataDir) {
  const p = startProcess(process.execPath, [BIN, 'serve', '--json', '--config', configFile, '--data', dataDir]);
  let timer;
  const info = await Promise.race([
    new Promise((resolve) => createInterface({ input: p.child.stdout }).once('line', (l) => resolve(JSON.parse(l)))),
    p.exited.then((e) => Promise.reject(new Error(`kaavan serve exited early (${JSON.stringify(e)}): ${p.stderr.join('\n')}`))),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('kaavan serve printed nothing in 60 s')), 60_000);
    }),
  ]).finally(() => clearTimeout(timer));
  return { ...p, info };
}

const work = mkdtempSync(join(tmpdir(), 'kaavan-bench-memory-'));
const lifetimeMs = (opt.seconds + opt.baselineSeconds * 2 + 60) * 1000;
// The servers outlive the run by a minute at most (and by 15 min at the very most: server-child's cap).
const servers = await startServers({ count: opt.targets, lifetimeMs });
const results = {};
let dbReport;
let serveStderr;
try {
  // 1. Idle Node.
  console.error(`memory: idle node baseline, ${opt.baselineSeconds} s`);
  const idle = startProcess(process.execPath, ['-e', 'setInterval(()=>{},1000)']);
  await sleep(500);
  results.idleNode = describe(await sample(idle.child.pid, opt.baselineSeconds, 'idle node'));
  await stopProcess(idle);

  // 2. kaavan serve, no checks.
  console.error(`memory: kaavan serve with 0 checks, ${opt.baselineSeconds} s`);
  const emptyCfg = join(work, 'empty.json');
  writeFileSync(emptyCfg, JSON.stringify({ version: 1, targets: [] }));
  const empty = await startServe(emptyCfg, join(work, 'data-empty'));
  results.serveEmpty = describe(await sample(empty.child.pid, opt.baselineSeconds, 'serve, 0 checks'));
  await stopProcess(empty);

  // 3. kaavan serve, 200 checks.
  const targets = servers.ports.map((port, t) => ({
    name: `srv${t}`,
    tags: ['bench'],
    checks: Array.from({ length: opt.perTarget }, (_, c) =>
      c % 2 === 0
        ? { name: `http${c}`, kind: 'http', url: `http://127.0.0.1:${port}/health?c=${c}`, interval: opt.interval, timeout: '2s', expect: { keyword: 'ok', maxLatency: '500ms' } }
        : { name: `tcp${c}`, kind: 'tcp', host: '127.0.0.1', port, interval: opt.interval, timeout: '2s' },
    ),
  }));
  const nChecks = targets.reduce((n, t) => n + t.checks.length, 0);
  const cfg = join(work, 'bench-200.json');
  writeFileSync(cfg, JSON.stringify({ version: 1, settings: { concurrency: 16 }, targets }, null, 2));
  const dataDir = join(work, 'data');
  console.error(`memory: kaavan serve with ${nChecks} checks on ${targets.length} targets, interval ${opt.interval}, ${opt.seconds} s`);
  const t0 = Date.now();
  const serve = await startServe(cfg, dataDir);
  const startupMs = Date.now() - t0;
  const sampled = await sample(serve.child.pid, opt.seconds, `serve, ${nChecks} checks`);
  results.serve = { ...describe(sampled), checks: nChecks, startupMs };
  const exit = await stopProcess(serve);
  serveStderr = serve.stderr;
  results.serve.exit = exit;

  // 4. What it wrote.
  const db = new Database(join(dataDir, 'kaavan.db'), { readonly: true });
  // results (schema 2): status 0 up, 1 degraded, 2 down; latency in tenths of a millisecond.
  const byStatus = db
    .prepare("SELECT CASE status WHEN 0 THEN 'up' WHEN 1 THEN 'degraded' ELSE 'down' END AS status, COUNT(*) AS n FROM results GROUP BY status ORDER BY n DESC")
    .all();
  const span = db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT check_id) AS checks, MIN(at) AS first, MAX(at) AS last FROM results').get();
  const perCheck = db.prepare('SELECT MIN(n) AS min, MAX(n) AS max FROM (SELECT COUNT(*) AS n FROM results GROUP BY check_id)').get();
  const latency = db.prepare('SELECT AVG(latency) / 10.0 AS avg, MAX(latency) / 10.0 AS max FROM results WHERE status = 0').get();
  const alerts = db.prepare('SELECT COUNT(*) AS n FROM alerts').get();
  db.close();
  const windowS = (span.last - span.first) / 1000;
  const intervalS = Number(/^(\d+)s$/.exec(opt.interval)?.[1] ?? 5);
  dbReport = {
    results: span.n,
    distinctChecks: span.checks,
    byStatus,
    perCheckMin: perCheck.min,
    perCheckMax: perCheck.max,
    spanSeconds: windowS,
    expectedApprox: Math.round((nChecks * windowS) / intervalS),
    resultsPerSecond: span.n / windowS,
    upLatencyAvgMs: latency.avg,
    upLatencyMaxMs: latency.max,
    alerts: alerts.n,
  };
} finally {
  await servers.stop();
  rmSync(work, { recursive: true, force: true });
}

const r = (x) => fmt(x, 1);
const rows = [
  ['idle `node -e "setInterval(()=>{},1000)"`', r(results.idleNode.steadyRssMiB), `${r(results.idleNode.steadyMinMiB)}–${r(results.idleNode.steadyMaxMiB)}`, r(results.idleNode.peakHwmMiB), fmt(results.idleNode.trendMiBPerMin, 2), `${fmt(results.idleNode.cpuShare * 100, 1)} %`],
  ['`kaavan serve`, 0 checks', r(results.serveEmpty.steadyRssMiB), `${r(results.serveEmpty.steadyMinMiB)}–${r(results.serveEmpty.steadyMaxMiB)}`, r(results.serveEmpty.peakHwmMiB), fmt(results.serveEmpty.trendMiBPerMin, 2), `${fmt(results.serveEmpty.cpuShare * 100, 1)} %`],
  [`\`kaavan serve\`, ${results.serve.checks} checks`, r(results.serve.steadyRssMiB), `${r(results.serve.steadyMinMiB)}–${r(results.serve.steadyMaxMiB)}`, r(results.serve.peakHwmMiB), fmt(results.serve.trendMiBPerMin, 2), `${fmt(results.serve.cpuShare * 100, 1)} %`],
];
let text = `### Memory (VmRSS / VmHWM from /proc, 1 sample per second; serve sampled ${opt.seconds} s, baselines ${opt.baselineSeconds} s)\n\n`;
text += table(['process', 'steady RSS MiB (median, 2nd half)', 'range in 2nd half', 'peak (VmHWM) MiB', 'RSS trend 2nd half MiB/min', 'CPU (one core = 100 %)'], rows);
text += `\n\n${results.serve.checks} checks cost ${r(results.serve.steadyRssMiB - results.serveEmpty.steadyRssMiB)} MiB over an empty \`kaavan serve\`, which itself is ${r(results.serveEmpty.steadyRssMiB - results.idleNode.steadyRssMiB)} MiB over idle Node. Start-up to the printed URL: ${results.serve.startupMs} ms. Exit on SIGTERM: ${JSON.stringify(results.serve.exit)}.\n`;
if (dbReport) {
  text += `\nResults written to kaavan.db: **${dbReport.results}** over ${r(dbReport.spanSeconds)} s (${r(dbReport.resultsPerSecond)}/s; ≈${dbReport.expectedApprox} expected for ${results.serve.checks} checks every ${opt.interval}), `;
  text += `${dbReport.distinctChecks} distinct checks, ${dbReport.perCheckMin}–${dbReport.perCheckMax} results per check; by status: ${dbReport.byStatus.map((s) => `${s.status} ${s.n}`).join(', ')}; `;
  text += `mean latency of up results ${fmt(dbReport.upLatencyAvgMs, 2)} ms (max ${dbReport.upLatencyMaxMs} ms); alerts opened: ${dbReport.alerts}.\n`;
}
const warnings = serveStderr.filter((l) => /warning/i.test(l));
if (warnings.length) text += `\n\`kaavan serve\` printed ${warnings.length} warning line(s) on stderr, first: \`${warnings[0]}\`\n`;
const file = saveResults('memory', { options: opt, results, db: dbReport, serveStderrHead: serveStderr.slice(0, 20) });
console.log(text);
console.error(`memory: results in ${file}`);
