// Remote folders: which way of reading a tree on an SSH target is faster — one `tar` streamed over
// an SSH exec channel, or a walk over SFTP (readdir + lstat + read of every file, 8 files at once)?
// Both through ssh2 (what Kaavan uses) to a real sshd on 127.0.0.1, beside OpenSSH's own client
// running the same tar, then Kaavan's whole remote backup (tar over SSH → encrypted segments).
// Nothing asserts on timings. Needs root (sshd). Results: bench/results/backup-remote.json.
//
//   node bench/backup-remote.mjs [--size-mib 256] [--small-files 2500]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { register } from 'tsx/esm/api';
import ssh2 from 'ssh2';
import { args, saveResults } from './lib/machine.mjs';
import { table } from './lib/stats.mjs';
import { makeTree } from './backup-tree.mjs';

register();
const { makeClientKey, startSshd } = await import('../tests/helpers/sshd.ts');
const { SshHost } = await import('../src-main/core/hosts/ssh-host.ts');
const { createBackupEngine } = await import('../src-main/core/backup/index.ts');
const { createSecretStore } = await import('../src-main/core/secrets/secrets.ts');
const { silentLogger } = await import('../src-main/core/log/logger.ts');

const opt = args({ sizeMib: 256, smallFiles: 2500 });
const work = mkdtempSync(path.join(tmpdir(), 'kaavan-bench-remote-'));
const tree = path.join(work, 'tree');
const bytes = makeTree(tree, opt.sizeMib, opt.smallFiles);
execFileSync('bash', ['-c', `cat $(find ${tree} -type f) > /dev/null`]); // warm cache for all
const key = makeClientKey();
const sshd = await startSshd({ authorizedKeys: [key.publicKey] });
const keyFile = path.join(work, 'id');
writeFileSync(keyFile, key.privateKey, { mode: 0o600 });

const connect = () =>
  new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    c.on('ready', () => resolve(c)).on('error', reject);
    c.connect({ host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: key.privateKey });
  });
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
async function timed(label, fn) {
  const t0 = performance.now();
  const c0 = cpu();
  const got = await fn();
  const r = { label, seconds: +((performance.now() - t0) / 1000).toFixed(2), nodeCpuSeconds: +(cpu() - c0).toFixed(2), ...got };
  r.mibPerSec = +(bytes / 1024 / 1024 / r.seconds).toFixed(1);
  console.error(`  ${label}: ${r.seconds} s, ${r.mibPerSec} MiB/s`);
  return r;
}

function tarOverExec(client) {
  return new Promise((resolve, reject) => {
    client.exec(`cd / && exec tar --format=pax -cf - -- '${tree.slice(1)}'`, (err, stream) => {
      if (err) return reject(err);
      let n = 0;
      stream.on('data', (d) => (n += d.length));
      stream.on('close', () => resolve({ streamedBytes: n }));
    });
  });
}

function sftpWalk(client) {
  return new Promise((resolve, reject) => {
    client.sftp(async (err, sftp) => {
      if (err) return reject(err);
      const p = (fn, ...a) => new Promise((res, rej) => fn.call(sftp, ...a, (e, v) => (e ? rej(e) : res(v))));
      const files = [];
      const walk = async (dir) => {
        for (const ent of await p(sftp.readdir, dir)) {
          const full = `${dir}/${ent.filename}`;
          const st = await p(sftp.lstat, full); // what a backup needs: exact metadata of each entry
          if (st.isDirectory()) await walk(full);
          else if (st.isFile()) files.push([full, st.size]);
        }
      };
      try {
        await walk(tree);
        let n = 0;
        let next = 0;
        const readOne = async ([file, size]) => {
          const h = await p(sftp.open, file, 'r');
          const buf = Buffer.allocUnsafe(256 * 1024);
          for (let pos = 0; pos < size; ) {
            const got = await new Promise((res, rej) => sftp.read(h, buf, 0, Math.min(buf.length, size - pos), pos, (e, k) => (e ? rej(e) : res(k))));
            if (!got) break;
            pos += got;
            n += got;
          }
          await p(sftp.close, h);
        };
        await Promise.all(Array.from({ length: 8 }, async () => {
          while (next < files.length) await readOne(files[next++]);
        }));
        sftp.end();
        resolve({ streamedBytes: n, files: files.length });
      } catch (e) {
        reject(e);
      }
    });
  });
}

const results = { sizeMiB: opt.sizeMib, smallFiles: opt.smallFiles, bytes, loadBefore: readFileSync('/proc/loadavg', 'utf8').trim(), runs: [] };
try {
  console.error(`load average before: ${results.loadBefore}`);
  const sshCmd = ['-i', keyFile, '-p', String(sshd.port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', 'root@127.0.0.1'];
  results.runs.push(await timed('OpenSSH client: ssh … tar -cf - (peer)', async () => {
    execFileSync('bash', ['-c', `ssh ${sshCmd.join(' ')} "cd / && tar --format=pax -cf - -- '${tree.slice(1)}'" > /dev/null`]);
    return {};
  }));
  for (let round = 0; round < 2; round++) {
    const c1 = await connect();
    results.runs.push(await timed(`ssh2: tar over an exec channel (round ${round + 1})`, () => tarOverExec(c1)));
    c1.end();
    const c2 = await connect();
    results.runs.push(await timed(`ssh2: SFTP walk + read, 8 files at once (round ${round + 1})`, () => sftpWalk(c2)));
    c2.end();
  }
  const host = new SshHost({ host: '127.0.0.1', port: sshd.port, user: 'root', keyRef: 'k', hostKey: sshd.hostKeyFingerprint }, { secrets: { get: async () => key.privateKey }, log: silentLogger, targetName: 'web1' });
  const secrets = createSecretStore({ backend: null, env: { KAAVAN_SECRET_PW: 'bench' } });
  const engine = createBackupEngine({ dataDir: path.join(work, 'data'), secrets, hostFor: () => host });
  results.runs.push(await timed('Kaavan: remote folder backup (tar over SSH, encrypted, to a local folder)', async () => {
    const r = await engine.run({ name: 'remote', sources: [{ path: tree, target: 'web1' }], destination: { kind: 'local', path: path.join(work, 'dest') }, encryption: { passphraseRef: 'pw' } });
    if (r.status !== 'succeeded') throw new Error(r.error);
    return { storedBytes: r.storedBytes };
  }));
  await host.close();
  results.loadAfter = readFileSync('/proc/loadavg', 'utf8').trim();
} finally {
  await sshd.stop();
  rmSync(work, { recursive: true, force: true });
}
const file = saveResults('backup-remote', results);
console.log(`\n${opt.sizeMib} MiB, ${opt.smallFiles} small files (load before ${results.loadBefore}, after ${results.loadAfter})\n`);
console.log(table(['operation', 'wall s', 'MiB/s', 'this process CPU s'], results.runs.map((r) => [r.label, r.seconds.toFixed(2), String(r.mibPerSec), String(r.nodeCpuSeconds)])));
console.error(`wrote ${file}`);
