// Throughput of Kaavan's Scheduler: N checks (default 200) against 10 local HTTP servers on
// 127.0.0.1 (in a child process), at concurrency 16, each check re-run as soon as it finishes
// (interval 1 ms, no jitter), so the concurrency limit is the only brake. Probes per second, per mix
// (http only, tcp only, half and half), for three runners:
//   kaavan          Scheduler + Kaavan's httpCheck/tcpCheck probes (what `kaavan serve` runs)
//   scheduler+bare  Scheduler + bare node:http / net.connect probes (isolates the scheduler's cost)
//   bare            16 async workers looping the bare probes over the same endpoints (the peer)
// The runners take turns in short slices (kaavan, scheduler+bare, bare, kaavan, ...) so that
// whatever drifts during the run (TIME_WAIT sockets piling up on loopback, other load on the
// machine) hits all of them alike.
//
//   node bench/scheduler.mjs [--checks 200] [--concurrency 16] [--seconds 8] [--slices 4] [--servers 10]
//
// Also reported: CPU time of this process per probe (user+system), CPU share of the server process
// (on a 2-core machine client and servers compete for the cores), every outcome's status (all must
// be "up"), fairness (fewest / most runs of one check), and TIME_WAIT sockets before and after.
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadKaavan } from './lib/kaavan-src.mjs';
import { startServers } from './lib/servers.mjs';
import { fmt, table } from './lib/stats.mjs';
import { args, saveResults } from './lib/machine.mjs';

const opt = args({ checks: 200, concurrency: 16, seconds: 8, slices: 4, servers: 10 });
const { httpCheck, tcpCheck, Scheduler } = await loadKaavan();
const servers = await startServers({ count: opt.servers, lifetimeMs: 170_000 });
const TIMEOUT = 5000;
const WARMUP_MS = 300;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** CPU ms (user+system) used so far by another process, from /proc/<pid>/stat. */
function procCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}
const CLK_TCK = 100;

function timeWait() {
  try {
    return Number(/tw (\d+)/.exec(readFileSync('/proc/net/sockstat', 'utf8'))?.[1]);
  } catch {
    return null;
  }
}

/** Check i goes to server i % servers; `kindOf(i)` says http or tcp. */
function endpoints(kindOf) {
  return Array.from({ length: opt.checks }, (_, i) => {
    const port = servers.ports[i % servers.ports.length];
    return { id: `t${i % servers.ports.length}/c${i}`, kind: kindOf(i), port };
  });
}
const MIXES = {
  http: () => 'http',
  tcp: () => 'tcp',
  mixed: (i) => (i % 2 === 0 ? 'http' : 'tcp'),
};

const UP = { status: 'up', latencyMs: 0, message: 'ok' };
const DOWN = { status: 'down', latencyMs: null, message: 'failed' };
function bareHttp(port, signal) {
  return new Promise((resolve) => {
    const req = http.get(`http://127.0.0.1:${port}/`, { agent: false, headers: { Connection: 'close' }, signal }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode === 200 ? UP : DOWN));
      res.once('error', () => resolve(DOWN));
    });
    req.once('error', () => resolve(DOWN));
  });
}
function bareTcp(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(UP);
    });
    s.once('error', () => resolve(DOWN));
  });
}

/** A counter shared by the runners: counts outcomes only while a measuring window is open. */
function tally(ids) {
  return { counting: false, total: 0, statuses: {}, perCheck: new Map(ids.map((id) => [id, 0])), cpuMs: 0, serverCpuMs: 0, seconds: 0 };
}
function count(t, id, status) {
  if (!t.counting) return;
  t.total++;
  t.statuses[status] = (t.statuses[status] ?? 0) + 1;
  if (id !== null) t.perCheck.set(id, t.perCheck.get(id) + 1);
}

function schedulerRunner(eps, kaavanProbes) {
  const t = tally(eps.map((e) => e.id));
  const scheduler = new Scheduler({ concurrency: opt.concurrency, jitter: 0, onOutcome: (id, o) => count(t, id, o.status) });
  for (const e of eps) {
    const url = `http://127.0.0.1:${e.port}/`;
    let probe;
    if (kaavanProbes)
      probe =
        e.kind === 'http'
          ? (signal) => httpCheck.probe({ url }, { signal, timeoutMs: TIMEOUT })
          : (signal) => tcpCheck.probe({ host: '127.0.0.1', port: e.port }, { signal, timeoutMs: TIMEOUT });
    else probe = e.kind === 'http' ? (signal) => bareHttp(e.port, signal) : () => bareTcp(e.port);
    scheduler.upsert({ id: e.id, intervalMs: 1, timeoutMs: TIMEOUT, probe });
  }
  return {
    t,
    start: () => scheduler.start(),
    // pause() stops new runs; probes in flight end within a few ms, so the next runner starts on a quiet loop.
    pause: async () => {
      scheduler.pause();
      await sleep(50);
    },
    close: () => scheduler.stop(),
  };
}

function bareRunner(eps) {
  const t = tally([]);
  let running = false;
  let next = 0;
  let workers = [];
  const worker = async () => {
    while (running) {
      const e = eps[next++ % eps.length];
      const o = await (e.kind === 'http' ? bareHttp(e.port) : bareTcp(e.port));
      count(t, null, o.status);
    }
  };
  return {
    t,
    start: () => {
      running = true;
      workers = Array.from({ length: opt.concurrency }, worker);
    },
    pause: async () => {
      running = false;
      await Promise.all(workers);
    },
    close: () => {},
  };
}

async function measureMix(mix) {
  const eps = endpoints(MIXES[mix]);
  const runners = {
    kaavan: schedulerRunner(eps, true),
    'scheduler+bare': schedulerRunner(eps, false),
    bare: bareRunner(eps),
  };
  const sliceMs = (opt.seconds * 1000) / opt.slices;
  for (let s = 0; s < opt.slices; s++) {
    for (const r of Object.values(runners)) {
      r.start();
      await sleep(WARMUP_MS);
      r.t.counting = true;
      const cpu0 = process.cpuUsage();
      const server0 = procCpuMs(servers.pid);
      const t0 = performance.now();
      await sleep(sliceMs);
      r.t.counting = false;
      const cpu = process.cpuUsage(cpu0);
      r.t.serverCpuMs += procCpuMs(servers.pid) - server0;
      r.t.seconds += (performance.now() - t0) / 1000;
      r.t.cpuMs += (cpu.user + cpu.system) / 1000;
      await r.pause();
    }
  }
  for (const r of Object.values(runners)) r.close();
  await sleep(300);
  return Object.fromEntries(
    Object.entries(runners).map(([name, { t }]) => {
      const per = [...t.perCheck.values()];
      return [
        name,
        {
          probes: t.total,
          seconds: t.seconds,
          perSecond: t.total / t.seconds,
          cpuUsPerProbe: (t.cpuMs * 1000) / t.total,
          cpuShare: t.cpuMs / 1000 / t.seconds,
          serverCpuShare: t.serverCpuMs / 1000 / t.seconds,
          statuses: t.statuses,
          perCheckMin: per.length ? Math.min(...per) : null,
          perCheckMax: per.length ? Math.max(...per) : null,
        },
      ];
    }),
  );
}

const results = {};
const twBefore = timeWait();
for (const mix of Object.keys(MIXES)) {
  console.error(`scheduler: ${mix}: ${opt.checks} checks, concurrency ${opt.concurrency}, ${opt.seconds} s per runner in ${opt.slices} slices`);
  results[mix] = await measureMix(mix);
}
const twAfter = timeWait();
await servers.stop();

const LABEL = { kaavan: 'Kaavan Scheduler + Kaavan probes', 'scheduler+bare': 'Kaavan Scheduler + bare probes', bare: 'bare peer: 16 workers, bare probes' };
const rows = [];
for (const [mix, rs] of Object.entries(results)) {
  for (const [name, r] of Object.entries(rs)) {
    const st = Object.entries(r.statuses).map(([k, n]) => `${k} ${n}`).join(', ');
    rows.push([mix, LABEL[name], fmt(r.perSecond, 0), fmt(r.cpuUsPerProbe, 0), `${fmt(r.cpuShare * 100, 0)} %`, `${fmt(r.serverCpuShare * 100, 0)} %`, st, r.perCheckMin === null ? '—' : `${r.perCheckMin}–${r.perCheckMax}`, `${fmt((r.perSecond / rs.bare.perSecond) * 100, 0)} %`]);
  }
}
const text =
  `### Scheduler throughput: ${opt.checks} checks, concurrency ${opt.concurrency}, ${opt.servers} local servers, ${opt.seconds} s per runner\n\n` +
  table(['mix', 'runner', 'probes/s', 'CPU µs/probe', 'client CPU (1 core = 100 %)', 'server CPU', 'outcomes', 'runs per check (min–max)', 'vs bare'], rows) +
  `\n\nTIME_WAIT sockets on the machine: ${twBefore} before, ${twAfter} after.\n`;
const file = saveResults('scheduler', { options: opt, timeWait: { before: twBefore, after: twAfter }, results });
console.log(text);
console.error(`scheduler: results in ${file}`);
