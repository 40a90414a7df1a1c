// Writing and reading one segment: tar bytes → zstd frames → age (when encrypted) → a file, and
// back (docs/backup-format.md §3). Both directions hash the stored bytes.
import { createHash, type Hash } from 'node:crypto';
import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import type { Readable } from 'node:stream';
import { AgeDecryptor, AgeEncryptor } from './age.js';
import { compressFrame, decompressFrame, FRAME_SIZE } from './zstd.js';
import { TarParser, type TarEntryHeader } from './tar.js';
import type { SegmentRecord } from './manifest.js';

export class SegmentWriter {
  // The frame being filled: one copy of every byte, no intermediate arrays (GC showed up in profiles).
  private frame: Buffer = Buffer.allocUnsafe(FRAME_SIZE);
  private rawLen = 0;
  private total = 0;
  private stored = 0;
  private readonly frames: number[] = [];
  private readonly hash: Hash = createHash('sha256');
  private crc = 0;
  private readonly enc: AgeEncryptor | null;
  private headerOut = false;
  /** The previous frame's compress-and-write; frame N+1 fills while frame N compresses. */
  private inFlight: Promise<void> = Promise.resolve();

  private constructor(
    private readonly fh: FileHandle,
    readonly file: string,
    recipient: string | null,
  ) {
    this.enc = recipient ? AgeEncryptor.toRecipient(recipient) : null;
  }

  static async create(file: string, recipient: string | null): Promise<SegmentWriter> {
    return new SegmentWriter(await open(file, 'w'), file, recipient);
  }

  /** Uncompressed tar bytes written so far: the offset of the next entry. */
  get offset(): number {
    return this.total;
  }
  get storedSize(): number {
    return this.stored;
  }
  /**
   * CRC-32 of the stored bytes: what the run's own re-read compares (4× cheaper than a second
   * SHA-256; the SHA-256 in the manifest is what `verify` checks).
   */
  get storedCrc32(): number {
    return this.crc;
  }

  /**
   * Reads up to `len` bytes of an open file at `position` straight into the frame being filled
   * (one copy fewer than read-then-write) and feeds them to `hash`. Returns the bytes read; 0 at
   * the end of the file. Synchronous reads: for worker threads.
   */
  async readFrom(fd: number, len: number, position: number, hash: Hash): Promise<number> {
    const n = Math.min(len, FRAME_SIZE - this.rawLen);
    const got = readSync(fd, this.frame, this.rawLen, n, position);
    if (got > 0) {
      hash.update(this.frame.subarray(this.rawLen, this.rawLen + got));
      this.rawLen += got;
      this.total += got;
      if (this.rawLen === FRAME_SIZE) await this.flushFrame();
    }
    return got;
  }

  /** Copies `data` in (callers may reuse their buffer once this resolves). */
  async write(data: Buffer): Promise<void> {
    let pos = 0;
    while (pos < data.length) {
      const n = Math.min(FRAME_SIZE - this.rawLen, data.length - pos);
      data.copy(this.frame, this.rawLen, pos, pos + n);
      this.rawLen += n;
      this.total += n;
      pos += n;
      if (this.rawLen === FRAME_SIZE) await this.flushFrame();
    }
  }

  private async flushFrame(): Promise<void> {
    if (this.rawLen === 0) return;
    const input = this.rawLen === FRAME_SIZE ? this.frame : this.frame.subarray(0, this.rawLen);
    this.frame = Buffer.allocUnsafe(FRAME_SIZE);
    this.rawLen = 0;
    const compressed = compressFrame(input); // starts now, on the thread pool
    compressed.catch(() => undefined); // handled through inFlight
    const prev = this.inFlight;
    this.inFlight = (async () => {
      await prev; // frames leave in order
      const frame = await compressed;
      this.frames.push(frame.length);
      if (this.enc) {
        const parts = this.enc.update(frame);
        if (!this.headerOut) {
          parts.unshift(this.enc.header);
          this.headerOut = true;
        }
        await this.out(parts);
      } else {
        await this.out([frame]);
      }
    })();
    this.inFlight.catch(() => undefined); // awaited by the next flush or by finish()
    await prev; // at most two frames in flight
  }

  private async out(parts: Buffer[]): Promise<void> {
    for (const p of parts) {
      this.hash.update(p);
      this.crc = crc32(p, this.crc);
      this.stored += p.length;
    }
    if (parts.length) await this.fh.writev(parts);
  }

  /** Flushes, fsyncs and closes; returns the record minus key/run. */
  async finish(): Promise<Omit<SegmentRecord, 'key' | 'run'>> {
    try {
      await this.flushFrame();
      await this.inFlight;
      if (this.enc) {
        const parts = this.headerOut ? [] : [this.enc.header];
        this.headerOut = true;
        parts.push(this.enc.final());
        await this.out(parts);
      }
      await this.fh.sync();
    } finally {
      await this.fh.close();
    }
    return { storedSize: this.stored, sha256: this.hash.digest('hex'), rawSize: this.total, frames: this.frames };
  }

  async abort(): Promise<void> {
    await this.inFlight.catch(() => undefined);
    await this.fh.close().catch(() => undefined);
  }
}

export interface SegmentEntrySink {
  data(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

export interface SegmentVisitor {
  /** Called for every tar entry; return a sink to receive a file's bytes, or null to skip them. */
  entry(header: TarEntryHeader, offset: number): SegmentEntrySink | null | Promise<SegmentEntrySink | null>;
}

/**
 * Streams a stored segment through the visitor. Throws (naming what failed) on a bad stored hash,
 * an authentication failure, a zstd error or a truncated tar; callers must treat everything they
 * received as untrusted until this resolves.
 */
export async function readSegment(stream: Readable, seg: SegmentRecord, identity: string | null, visitor: SegmentVisitor, signal?: AbortSignal, opts: { storedHash?: boolean } = {}): Promise<void> {
  // Restore skips the stored-bytes hash: every file it writes is checked against its own SHA-256
  // (and age authenticates every chunk), so the extra pass would only guard bytes it never uses.
  const hash = opts.storedHash === false ? null : createHash('sha256');
  let storedSize = 0;
  const dec = identity ? new AgeDecryptor({ identity }) : null;
  const parser = new TarParser();
  let frameIdx = 0;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let sink: SegmentEntrySink | null = null;

  const feedTar = async (raw: Buffer) => {
    for (const ev of parser.write(raw)) {
      if (ev.kind === 'entry') sink = await visitor.entry(ev.header, ev.offset);
      else if (ev.kind === 'data') {
        if (sink) await sink.data(ev.chunk);
      } else if (ev.kind === 'entry-end') {
        if (sink) await sink.end();
        sink = null;
      }
    }
  };
  // Frame N+1 decompresses (thread pool) while frame N's entries are handled: at most two frames
  // in flight, so memory stays bounded.
  let chain: Promise<void> = Promise.resolve();
  const submitFrame = async (frame: Buffer) => {
    const raw = decompressFrame(frame);
    raw.catch(() => undefined); // handled through `chain`
    const prev = chain;
    chain = (async () => {
      await prev;
      await feedTar(await raw);
    })();
    chain.catch(() => undefined); // awaited below or at the end; never an unhandled rejection
    await prev;
  };
  const feedCompressed = async (data: Buffer) => {
    pending.push(data);
    pendingLen += data.length;
    while (frameIdx < seg.frames.length && pendingLen >= seg.frames[frameIdx]!) {
      const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingLen);
      const len = seg.frames[frameIdx++]!;
      pending = [all.subarray(len)];
      pendingLen = all.length - len;
      await submitFrame(all.subarray(0, len));
    }
    if (frameIdx === seg.frames.length && pendingLen > 0) throw new Error('unexpected bytes after the last zstd frame');
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (signal?.aborted) {
      stream.destroy();
      throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
    }
    hash?.update(chunk);
    storedSize += chunk.length;
    if (dec) for (const p of await dec.update(chunk)) await feedCompressed(p);
    else await feedCompressed(chunk);
  }
  if (dec) await feedCompressed(dec.final());
  await chain;
  if (frameIdx !== seg.frames.length) throw new Error('the segment is truncated (zstd frames missing)');
  parser.finish();
  if (storedSize !== seg.storedSize) throw new Error(`the segment has ${storedSize} bytes, ${seg.storedSize} were recorded`);
  if (hash && hash.digest('hex') !== seg.sha256) throw new Error('the segment does not match its recorded SHA-256');
}
