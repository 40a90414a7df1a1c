// Round trips through a real S3 server (s3rver on 127.0.0.1), and the server stopping mid-upload.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import S3rver from 's3rver';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createBackupEngine, type BackupJob } from '../../../src-main/core/backup/index.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';
import { describeTree, diffTrees, makeTrickyTree } from './tree.js';

const base = mkdtempSync(path.join(tmpdir(), 'kaavan-s3-'));
const secrets = createSecretStore({ backend: null, env: { KAAVAN_SECRET_S3_KEY: 'S3RVER', KAAVAN_SECRET_S3_SECRET: 'S3RVER', KAAVAN_SECRET_PW: 'pw' } });

interface Running {
  server: S3rver;
  port: number;
  uploadParts: number;
}

async function startS3(directory: string, port = 0, onPart?: (r: Running) => void): Promise<Running> {
  const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true, configureBuckets: [{ name: 'backups', configs: [] }] });
  const running: Running = { server, port: 0, uploadParts: 0 };
  // Counts multipart parts as the server receives them, so a test can stop it in the middle
  // (first in s3rver's Koa middleware chain: its router does not call the next one).
  type Mw = (ctx: { method: string; query: Record<string, string> }, next: () => Promise<void>) => Promise<void>;
  (server as unknown as { middleware: Mw[] }).middleware.unshift(async (ctx, next) => {
    if (ctx.method === 'PUT' && ctx.query.partNumber) {
      running.uploadParts++;
      onPart?.(running);
    }
    await next();
  });
  const addr = (await server.run()) as AddressInfo;
  running.port = addr.port;
  return running;
}

async function stopS3(r: Running): Promise<void> {
  const http = (r.server as unknown as { httpServer: import('node:http').Server }).httpServer;
  const closed = r.server.close();
  http.closeAllConnections();
  await closed;
}

const jobFor = (port: number, name: string, src: string, encrypted: boolean): BackupJob => ({
  name,
  sources: [{ path: src }],
  destination: { kind: 's3', bucket: 'backups', prefix: 'team/laptop', region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, accessKeyRef: 's3-key', secretKeyRef: 's3-secret', partConcurrency: 2 },
  ...(encrypted ? { encryption: { passphraseRef: 'pw' } } : {}),
});

async function keys(port: number, prefix: string): Promise<string[]> {
  const c = new S3Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const out = await c.send(new ListObjectsV2Command({ Bucket: 'backups', Prefix: prefix }));
  c.destroy();
  return (out.Contents ?? []).map((o) => o.Key!);
}

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('S3 destination (s3rver)', () => {
  const src = path.join(base, 'tree');
  let s3: Running;
  beforeAll(async () => {
    makeTrickyTree(src);
    s3 = await startS3(path.join(base, 's3-data'));
  });
  afterAll(async () => {
    await stopS3(s3);
  });

  it('backs up the tricky tree encrypted and restores it exactly, from a fresh data folder too', async () => {
    const engine = createBackupEngine({ dataDir: path.join(base, 'data'), secrets, scryptLogN: 12, segmentBytes: 1024 * 1024 });
    const job = jobFor(s3.port, 's3-docs', src, true);
    const r = await engine.run(job);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('succeeded');
    const stored = await keys(s3.port, 'team/laptop/');
    expect(stored).toContain('team/laptop/kaavan-backup.json');
    expect(stored).toContain('team/laptop/keys/identity.age');
    expect(stored).toContain(`team/laptop/manifests/${r.id}.json.zst.age`);
    expect(stored.some((k) => k.startsWith(`team/laptop/segments/${r.id}/`))).toBe(true);

    const fresh = createBackupEngine({ dataDir: path.join(base, 'fresh'), secrets });
    expect((await fresh.list(job)).map((x) => x.id)).toEqual([r.id]);
    const to = path.join(base, 'restored');
    await fresh.restore(job, r.id, to);
    expect(diffTrees(describeTree(src), describeTree(path.join(to, ...src.split('/').filter(Boolean))))).toEqual([]);
    expect((await fresh.verify(job, r.id)).ok).toBe(true);
  });
});

describe('the S3 server stops in the middle of a multipart upload', () => {
  it('fails the run, leaves no restorable run, and the next start removes what was uploaded', async () => {
    const src = path.join(base, 'big');
    mkdirSync(src);
    for (let i = 0; i < 6; i++) writeFileSync(path.join(src, `small-${i}`), randomBytes(300 * 1024));
    writeFileSync(path.join(src, 'zz-large.bin'), randomBytes(40 * 1024 * 1024)); // multipart: 5 parts of 8 MiB
    const dir = path.join(base, 's3-stop');
    let stopping: Promise<void> | null = null;
    const s3 = await startS3(dir, 0, (r) => {
      if (r.uploadParts === 2 && !stopping) stopping = stopS3(r);
    });
    const dataDir = path.join(base, 'data-stop');
    const engine = createBackupEngine({ dataDir, secrets, segmentBytes: 512 * 1024, concurrency: 1 });
    const job = jobFor(s3.port, 'stop', src, false);
    const r = await engine.run(job);
    await stopping;
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/uploading segments\/.+ in s3:\/\/backups\/team\/laptop failed/);
    expect(r.transitions.map((t) => t.to)).not.toContain('verifying');
    const [rec] = await engine.history('stop');
    expect(rec!.cleanupPending).toBe(true); // the server was gone, so the cleanup is still owed

    // the server comes back on the same port with the same data
    const again = await startS3(dir, s3.port);
    try {
      const before = await keys(again.port, 'team/laptop/segments/');
      expect(before.length).toBeGreaterThan(0); // small segments made it before the stop
      expect(await keys(again.port, 'team/laptop/manifests/')).toEqual([]);
      const next = createBackupEngine({ dataDir, secrets });
      await next.recover();
      expect(await keys(again.port, 'team/laptop/segments/')).toEqual([]);
      expect((await next.history('stop'))[0]!.cleanupPending).toBe(false);
      expect(await next.list(job)).toEqual([]);
    } finally {
      await stopS3(again);
    }
  });
});
