// Backup → restore round trips through a local folder, the standard tools, and the failure cases a
// person would hit: wrong passphrase, a damaged segment, a truncated manifest, a crafted manifest.
import { execSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ageNpm from 'age-encryption';
import { createBackupEngine, type BackupJob, type RunProgress } from '../../../src-main/core/backup/index.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';
import { Repository } from '../../../src-main/core/backup/repository.js';
import { LocalDestination } from '../../../src-main/core/backup/local-destination.js';
import { describeTree, diffTrees, makeTrickyTree } from './tree.js';

const base = mkdtempSync(path.join(tmpdir(), 'kaavan-backup-'));
const src = path.join(base, 'source tree');
const secrets = createSecretStore({ backend: null, env: { KAAVAN_SECRET_DOCS_PW: 'correct horse battery', KAAVAN_SECRET_WRONG_PW: 'not it' } });
const engine = (dataDir = path.join(base, 'data')) =>
  createBackupEngine({ dataDir, secrets, scryptLogN: 14, segmentBytes: 256 * 1024 });
const job = (name: string, dest: string, encrypted: boolean, extra: Partial<BackupJob> = {}): BackupJob => ({
  name,
  sources: [{ path: src }],
  destination: { kind: 'local', path: dest },
  ...(encrypted ? { encryption: { passphraseRef: 'docs-pw' } } : {}),
  ...extra,
});
const restoredRoot = (to: string) => path.join(to, ...src.split('/').filter(Boolean));
const sh = (cmd: string) => execSync(cmd, { shell: '/bin/bash', stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

beforeAll(() => makeTrickyTree(src));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe.each([
  ['unencrypted', false],
  ['encrypted', true],
])('local destination, %s', (label, encrypted) => {
  const dest = path.join(base, `dest-${label}`);
  const j = job(`docs-${label}`, dest, encrypted);
  const e = engine();
  let runId = '';

  it('backs up the tricky tree and restores it byte- and metadata-exact', async () => {
    const progress: RunProgress[] = [];
    const r = await e.run(j, { onProgress: (p) => progress.push(p) });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('succeeded');
    expect(r.kind).toBe('full');
    expect(r.transitions.map((t) => t.to)).toEqual(['queued', 'scanning', 'archiving', 'uploading', 'verifying', 'succeeded']);
    expect(progress.at(-1)).toMatchObject({ state: 'succeeded', files: r.files, filesTotal: r.files });
    runId = r.id;
    const segs = readdirSync(path.join(dest, 'segments', runId));
    expect(segs.length).toBeGreaterThan(2); // built as several independent segments
    expect(segs.every((s) => s.endsWith(encrypted ? '.tar.zst.age' : '.tar.zst'))).toBe(true);
    expect(readdirSync(path.join(dest, 'tmp'))).toEqual([]);

    const to = path.join(base, `restore-${label}`);
    const res = await e.restore(j, runId, to);
    expect(res).toMatchObject({ run: runId, status: 'succeeded', failed: 0 });
    expect(diffTrees(describeTree(src), describeTree(restoredRoot(to)))).toEqual([]);
    expect(readdirSync(to)).toEqual([src.split('/').filter(Boolean)[0]]); // no staging left behind
  });

  it('restores with the standard tools alone (zstd, tar, age)', async () => {
    const to = path.join(base, `std-${label}`);
    mkdirSync(to);
    const segDir = path.join(dest, 'segments', runId);
    let decrypt = '';
    if (encrypted) {
      // The passphrase step with an independent implementation (Debian's age only asks on a TTY).
      const d = new ageNpm.Decrypter();
      d.addPassphrase('correct horse battery');
      writeFileSync(path.join(base, 'identity.txt'), await d.decrypt(readFileSync(path.join(dest, 'keys/identity.age')), 'text'));
      decrypt = `age -d -i ${q(path.join(base, 'identity.txt'))} "$s" | `;
    }
    // docs/backup-format.md §6.1, all segments into one tar so folder times are set once at the end
    sh(`cd ${q(segDir)} && for s in *; do ${decrypt || ''}zstd -dc ${encrypted ? '' : '"$s"'}; done | tar -xi -C ${q(to)}`);
    expect(diffTrees(describeTree(src), describeTree(restoredRoot(to)))).toEqual([]);
  });

  it('verify re-reads every segment and finds it intact', async () => {
    expect(await e.verify(j, runId)).toMatchObject({ ok: true, problems: [] });
  });

  it('a flipped bit in the segment holding the 5 MiB file fails restore and verify, naming both', async () => {
    const segDir = path.join(dest, 'segments', runId);
    const biggest = readdirSync(segDir)
      .map((n) => path.join(segDir, n))
      .sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0]!;
    const good = readFileSync(biggest);
    const bad = Buffer.from(good);
    bad[Math.floor(bad.length * 0.6)]! ^= 0x04;
    writeFileSync(biggest, bad);
    const to = path.join(base, `flip-${label}`);
    try {
      await expect(e.restore(j, runId, to)).rejects.toThrow(new RegExp(`run ${runId}: segment segments/${runId}/${path.basename(biggest).replace(/\./g, '\\.')} is damaged`));
      expect(existsSync(to)).toBe(false);
      expect((await e.verify(j, runId)).ok).toBe(false);
    } finally {
      writeFileSync(biggest, good);
    }
  });

  it('an incremental run of the unchanged tree reads and stores no file again', async () => {
    const r = await e.run({ ...j, type: 'incremental' });
    expect(r.status).toBe('succeeded');
    expect(r.kind).toBe('incremental');
    const m = await (await Repository.open(new LocalDestination(dest), { passphrase: encrypted ? 'correct horse battery' : null, create: false, now: Date.now })).readManifest(r.id);
    expect(m.run.parent).toBe(runId);
    expect(m.run.newBytes).toBe(0);
    // every entry points at a segment of the first run: nothing was stored again
    expect(m.entries.every((x) => m.segments[x.segment!]!.run === runId)).toBe(true);
    expect(listing(path.join(dest, 'segments', r.id))).toEqual([]);
    const to = path.join(base, `incr-${label}`);
    await e.restore(j, r.id, to);
    expect(diffTrees(describeTree(src), describeTree(restoredRoot(to)))).toEqual([]);
  });

  it('lists both runs from the destination alone (a fresh data folder)', async () => {
    const fresh = engine(path.join(base, `fresh-${label}`));
    const runs = await fresh.list(j);
    expect(runs.map((x) => x.kind)).toEqual(['full', 'incremental']);
    expect(runs[0]!.id).toBe(runId);
  });
});

describe('failures a person must be told about, before anything is written', () => {
  const dest = path.join(base, 'dest-faults');
  const j = job('faults', dest, true);
  const e = engine();
  let runId = '';
  beforeAll(async () => {
    const r = await e.run(j);
    expect(r.status).toBe('succeeded');
    runId = r.id;
  });

  it('a wrong passphrase', async () => {
    const to = path.join(base, 'wrong-pw');
    await expect(e.restore({ ...j, encryption: { passphraseRef: 'wrong-pw' } }, runId, to)).rejects.toThrow(`wrong passphrase for the backups in ${dest}`);
    expect(existsSync(to)).toBe(false);
  });

  it('a flipped bit in a segment names the run and the segment; the target stays untouched', async () => {
    const segDir = path.join(dest, 'segments', runId);
    const victim = path.join(segDir, readdirSync(segDir).sort().at(-1)!);
    const good = readFileSync(victim);
    const bad = Buffer.from(good);
    bad[Math.floor(bad.length / 2)]! ^= 0x10;
    writeFileSync(victim, bad);
    const to = path.join(base, 'flipped');
    mkdirSync(to);
    writeFileSync(path.join(to, 'already here'), 'keep me');
    try {
      await expect(e.restore(j, runId, to)).rejects.toThrow(new RegExp(`run ${runId}: segment segments/${runId}/\\d+\\.tar\\.zst\\.age is damaged`));
      expect(readdirSync(to)).toEqual(['already here']);
      const v = await e.verify(j, runId);
      expect(v.ok).toBe(false);
      expect(v.problems[0]).toContain(path.basename(victim));
    } finally {
      writeFileSync(victim, good);
    }
  });

  it('a segment cut short, or with bytes appended, names the run and the segment; nothing is written', async () => {
    const segDir = path.join(dest, 'segments', runId);
    const victim = readdirSync(segDir)
      .map((n) => path.join(segDir, n))
      .sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0]!;
    const good = readFileSync(victim);
    const damaged = { 'cut by one byte': good.subarray(0, good.length - 1), 'cut in half': good.subarray(0, good.length >> 1), 'one byte appended': Buffer.concat([good, Buffer.from([0])]) };
    try {
      for (const [how, bytes] of Object.entries(damaged)) {
        writeFileSync(victim, bytes);
        const to = path.join(base, `segment-${how.replace(/ /g, '-')}`);
        await expect(e.restore(j, runId, to), how).rejects.toThrow(new RegExp(`run ${runId}: segment segments/${runId}/${path.basename(victim).replace(/\./g, '\\.')} is damaged`));
        expect(existsSync(to), how).toBe(false);
      }
    } finally {
      writeFileSync(victim, good);
    }
  });

  it('a truncated manifest names the run and the manifest', async () => {
    const mf = path.join(dest, 'manifests', `${runId}.json.zst.age`);
    const good = readFileSync(mf);
    truncateSync(mf, good.length - 100);
    const to = path.join(base, 'truncated');
    try {
      await expect(e.restore(j, runId, to)).rejects.toThrow(`run ${runId}: the manifest manifests/${runId}.json.zst.age is damaged or truncated`);
      expect(existsSync(to)).toBe(false);
    } finally {
      writeFileSync(mf, good);
    }
  });

  it('include restores only matching paths and reads only the segments that hold them', async () => {
    const to = path.join(base, 'partial');
    const res = await e.restore(j, runId, to, { include: [`${src.slice(1)}/with space/**`] });
    expect(res.segmentsRead).toBe(1);
    expect(readFileSync(path.join(restoredRoot(to), 'with space', 'inner file.txt'), 'utf8')).toBe('spaces\n');
    expect(existsSync(path.join(restoredRoot(to), 'plain.txt'))).toBe(false);
  });
});

describe('the source changing under the backup', () => {
  it('a file that vanishes is skipped with a warning, one that grew is stored consistently', async () => {
    const tree = path.join(base, 'moving');
    mkdirSync(tree);
    for (let i = 0; i < 50; i++) writeFileSync(path.join(tree, `f${String(i).padStart(2, '0')}`), `file ${i}\n`);
    const e = engine();
    const j: BackupJob = { name: 'moving', sources: [{ path: tree }], destination: { kind: 'local', path: path.join(base, 'dest-moving') } };
    let touched = false;
    const r = await e.run(j, {
      onProgress: (p) => {
        if (p.state === 'archiving' && !touched) {
          // after the scan: one file goes, one grows
          touched = true;
          unlinkSync(path.join(tree, 'f49'));
          appendFileSync(path.join(tree, 'f48'), 'grown\n');
        }
      },
    });
    expect(r.status).toBe('succeeded');
    expect(r.warnings.some((w) => w.includes('f49') && w.includes('vanished'))).toBe(true);
    const to = path.join(base, 'moving-restored');
    await e.restore(j, r.id, to);
    const back = path.join(to, ...tree.split('/').filter(Boolean));
    expect(readFileSync(path.join(back, 'f48'), 'utf8')).toBe('file 48\ngrown\n');
    expect(existsSync(path.join(back, 'f49'))).toBe(false);
  });

  it('a missing source fails the run with the path, and leaves nothing at the destination', async () => {
    const dest = path.join(base, 'dest-missing');
    const r = await engine().run({ name: 'missing', sources: [{ path: path.join(base, 'no such folder') }], destination: { kind: 'local', path: dest } });
    expect(r.status).toBe('failed');
    expect(r.error).toContain(`the source ${path.join(base, 'no such folder')} cannot be read (ENOENT)`);
    expect(existsSync(path.join(dest, 'segments'))).toBe(false);
    expect(existsSync(path.join(dest, 'manifests'))).toBe(false);
  });

  it('cancel stops the run, removes its segments and records cancelled', async () => {
    const dest = path.join(base, 'dest-cancel');
    const ac = new AbortController();
    let landed = 0;
    const r = await engine().run(job('cancel', dest, false), {
      signal: ac.signal,
      onProgress: (p) => {
        // once a first segment has landed at the destination
        if (p.storedBytes > 0 && !ac.signal.aborted) {
          landed = listing(path.join(dest, 'segments', p.runId)).length;
          ac.abort();
        }
      },
    });
    expect(r.status).toBe('cancelled');
    expect(landed).toBeGreaterThan(0);
    expect(r.transitions.at(-1)).toMatchObject({ to: 'cancelled' });
    expect(['archiving', 'uploading']).toContain(r.transitions.at(-1)!.from);
    expect(listing(path.join(dest, 'segments'))).toEqual([]);
    expect(listing(path.join(dest, 'tmp'))).toEqual([]);
    expect(existsSync(path.join(dest, 'manifests'))).toBe(false);
  });
});
