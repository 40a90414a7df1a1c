// A PostgreSQL source: pg_dump streamed into the run, restored with pg_restore into a new database
// and compared row for row (DESIGN §5 recipe: a throwaway cluster on 127.0.0.1).
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackupEngine, type BackupJob } from '../../../src-main/core/backup/index.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';
import { SshHost } from '../../../src-main/core/hosts/ssh-host.js';
import type { SshConfig } from '../../../src-main/core/hosts/ssh-config.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import { makeClientKey, secretsFrom, sshdUnavailableReason, startSshd, type TestSshd } from '../../helpers/sshd.js';

const BIN = '/usr/lib/postgresql/15/bin';
const base = mkdtempSync(path.join(tmpdir(), 'kaavan-pg-'));
const pgdata = path.join(base, 'pgdata');
const PW = 'pg-secret-pw';
let port = 0;

const asPostgres = (cmd: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const psql = (db: string, sql: string) =>
  execFileSync('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', db, '-c', sql], { env: { ...process.env, PGPASSWORD: PW } }).toString().trim();
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

beforeAll(async () => {
  chownSync(base, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  writeFileSync(path.join(base, 'pw'), PW);
  execFileSync('chown', ['postgres:postgres', path.join(base, 'pw')]);
  asPostgres(`${BIN}/initdb`, ['-D', pgdata, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${path.join(base, 'pw')}`]);
  port = await freePort();
  asPostgres(`${BIN}/pg_ctl`, ['-D', pgdata, '-o', `-p ${port} -k ${pgdata} -c listen_addresses=127.0.0.1`, '-l', path.join(pgdata, 'log'), '-w', 'start']);
  psql('postgres', 'CREATE DATABASE app');
  psql('app', "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, payload bytea, at timestamptz DEFAULT '2026-01-01T00:00:00Z')");
  psql('app', "INSERT INTO items (name, payload) SELECT 'item ' || g || ' ☃', decode(md5(g::text) || md5((g * 7)::text), 'hex') FROM generate_series(1, 40000) g");
  psql('app', 'CREATE INDEX items_name ON items (name)');
}, 120_000);

afterAll(() => {
  try {
    asPostgres(`${BIN}/pg_ctl`, ['-D', pgdata, '-m', 'fast', 'stop']);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

const secrets = createSecretStore({ backend: null, env: { KAAVAN_SECRET_PG_PW: PW, KAAVAN_SECRET_BAD_PW: 'nope' } });
const jobFor = (passwordRef: string): BackupJob => ({
  name: 'db',
  sources: [{ kind: 'postgres', name: 'main', host: '127.0.0.1', port, user: 'postgres', database: 'app', passwordRef }],
  destination: { kind: 'local', path: path.join(base, 'dest') },
  encryption: { passphraseRef: 'pg-pw' },
});
const fingerprint = (db: string) => psql(db, "SELECT count(*) || ':' || md5(string_agg(id || '|' || name || '|' || encode(payload, 'hex') || '|' || at, ',' ORDER BY id)) FROM items");

describe('PostgreSQL source', () => {
  it('streams pg_dump into the run in parts; pg_restore of the restored parts gives the same rows', async () => {
    const engine = createBackupEngine({ dataDir: path.join(base, 'data'), secrets, segmentBytes: 512 * 1024, scryptLogN: 12 });
    const job = jobFor('pg-pw');
    const r = await engine.run(job);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('succeeded');
    const to = path.join(base, 'restored');
    await engine.restore(job, r.id, to);
    const dir = path.join(to, 'kaavan-databases', 'main');
    const parts = readdirSync(dir).sort();
    expect(parts.length).toBeGreaterThan(2); // the dump was split, not staged whole
    expect(parts[0]).toBe('app.dump.000001');
    const dump = path.join(base, 'app.dump');
    writeFileSync(dump, Buffer.concat(parts.map((p) => readFileSync(path.join(dir, p)))));
    psql('postgres', 'CREATE DATABASE app_restored');
    execFileSync('pg_restore', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'app_restored', '--no-owner', dump], { env: { ...process.env, PGPASSWORD: PW } });
    expect(fingerprint('app_restored')).toBe(fingerprint('app'));
    expect(fingerprint('app')).toMatch(/^40000:/);
    expect(psql('app_restored', "SELECT indexname FROM pg_indexes WHERE tablename = 'items' ORDER BY 1")).toBe('items_name\nitems_pkey');
  });

  it('a wrong database password fails the run with pg_dump’s reason and leaves nothing behind', async () => {
    const engine = createBackupEngine({ dataDir: path.join(base, 'data2'), secrets, scryptLogN: 12 });
    const job = { ...jobFor('bad-pw'), destination: { kind: 'local' as const, path: path.join(base, 'dest2') } };
    const r = await engine.run(job);
    expect(r.status).toBe('failed');
    expect(r.error).toContain(`pg_dump of database app on 127.0.0.1:${port} failed:`);
    expect(r.error).toContain('password authentication failed for user "postgres"');
    expect(r.error).not.toContain('nope');
    expect(existsSync(path.join(base, 'dest2', 'segments')) ? readdirSync(path.join(base, 'dest2', 'segments')) : []).toEqual([]);
    expect(existsSync(path.join(base, 'dest2', 'manifests'))).toBe(false);
  });
});

describe.skipIf(sshdUnavailableReason())('PostgreSQL source on an SSH target', () => {
  let sshd: TestSshd;
  let db1: SshHost;
  beforeAll(async () => {
    const key = makeClientKey();
    sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    db1 = new SshHost({ host: '127.0.0.1', port: sshd.port, user: 'root', keyRef: 'db1-key', hostKey: sshd.hostKeyFingerprint } as SshConfig, { secrets: secretsFrom({ 'db1-key': key.privateKey }), log: silentLogger, targetName: 'db1' });
  });
  afterAll(async () => {
    await db1?.close();
    await sshd?.stop();
  });

  it('runs pg_dump on the target, streams it over SSH, and the restored dump has the same rows', async () => {
    const engine = createBackupEngine({ dataDir: path.join(base, 'data-ssh'), secrets, segmentBytes: 512 * 1024, scryptLogN: 12, hostFor: (t) => (t === 'db1' ? db1 : undefined) });
    const job: BackupJob = { ...jobFor('pg-pw'), name: 'db-ssh', sources: [{ kind: 'postgres', name: 'main', target: 'db1', host: '127.0.0.1', port, user: 'postgres', database: 'app', passwordRef: 'pg-pw' }], destination: { kind: 'local', path: path.join(base, 'dest-ssh') } };
    const r = await engine.run(job);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('succeeded');
    const to = path.join(base, 'restored-ssh');
    await engine.restore(job, r.id, to);
    const dir = path.join(to, 'kaavan-databases', 'main');
    const parts = readdirSync(dir).sort();
    expect(parts.length).toBeGreaterThan(2);
    const dump = path.join(base, 'app-ssh.dump');
    writeFileSync(dump, Buffer.concat(parts.map((p) => readFileSync(path.join(dir, p)))));
    psql('postgres', 'CREATE DATABASE app_from_ssh');
    execFileSync('pg_restore', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'app_from_ssh', '--no-owner', dump], { env: { ...process.env, PGPASSWORD: PW } });
    expect(fingerprint('app_from_ssh')).toBe(fingerprint('app'));
  });

  it('a wrong password on the target fails with pg_dump’s reason, never the password', async () => {
    const engine = createBackupEngine({ dataDir: path.join(base, 'data-ssh2'), secrets, scryptLogN: 12, hostFor: (t) => (t === 'db1' ? db1 : undefined) });
    const job: BackupJob = { ...jobFor('bad-pw'), name: 'db-ssh-bad', sources: [{ kind: 'postgres', name: 'main', target: 'db1', host: '127.0.0.1', port, user: 'postgres', database: 'app', passwordRef: 'bad-pw' }], destination: { kind: 'local', path: path.join(base, 'dest-ssh2') } };
    const r = await engine.run(job);
    expect(r.status).toBe('failed');
    expect(r.error).toContain(`pg_dump of database app on target "db1", 127.0.0.1:${port} failed:`);
    expect(r.error).toContain('password authentication failed for user "postgres"');
    expect(r.error).not.toContain('nope');
  });
});
