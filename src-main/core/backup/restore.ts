// Restore of a run into a folder (docs/backup-format.md §6): everything is extracted and verified
// in a fresh staging folder inside the target, then moved into place. Paths come from the validated
// manifest only; names in the tar stream are compared with it, never used. Nothing is created
// through a symlink: links are made last, and existing links in the target are never followed.
import { createHash } from 'node:crypto';
import { chmod, constants, lchown, lstat, lutimes, mkdir, mkdtemp, open, readdir, rename, rm, rmdir, symlink, utimes, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import type { Manifest, ManifestEntry } from './manifest.js';
import type { Repository } from './repository.js';
import { readSegment } from './segment-io.js';
import { BackupError, errText } from './errors.js';
import { pool } from './pool.js';
import { startSegmentWorkers, type SegmentWorkers } from './segment-workers.js';
import { existsSync } from 'node:fs';

export interface RestoreOptions {
  /** Globs on stored paths (e.g. "home/u/Documents/**"); a match on a folder takes all below it. */
  include?: string[];
  signal?: AbortSignal;
  onProgress?: (p: { files: number; filesTotal: number; bytes: number; bytesTotal: number }) => void;
  /** Segments read at once (default: twice the cores). */
  concurrency?: number;
}

export interface RestoreResult {
  run: string;
  status: 'succeeded';
  restored: number;
  skipped: number;
  failed: number;
  bytes: number;
  segmentsRead: number;
}

const NS = 1_000_000_000n;
/** Files up to this size are verified in memory and written concurrently. */
const SMALL_FILE = 1024 * 1024;
const SMALL_WRITES_IN_FLIGHT = 32;
const toDate = (ns: string) => {
  const v = BigInt(ns);
  return Number(v / NS) + Number(v % NS) / 1e9;
};

export function selectEntries(m: Manifest, include: string[] | undefined): ManifestEntry[] {
  if (!include?.length) return m.entries;
  const match = picomatch(include.map((g) => g.replace(/^\/+/, '')), { dot: true });
  return m.entries.filter((e) => {
    const comps = e.path.split('/');
    for (let i = comps.length; i > 0; i--) if (match(comps.slice(0, i).join('/'))) return true;
    return false;
  });
}

/** `workerCount` threads restore segments of a local destination (0: all on the main thread). */
export async function restoreRun(repo: Repository, m: Manifest, toDir: string, opts: RestoreOptions = {}, workerCount = 0): Promise<RestoreResult> {
  const runId = m.run.id;
  const chosen = selectEntries(m, opts.include);
  if (opts.include?.length && chosen.length === 0) throw new BackupError('not-found', `run ${runId} has no path matching ${opts.include.join(', ')}`);
  const target = path.resolve(toDir);
  // Remember whether we made the folder, so a failed restore leaves no trace at all.
  const createdTarget = await mkdir(target, { recursive: true });
  let ok = false;
  const staging = await mkdtemp(path.join(target, '.kaavan-restore-'));
  const at = (p: string) => path.join(staging, ...p.split('/'));
  const bytesTotal = chosen.reduce((s, e) => s + (e.type === 'file' ? e.size : 0), 0);
  const filesTotal = chosen.filter((e) => e.type === 'file').length;
  let files = 0;
  let bytes = 0;
  const progress = () => opts.onProgress?.({ files, filesTotal, bytes, bytesTotal });
  const segmentsRead = new Set<number>();
  const root = process.getuid?.() === 0;
  // Metadata through the open handle (no path lookup); owner before mode, because chown clears
  // setuid/setgid bits.
  const setMeta = async (fh: FileHandle, e: ManifestEntry) => {
    await Promise.all([
      (async () => {
        if (root) await fh.chown(e.uid, e.gid);
        await fh.chmod(e.mode);
      })(),
      fh.utimes(toDate(e.mtimeNs), toDate(e.mtimeNs)),
    ]);
  };
  let concurrency = opts.concurrency ?? Math.max(2, os.availableParallelism()) * 2;
  let workers: SegmentWorkers | null = null;
  const stopWorkers = () => workers?.stop();
  try {
    // A local destination: worker threads read, decrypt, decompress, check and write whole
    // segments (segment-workers.ts); S3 segments stream through the main thread.
    if (workerCount > 0 && repo.dest.localPath) {
      workers = await startSegmentWorkers(workerCount);
      if (workers.threads) {
        concurrency = opts.concurrency ?? workers.threads * 2;
        opts.signal?.addEventListener('abort', stopWorkers, { once: true });
      } else {
        await workers.close();
        workers = null;
      }
    }
    // 1. folders (and the parents of every chosen entry), then empty files
    const dirs = new Set<string>();
    for (const e of chosen) {
      const comps = e.path.split('/');
      for (let i = 1; i < comps.length; i++) dirs.add(comps.slice(0, i).join('/'));
      if (e.type === 'dir') dirs.add(e.path);
    }
    for (const d of [...dirs].sort()) await mkdir(at(d), { recursive: true });
    for (const e of chosen) {
      if (e.type === 'file' && e.size === 0) {
        if (e.sha256 !== createHash('sha256').digest('hex')) throw new BackupError('corrupt', `run ${runId}: "${e.path}" is empty but its recorded SHA-256 is not that of an empty file`);
        await (await open(at(e.path), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)).close();
        files++;
      }
    }
    // 2. file data, segment by segment, each file checked against its SHA-256
    const bySegment = new Map<number, Map<number, ManifestEntry>>();
    for (const e of chosen) {
      if (e.type !== 'file' || e.size === 0) continue;
      let mm = bySegment.get(e.segment!);
      if (!mm) bySegment.set(e.segment!, (mm = new Map()));
      mm.set(e.offset!, e);
    }
    await pool([...bySegment].sort((a, b) => a[0] - b[0]), concurrency, async ([segIdx, wanted]) => {
      const seg = m.segments[segIdx]!;
      segmentsRead.add(segIdx);
      if (workers) {
        try {
          await workers.restore({ file: repo.dest.localPath!(seg.key), seg, identity: repo.identity, entries: [...wanted.values()], staging, chown: root }, (f, b) => {
            files += f;
            bytes += b;
            progress();
          });
        } catch (err) {
          if (opts.signal?.aborted) throw new BackupError('cancelled', `restore of run ${runId} was cancelled`);
          if ((err as NodeJS.ErrnoException).code === 'EMISSING') throw new BackupError('corrupt', `run ${runId}: ${errText(err)}`);
          if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(repo.dest.localPath!(seg.key))) throw new BackupError('not-found', `${seg.key} is missing from ${repo.dest.label}`);
          throw new BackupError('corrupt', `run ${runId}: segment ${seg.key} is damaged: ${errText(err)}`);
        }
        return;
      }
      const done = new Set<ManifestEntry>();
      // Small files are checked in memory, then written several at once: per-file system calls,
      // not bytes, are what a tree of small files costs.
      const writes = new Set<Promise<void>>();
      let writeError: unknown = null;
      const writeSmall = async (e: ManifestEntry, chunks: Buffer[]) => {
        while (writes.size >= SMALL_WRITES_IN_FLIGHT) await Promise.race(writes);
        if (writeError) throw writeError;
        const w = (async () => {
          const fh = await open(at(e.path), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
          try {
            await fh.writev(chunks);
            await setMeta(fh, e);
          } finally {
            await fh.close();
          }
          done.add(e);
          files++;
          bytes += e.size;
          progress();
        })().catch((err) => {
          writeError ??= err;
        });
        writes.add(w);
        void w.finally(() => writes.delete(w));
      };
      try {
        const stream = await repo.dest.read(seg.key);
        await readSegment(stream, seg, repo.identity, {
          entry: async (h, offset) => {
            const e = wanted.get(offset);
            if (!e) return null;
            if (h.path !== e.path || h.type !== 'file' || h.size !== e.size) throw new Error(`the archive entry at offset ${offset} is "${h.path}", expected "${e.path}"`);
            if (e.size <= SMALL_FILE) {
              const chunks: Buffer[] = [];
              const hash = createHash('sha256');
              return {
                data: (chunk) => {
                  hash.update(chunk);
                  chunks.push(chunk);
                },
                end: async () => {
                  if (hash.digest('hex') !== e.sha256) throw new Error(`"${e.path}" does not match its recorded SHA-256`);
                  await writeSmall(e, chunks);
                },
              };
            }
            const fh: FileHandle = await open(at(e.path), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
            const hash = createHash('sha256');
            let written = 0;
            return {
              data: async (chunk) => {
                hash.update(chunk);
                written += chunk.length;
                await fh.write(chunk);
                bytes += chunk.length;
              },
              end: async () => {
                try {
                  await setMeta(fh, e);
                } finally {
                  await fh.close();
                }
                if (written !== e.size || hash.digest('hex') !== e.sha256) throw new Error(`"${e.path}" does not match its recorded SHA-256`);
                done.add(e);
                files++;
                progress();
              },
            };
          },
        }, opts.signal, { storedHash: false });
        await Promise.all(writes);
        if (writeError) throw writeError;
      } catch (err) {
        await Promise.all(writes);
        if (opts.signal?.aborted) throw new BackupError('cancelled', `restore of run ${runId} was cancelled`);
        if (err instanceof BackupError) throw err;
        throw new BackupError('corrupt', `run ${runId}: segment ${seg.key} is damaged: ${errText(err)}`);
      }
      if (done.size !== wanted.size) {
        const missing = [...wanted.values()].find((e) => !done.has(e))!;
        throw new BackupError('corrupt', `run ${runId}: "${missing.path}" is missing from segment ${seg.key}`);
      }
    });
    // 3. links last, so no extraction step can pass through one
    for (const e of chosen) if (e.type === 'symlink') await symlink(e.target!, at(e.path));
    // 4. metadata of links and empty files (files with data got theirs when written), then folders
    // deepest first (adding entries changes a folder's mtime)
    const rest = chosen.filter((e) => e.type === 'symlink' || (e.type === 'file' && e.size === 0));
    await pool(rest, 16, async (e) => {
      const p = at(e.path);
      if (root) await lchown(p, e.uid, e.gid);
      if (e.type === 'file') {
        await chmod(p, e.mode);
        await utimes(p, toDate(e.mtimeNs), toDate(e.mtimeNs));
      } else {
        await lutimes(p, toDate(e.mtimeNs), toDate(e.mtimeNs));
      }
    });
    const dirEntries = chosen.filter((e) => e.type === 'dir').sort((a, b) => b.path.split('/').length - a.path.split('/').length);
    const applyDirMeta = async (base: (p: string) => string) => {
      for (const e of dirEntries) {
        const p = base(e.path);
        if (root) await lchown(p, e.uid, e.gid);
        await chmod(p, e.mode);
        await utimes(p, toDate(e.mtimeNs), toDate(e.mtimeNs));
      }
    };
    await applyDirMeta(at);
    // 5. everything verified: move into place
    const merged: string[] = [];
    for (const name of await readdir(staging)) await moveInto(path.join(staging, name), path.join(target, name), merged);
    if (merged.length) await applyDirMeta((p) => path.join(target, ...p.split('/')));
    progress();
    ok = true;
    return { run: runId, status: 'succeeded', restored: chosen.length, skipped: m.entries.length - chosen.length, failed: 0, bytes, segmentsRead: segmentsRead.size };
  } finally {
    opts.signal?.removeEventListener('abort', stopWorkers);
    await workers?.close();
    await rm(staging, { recursive: true, force: true });
    if (!ok && createdTarget) await rm(createdTarget, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Moves a staged entry to dst: rename when free, merge into an existing real folder, refuse links. */
async function moveInto(src: string, dst: string, merged: string[]): Promise<void> {
  const s = await lstat(src);
  let d;
  try {
    d = await lstat(dst);
  } catch {
    await rename(src, dst);
    return;
  }
  if (s.isDirectory()) {
    if (!d.isDirectory()) throw new BackupError('unsafe-path', `cannot restore folder ${dst}: something that is not a folder (${d.isSymbolicLink() ? 'a symlink' : 'a file'}) is in the way`);
    merged.push(dst);
    for (const name of await readdir(src)) await moveInto(path.join(src, name), path.join(dst, name), merged);
    await rmdir(src);
    return;
  }
  if (d.isDirectory()) throw new BackupError('unsafe-path', `cannot restore ${dst}: a folder is in the way`);
  // rename replaces a file or a symlink itself, never what a symlink points at
  await rename(src, dst);
}
