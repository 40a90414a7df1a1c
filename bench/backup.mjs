// Backup engine vs tar -czf, tar | zstd -T0 and restic on the same generated tree, in one run.
// Not part of the test suite: nothing here asserts on timings. Results: bench/results/backup.json.
//
//   node bench/backup.mjs [--size-mib 1024] [--small-files 10000] [--with-s]   (--with-s: also to s3rver)
//   node bench/backup.mjs --work DIR                  keep everything in DIR (tree, archives, repositories)
//   node bench/backup.mjs --work DIR --restore-only [--rounds 3]
//       only the restores (tar -xzf, restic restore, kaavan restore), in rounds, on what an
//       earlier `--work DIR` run left there: about a minute per round instead of four.
//
// Every command runs as its own process under /usr/bin/time (wall and CPU seconds, peak RSS); Kaavan's
// operations run in a child `node bench/backup.mjs --child …` so its RSS is measured the same way.
// The page cache is warm for every tool alike (the tree is read once before the first timing).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { makeTree } from './backup-tree.mjs';
import { buildBundle, engineUrl, secretsUrl } from './backup-bundle.mjs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { args, saveResults } from './lib/machine.mjs';
import { table } from './lib/stats.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
// The benchmark's own throw-away passphrase (for Kaavan and restic alike), new every run.
// Children inherit it through the environment (each process would otherwise draw its own).
// With --work DIR it is kept in DIR/password, so a later --restore-only run can open the repositories.
const workArg = process.argv.indexOf('--work');
const keptPassword = workArg > 0 && process.argv[2] !== '--child' ? path.join(path.resolve(process.argv[workArg + 1]), 'password') : null;
if (keptPassword && existsSync(keptPassword)) process.env.KAAVAN_BENCH_PASSWORD ??= readFileSync(keptPassword, 'utf8').trim();
const PASSWORD = (process.env.KAAVAN_BENCH_PASSWORD ??= randomBytes(16).toString('hex'));
if (keptPassword) {
  mkdirSync(path.dirname(keptPassword), { recursive: true });
  writeFileSync(keptPassword, PASSWORD + '\n', { mode: 0o600 });
}

// ---------- child mode: one Kaavan operation, then its own timings on stdout ----------
if (process.argv[2] === '--child') {
  const [op, dataDir, src, dest, extra] = process.argv.slice(3);
  const { createBackupEngine } = await import(engineUrl);
  const { createSecretStore } = await import(secretsUrl);
  const secrets = createSecretStore({ backend: null, env: { KAAVAN_SECRET_BENCH: PASSWORD, KAAVAN_SECRET_S3K: 'S3RVER', KAAVAN_SECRET_S3S: 'S3RVER' } });
  // KAAVAN_BENCH_WORKERS=n: worker threads (0 = build on the main thread), for profiling.
  const workers = process.env.KAAVAN_BENCH_WORKERS ? Number(process.env.KAAVAN_BENCH_WORKERS) : undefined;
  const engine = createBackupEngine({ dataDir, secrets, workers });
  const destination = dest.startsWith('http') ? { kind: 's3', bucket: 'bench', endpoint: dest, forcePathStyle: true, region: 'us-east-1', accessKeyRef: 's3k', secretKeyRef: 's3s', partConcurrency: Number(extra) } : { kind: 'local', path: dest };
  const job = { name: 'bench', type: op === 'full' ? 'full' : 'incremental', sources: [{ path: src }], destination, encryption: { passphraseRef: 'bench' } };
  const t0 = performance.now();
  let out;
  if (op === 'restore') {
    // The newest run, as `kaavan restore RUN` is given one: its id from the manifest names (run ids
    // sort by time), not through engine.list(), which would open the key file (scrypt) a second time.
    const newest = readdirSync(path.join(dest, 'manifests')).map((f) => f.split('.')[0]).sort().at(-1);
    out = await engine.restore(job, newest, extra);
  } else {
    out = await engine.run(job);
    if (out.status !== 'succeeded') throw new Error(out.error);
  }
  process.stdout.write(JSON.stringify({ seconds: (performance.now() - t0) / 1000, storedBytes: out.storedBytes ?? null }) + '\n');
  process.exit(0);
}

// the bundle the children load (bench/backup-bundle.mjs)
await buildBundle();
const opt = args({ sizeMib: 1024, smallFiles: 10000, withS: false, tree: '', work: '', restoreOnly: false, rounds: 1 });
if (opt.restoreOnly && !opt.work) throw new Error('--restore-only needs --work DIR (from an earlier run with --work DIR)');
const work = opt.work ? path.resolve(opt.work) : mkdtempSync(path.join(tmpdir(), 'kaavan-bench-backup-'));
const tree = opt.tree ? path.resolve(opt.tree) : path.join(work, 'tree');
if (opt.restoreOnly && !['out.tgz', 'restic', 'kaavan-dest', 'kdata'].every((f) => existsSync(path.join(work, f)))) throw new Error(`${work} holds no earlier run: run once with --work ${opt.work} (without --restore-only)`);
if (!opt.restoreOnly && opt.work && existsSync(path.join(work, 'restic'))) throw new Error(`${work} already holds a run: add --restore-only, or give --work a new folder`);

// ---------- the tree (bench/backup-tree.mjs): --tree DIR reuses (and keeps) one made earlier ----------
// ---------- measuring ----------
async function measure(label, cmd, argv, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '@@TIME %e %M %U %S', cmd, ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      const m = /@@TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      if (code !== 0 || !m) return reject(new Error(`${label} failed (exit ${code}): ${stderr.slice(-2000)}`));
      const r = { label, seconds: Number(m[1]), cpuSeconds: +(Number(m[3]) + Number(m[4])).toFixed(2), peakRssMiB: Math.round(Number(m[2]) / 1024), stdout };
      console.error(`  ${label}: ${r.seconds} s (CPU ${r.cpuSeconds} s), ${r.peakRssMiB} MiB RSS`);
      resolve(r);
    });
  });
}
const du = (p) => Number(execFileSync('du', ['-sb', p], { encoding: 'utf8' }).split('\t')[0]);
const kaavan = (op, dataDir, dest, extra = '') => [process.execPath, [fileURLToPath(import.meta.url), '--child', op, dataDir, tree, dest, extra]];

const resticEnv = { RESTIC_PASSWORD: PASSWORD, RESTIC_REPOSITORY: path.join(work, 'restic'), RESTIC_CACHE_DIR: path.join(work, 'restic-cache') };
const kd = path.join(work, 'kaavan-dest');

// Where every restore writes: a fresh folder per restore inside one marked with ext4's "top
// directory" flag (chattr +T), so ext4 spreads each restore over block groups of its own. Without
// it every restore lands in the groups the previous tool's restore (just deleted) used, and on a
// filesystem without a journal (this machine's) ext4 then scans past every recently deleted inode
// at each file creation: that cost fell on whichever tool ran later (seconds of system time), not
// on the tool itself.
const restoreRoot = path.join(work, 'restores');
mkdirSync(restoreRoot, { recursive: true });
try {
  execFileSync('chattr', ['+T', restoreRoot], { stdio: 'ignore' });
} catch {
  /* not ext4 or no chattr: the figures then carry that order effect */
}
let restoreNo = 0;
const restoreDir = (tool) => path.join(restoreRoot, `${tool}-${process.pid}-${++restoreNo}`);

/** tar -xzf, restic restore and Kaavan's restore of the same data, back to back; `suffix` labels rounds. */
async function restores(results, add, suffix = '') {
  const rTar = restoreDir('tar');
  mkdirSync(rTar);
  add(await measure(`tar -xzf (restore)${suffix}`, 'tar', ['-xzf', path.join(work, 'out.tgz'), '-C', rTar]));
  rmSync(rTar, { recursive: true, force: true });
  if (existsSync(path.join(work, 'out.tar.zst'))) {
    const rZst = restoreDir('zst');
    mkdirSync(rZst);
    add(await measure(`tar -I 'zstd -T0' -xf (restore)${suffix}`, 'tar', ['-I', 'zstd -T0', '-xf', path.join(work, 'out.tar.zst'), '-C', rZst]));
    rmSync(rZst, { recursive: true, force: true });
  }
  const rRestic = restoreDir('restic');
  add(await measure(`restic restore${suffix}`, 'restic', ['restore', 'latest', '--quiet', '--target', rRestic], resticEnv));
  rmSync(rRestic, { recursive: true, force: true });
  const rKaavan = restoreDir('kaavan');
  add(await measure(`kaavan restore${suffix}`, ...kaavan('restore', path.join(work, 'kdata'), kd, rKaavan)));
  // the restored tree must be the tree (a benchmark of a wrong restore is worthless)
  execFileSync('diff', ['-r', '--no-dereference', tree, path.join(rKaavan, ...tree.split('/').filter(Boolean))]);
  rmSync(rKaavan, { recursive: true, force: true });
}

let results;
const add = (r, extra = {}) => results.runs.push({ label: r.label, seconds: r.seconds, cpuSeconds: r.cpuSeconds, peakRssMiB: r.peakRssMiB, ...extra });
if (opt.restoreOnly) {
  const bytes = du(tree);
  execFileSync('bash', ['-c', `cat $(find ${tree} -type f) > /dev/null; cat $(find ${work}/kaavan-dest ${work}/restic -type f) ${work}/out.tgz > /dev/null`]); // warm the page cache
  results = { sizeMiB: Math.round(bytes / 1024 / 1024), bytes, restoreOnly: true, runs: [] };
  results.loadBefore = readFileSync('/proc/loadavg', 'utf8').trim();
  console.error(`restores only, ${opt.rounds} round(s), in ${work}; load average before: ${results.loadBefore}`);
  for (let i = 1; i <= opt.rounds; i++) await restores(results, add, opt.rounds > 1 ? `, round ${i}` : '');
  results.loadAfter = readFileSync('/proc/loadavg', 'utf8').trim();
  const rows = results.runs.map((r) => [r.label, r.seconds.toFixed(2), r.cpuSeconds.toFixed(2), String(r.peakRssMiB)]);
  console.log(`\nrestores of ${results.sizeMiB} MiB (load before ${results.loadBefore}, after ${results.loadAfter})\n`);
  console.log(table(['operation', 'wall s', 'CPU s (user+sys)', 'peak RSS MiB'], rows));
  const file = saveResults('backup-restore', results);
  console.error(`\nwrote ${path.relative(ROOT, file)}`);
  process.exit(0);
}

console.error(`generating ${opt.sizeMib} MiB in ${work} …`);
const bytes = opt.tree && existsSync(tree) ? du(tree) : makeTree(tree, opt.sizeMib, opt.smallFiles);
execFileSync('bash', ['-c', `cat $(find ${tree} -type f) > /dev/null`]); // warm the page cache for everyone
results = { sizeMiB: opt.sizeMib, smallFiles: opt.smallFiles, bytes, runs: [] };

try {
  const load = readFileSync('/proc/loadavg', 'utf8').trim();
  console.error(`load average before: ${load}`);
  results.loadBefore = load;
  // peers
  add(await measure('tar -czf', 'tar', ['-czf', path.join(work, 'out.tgz'), '-C', tree, '.']), { storedBytes: du(path.join(work, 'out.tgz')) });
  add(await measure("tar -I 'zstd -T0' -cf", 'tar', ['-I', 'zstd -T0', '-cf', path.join(work, 'out.tar.zst'), '-C', tree, '.']), { storedBytes: du(path.join(work, 'out.tar.zst')) });
  execFileSync('restic', ['init', '--quiet'], { env: { ...process.env, ...resticEnv } });
  add(await measure('restic backup (full)', 'restic', ['backup', '--quiet', tree], resticEnv), { storedBytes: du(path.join(work, 'restic')) });
  add(await measure('restic backup (unchanged tree)', 'restic', ['backup', '--quiet', tree], resticEnv));
  // Kaavan
  const full = await measure('kaavan backup (full, encrypted)', ...kaavan('full', path.join(work, 'kdata'), kd));
  add(full, { storedBytes: du(kd) });
  add(await measure('kaavan backup (unchanged tree)', ...kaavan('incremental', path.join(work, 'kdata'), kd)));
  // restores
  await restores(results, add);

  if (opt.withS) {
    const S3rver = (await import('s3rver')).default;
    for (const parts of [1, 4]) {
      const dir = path.join(work, `s3-${parts}`);
      const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true, configureBuckets: [{ name: 'bench', configs: [] }] });
      const { port } = await server.run();
      try {
        const r = await measure(`kaavan backup to s3rver (part concurrency ${parts})`, ...kaavan('full', path.join(work, `kdata-s3-${parts}`), `http://127.0.0.1:${port}`, String(parts)));
        add(r, { mibPerSec: +(bytes / 1024 / 1024 / r.seconds).toFixed(1) });
      } finally {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  results.loadAfter = readFileSync('/proc/loadavg', 'utf8').trim();
} finally {
  if (!opt.work) rmSync(work, { recursive: true, force: true });
}

const file = saveResults(`backup${opt.sizeMib === 1024 ? '' : `-${opt.sizeMib}mib`}`, results);
const rows = results.runs.map((r) => [r.label, r.seconds.toFixed(2), r.cpuSeconds.toFixed(2), String(r.peakRssMiB), r.storedBytes ? (r.storedBytes / 1024 / 1024).toFixed(0) : '', r.mibPerSec ? String(r.mibPerSec) : '']);
console.log(`\n${opt.sizeMib} MiB, ${opt.smallFiles} small files (load before ${results.loadBefore}, after ${results.loadAfter})\n`);
console.log(table(['operation', 'wall s', 'CPU s (user+sys)', 'peak RSS MiB', 'stored MiB', 'MiB/s'], rows));
console.error(`\nwrote ${path.relative(ROOT, file)}`);
