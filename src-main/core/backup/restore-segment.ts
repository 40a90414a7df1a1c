// Restores the wanted entries of one locally stored segment into a staging folder, inside a worker
// thread: read, decrypt, decompress, check each file's SHA-256, write with synchronous calls (cheap
// in a worker: no thread-pool round trip per system call). Names in the tar stream are compared
// with the manifest and never used as paths (docs/backup-format.md §6).
//
// A pull loop, not a stream: the segment is read into one reused buffer, age chunks are opened in
// place and copied into one of two reused frame buffers, and each zstd frame decompresses on the
// thread pool while the previous frame's files are hashed and written. Profiles of the stream
// version showed its cost in copies (concatenations per read and per frame), fresh buffers (page
// faults) and stream machinery, not in the work itself.
import { closeSync, constants, fchmodSync, fchownSync, fstatSync, futimesSync, openSync, readSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import path from 'node:path';
import type { ManifestEntry, SegmentRecord } from './manifest.js';
import { AGE_SEALED_CHUNK, AgePayload } from './age.js';
import { decompressFrame } from './zstd.js';
import { TarParser } from './tar.js';

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

/** Bytes read from the segment file per system call. */
const READ_SIZE = 1024 * 1024;

/**
 * The zstd frames of a stored segment, in order, decrypted and authenticated when it is
 * age-encrypted. A returned frame is a view of a reused buffer: valid until the second next call
 * after it (two buffers alternate, so one frame can decompress while the next is assembled).
 */
class StoredFrames {
  private readonly rbuf = Buffer.allocUnsafe(READ_SIZE + AGE_SEALED_CHUNK);
  private rpos = 0;
  private rend = 0;
  private filePos = 0;
  private eof = false;
  private payload: AgePayload | null = null;
  /** Plaintext (compressed bytes) not yet copied into a frame. */
  private carry: Buffer = Buffer.alloc(0);
  private readonly frameBufs: Buffer[] = [Buffer.alloc(0), Buffer.alloc(0)];
  private frameIdx = 0;
  readonly size: number;

  /** Bytes of the file read so far (all of it once next() returned null). */
  get bytesRead(): number {
    return this.filePos;
  }

  constructor(
    private readonly fd: number,
    private readonly seg: SegmentRecord,
    private readonly identity: string | null,
  ) {
    this.size = fstatSync(fd).size;
  }

  /** At least `min` bytes buffered, unless the file ends first. */
  private fill(min: number): void {
    if (this.rend - this.rpos >= min || this.eof) return;
    if (this.rpos > 0) {
      // keep the unread tail (less than one sealed chunk) at the front of the buffer
      this.rbuf.copy(this.rbuf, 0, this.rpos, this.rend);
      this.rend -= this.rpos;
      this.rpos = 0;
    }
    while (this.rend < min && !this.eof) {
      const got = readSync(this.fd, this.rbuf, this.rend, this.rbuf.length - this.rend, this.filePos);
      if (got === 0) this.eof = true;
      this.filePos += got;
      this.rend += got;
    }
  }

  /** The next piece of the compressed stream, or null at its (authenticated) end. */
  private async nextPlain(): Promise<Buffer | null> {
    if (!this.identity) {
      this.fill(1);
      if (this.rend === this.rpos) return null;
      const part = this.rbuf.subarray(this.rpos, this.rend);
      this.rpos = this.rend;
      return part;
    }
    if (!this.payload) {
      this.fill(this.rbuf.length);
      const h = await AgePayload.fromHeader(this.rbuf.subarray(this.rpos, this.rend), { identity: this.identity });
      if (!h) throw new Error('the age file is truncated (no complete header)');
      this.payload = h.payload;
      this.rpos += h.length;
    }
    if (this.payload.finished) return null;
    // A full chunk is only known not to be the last one once a byte follows it.
    this.fill(AGE_SEALED_CHUNK + 1);
    const avail = this.rend - this.rpos;
    const last = avail <= AGE_SEALED_CHUNK;
    const n = last ? avail : AGE_SEALED_CHUNK;
    const plain = this.payload.open(this.rbuf.subarray(this.rpos, this.rpos + n), last);
    this.rpos += n;
    return plain;
  }

  /** The next zstd frame (its length is the manifest's), or null after the last one. */
  async next(): Promise<Buffer | null> {
    if (this.frameIdx === this.seg.frames.length) {
      if (this.carry.length || (await this.nextPlain())?.length) throw new Error('unexpected bytes after the last zstd frame');
      return null;
    }
    const len = this.seg.frames[this.frameIdx]!;
    const slot = this.frameIdx % 2;
    this.frameIdx++;
    if (this.frameBufs[slot]!.length < len) this.frameBufs[slot] = Buffer.allocUnsafe(len);
    const frame = this.frameBufs[slot]!.subarray(0, len);
    let filled = 0;
    while (filled < len) {
      if (!this.carry.length) {
        const plain = await this.nextPlain();
        if (!plain) throw new Error('the segment is truncated (zstd frames missing)');
        this.carry = plain;
      }
      const n = Math.min(len - filled, this.carry.length);
      this.carry.copy(frame, filled, 0, n);
      this.carry = this.carry.subarray(n);
      filled += n;
    }
    return frame;
  }
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
  const parser = new TarParser();

  /** Hashes and writes the wanted files of one decompressed frame (files may span frames). */
  const consume = (raw: Buffer) => {
    for (const ev of parser.write(raw)) {
      if (ev.kind === 'data') {
        if (!open) continue;
        open.hash.update(ev.chunk);
        let off = 0;
        while (off < ev.chunk.length) off += writeSync(open.fd, ev.chunk, off, ev.chunk.length - off);
        open.written += ev.chunk.length;
      } else if (ev.kind === 'entry') {
        const e = wanted.get(ev.offset);
        if (!e) continue;
        const h = ev.header;
        if (h.path !== e.path || h.type !== 'file' || h.size !== e.size) throw new Error(`the archive entry at offset ${ev.offset} is "${h.path}", expected "${e.path}"`);
        const fd = openSync(at(e.path), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
        open = { fd, e, hash: createHash('sha256'), written: 0 };
      } else if (ev.kind === 'entry-end') {
        if (!open) continue;
        const cur = open;
        const e = cur.e;
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
      }
    }
  };

  const fd = openSync(req.file, constants.O_RDONLY);
  let inFlight: Promise<Buffer> | null = null;
  try {
    const frames = new StoredFrames(fd, req.seg, req.identity);
    if (frames.size !== req.seg.storedSize) throw new Error(`the segment has ${frames.size} bytes, ${req.seg.storedSize} were recorded`);
    for (;;) {
      if (stopped?.()) throw new Error('stopped');
      const frame = await frames.next();
      // frame N+1 decompresses on the thread pool while frame N's files are written
      const next = frame ? decompressFrame(frame) : null;
      next?.catch(() => undefined); // awaited below, after the previous frame
      const prev = inFlight;
      inFlight = next;
      if (prev) consume(await prev);
      if (!next) break;
    }
    parser.finish();
    if (frames.bytesRead !== req.seg.storedSize) throw new Error(`the segment has ${frames.bytesRead} bytes, ${req.seg.storedSize} were recorded`);
  } finally {
    // a frame still decompressing reads a buffer we own: let it finish before leaving
    await inFlight?.catch(() => undefined);
    closeSync(fd);
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
