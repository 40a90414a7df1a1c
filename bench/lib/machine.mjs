// What the benchmarks ran on, recorded with every result file.
import os from 'node:os';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

function tryRun(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function machine() {
  let memTotalKiB = null;
  try {
    memTotalKiB = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
  } catch {
    /* not Linux */
  }
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memTotalGiB: memTotalKiB ? +(memTotalKiB / 1024 / 1024).toFixed(1) : +(os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    curl: tryRun('curl', ['--version'])?.split('\n')[0] ?? null,
    hyperfine: tryRun('hyperfine', ['--version']),
    commit: tryRun('git', ['rev-parse', '--short', 'HEAD']),
  };
}

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** Writes bench/results/<name>.json (<name>.<tag>.json when KAAVAN_BENCH_TAG is set) and returns its path. */
export function saveResults(name, data) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const tag = process.env.KAAVAN_BENCH_TAG;
  const file = `${RESULTS_DIR}${name}${tag ? `.${tag}` : ''}.json`;
  writeFileSync(file, `${JSON.stringify({ machine: machine(), ...data }, null, 2)}\n`);
  return file;
}

/** Reads `--name value` / `--flag` options; numbers are converted. */
export function args(defaults) {
  const out = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z][a-z-]*)$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument "${argv[i]}"`);
    const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`unknown option --${m[1]} (known: ${Object.keys(defaults).join(', ')})`);
    if (typeof defaults[key] === 'boolean') out[key] = true;
    else {
      const v = argv[++i];
      out[key] = typeof defaults[key] === 'number' ? Number(v) : v;
    }
  }
  return out;
}
