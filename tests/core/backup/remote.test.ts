// Remote folders on an SSH target: a real sshd on 127.0.0.1 (tests/helpers/sshd.ts), the target's
// tar streamed over SSH into the run, restored byte- and metadata-exact; and the failures a person
// would hit (a missing folder, a target without ssh:).
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackupEngine, type BackupJob } from '../../../src-main/core/backup/index.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';
import { SshHost } from '../../../src-main/core/hosts/ssh-host.js';
import { localHost } from '../../../src-main/core/hosts/local-host.js';
import type { SshConfig } from '../../../src-main/core/hosts/ssh-config.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import { makeClientKey, secretsFrom, sshdUnavailableReason, startSshd, type TestSshd } from '../../helpers/sshd.js';
import { describeTree, diffTrees, makeTrickyTree } from './tree.js';

const skip = sshdUnavailableReason();
const base = mkdtempSync(path.join(tmpdir(), 'kaavan-remote-'));
const src = path.join(base, 'remote tree'); // "on the server": sshd runs on this machine
const secrets = createSecretStore({ backend: null, env: { KAAVAN_SECRET_PW: 'remote backups' } });

describe.skipIf(skip)('remote folders over SSH', () => {
  let sshd: TestSshd;
  let web1: SshHost;
  beforeAll(async () => {
    makeTrickyTree(src);
    const key = makeClientKey();
    sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    web1 = new SshHost({ host: '127.0.0.1', port: sshd.port, user: 'root', keyRef: 'web1-key', hostKey: sshd.hostKeyFingerprint } as SshConfig, {
      secrets: secretsFrom({ 'web1-key': key.privateKey }),
      log: silentLogger,
      targetName: 'web1',
    });
  });
  afterAll(async () => {
    await web1?.close();
    await sshd?.stop();
    rmSync(base, { recursive: true, force: true });
  });
  const engine = () =>
    createBackupEngine({ dataDir: path.join(base, 'data'), secrets, scryptLogN: 12, segmentBytes: 256 * 1024, hostFor: (t) => (t === 'web1' ? web1 : t === 'laptop' ? localHost : undefined) });
  const job = (extra: Partial<BackupJob> = {}): BackupJob => ({
    name: 'web1-files',
    sources: [{ path: src, target: 'web1' }],
    destination: { kind: 'local', path: path.join(base, 'dest') },
    encryption: { passphraseRef: 'pw' },
    ...extra,
  });

  it('backs up a folder of the target and restores it byte- and metadata-exact', async () => {
    const e = engine();
    const r = await e.run(job());
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('succeeded');
    expect(r.files).toBe([...describeTree(src).values()].filter((n) => n.type === 'file').length);
    const to = path.join(base, 'restored');
    const done = await e.restore(job(), r.id, to);
    expect(done.status).toBe('succeeded');
    // stored under kaavan-remote/<target>/<absolute path>
    const back = path.join(to, 'kaavan-remote', 'web1', ...src.split('/').filter(Boolean));
    expect(diffTrees(describeTree(src), describeTree(back))).toEqual([]);
    expect((await e.verify(job(), r.id)).ok).toBe(true);
  });

  it('applies exclude globs to the remote tree', async () => {
    const e = engine();
    const j = job({ name: 'web1-some', sources: [{ path: src, target: 'web1', exclude: ['*.bin', 'private dir'] }] });
    const r = await e.run(j);
    expect(r.status).toBe('succeeded');
    const to = path.join(base, 'restored-some');
    await e.restore(j, r.id, to);
    const expected = new Map([...describeTree(src)].filter(([k]) => !k.endsWith('.bin') && !k.startsWith('private dir')));
    const got = describeTree(path.join(to, 'kaavan-remote', 'web1', ...src.split('/').filter(Boolean)));
    expect(diffTrees(expected, got)).toEqual([]);
  });

  it('stores hard links as files and skips a FIFO with a warning', async () => {
    const odd = path.join(base, 'odd tree');
    mkdirSync(odd);
    writeFileSync(path.join(odd, 'original'), 'shared bytes\n');
    linkSync(path.join(odd, 'original'), path.join(odd, 'hard link'));
    execFileSync('mkfifo', [path.join(odd, 'a pipe')]);
    const e = engine();
    const j = job({ name: 'web1-odd', sources: [{ path: odd, target: 'web1' }] });
    const r = await e.run(j);
    expect(r.status).toBe('succeeded');
    expect(r.warnings).toEqual([expect.stringMatching(/a pipe: skipped \(not a file, folder or symlink\)$/)]);
    const to = path.join(base, 'restored-odd');
    await e.restore(j, r.id, to);
    const back = path.join(to, 'kaavan-remote', 'web1', ...odd.split('/').filter(Boolean));
    expect(readdirSync(back).sort()).toEqual(['hard link', 'original']);
    expect(readFileSync(path.join(back, 'hard link'), 'utf8')).toBe('shared bytes\n');
  });

  it('a folder missing on the target fails the run naming it, the target and tar’s reason; nothing is kept', async () => {
    const missing = path.join(base, 'not there');
    const r = await engine().run(job({ name: 'web1-missing', sources: [{ path: missing, target: 'web1' }], destination: { kind: 'local', path: path.join(base, 'dest-missing') } }));
    expect(r.status).toBe('failed');
    expect(r.error).toContain(`cannot read ${missing} on target "web1" (root@127.0.0.1:${sshd.port})`);
    expect(r.error).toContain('No such file or directory');
    expect(await engine().list(job({ destination: { kind: 'local', path: path.join(base, 'dest-missing') } }))).toEqual([]);
  });

  it('a target without ssh: or not configured is a config error in words', async () => {
    const e = engine();
    const r1 = await e.run(job({ name: 'no-ssh', sources: [{ path: '/srv', target: 'laptop' }] }));
    expect(r1.error).toBe('job "no-ssh": target "laptop" has no ssh: section, so its sources cannot be read');
    const r2 = await e.run(job({ name: 'no-target', sources: [{ path: '/srv', target: 'db9' }] }));
    expect(r2.error).toBe('job "no-target": target "db9" is not in the configuration, so its sources cannot be read');
  });
});
