// forget + prune against a real destination with a controllable clock: a kept run keeps every
// segment it needs, even those written by runs that were forgotten.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createBackupEngine, type BackupJob } from '../../../src-main/core/backup/index.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';
import { describeTree, diffTrees } from './tree.js';

const base = mkdtempSync(path.join(tmpdir(), 'kaavan-retention-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

it('forget keeps what the policy says; prune removes only segments no kept run references', async () => {
  const src = path.join(base, 'src');
  mkdirSync(src);
  for (let i = 0; i < 20; i++) writeFileSync(path.join(src, `stable-${i}`), `stable ${i}\n`.repeat(1000));
  const dest = path.join(base, 'dest');
  let clock = Date.UTC(2026, 2, 2, 2); // 02:00 UTC, 2 March 2026
  const engine = createBackupEngine({ dataDir: path.join(base, 'data'), secrets: createSecretStore({ backend: null, env: { KAAVAN_SECRET_PW: 'pw' } }), now: () => clock, scryptLogN: 12, segmentBytes: 64 * 1024 });
  const job: BackupJob = { name: 'daily', type: 'incremental', sources: [{ path: src }], destination: { kind: 'local', path: dest }, encryption: { passphraseRef: 'pw' }, retention: { keepLast: 1, keepDaily: 2 } };
  const ids: string[] = [];
  for (let day = 0; day < 4; day++) {
    writeFileSync(path.join(src, 'changing'), `day ${day}\n`.repeat(5000));
    const r = await engine.run(job);
    expect(r.status).toBe('succeeded');
    ids.push(r.id);
    clock += 86_400_000;
  }
  const segsBefore = listing(path.join(dest, 'segments'));
  expect(segsBefore).toEqual([...ids].sort());

  const dry = await engine.forget(job, { dryRun: true, timeZone: 'utc' });
  expect(dry.decision.keep.map((k) => k.id)).toEqual([ids[3], ids[2]]);
  expect(dry.decision.remove).toEqual([ids[1], ids[0]]);
  // run 0's segments hold the stable files the kept runs still use; run 1's only hold what changed since
  expect(dry.prunedSegments.every((k) => k.startsWith(`segments/${ids[1]}/`))).toBe(true);
  expect(dry.prunedSegments.length).toBeGreaterThan(0);
  expect(listing(path.join(dest, 'segments'))).toEqual(segsBefore); // dry run changed nothing
  expect((await engine.list(job)).map((r) => r.id)).toEqual(ids);

  const done = await engine.forget(job, { timeZone: 'utc' });
  expect(done.prunedSegments).toEqual(dry.prunedSegments);
  expect((await engine.list(job)).map((r) => r.id)).toEqual([ids[2], ids[3]]);
  expect(listing(path.join(dest, 'segments'))).toEqual([ids[0], ids[2], ids[3]].sort());
  const to = path.join(base, 'restored');
  await engine.restore(job, ids[3]!, to);
  expect(diffTrees(describeTree(src), describeTree(path.join(to, ...src.split('/').filter(Boolean))))).toEqual([]);
  expect((await engine.verify(job, ids[2]!)).ok).toBe(true);
});
