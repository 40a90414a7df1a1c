// Remote folder sources through the app: a real runtime (createKaavan) whose target `web1` has an
// ssh: connection to a real sshd on 127.0.0.1 (trusted host key, key login from a secret), a job
// backing up a folder on that target through the service, the run restored from the destination and
// compared byte- and metadata-exact; a database dumped by pg_dump on the target (a real PostgreSQL)
// restores with pg_restore to the same rows; a target whose pinned host key is not the server's is
// refused; and the configuration refuses sources naming a missing target or one without ssh:.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKaavan, type KaavanRuntime } from '../../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import type { BackupRunView, KaavanEvent } from '../../../src-main/core/api/service.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import { createBackupEngine, type BackupJob } from '../../../src-main/core/backup/index.js';
import { validateConfig } from '../../../src-main/core/config/validate.js';
import { validateBackupJobInput } from '../../../src-main/core/backup/job-config.js';
import { memorySecrets, waitFor } from '../../helpers/core-harness.js';
import { makeClientKey, sshdUnavailableReason, startSshd, stopAllSshd, type TestSshd } from '../../helpers/sshd.js';
import { postgresUnavailableReason, startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { describeTree, diffTrees } from './tree.js';

const unavailable = sshdUnavailableReason();

/** A small tree with the awkward bits: unicode and spaces, an empty file and folder, links, modes, times. */
function smallTree(root: string): void {
  const f = (rel: string, data: string | Buffer, mode = 0o644) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), data);
    chmodSync(join(root, rel), mode);
  };
  f('index.html', '<h1>web1</h1>\n');
  f('ünïcode dir/file with spaces.txt', 'spaces\n');
  f('empty.txt', '');
  f('bin/deploy.sh', '#!/bin/sh\necho deploy\n', 0o755);
  f('keys/private.pem', 'not really a key\n', 0o600);
  f('data/blob.bin', Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 131) % 251)));
  mkdirSync(join(root, 'empty dir'));
  symlinkSync('index.html', join(root, 'link-to-index'));
  symlinkSync('nowhere', join(root, 'dangling link'));
  for (const rel of ['index.html', 'data/blob.bin', 'ünïcode dir/file with spaces.txt']) utimesSync(join(root, rel), 1_650_000_000.25, 1_650_000_000.25);
}

describe.skipIf(unavailable)('sources on an SSH target through the backup service', () => {
  let dir: string;
  let source: string;
  let sshd: TestSshd;
  let runtime: KaavanRuntime;
  let pg: TestPostgres | undefined;
  const events: KaavanEvent[] = [];
  const secrets: Record<string, string> = { 'web1-backup': 'correct horse battery staple' };
  const psql = (db: string, sql: string) =>
    execFileSync('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(pg!.port), '-U', 'postgres', '-d', db, '-c', sql], { env: { ...process.env, PGPASSWORD: pg!.password }, encoding: 'utf8' }).trim();
  const job = (name: string, target: string): BackupJob => ({
    name,
    sources: [{ path: source, target }],
    destination: { kind: 'local', path: join(dir, 'backup-disk', name) },
    encryption: { passphraseRef: 'web1-backup' },
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kaavan-bsvc-remote-'));
    source = join(dir, 'srv www'); // "on web1": the sshd runs on this machine
    smallTree(source);
    const key = makeClientKey();
    secrets['web1-key'] = key.privateKey;
    sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    if (!postgresUnavailableReason()) {
      pg = await startPostgres();
      pg.sql('CREATE DATABASE shop');
      psql('shop', "CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL); INSERT INTO orders (item) SELECT 'order ' || g || ' ☃' FROM generate_series(1, 500) g");
      secrets['pg-pass'] = pg.password;
    }
    const ssh = (hostKey: string) => JSON.stringify({ host: '127.0.0.1', port: sshd.port, user: 'root', keyRef: 'web1-key', hostKey });
    const configFile = join(dir, 'kaavan.yaml');
    writeFileSync(
      configFile,
      `version: 1
targets:
  - name: web1
    ssh: ${ssh(sshd.hostKeyFingerprint)}
  # the same server, pinned to a key it does not offer (an impersonated or reinstalled server)
  - name: web2
    ssh: ${ssh(`SHA256:${'A'.repeat(43)}`)}
backups:
  - ${JSON.stringify(job('web1-www', 'web1'))}
  - ${JSON.stringify(job('web2-www', 'web2'))}
${pg ? `  - ${JSON.stringify({ ...job('web1-db', 'web1'), sources: [{ kind: 'postgres', name: 'shop', database: 'shop', target: 'web1', host: '127.0.0.1', port: pg.port, user: 'postgres', passwordRef: 'pg-pass' }] })}\n` : ''}`,
    );
    runtime = await createKaavan({ configStore: new FileConfigStore(configFile), dataDir: join(dir, 'data'), mode: 'headless', logger: silentLogger, secrets: memorySecrets(secrets) });
    runtime.service.subscribe((e) => events.push(e));
    await runtime.start();
  });

  afterAll(async () => {
    await runtime?.stop();
    await stopAllSshd();
    pg?.stop();
    pg?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const finished = (runId: string) =>
    waitFor(() => events.find((e): e is Extract<KaavanEvent, { type: 'backup.finished' }> => e.type === 'backup.finished' && e.run.id === runId)?.run ?? null, 60_000) as Promise<BackupRunView>;

  it('backs up a folder on the target through its SSH connection, and the run restores byte for byte', { timeout: 90_000 }, async () => {
    const { runId } = await runtime.service.runBackup({ job: 'web1-www' });
    const run = await finished(runId);
    expect(run.error).toBeNull();
    expect(run.state).toBe('succeeded');
    expect(run.files).toBe(6);
    const jobs = await runtime.service.listBackupJobs();
    expect(jobs.find((j) => j.name === 'web1-www')).toMatchObject({ sources: [`web1:${source}`], lastSuccess: { id: runId } });
    expect((await runtime.service.verifyBackupRun({ job: 'web1-www', runId })).ok).toBe(true);

    // A fresh engine with only the destination and the passphrase, as on a new laptop.
    const to = join(dir, 'restored');
    const engine = createBackupEngine({ dataDir: join(dir, 'restore-data'), secrets: memorySecrets({ ...secrets }) });
    const restored = await engine.restore(job('web1-www', 'web1'), runId, to);
    expect(restored.failed).toBe(0);
    const back = join(to, 'kaavan-remote', 'web1', ...source.split('/').filter(Boolean));
    expect(diffTrees(describeTree(source), describeTree(back))).toEqual([]);
  });

  it.skipIf(postgresUnavailableReason())('dumps a database with pg_dump on the target, and the dump restores to the same rows', { timeout: 90_000 }, async () => {
    const { runId } = await runtime.service.runBackup({ job: 'web1-db' });
    const run = await finished(runId);
    expect(run.error).toBeNull();
    expect(run.state).toBe('succeeded');
    const jobs = await runtime.service.listBackupJobs();
    expect(jobs.find((j) => j.name === 'web1-db')?.sources).toEqual(['postgres shop on 127.0.0.1 via web1']);

    const to = join(dir, 'restored-db');
    const configured = { ...job('web1-db', 'web1'), sources: [{ kind: 'postgres' as const, name: 'shop', database: 'shop', target: 'web1' }] };
    await createBackupEngine({ dataDir: join(dir, 'restore-data'), secrets: memorySecrets({ ...secrets }) }).restore(configured, runId, to);
    const parts = join(to, 'kaavan-databases', 'shop');
    const dump = join(dir, 'shop.dump');
    writeFileSync(dump, Buffer.concat(readdirSync(parts).sort().map((p) => readFileSync(join(parts, p)))));
    pg!.sql('CREATE DATABASE shop_restored');
    execFileSync('pg_restore', ['-h', '127.0.0.1', '-p', String(pg!.port), '-U', 'postgres', '-d', 'shop_restored', '--no-owner', dump], { env: { ...process.env, PGPASSWORD: pg!.password } });
    const rows = (db: string) => psql(db, "SELECT count(*) || ' ' || md5(string_agg(id || item, ',' ORDER BY id)) FROM orders");
    expect(rows('shop_restored')).toBe(rows('shop'));
    expect(rows('shop')).toMatch(/^500 [0-9a-f]{32}$/);
  });

  it('honours the target\'s pinned host key: a server offering another key is refused and nothing is stored', { timeout: 60_000 }, async () => {
    const { runId } = await runtime.service.runBackup({ job: 'web2-www' });
    const run = await finished(runId);
    expect(run.state).toBe('failed');
    expect(run.error).toMatch(/host key of .* changed: pinned SHA256:A{43}/);
    const jobs = await runtime.service.listBackupJobs();
    expect(jobs.find((j) => j.name === 'web2-www')?.lastSuccess).toBeNull();
  });
});

describe('remote sources in the configuration', () => {
  const targets = [
    { name: 'web1', ssh: { host: 'web1.example.com', user: 'ops', keyRef: 'web1-key' } },
    { name: 'db1', checks: [] },
  ];
  const doc = (target: string) => ({
    version: 1,
    targets,
    backups: [
      { name: 'laptop', sources: [{ path: '/home/me' }], destination: { kind: 'local', path: '/mnt/backup' } },
      {
        name: 'servers',
        sources: [
          { path: '/srv/www', target: 'web1' },
          { kind: 'postgres', name: 'main', database: 'app', target },
        ],
        destination: { kind: 'local', path: '/mnt/backup' },
      },
    ],
  });
  const issuesOf = (raw: unknown) => {
    const r = validateConfig(raw);
    return r.ok ? [] : r.issues;
  };

  it('accepts sources on a target with ssh:', () => {
    expect(issuesOf(doc('web1'))).toEqual([]);
  });

  it('names a missing target and the nearest one with ssh:', () => {
    expect(issuesOf(doc('web9'))).toEqual([{ path: 'backups.1.sources.1.target', message: 'no target named "web9"; did you mean "web1"?' }]);
    expect(issuesOf(doc('mailserver'))).toEqual([{ path: 'backups.1.sources.1.target', message: 'no target named "mailserver"; targets with an ssh: connection: web1' }]);
  });

  it('refuses a target without an ssh: connection', () => {
    expect(issuesOf(doc('db1'))).toEqual([{ path: 'backups.1.sources.1.target', message: 'target "db1" has no ssh: connection; remote sources need one' }]);
  });

  it('gives the job form the same messages, with paths inside the job', () => {
    const servers = doc('web9').backups[1];
    expect(validateBackupJobInput(servers, [], targets).issues).toEqual([{ path: 'sources.1.target', message: 'no target named "web9"; did you mean "web1"?' }]);
    expect(validateBackupJobInput({ ...servers, sources: [{ path: '/srv', target: 'DB1' }] }, [], targets).issues).toEqual([
      { path: 'sources.0.target', message: 'target "db1" has no ssh: connection; remote sources need one' },
    ]);
  });
});
