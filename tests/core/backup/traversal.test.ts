// Crafted destinations: a manifest or a tar stream that tries to write outside the restore folder.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackupEngine, type BackupJob } from '../../../src-main/core/backup/index.js';
import { LocalDestination } from '../../../src-main/core/backup/local-destination.js';
import { newRunId, Repository } from '../../../src-main/core/backup/repository.js';
import { SegmentWriter } from '../../../src-main/core/backup/segment-io.js';
import { padding, TAR_END, tarHeader } from '../../../src-main/core/backup/tar.js';
import { MANIFEST_FORMAT, MANIFEST_VERSION, type Manifest, type ManifestEntry } from '../../../src-main/core/backup/manifest.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';

const base = mkdtempSync(path.join(tmpdir(), 'kaavan-traversal-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const meta = { mode: 0o644, mtimeNs: '1600000000000000000', ctimeNs: '0', ino: '1', dev: '1', uid: 0, gid: 0 };

/** Writes a run whose single segment holds `tarEntries` and whose manifest lists `entries`. */
async function craftRun(dest: string, tarEntries: { path: string; data?: Buffer; type?: 'file' | 'symlink' | 'dir'; target?: string }[], entries: (offsets: number[], segSha: string) => ManifestEntry[]) {
  const repo = await Repository.open(new LocalDestination(dest), { passphrase: null, create: true, now: Date.now });
  const runId = newRunId(Date.now());
  const key = repo.segmentKey(runId, 1);
  const file = await repo.dest.stagingFile(runId, 'x');
  const w = await SegmentWriter.create(file, null);
  const offsets: number[] = [];
  for (const t of tarEntries) {
    offsets.push(w.offset);
    const data = t.data ?? Buffer.alloc(0);
    await w.write(tarHeader({ path: t.path, type: t.type ?? 'file', size: data.length, mode: 0o644, mtimeNs: 0n, uid: 0, gid: 0, target: t.target }));
    await w.write(data);
    await w.write(Buffer.alloc(padding(data.length)));
  }
  await w.write(TAR_END);
  const info = await w.finish();
  await repo.dest.putFile(key, file);
  const summary = { id: runId, job: 'crafted', kind: 'full' as const, parent: null, startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), host: 'x', files: 1, dirs: 0, symlinks: 0, bytes: 0, newBytes: 0, storedBytes: 0, warnings: [] };
  const m: Manifest = { format: MANIFEST_FORMAT, version: MANIFEST_VERSION, run: summary, sources: [], segments: [{ key, run: runId, ...info }], entries: entries(offsets, info.sha256) };
  await repo.dest.putBuffer(repo.manifestKey(runId), await repo.sealJson(m));
  return runId;
}

const engine = createBackupEngine({ dataDir: path.join(base, 'data'), secrets: createSecretStore({ backend: null, env: {} }) });
const jobFor = (dest: string): BackupJob => ({ name: 'crafted', sources: [{ path: '/nonexistent' }], destination: { kind: 'local', path: dest } });

describe('restore never writes outside the target folder', () => {
  const evil = Buffer.from('pwned\n');
  const cases: [string, (o: number[]) => ManifestEntry[], RegExp][] = [
    ['a ".." path in the manifest', (o) => [{ ...meta, path: '../escape.txt', type: 'file', size: 6, sha256: sha(evil), segment: 0, offset: o[0] }], /unsafe path "\.\.\/escape\.txt"/],
    ['an absolute path in the manifest', (o) => [{ ...meta, path: '/tmp/escape.txt', type: 'file', size: 6, sha256: sha(evil), segment: 0, offset: o[0] }], /unsafe path "\/tmp\/escape\.txt" \(absolute path\)/],
    [
      'a file below a symlink that points outside',
      (o) => [
        { ...meta, path: 'link', type: 'symlink', size: 0, target: '/tmp' },
        { ...meta, path: 'link/escape.txt', type: 'file', size: 6, sha256: sha(evil), segment: 0, offset: o[0] },
      ],
      /"link\/escape\.txt" is inside "link", which is a symlink/,
    ],
  ];
  for (const [label, entries, error] of cases) {
    it(`refuses ${label}, and writes nothing`, async () => {
      const dest = path.join(base, `dest-${label.replace(/\W+/g, '-')}`);
      const runId = await craftRun(dest, [{ path: 'escape.txt', data: evil }], entries);
      const to = path.join(base, `to-${label.replace(/\W+/g, '-')}`, 'inner');
      await expect(engine.restore(jobFor(dest), runId, to)).rejects.toThrow(error);
      expect(existsSync(path.dirname(to))).toBe(false);
      expect(existsSync('/tmp/escape.txt')).toBe(false);
    });
  }

  it('a tar stream whose name differs from the manifest (e.g. "../x") is rejected; names in the tar are never used', async () => {
    const dest = path.join(base, 'dest-tar-name');
    const runId = await craftRun(dest, [{ path: '../../tar-escape.txt', data: evil }], (o) => [{ ...meta, path: 'safe.txt', type: 'file', size: 6, sha256: sha(evil), segment: 0, offset: o[0] }]);
    const to = path.join(base, 'to-tar-name');
    mkdirSync(to);
    await expect(engine.restore(jobFor(dest), runId, to)).rejects.toThrow(`run ${runId}: segment segments/${runId}/000001.tar.zst is damaged: the archive entry at offset 0 is "../../tar-escape.txt", expected "safe.txt"`);
    expect(readdirSync(to)).toEqual([]);
    expect(existsSync(path.join(base, 'tar-escape.txt'))).toBe(false);
  });

  it('an existing symlink in the target is not followed when restoring a folder over it', async () => {
    const dest = path.join(base, 'dest-existing-link');
    const runId = await craftRun(dest, [{ path: 'd/f.txt', data: evil }], (o) => [
      { ...meta, path: 'd', type: 'dir', size: 0, mode: 0o755 },
      { ...meta, path: 'd/f.txt', type: 'file', size: 6, sha256: sha(evil), segment: 0, offset: o[0] },
    ]);
    const to = path.join(base, 'to-existing-link');
    const outside = path.join(base, 'outside');
    mkdirSync(outside);
    mkdirSync(to);
    const { symlinkSync } = await import('node:fs');
    symlinkSync(outside, path.join(to, 'd'));
    await expect(engine.restore(jobFor(dest), runId, to)).rejects.toThrow(/cannot restore folder .*\/d: something that is not a folder \(a symlink\) is in the way/);
    expect(readdirSync(outside)).toEqual([]);
  });
});
