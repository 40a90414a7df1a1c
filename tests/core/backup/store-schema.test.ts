// The run catalog statements against the real store (libsql, its own migrations), with real runs recorded in it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Store } from '../../../src-main/core/store/store.js';
import { saveRunToCatalog } from '../../../src-main/core/backup/store-schema.js';
import { createBackupEngine } from '../../../src-main/core/backup/index.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';

const base = mkdtempSync(path.join(tmpdir(), 'kaavan-catalog-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

it('records succeeded and failed runs with every transition', async () => {
  const store = Store.open(path.join(base, 'kaavan.db'));
  const db = store.db;
  mkdirSync(path.join(base, 'src'));
  writeFileSync(path.join(base, 'src', 'a.txt'), 'a');
  const engine = createBackupEngine({ dataDir: base, secrets: createSecretStore({ backend: null, env: {} }) });
  const ok = await engine.run({ name: 'docs', sources: [{ path: path.join(base, 'src') }], destination: { kind: 'local', path: path.join(base, 'dest') } });
  const bad = await engine.run({ name: 'docs', sources: [{ path: path.join(base, 'gone') }], destination: { kind: 'local', path: path.join(base, 'dest') } });
  saveRunToCatalog(db, ok);
  saveRunToCatalog(db, bad);
  saveRunToCatalog(db, ok); // idempotent
  const rows = db.prepare('SELECT id, state, files, error FROM backup_runs ORDER BY started_at').all() as { id: string; state: string; files: number; error: string | null }[];
  expect(rows.map((r) => [r.id, r.state, r.files])).toEqual([
    [ok.id, 'succeeded', 1],
    [bad.id, 'failed', 0],
  ]);
  expect(rows[1]!.error).toContain('cannot be read (ENOENT)');
  const steps = db.prepare('SELECT to_state FROM backup_run_transitions WHERE run_id = ? ORDER BY seq').all(ok.id) as { to_state: string }[];
  expect(steps.map((s) => s.to_state)).toEqual(['queued', 'scanning', 'archiving', 'uploading', 'verifying', 'succeeded']);
  store.close();
});
