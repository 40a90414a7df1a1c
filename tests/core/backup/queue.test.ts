// One run per job, and a global limit: extra runs wait in "queued" and can be cancelled there.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createBackupEngine, type BackupJob } from '../../../src-main/core/backup/index.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';

const base = mkdtempSync(path.join(tmpdir(), 'kaavan-queue-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const src = path.join(base, 'src');
mkdirSync(src);
for (let i = 0; i < 20; i++) writeFileSync(path.join(src, `f${i}`), `file ${i}\n`);
const job = (name: string): BackupJob => ({ name, sources: [{ path: src }], destination: { kind: 'local', path: path.join(base, 'dest') } });

it('with maxRuns 1 two jobs never run at once; the same job twice is refused', async () => {
  const engine = createBackupEngine({ dataDir: path.join(base, 'data'), secrets: createSecretStore({ backend: null, env: {} }), maxRuns: 1 });
  const first = engine.run(job('a'));
  const second = engine.run(job('b'));
  await expect(engine.run(job('a'))).rejects.toThrow('job "a" is already running');
  const [a, b] = await Promise.all([first, second]);
  expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
  // whichever got the slot first, the other only started scanning once it had finished
  const [firstDone, later] = a.transitions.at(-1)!.at <= b.transitions.at(-1)!.at ? [a, b] : [b, a];
  expect(later.transitions.find((t) => t.to === 'scanning')!.at).toBeGreaterThanOrEqual(firstDone.transitions.at(-1)!.at);
});

it('a run cancelled while queued ends cancelled without scanning', async () => {
  const engine = createBackupEngine({ dataDir: path.join(base, 'data2'), secrets: createSecretStore({ backend: null, env: {} }), maxRuns: 1 });
  const first = engine.run(job('c'));
  const ac = new AbortController();
  const second = engine.run(job('d'), { signal: ac.signal });
  ac.abort();
  const [c, d] = await Promise.all([first, second]);
  expect(c.status).toBe('succeeded');
  expect(d.status).toBe('cancelled');
  expect(d.transitions.map((t) => t.to)).toEqual(['queued', 'cancelled']);
});
