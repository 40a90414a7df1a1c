// Builds one segment from a batch of scanned entries: read each file, hash it, pack it into tar,
// compress (zstd frames) and encrypt (age) into a staging file. It runs inside a worker thread
// (segment-worker.ts), so it uses synchronous file calls: they cost a fraction of the promise API's
// thread-pool round trips and block nothing but this worker (docs/backup-format.md §5, §8).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { ManifestEntry, SegmentRecord } from './manifest.js';
import type { ScannedEntry } from './scan.js';
import { SegmentWriter } from './segment-io.js';
import { paddingBytes, tarHeader, TAR_END } from './tar.js';

export const SMALL_FILE = 1024 * 1024;

export interface BuildRequest {
  entries: ScannedEntry[];
  /** The staging file to write (the destination's, or a local one for S3). */
  staged: string;
  recipient: string | null;
}

export interface BuildResult {
  /** One per entry stored, in batch order; `segment` is left for the caller to fill in. */
  entries: ManifestEntry[];
  warnings: string[];
  info: Omit<SegmentRecord, 'key' | 'run'>;
  /** CRC-32 of the stored bytes, for the run's re-read (not part of the manifest). */
  crc32: number;
}

export interface BuildHooks {
  /** Files done and their bytes since the last call (called every few files). */
  progress?: (files: number, bytes: number) => void;
  /** True once the run is cancelled or failed elsewhere: stop at the next file. */
  stopped?: () => boolean;
}

class Stopped extends Error {}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One reusable read buffer per thread: a file's bytes are copied once, into the zstd frame. */
let readBuf = Buffer.allocUnsafe(SMALL_FILE);

export async function buildSegment(req: BuildRequest, hooks: BuildHooks = {}): Promise<BuildResult> {
  const w = await SegmentWriter.create(req.staged, req.recipient);
  const out: ManifestEntry[] = [];
  const warnings: string[] = [];
  let files = 0;
  let bytes = 0;
  let lastReport = Date.now();
  try {
    for (const e of req.entries) {
      if (hooks.stopped?.()) throw new Stopped('stopped');
      const me = await appendEntry(w, e, warnings);
      if (me) out.push(me);
      if (e.type === 'file') {
        files++;
        bytes += e.size;
        if (hooks.progress && Date.now() - lastReport >= 100) {
          hooks.progress(files, bytes);
          files = bytes = 0;
          lastReport = Date.now();
        }
      }
    }
    await w.write(TAR_END);
    const info = await w.finish();
    hooks.progress?.(files, bytes);
    return { entries: out, warnings, info, crc32: w.storedCrc32 };
  } catch (err) {
    await w.abort();
    throw err;
  }
}

function baseEntry(e: ScannedEntry): ManifestEntry {
  return {
    path: e.path,
    type: e.type,
    size: 0,
    mode: e.mode,
    mtimeNs: String(e.mtimeNs),
    ctimeNs: String(e.ctimeNs),
    ino: String(e.ino),
    dev: String(e.dev),
    uid: e.uid,
    gid: e.gid,
    ...(e.target !== undefined ? { target: e.target } : {}),
  };
}

/** Appends one entry; null (with a warning) when the file vanished or cannot be read. */
async function appendEntry(w: SegmentWriter, e: ScannedEntry, warnings: string[]): Promise<ManifestEntry | null> {
  const base = baseEntry(e);
  const header = (size: number) => tarHeader({ path: e.path, type: e.type, size, mode: e.mode, mtimeNs: e.mtimeNs, uid: e.uid, gid: e.gid, target: e.target });
  if (e.type !== 'file') {
    base.offset = w.offset;
    await w.write(header(0));
    return base;
  }
  let fd: number;
  try {
    fd = openSync(e.abs, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    warnings.push(`${e.abs}: ${code === 'ENOENT' ? 'vanished before it was read; not in this run' : `not readable (${code ?? errText(err)}); not in this run`}`);
    return null;
  }
  try {
    const hash = createHash('sha256');
    const size = fstatSync(fd).size;
    if (size <= SMALL_FILE) {
      // Small files are read to their end: the size stored is what was read, so a file that grew
      // or shrank since the scan is still stored consistently.
      let n = 0;
      for (;;) {
        if (n === readBuf.length) {
          const bigger = Buffer.allocUnsafe(readBuf.length * 2);
          readBuf.copy(bigger, 0, 0, n);
          readBuf = bigger;
        }
        const got = readSync(fd, readBuf, n, readBuf.length - n, n);
        if (got === 0) break;
        n += got;
        if (n > 4 * SMALL_FILE) break; // grew a lot while being read: the rest waits for the next run
      }
      const data = readBuf.subarray(0, n);
      base.offset = w.offset;
      base.size = n;
      await w.write(header(n));
      await w.write(data);
      await w.write(paddingBytes(n));
      base.sha256 = hash.update(data).digest('hex');
      return base;
    }
    // A large file: exactly the size seen by fstat at open; growth after that is not read.
    base.offset = w.offset;
    base.size = size;
    await w.write(header(size));
    let done = 0;
    while (done < size) {
      const got = await w.readFrom(fd, size - done, done, hash);
      if (got === 0) {
        warnings.push(`${e.abs}: shrank while being read; the missing end is stored as zeros`);
        const zeros = Buffer.alloc(size - done);
        hash.update(zeros);
        await w.write(zeros);
        break;
      }
      done += got;
    }
    await w.write(paddingBytes(size));
    base.sha256 = hash.digest('hex');
    return base;
  } finally {
    closeSync(fd);
  }
}

/** CRC-32 and size of a local file (re-reading a stored segment). */
export function crcFile(file: string): { size: number; crc32: number } {
  const fd = openSync(file, constants.O_RDONLY);
  try {
    let crc = 0;
    let size = 0;
    for (;;) {
      const got = readSync(fd, readBuf, 0, readBuf.length, size);
      if (got === 0) break;
      crc = crc32(readBuf.subarray(0, got), crc);
      size += got;
    }
    return { size, crc32: crc };
  } finally {
    closeSync(fd);
  }
}

export const isStopped = (err: unknown): boolean => err instanceof Stopped;
