// Restores the wanted entries of one locally stored segment into a staging folder, inside a worker
// thread: read, decrypt, decompress, check each file's SHA-256, write with synchronous calls (cheap
// in a worker: no thread-pool round trip per system call). Names in the tar stream are compared
// with the manifest and never used as paths (docs/backup-format.md §6).
import { closeSync, constants, fchmodSync, fchownSync, futimesSync, openSync, readSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ManifestEntry, SegmentRecord } from './manifest.js';
import { readSegment } from './segment-io.js';

export interface RestoreSegmentRequest {
  /** The stored segment on this machine. */
  file: string;
  seg: SegmentRecord;
  identity: string | null;
  /** Entries with data to restore from this segment (each has `offset`). */
  entries: ManifestEntry[];
  staging: string;
  /** Set owners (only root can). */
  chown: boolean;
}

export interface RestoreSegmentResult {
  /** Paths restored (all of `entries` when it resolves). */
  files: number;
  bytes: number;
}

const NS = 1_000_000_000n;
export const nsToSeconds = (ns: string): number => {
  const v = BigInt(ns);
  return Number(v / NS) + Number(v % NS) / 1e9;
};

/** A segment file as a stream, read with synchronous calls in 1 MiB chunks. */
function segmentStream(file: string): Readable {
  const fd = openSync(file, constants.O_RDONLY);
  let pos = 0;
  return new Readable({
    highWaterMark: 2 * 1024 * 1024,
    read() {
      try {
        const buf = Buffer.allocUnsafe(1024 * 1024);
        const got = readSync(fd, buf, 0, buf.length, pos);
        pos += got;
        this.push(got ? buf.subarray(0, got) : null);
      } catch (err) {
        this.destroy(err as Error);
      }
    },
    destroy(err, cb) {
      closeSync(fd);
      cb(err);
    },
  });
}

/** Restores; `progress` gets the files and bytes done since its last call. */
export async function restoreSegmentFile(req: RestoreSegmentRequest, progress?: (files: number, bytes: number) => void, stopped?: () => boolean): Promise<RestoreSegmentResult> {
  const wanted = new Map<number, ManifestEntry>();
  for (const e of req.entries) wanted.set(e.offset!, e);
  const at = (p: string) => path.join(req.staging, ...p.split('/'));
  let files = 0;
  let bytes = 0;
  let reportedFiles = 0;
  let reportedBytes = 0;
  /** Sends what was restored since the last report. */
  const report = () => {
    progress?.(files - reportedFiles, bytes - reportedBytes);
    reportedFiles = files;
    reportedBytes = bytes;
  };
  let open: { fd: number; e: ManifestEntry; hash: Hash; written: number } | null = null;
  const done = new Set<ManifestEntry>();
  const ac = new AbortController();
  try {
    await readSegment(segmentStream(req.file), req.seg, req.identity, {
      entry: (h, offset) => {
        if (stopped?.()) ac.abort(new Error('stopped'));
        const e = wanted.get(offset);
        if (!e) return null;
        if (h.path !== e.path || h.type !== 'file' || h.size !== e.size) throw new Error(`the archive entry at offset ${offset} is "${h.path}", expected "${e.path}"`);
        const fd = openSync(at(e.path), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
        const cur = { fd, e, hash: createHash('sha256'), written: 0 };
        open = cur;
        return {
          data: (chunk) => {
            cur.hash.update(chunk);
            let off = 0;
            while (off < chunk.length) off += writeSync(cur.fd, chunk, off, chunk.length - off);
            cur.written += chunk.length;
          },
          end: () => {
            open = null;
            try {
              if (cur.written !== e.size || cur.hash.digest('hex') !== e.sha256) throw new Error(`"${e.path}" does not match its recorded SHA-256`);
              // owner before mode: chown clears setuid/setgid
              if (req.chown) fchownSync(cur.fd, e.uid, e.gid);
              fchmodSync(cur.fd, e.mode);
              const t = nsToSeconds(e.mtimeNs);
              futimesSync(cur.fd, t, t);
            } finally {
              closeSync(cur.fd);
            }
            done.add(e);
            files++;
            bytes += e.size;
            if (files % 64 === 0 || e.size > 1024 * 1024) report();
          },
        };
      },
    }, ac.signal, { storedHash: false });
  } finally {
    const left = open as { fd: number } | null;
    if (left) closeSync(left.fd);
  }
  report();
  if (done.size !== wanted.size) {
    const missing = req.entries.find((e) => !done.has(e))!;
    throw Object.assign(new Error(`"${missing.path}" is missing from segment ${req.seg.key}`), { code: 'EMISSING' });
  }
  return { files, bytes };
}
