// Segments are built in worker threads; when none can start the same code runs on the main thread.
// Both must write the same bytes and restore the same tree.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBackupEngine, type BackupJob } from '../../../src-main/core/backup/index.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';
import { LocalDestination } from '../../../src-main/core/backup/local-destination.js';
import { Repository } from '../../../src-main/core/backup/repository.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import { describeTree, diffTrees, makeTrickyTree } from './tree.js';

const base = mkdtempSync(path.join(tmpdir(), 'kaavan-workers-'));
const src = path.join(base, 'tree');
const secrets = createSecretStore({ backend: null, env: {} });
beforeAll(() => makeTrickyTree(src));
afterAll(() => rmSync(base, { recursive: true, force: true }));

it('worker threads and the main thread write identical segments, and both restore the tree exactly', async () => {
  const segmentsOf = async (dest: string, runId: string) => {
    const repo = await Repository.open(new LocalDestination(dest), { passphrase: null, create: false, now: Date.now, scryptLogN: 12 });
    // in the order they landed (which varies); their bytes must not
    return (await repo.readManifest(runId)).segments.map((s) => [s.sha256, s.storedSize, s.frames.join(',')].join(' ')).sort();
  };
  const results: string[][] = [];
  for (const workers of [2, 0]) {
    const dest = path.join(base, `dest-${workers}`);
    const job: BackupJob = { name: `w${workers}`, sources: [{ path: src }], destination: { kind: 'local', path: dest } };
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (m: string, f?: Record<string, unknown>) => warnings.push(`${m} ${JSON.stringify(f)}`) };
    const engine = createBackupEngine({ dataDir: path.join(base, `data-${workers}`), secrets, segmentBytes: 64 * 1024, workers, logger });
    const r = await engine.run(job);
    expect(r.status).toBe('succeeded');
    expect(warnings).toEqual([]); // in particular not "worker threads could not start"
    results.push(await segmentsOf(dest, r.id));
    const to = path.join(base, `restored-${workers}`);
    await engine.restore(job, r.id, to);
    expect(diffTrees(describeTree(src), describeTree(path.join(to, ...src.split('/').filter(Boolean))))).toEqual([]);
  }
  expect(results[0]!.length).toBeGreaterThan(3); // several segments, built in parallel
  expect(results[0]).toEqual(results[1]);
});
