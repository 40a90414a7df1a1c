// How Kaavan's backups scale: peak RSS of a full encrypted backup as the source grows (256 MiB,
// 1 GiB, 4 GiB), and S3 (s3rver on 127.0.0.1) throughput as multipart part concurrency goes 1, 2,
// 4, 8. Each Kaavan operation runs bundled in its own process (`node bench/backup.mjs --child …`)
// under /usr/bin/time. Nothing asserts on timings. Results: bench/results/backup-scale.json.
//
//   node bench/backup-scale.mjs [--sizes 256,1024,4096] [--s3-mib 256] [--parts 1,2,4,8]
//
// Cheap data: every size has the same 2,500 small files and 256 MiB of random bytes; the rest are
// sparse 64 MiB files (zeros, no disk blocks), so 4 GiB of source costs ~0.3 GiB of disk.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { args, saveResults } from './lib/machine.mjs';
import { table } from './lib/stats.mjs';
import { makeTree } from './backup-tree.mjs';
import { buildBundle } from './backup-bundle.mjs';

const opt = args({ sizes: '256,1024,4096', s3Mib: 256, parts: '1,2,4,8' });
process.env.KAAVAN_BENCH_PASSWORD ??= randomBytes(16).toString('hex');
await buildBundle();
const work = mkdtempSync(path.join(tmpdir(), 'kaavan-bench-scale-'));
const backupMjs = fileURLToPath(new URL('./backup.mjs', import.meta.url));

function measure(label, argv) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '@@TIME %e %M %U %S', process.execPath, backupMjs, '--child', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      const m = /@@TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      if (code !== 0 || !m) return reject(new Error(`${label} failed (exit ${code}): ${stderr.slice(-2000)}`));
      const out = JSON.parse(stdout.trim().split('\n').at(-1));
      const r = { label, seconds: Number(m[1]), cpuSeconds: +(Number(m[3]) + Number(m[4])).toFixed(2), peakRssMiB: Math.round(Number(m[2]) / 1024), storedBytes: out.storedBytes };
      console.error(`  ${label}: ${r.seconds} s (CPU ${r.cpuSeconds} s), ${r.peakRssMiB} MiB RSS`);
      resolve(r);
    });
  });
}

/** The cheap tree: small files and 256 MiB of random data (made once), then sparse files up to `mib`. */
function cheapTree(dir, mib) {
  let made = makeTree(dir, 256, 2500);
  const sparse = path.join(dir, 'sparse');
  mkdirSync(sparse, { recursive: true });
  for (let i = 0; made < mib * 1024 * 1024; i++) {
    const size = Math.min(64 * 1024 * 1024, mib * 1024 * 1024 - made);
    const fd = openSync(path.join(sparse, `zeros${i}`), 'w');
    ftruncateSync(fd, size);
    closeSync(fd);
    made += size;
  }
  return made;
}

const results = { loadBefore: readFileSync('/proc/loadavg', 'utf8').trim(), rss: [], s3: [] };
console.error(`load average before: ${results.loadBefore}`);
try {
  for (const mib of opt.sizes.split(',').map(Number)) {
    const tree = path.join(work, `tree-${mib}`);
    const bytes = cheapTree(tree, mib);
    const dest = path.join(work, `dest-${mib}`);
    const r = await measure(`full backup, ${mib} MiB of source`, ['full', path.join(work, `data-${mib}`), tree, dest]);
    results.rss.push({ sourceMiB: mib, bytes, ...r });
    rmSync(tree, { recursive: true, force: true });
    rmSync(dest, { recursive: true, force: true });
  }
  const S3rver = (await import('s3rver')).default;
  const tree = path.join(work, 's3-tree');
  const bytes = makeTree(tree, opt.s3Mib, Math.round((opt.s3Mib / 1024) * 10000));
  for (const parts of opt.parts.split(',').map(Number)) {
    const dir = path.join(work, `s3-${parts}`);
    const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true, configureBuckets: [{ name: 'bench', configs: [] }] });
    const { port } = await server.run();
    try {
      const r = await measure(`full backup to s3rver, part concurrency ${parts}`, ['full', path.join(work, `data-s3-${parts}`), tree, `http://127.0.0.1:${port}`, String(parts)]);
      results.s3.push({ parts, bytes, mibPerSec: +(bytes / 1024 / 1024 / r.seconds).toFixed(1), ...r });
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  results.loadAfter = readFileSync('/proc/loadavg', 'utf8').trim();
} finally {
  rmSync(work, { recursive: true, force: true });
}
const file = saveResults('backup-scale', results);
console.log(`\nload before ${results.loadBefore}, after ${results.loadAfter}\n`);
console.log(table(['source', 'wall s', 'CPU s', 'peak RSS MiB'], results.rss.map((r) => [`${r.sourceMiB} MiB`, r.seconds.toFixed(2), r.cpuSeconds.toFixed(2), String(r.peakRssMiB)])));
console.log('');
console.log(table(['S3 part concurrency', 'wall s', 'MiB/s', 'CPU s', 'peak RSS MiB'], results.s3.map((r) => [String(r.parts), r.seconds.toFixed(2), String(r.mibPerSec), r.cpuSeconds.toFixed(2), String(r.peakRssMiB)])));
console.error(`wrote ${file}`);
