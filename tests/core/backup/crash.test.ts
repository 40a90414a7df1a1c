// kill -9 in the middle of a run: the next start marks it interrupted and leaves no partial object.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, it } from 'vitest';
import { createBackupEngine } from '../../../src-main/core/backup/index.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';

const base = mkdtempSync(path.join(tmpdir(), 'kaavan-crash-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

it('a run killed with SIGKILL is marked interrupted at the next start, and its objects are removed', async () => {
  const src = path.join(base, 'src');
  mkdirSync(src);
  for (let i = 0; i < 40; i++) writeFileSync(path.join(src, `f${i}`), randomBytes(1024 * 1024));
  const dataDir = path.join(base, 'data');
  const dest = path.join(base, 'dest');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures', 'run-child.ts'), dataDir, src, dest], { stdio: ['ignore', 'pipe', 'inherit'] });
  let runId = '';
  let killedIn = '';
  const exited = new Promise((resolve) => child.on('exit', resolve));
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line === 'DONE') break;
    const p = JSON.parse(line) as { runId: string; state: string; storedBytes: number };
    runId = p.runId;
    if (p.storedBytes > 0) {
      killedIn = p.state;
      child.kill('SIGKILL');
      break;
    }
  }
  await exited;
  expect(killedIn).toBe('archiving'); // the kill landed mid-run, after segments reached the destination
  expect(listing(path.join(dest, 'segments', runId)).length).toBeGreaterThan(0);

  const engine = createBackupEngine({ dataDir, secrets: createSecretStore({ backend: null, env: {} }) });
  expect(await engine.recover()).toEqual([runId]);
  const [rec] = await engine.history('crash');
  expect(rec!.record.state).toBe('interrupted');
  expect(rec!.record.transitions.at(-1)).toMatchObject({ from: 'archiving', to: 'interrupted' });
  expect(listing(path.join(dest, 'segments'))).toEqual([]);
  expect(listing(path.join(dest, 'tmp'))).toEqual([]);
  expect(listing(path.join(dest, 'manifests'))).toEqual([]);
  await expect(engine.list({ name: 'crash', sources: [{ path: src }], destination: { kind: 'local', path: dest } })).resolves.toEqual([]);
  // and the next run works normally
  const r = await engine.run({ name: 'crash', sources: [{ path: src }], destination: { kind: 'local', path: dest } });
  expect(r.status).toBe('succeeded');
});
