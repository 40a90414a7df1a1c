// The destination disk fills up during a run (a 3 MiB tmpfs): the run fails with a clear reason and
// leaves no partial object behind.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBackupEngine } from '../../../src-main/core/backup/index.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';

const base = mkdtempSync(path.join(tmpdir(), 'kaavan-full-'));
const disk = path.join(base, 'small-disk');
beforeAll(() => {
  mkdirSync(disk);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', disk]); // tests run as root (CI too)
});
afterAll(() => {
  try {
    execFileSync('umount', [disk]);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

it('fails with "no space left on <destination>" and removes every object of the run', async () => {
  const src = path.join(base, 'src');
  mkdirSync(src);
  for (let i = 0; i < 8; i++) writeFileSync(path.join(src, `r${i}`), randomBytes(1024 * 1024)); // incompressible
  const dest = path.join(disk, 'backups');
  const engine = createBackupEngine({ dataDir: path.join(base, 'data'), secrets: createSecretStore({ backend: null, env: { KAAVAN_SECRET_PW: 'pw' } }), scryptLogN: 12, segmentBytes: 512 * 1024 });
  const r = await engine.run({ name: 'full-disk', sources: [{ path: src }], destination: { kind: 'local', path: dest }, encryption: { passphraseRef: 'pw' } });
  expect(r.status).toBe('failed');
  expect(r.error).toBe(`no space left on ${dest} (or its staging folder); nothing of this run was kept`);
  expect(readdirSync(path.join(dest, 'tmp'))).toEqual([]);
  expect(existsSync(path.join(dest, 'segments')) ? readdirSync(path.join(dest, 'segments')) : []).toEqual([]);
  expect(existsSync(path.join(dest, 'manifests'))).toBe(false);
  // the space is back: a smaller job fits
  const small = path.join(base, 'small');
  mkdirSync(small);
  writeFileSync(path.join(small, 'a'), 'a');
  const ok = await engine.run({ name: 'small', sources: [{ path: small }], destination: { kind: 'local', path: dest }, encryption: { passphraseRef: 'pw' } });
  expect(ok.status).toBe('succeeded');
});
