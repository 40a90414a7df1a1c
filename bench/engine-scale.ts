// The engine at scale, headless: N HTTP checks (200 / 1,000 / 2,000 over 100 targets at most) at a
// 30 s interval against local HTTP servers, run by the real engine (createKaavan: scheduler,
// probes, SQLite writes, events), each size in a fresh child process. Per size:
//   scheduler lag   actual start − planned start of every run after the first (jitter 0, so the
//                   planned start is exactly the previous start + interval; queueing for one of the
//                   16 probe slots counts as lag)
//   CPU             user+system time of the engine process over whole intervals from the start of the
//                   second round (one interval per round), as % of one core
//   RSS             highest VmRSS of the engine process during the window
//   CPU by thread   the same window's CPU time of the main thread (user / system) and of the other
//                   threads by name (V8's GC helpers, libuv's pool), from /proc: in the JSON
//                   (threadCpuMs) and on stderr
// Peer from the same run: bare Node timers doing the same GETs with the same schedule rules
// (first run spread over 2 s, next = start + interval, 16 in flight at most), storing nothing.
// Then 500 SSH `command` checks over 20 sshd on 127.0.0.1: TCP connections per host (every one
// seen during the run, and most at once) and the most exec channels at once per host (the
// `sleep` processes under each sshd, sampled from /proc every 25 ms).
//
//   npx tsx bench/engine-scale.ts [--sizes 200,1000,2000 | none] [--rounds 1] [--interval 30s] [--ssh-checks 500] [--ssh-hosts 20] [--no-ssh] [--no-peer] [--cpu-prof DIR]
//
// --cpu-prof DIR runs each engine child under `node --cpu-prof` and writes its .cpuprofile into DIR
// (the whole run, start-up included; the profiler's own cost inflates the CPU figure of that run).
//
// Writes bench/results/engine-scale.json and prints markdown tables. Rounds: runs per check after
// the first (default 1: one full interval of every check, so a size takes about two intervals and
// the whole run about 7 minutes).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SELF = fileURLToPath(import.meta.url);
const REPO = join(SELF, '..', '..');
const { values: opt } = parseArgs({
  options: {
    child: { type: 'string' },
    config: { type: 'string' },
    data: { type: 'string' },
    checks: { type: 'string' },
    ports: { type: 'string' },
    sizes: { type: 'string', default: '200,1000,2000' },
    rounds: { type: 'string', default: '1' },
    interval: { type: 'string', default: '30s' },
    'ssh-checks': { type: 'string', default: '500' },
    'ssh-hosts': { type: 'string', default: '20' },
    'no-ssh': { type: 'boolean', default: false },
    'no-peer': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});
const ROUNDS = Math.max(1, Number(opt.rounds));
const INTERVAL_MS = /^(\d+)s$/.test(opt.interval!) ? Number(opt.interval!.slice(0, -1)) * 1000 : Number(opt.interval);
const CONCURRENCY = 16;
const FIRST_SPREAD_MS = Math.min(INTERVAL_MS, 2000);

interface RunFigures {
  runner: string;
  checks: number;
  samples: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  cpuPercent: number;
  rssMaxMiB: number;
  windowS: number;
  statuses: Record<string, number>;
  /** CPU time in the window by thread name (the main thread is the process name). */
  threadCpuMs?: Record<string, number>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** User and system CPU time (ms) of the main thread and of the other threads by name (/proc, Linux only). */
function threadCpuMs(): Record<string, number> {
  const byName: Record<string, number> = {};
  const tick = 10; // USER_HZ is 100 on Linux
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        const comm = stat.slice(stat.indexOf('(') + 1, close).replace(/[0-9]+$/, '#');
        const name = tid === String(process.pid) ? 'main' : comm;
        const fields = stat.slice(close + 2).split(' ');
        byName[`${name} user`] = (byName[`${name} user`] ?? 0) + Number(fields[11]) * tick;
        byName[`${name} system`] = (byName[`${name} system`] ?? 0) + Number(fields[12]) * tick;
      } catch {
        // The thread ended while being read.
      }
    }
  } catch {
    // Not Linux.
  }
  return byName;
}

function rssMiB(): number {
  const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
  return kib / 1024;
}

/**
 * Lag samples of every run after the first, and CPU over exactly ROUNDS whole intervals starting
 * with the second round (start-up and the first, spread-out round are not counted), and RSS.
 */
function meter(checks: number) {
  const lags: number[] = [];
  const last = new Map<string | number, number>();
  let rssMax = rssMiB();
  const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, rssMiB())), 250);
  let cpu0: NodeJS.CpuUsage | null = null;
  let threads0: Record<string, number> = {};
  let t0 = 0;
  const expected = checks * ROUNDS;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let windowTimer: NodeJS.Timeout | null = null;
  let windowOver = false;
  const maybeDone = () => {
    if (windowOver && lags.length >= expected) done();
  };
  return {
    finished,
    /** A run of `id` started at `at` (epoch ms). */
    started(id: string | number, at: number) {
      const previous = last.get(id);
      last.set(id, at);
      if (previous === undefined) return;
      if (cpu0 === null) {
        cpu0 = process.cpuUsage();
        threads0 = threadCpuMs();
        t0 = performance.now();
        windowTimer = setTimeout(() => {
          windowOver = true;
          maybeDone();
        }, ROUNDS * INTERVAL_MS);
      }
      lags.push(at - (previous + INTERVAL_MS));
      maybeDone();
    },
    figures(runner: string, statuses: Record<string, number>): RunFigures {
      clearInterval(rssTimer);
      if (windowTimer) clearTimeout(windowTimer);
      const used = process.cpuUsage(cpu0 ?? undefined);
      const wallMs = performance.now() - t0;
      const threads = Object.fromEntries(Object.entries(threadCpuMs()).map(([name, ms]) => [name, ms - (threads0[name] ?? 0)]));
      const sorted = [...lags].sort((a, b) => a - b);
      return {
        runner,
        checks,
        samples: sorted.length,
        lagP50Ms: percentile(sorted, 50),
        lagP99Ms: percentile(sorted, 99),
        lagMaxMs: sorted.at(-1) ?? NaN,
        cpuPercent: ((used.user + used.system) / 1000 / wallMs) * 100,
        rssMaxMiB: Math.max(rssMax, rssMiB()),
        windowS: wallMs / 1000,
        statuses,
        threadCpuMs: threads,
      };
    },
  };
}

const deadlineMs = () => FIRST_SPREAD_MS + (2 * ROUNDS + 1) * INTERVAL_MS + 20_000;

// ---------------------------------------------------------------- children

/** The real engine on a config file; prints its figures as one JSON line. */
async function childEngine(): Promise<void> {
  const [{ createKaavan }, { FileConfigStore }, { createSecretStore }, { createFileLogger }] = await Promise.all([
    import('../src-main/core/kaavan.js'),
    import('../src-main/core/config/file-config-store.js'),
    import('../src-main/core/secrets/secrets.js'),
    import('../src-main/core/log/file-logger.js'),
  ]);
  const data = opt.data!;
  const runtime = await createKaavan({
    configStore: new FileConfigStore(opt.config!),
    dataDir: data,
    mode: 'headless',
    // Only the KAAVAN_SECRET_* fallback: the bench never touches a keychain.
    secrets: createSecretStore({ backend: null }),
    logger: createFileLogger({ dir: join(data, 'logs'), echoLevel: 'error' }),
  });
  const checks = Number(opt.checks);
  const m = meter(checks);
  const statuses: Record<string, number> = {};
  const probeMs: number[] = [];
  const downMessages = new Set<string>();
  runtime.service.subscribe((event) => {
    if (event.type !== 'check.result') return;
    statuses[event.result.status] = (statuses[event.result.status] ?? 0) + 1;
    if (event.result.latencyMs !== null) probeMs.push(event.result.latencyMs);
    if (event.result.status !== 'up' && downMessages.size < 5) downMessages.add(event.result.message);
    m.started(event.result.checkId ?? `${event.result.target}/${event.result.check}`, event.result.at);
  });
  await runtime.start();
  await Promise.race([m.finished, new Promise((r) => setTimeout(r, deadlineMs()))]);
  const sortedMs = probeMs.sort((a, b) => a - b);
  const figures = { ...m.figures('kaavan engine', statuses), probes: probeMs.length, probeP50Ms: percentile(sortedMs, 50), probeP99Ms: percentile(sortedMs, 99), notUp: [...downMessages] };
  await runtime.stop();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** The peer: bare timers and node:http GETs, same schedule rules, nothing stored. */
async function childPeer(): Promise<void> {
  const ports = opt.ports!.split(',').map(Number);
  const checks = Number(opt.checks);
  const m = meter(checks);
  const statuses: Record<string, number> = {};
  let active = 0;
  const waiting: Array<() => void> = [];
  const agent = new http.Agent({ keepAlive: false });
  const get = (port: number) =>
    new Promise<string>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 ? 'up' : 'down'));
      });
      req.on('error', () => resolve('down'));
      req.on('timeout', () => req.destroy());
    });
  const timers: NodeJS.Timeout[] = [];
  const run = async (i: number) => {
    while (active >= CONCURRENCY) await new Promise<void>((r) => waiting.push(r));
    active++;
    const at = Date.now();
    m.started(i, at);
    const status = await get(ports[i % ports.length]!);
    statuses[status] = (statuses[status] ?? 0) + 1;
    active--;
    waiting.shift()?.();
    timers[i] = setTimeout(() => void run(i), Math.max(0, at + INTERVAL_MS - Date.now()));
  };
  for (let i = 0; i < checks; i++) timers[i] = setTimeout(() => void run(i), Math.floor(Math.random() * FIRST_SPREAD_MS));
  await Promise.race([m.finished, new Promise((r) => setTimeout(r, deadlineMs()))]);
  for (const t of timers) clearTimeout(t);
  process.stdout.write(`${JSON.stringify(m.figures('bare Node timers + node:http', statuses))}\n`);
}

// ---------------------------------------------------------------- parent

function runChild(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunFigures> {
  const profile = opt['cpu-prof'] && args[1] === 'engine' ? ['--cpu-prof', `--cpu-prof-dir=${opt['cpu-prof']}`] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', SELF, ...args, '--rounds', String(ROUNDS), '--interval', String(INTERVAL_MS)], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) return reject(new Error(`bench child ${args.join(' ')} exited with ${code}: ${out}`));
      resolve(JSON.parse(line) as RunFigures);
    });
  });
}

function startHttpServers(count: number): Promise<{ ports: number[]; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bench', 'lib', 'server-child.mjs'), String(count), String(14 * 60_000)], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdout.once('data', (c: Buffer) => {
      const { ports } = JSON.parse(c.toString().split('\n')[0]!) as { ports: number[] };
      resolve({ ports, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`bench HTTP servers exited (${code})`)));
  });
}

/** Targets of `perTarget` checks each (the last may have fewer). */
function httpConfig(checks: number, ports: number[]): string {
  const targets = Math.min(100, checks);
  const lines = ['version: 1', `settings: { concurrency: ${CONCURRENCY}, jitter: 0 }`, 'targets:'];
  for (let t = 0; t < targets; t++) {
    lines.push(`  - name: host${t}`, '    checks:');
    for (let c = t; c < checks; c += targets) lines.push(`      - { name: c${c}, kind: http, url: "http://127.0.0.1:${ports[c % ports.length]}/c${c}", interval: ${INTERVAL_MS}ms, timeout: 5s }`);
  }
  return `${lines.join('\n')}\n`;
}

function row(f: RunFigures): string {
  const ok = Object.entries(f.statuses)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  return `| ${f.checks.toLocaleString('en')} | ${f.runner} | ${f.samples} | ${f.lagP50Ms.toFixed(0)} | ${f.lagP99Ms.toFixed(0)} | ${f.lagMaxMs.toFixed(0)} | ${f.cpuPercent.toFixed(1)} | ${f.rssMaxMiB.toFixed(0)} | ${f.windowS.toFixed(0)} | ${ok} |`;
}

async function sshPart(): Promise<Record<string, unknown>> {
  const { startSshd, makeClientKey, stopAllSshd, sshdUnavailableReason } = await import('../tests/helpers/sshd.js');
  const why = sshdUnavailableReason();
  if (why) return { skipped: why };
  const hosts = Number(opt['ssh-hosts']);
  const checks = Number(opt['ssh-checks']);
  const key = makeClientKey();
  const servers: Array<Awaited<ReturnType<typeof startSshd>>> = [];
  for (let i = 0; i < hosts; i++) servers.push(await startSshd({ authorizedKeys: [key.publicKey] }));
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-bench-ssh-'));
  try {
    const lines = ['version: 1', `settings: { concurrency: ${CONCURRENCY}, jitter: 0 }`, 'targets:'];
    servers.forEach((s, h) => {
      lines.push(`  - name: ssh${h}`, `    ssh: { host: 127.0.0.1, port: ${s.port}, user: root, keyRef: bench-key, hostKey: "${s.hostKeyFingerprint}" }`, '    checks:');
      for (let c = h; c < checks; c += hosts) lines.push(`      - { name: cmd${c}, kind: command, command: "sleep 0.2; echo ok", expectOutput: "^ok$", interval: ${INTERVAL_MS}ms, timeout: 20s }`);
    });
    writeFileSync(join(dir, 'config.yaml'), `${lines.join('\n')}\n`);

    // Sampled from outside the engine: established connections per sshd port (ss), and the
    // `sleep` processes under each sshd (one per exec channel running the command).
    const ports = new Map(servers.map((s, i) => [s.port, i]));
    const seen = servers.map(() => new Set<string>());
    const maxConnections = servers.map(() => 0);
    const maxChannels = servers.map(() => 0);
    const roots = servers.map((s) => s.dir);
    const sample = () => {
      const out = execFileSync('ss', ['-tnH', 'state', 'established'], { encoding: 'utf8' });
      const now = servers.map(() => 0);
      for (const line of out.split('\n')) {
        const cols = line.trim().split(/\s+/);
        if (cols.length < 4) continue;
        const local = cols[2]!;
        const peer = cols[3]!;
        const port = Number(local.slice(local.lastIndexOf(':') + 1));
        const index = ports.get(port);
        if (index === undefined) continue;
        now[index]!++;
        seen[index]!.add(peer);
      }
      now.forEach((n, i) => (maxConnections[i] = Math.max(maxConnections[i]!, n)));
    };
    const channelSample = () => {
      const parent = new Map<number, number>();
      const comm = new Map<number, string>();
      const rootOf = new Map<number, number>();
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
          const close = stat.lastIndexOf(')');
          const pid = Number(entry);
          comm.set(pid, stat.slice(stat.indexOf('(') + 1, close));
          parent.set(pid, Number(stat.slice(close + 2).split(' ')[1]));
          if (comm.get(pid) === 'sshd') {
            const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
            const index = roots.findIndex((r) => cmd.includes(`${r}/sshd_config`));
            if (index >= 0 && cmd.includes('-D')) rootOf.set(pid, index);
          }
        } catch {
          // The process ended while being read.
        }
      }
      const now = servers.map(() => 0);
      for (const [pid, name] of comm) {
        if (name !== 'sleep') continue;
        for (let p = parent.get(pid), hops = 0; p && hops < 10; p = parent.get(p), hops++) {
          const index = rootOf.get(p);
          if (index !== undefined) {
            now[index]!++;
            break;
          }
        }
      }
      now.forEach((n, i) => (maxChannels[i] = Math.max(maxChannels[i]!, n)));
    };
    const connTimer = setInterval(sample, 200);
    const chanTimer = setInterval(channelSample, 25);
    let figures: RunFigures;
    try {
      figures = await runChild(['--child', 'engine', '--config', join(dir, 'config.yaml'), '--data', join(dir, 'data'), '--checks', String(checks)], {
        KAAVAN_SECRET_BENCH_KEY: key.privateKey,
      });
    } finally {
      clearInterval(connTimer);
      clearInterval(chanTimer);
    }
    return {
      hosts,
      checks,
      engine: figures,
      connectionsSeenPerHost: { min: Math.min(...seen.map((s) => s.size)), max: Math.max(...seen.map((s) => s.size)) },
      maxConcurrentConnectionsPerHost: Math.max(...maxConnections),
      maxConcurrentChannelsPerHost: { min: Math.min(...maxChannels), max: Math.max(...maxChannels) },
    };
  } finally {
    await stopAllSshd();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function parent(): Promise<void> {
  const sizes = opt.sizes === 'none' ? [] : opt.sizes!.split(',').map(Number);
  const machineState = {
    date: new Date().toISOString(),
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    memGiB: +(totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    loadavgAtStart: loadavg().map((x) => +x.toFixed(2)),
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
    intervalMs: INTERVAL_MS,
    rounds: ROUNDS,
  };
  process.stderr.write(`engine-scale: ${JSON.stringify(machineState)}\n`);
  const servers = await startHttpServers(20);
  const runs: RunFigures[] = [];
  try {
    for (const size of sizes) {
      const dir = mkdtempSync(join(tmpdir(), `kaavan-bench-scale-${size}-`));
      try {
        writeFileSync(join(dir, 'config.yaml'), httpConfig(size, servers.ports));
        mkdirSync(join(dir, 'data'));
        process.stderr.write(`engine-scale: ${size} checks, kaavan engine…\n`);
        const engine = await runChild(['--child', 'engine', '--config', join(dir, 'config.yaml'), '--data', join(dir, 'data'), '--checks', String(size)]);
        process.stderr.write(`engine-scale: ${size} checks, CPU ms by thread in the window: ${JSON.stringify(engine.threadCpuMs ?? {})}\n`);
        runs.push(engine);
        if (!opt['no-peer']) {
          process.stderr.write(`engine-scale: ${size} checks, bare timers…\n`);
          runs.push(await runChild(['--child', 'peer', '--checks', String(size), '--ports', servers.ports.join(',')]));
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    servers.stop();
  }
  const ssh = opt['no-ssh'] ? { skipped: '--no-ssh' } : (process.stderr.write('engine-scale: SSH…\n'), await sshPart());
  const loadavgAtEnd = loadavg().map((x) => +x.toFixed(2));

  const lines = [
    `HTTP checks at a ${INTERVAL_MS / 1000} s interval, ${ROUNDS} round(s) after the first, concurrency ${CONCURRENCY}, jitter 0:`,
    '',
    '| checks | runner | lag samples | lag p50 ms | lag p99 ms | lag max ms | CPU % of one core | RSS max MiB | window s | results |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...runs.map(row),
    '',
    `load average at start ${machineState.loadavgAtStart.join(' / ')}, at end ${loadavgAtEnd.join(' / ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n\nSSH: ${JSON.stringify(ssh, null, 2)}\n`);
  const resultsDir = join(REPO, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  // KAAVAN_BENCH_TAG=x writes engine-scale.x.json (as the other benches do), keeping earlier runs.
  const tag = process.env.KAAVAN_BENCH_TAG;
  writeFileSync(join(resultsDir, tag ? `engine-scale.${tag}.json` : 'engine-scale.json'), `${JSON.stringify({ machine: { ...machineState, loadavgAtEnd }, runs, ssh }, null, 2)}\n`);
}

if (opt.child === 'engine') await childEngine();
else if (opt.child === 'peer') await childPeer();
else await parent();
// Children end as soon as their figures are out (a deadline timer may still be pending).
process.exit(0);
