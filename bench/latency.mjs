// Latency overhead of Kaavan's http and tcp probes against bare peers, on one local HTTP server
// (127.0.0.1, in a child process). Every request opens a new connection and closes it, as Kaavan's
// probes do (agent: false, "Connection: close").
//
//   node bench/latency.mjs [--iterations 400] [--rounds 5] [--warmup 200] [--hyperfine-runs 40] [--no-hyperfine]
//
// Part A (in-process, per probe, wall clock from call to resolution):
//   node:http GET  · curl (its own %{time_total}, one curl process fetching many URLs)
//   Kaavan httpCheck.probe · the same inside the scheduler's runWithDeadline wrapper
//   net.connect + destroy · Kaavan tcpCheck.probe · the same inside runWithDeadline
// Variants run in interleaved rounds so drift (CPU frequency, other load) hits all of them alike.
// Part B (whole process, hyperfine): `curl URL` vs `node bare-get.mjs URL` vs `kaavan check --once`
// with a one-check config (needs the built CLI, out/main/cli.js).
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadKaavan } from './lib/kaavan-src.mjs';
import { startServers } from './lib/servers.mjs';
import { summarize, fmt, overhead, table } from './lib/stats.mjs';
import { args, machine, saveResults } from './lib/machine.mjs';

const opt = args({ iterations: 400, rounds: 5, warmup: 200, hyperfineRuns: 40, noHyperfine: false });
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const run = promisify(execFile);
const hasCmd = (cmd) => {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const { httpCheck, tcpCheck, runWithDeadline } = await loadKaavan();
const servers = await startServers({ count: 1, lifetimeMs: 170_000 });
const port = servers.ports[0];
const url = `http://127.0.0.1:${port}/`;
const TIMEOUT = 5000;

function bareHttpGet() {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { Connection: 'close' } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
      res.resume();
      res.once('end', resolve);
      res.once('error', reject);
    });
    req.once('error', reject);
  });
}

function bareTcpConnect() {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve();
    });
    s.once('error', reject);
  });
}

const reported = { http: [], tcp: [] };
async function expectUp(promise, kind) {
  const outcome = await promise;
  if (outcome.status !== 'up') throw new Error(`${kind} probe not up: ${outcome.message}`);
  reported[kind].push(outcome.latencyMs);
}

const httpParams = { url };
const tcpParams = { host: '127.0.0.1', port };
const variants = [
  { key: 'node-http', group: 'http', label: 'node:http GET (bare peer)', fn: bareHttpGet },
  { key: 'kaavan-http', group: 'http', label: 'Kaavan httpCheck.probe', fn: () => expectUp(httpCheck.probe(httpParams, { signal: new AbortController().signal, timeoutMs: TIMEOUT }), 'http') },
  {
    key: 'kaavan-http-deadline',
    group: 'http',
    label: 'Kaavan httpCheck.probe in runWithDeadline',
    fn: () => expectUp(runWithDeadline((signal) => httpCheck.probe(httpParams, { signal, timeoutMs: TIMEOUT }), TIMEOUT), 'http'),
  },
  { key: 'net-connect', group: 'tcp', label: 'net.connect + destroy (bare peer)', fn: bareTcpConnect },
  { key: 'kaavan-tcp', group: 'tcp', label: 'Kaavan tcpCheck.probe', fn: () => expectUp(tcpCheck.probe(tcpParams, { signal: new AbortController().signal, timeoutMs: TIMEOUT }), 'tcp') },
  {
    key: 'kaavan-tcp-deadline',
    group: 'tcp',
    label: 'Kaavan tcpCheck.probe in runWithDeadline',
    fn: () => expectUp(runWithDeadline((signal) => tcpCheck.probe(tcpParams, { signal, timeoutMs: TIMEOUT }), TIMEOUT), 'tcp'),
  },
];

// curl: one process fetches `n` URLs in a row; "Connection: close" makes every fetch a new
// connection (checked: time_connect is non-zero for each). Its own timer, so no process start-up.
const workDir = mkdtempSync(join(tmpdir(), 'kaavan-bench-latency-'));
async function curlRound(n) {
  const cfg = join(workDir, 'curl.cfg');
  writeFileSync(cfg, Array.from({ length: n }, () => `url = "${url}"\noutput = "/dev/null"\n`).join(''));
  const { stdout } = await run('curl', ['-s', '-K', cfg, '-H', 'Connection: close', '-w', '%{http_code} %{time_connect} %{time_total}\n'], { maxBuffer: 16 << 20 });
  const lines = stdout.trim().split('\n');
  const totals = [];
  for (const line of lines) {
    const [code, connect, total] = line.split(' ');
    if (code !== '200') throw new Error(`curl got HTTP ${code}`);
    if (!(Number(connect) > 0)) throw new Error('curl reused a connection; the comparison needs a new one per request');
    totals.push(Number(total) * 1000);
  }
  return totals;
}

const samples = Object.fromEntries(variants.map((v) => [v.key, []]));
const haveCurl = hasCmd('curl');
if (haveCurl) samples.curl = [];

console.error(`latency: server on ${url}; warm-up ${opt.warmup} per variant, then ${opt.rounds} rounds × ${opt.iterations}`);
for (const v of variants) for (let i = 0; i < opt.warmup; i++) await v.fn();
if (haveCurl) await curlRound(Math.min(opt.warmup, 100));
reported.http.length = 0;
reported.tcp.length = 0;

for (let r = 0; r < opt.rounds; r++) {
  for (const v of variants) {
    const out = samples[v.key];
    for (let i = 0; i < opt.iterations; i++) {
      const t0 = performance.now();
      await v.fn();
      out.push(performance.now() - t0);
    }
  }
  if (haveCurl) samples.curl.push(...(await curlRound(opt.iterations)));
  console.error(`  round ${r + 1}/${opt.rounds} done`);
}

const summary = Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, summarize(s)]));
const labels = Object.fromEntries(variants.map((v) => [v.key, v.label]));
labels.curl = 'curl, its own time_total (bare peer)';

// ---- Part B: whole processes under hyperfine --------------------------------------------------
let hyper = null;
const cli = join(ROOT, 'out/main/cli.js');
if (!opt.noHyperfine && hasCmd('hyperfine') && haveCurl) {
  const cfgFile = join(workDir, 'one-check.json');
  writeFileSync(cfgFile, JSON.stringify({ version: 1, targets: [{ name: 'local', checks: [{ name: 'home', kind: 'http', url, timeout: '5s' }] }] }));
  const jsonOut = join(workDir, 'hyperfine.json');
  const commands = [
    ['curl', `curl -s -o /dev/null -H "Connection: close" ${url}`],
    ['node-bare-get', `${process.execPath} ${join(ROOT, 'bench/lib/bare-get.mjs')} ${url}`],
  ];
  if (existsSync(cli)) commands.push(['kaavan-check-once', `${process.execPath} ${join(ROOT, 'bin/kaavan.js')} check --once --json --config ${cfgFile} --data ${join(workDir, 'data')}`]);
  else console.error('latency: out/main/cli.js is missing (run "npx electron-vite build"); skipping the kaavan CLI row');
  console.error(`latency: hyperfine, ${opt.hyperfineRuns} runs per command`);
  await run('hyperfine', ['-N', '--warmup', '5', '--runs', String(opt.hyperfineRuns), '--export-json', jsonOut, ...commands.map((c) => c[1])], { maxBuffer: 16 << 20 });
  const data = JSON.parse(readFileSync(jsonOut, 'utf8'));
  hyper = data.results.map((r, i) => ({ key: commands[i][0], command: r.command, ...summarize(r.times.map((t) => t * 1000)), exitCodes: [...new Set(r.exit_codes)] }));
}

await servers.stop();
rmSync(workDir, { recursive: true, force: true });

// ---- Report ------------------------------------------------------------------------------------
const rowsFor = (keys, ref) =>
  keys
    .filter((k) => summary[k])
    .map((k) => {
      const s = summary[k];
      const isRef = k === ref;
      return [labels[k], String(s.n), fmt(s.median), fmt(s.p95), fmt(s.p99), isRef ? '(reference)' : overhead(s.median, summary[ref].median), isRef ? '(reference)' : overhead(s.p95, summary[ref].p95)];
    });
const header = ['probe', 'n', 'median ms', 'p95 ms', 'p99 ms', 'Δ median vs bare', 'Δ p95 vs bare'];
const rep = (kind) => summarize(reported[kind]);
let text = `### HTTP probe vs node:http GET and curl (new connection per request)\n\n${table(header, rowsFor(['node-http', 'curl', 'kaavan-http', 'kaavan-http-deadline'], 'node-http'))}\n\n`;
text += `### TCP probe vs net.connect\n\n${table(header, rowsFor(['net-connect', 'kaavan-tcp', 'kaavan-tcp-deadline'], 'net-connect'))}\n\n`;
text += `Kaavan's own reported latencyMs (rounded ms; http = time to headers, tcp = time to connect): http median ${rep('http').median} / p95 ${rep('http').p95}, tcp median ${rep('tcp').median} / p95 ${rep('tcp').p95}.\n`;
if (hyper) {
  const ref = hyper.find((h) => h.key === 'curl');
  text += `\n### Whole process (hyperfine -N, ${opt.hyperfineRuns} runs; includes process start-up)\n\n`;
  text += table(
    ['command', 'median ms', 'p95 ms', 'Δ median vs curl', 'exit codes'],
    hyper.map((h) => [`\`${h.command.replace(process.execPath, 'node').replaceAll(ROOT, '').replace(/\/tmp\/[^ ]+\//g, '$TMP/')}\``, fmt(h.median, 1), fmt(h.p95, 1), h === ref ? '(reference)' : overhead(h.median, ref.median, 1), h.exitCodes.join(',')]),
  );
  text += '\n';
}
const file = saveResults('latency', { options: opt, url, summary, labels, reported: { http: rep('http'), tcp: rep('tcp') }, hyperfine: hyper });
console.log(text);
console.error(`latency: results in ${file} (${machine().nproc} CPUs, node ${process.version})`);
