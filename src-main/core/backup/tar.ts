// POSIX.1-2001 (pax) tar: a header writer and a streaming parser. Our own (rather than tar-stream)
// so the writer knows each entry's offset and the reader never touches the filesystem: restore
// compares the names it reads with the manifest and writes only manifest paths (docs/backup-format.md §3, §6).

export const BLOCK = 512;

export type TarType = 'file' | 'dir' | 'symlink';

export interface TarEntryHeader {
  path: string;
  type: TarType;
  size: number;
  mode: number;
  mtimeNs: bigint;
  uid: number;
  gid: number;
  target?: string;
}

export class TarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarError';
  }
}

const TYPE_FLAG: Record<TarType, string> = { file: '0', dir: '5', symlink: '2' };
const NS = 1_000_000_000n;
const isPlainAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);

function octal(buf: Buffer, value: number, offset: number, width: number): void {
  buf.write(value.toString(8).padStart(width - 1, '0') + '\0', offset, width, 'ascii');
}

/** ustar's name/prefix split, or null when the path does not fit. */
function splitUstar(name: string): { name: string; prefix: string } | null {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: '' };
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return { name: rest, prefix };
  }
  return null;
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body);
  let len = bodyLen + String(bodyLen).length;
  if (String(len).length + bodyLen !== len) len = bodyLen + String(len).length;
  return Buffer.from(`${len}${body}`);
}

function ustarHeader(name: string, prefix: string, typeflag: string, size: number, mode: number, mtimeSec: number, uid: number, gid: number, linkname: string): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  octal(h, mode & 0o7777, 100, 8);
  octal(h, uid, 108, 8);
  octal(h, gid, 116, 8);
  octal(h, size, 124, 12);
  octal(h, mtimeSec, 136, 12);
  h.write(typeflag, 156, 1, 'ascii');
  h.write(linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i]!;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

const MAX_OCTAL_11 = 0o77777777777;
const MAX_OCTAL_7 = 0o7777777;

/** The header block(s) of one entry: a pax 'x' header when ustar cannot hold it exactly, then ustar. */
export function tarHeader(e: TarEntryHeader): Buffer {
  const name = e.type === 'dir' ? `${e.path}/` : e.path;
  const size = e.type === 'file' ? e.size : 0;
  const sec = e.mtimeNs / NS;
  const frac = e.mtimeNs % NS;
  const records: Buffer[] = [];
  let split = isPlainAscii(name) ? splitUstar(name) : null;
  if (!split) {
    records.push(paxRecord('path', name));
    split = { name: asciiFallback(name, 100), prefix: '' };
  }
  let linkname = e.target ?? '';
  if (linkname && (!isPlainAscii(linkname) || linkname.length > 100)) {
    records.push(paxRecord('linkpath', linkname));
    linkname = asciiFallback(linkname, 100);
  }
  if (size > MAX_OCTAL_11) records.push(paxRecord('size', String(size)));
  if (e.uid > MAX_OCTAL_7) records.push(paxRecord('uid', String(e.uid)));
  if (e.gid > MAX_OCTAL_7) records.push(paxRecord('gid', String(e.gid)));
  if (frac !== 0n || sec < 0n || sec > BigInt(MAX_OCTAL_11)) {
    const neg = e.mtimeNs < 0n;
    const abs = neg ? -e.mtimeNs : e.mtimeNs;
    records.push(paxRecord('mtime', `${neg ? '-' : ''}${abs / NS}.${String(abs % NS).padStart(9, '0')}`));
  }
  const ustar = ustarHeader(
    split.name,
    split.prefix,
    TYPE_FLAG[e.type],
    Math.min(size, MAX_OCTAL_11),
    e.mode,
    Math.max(0, Math.min(Number(sec), MAX_OCTAL_11)),
    Math.min(e.uid, MAX_OCTAL_7),
    Math.min(e.gid, MAX_OCTAL_7),
    linkname,
  );
  if (!records.length) return ustar;
  const pax = Buffer.concat(records);
  const paxHead = ustarHeader('PaxHeader/' + asciiFallback(split.name, 90), '', 'x', pax.length, 0o644, Math.max(0, Math.min(Number(sec), MAX_OCTAL_11)), 0, 0, '');
  return Buffer.concat([paxHead, pax, Buffer.alloc(padding(pax.length)), ustar]);
}

function asciiFallback(s: string, max: number): string {
  return s.replace(/[^\x20-\x7e]/g, '_').slice(-max);
}

export const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;
const ZEROS = Buffer.alloc(BLOCK);
/** The zero bytes that pad `size` bytes of data to a whole block (a shared, read-only buffer). */
export const paddingBytes = (size: number): Buffer => ZEROS.subarray(0, padding(size));
export const TAR_END = Buffer.alloc(2 * BLOCK);

// ---------- parser ----------

export type TarEvent =
  | { kind: 'entry'; header: TarEntryHeader; offset: number }
  | { kind: 'data'; chunk: Buffer }
  | { kind: 'entry-end' }
  /** An entry of another type (hard link, device, FIFO), passed over: only with `skipOther`. */
  | { kind: 'skipped'; path: string; typeflag: string }
  | { kind: 'end' };

function isZeroBlock(h: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (h[i] !== 0) return false;
  return true;
}
function readString(h: Buffer, off: number, len: number): string {
  const end = h.indexOf(0, off);
  return h.toString('utf8', off, end >= 0 && end < off + len ? end : off + len);
}
function readNumber(h: Buffer, off: number, len: number): number {
  if (h[off]! & 0x80) {
    // GNU base-256
    let v = 0;
    for (let i = off + 1; i < off + len; i++) v = v * 256 + h[i]!;
    return v;
  }
  const s = h.toString('ascii', off, off + len).replace(/[\0 ]+$/, '').trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarError('corrupt tar header (bad number)');
  return parseInt(s, 8);
}

function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp < 0) throw new TarError('corrupt pax header');
    const len = Number(data.toString('ascii', pos, sp));
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length) throw new TarError('corrupt pax header');
    const rec = data.toString('utf8', sp + 1, pos + len - 1);
    const eq = rec.indexOf('=');
    if (eq < 0) throw new TarError('corrupt pax header');
    out.set(rec.slice(0, eq), rec.slice(eq + 1));
    pos += len;
  }
  return out;
}

function parseMtime(s: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,9})\d*)?$/.exec(s);
  if (!m) throw new TarError('corrupt pax mtime');
  const v = BigInt(m[2]!) * NS + BigInt((m[3] ?? '').padEnd(9, '0'));
  return m[1] ? -v : v;
}

/**
 * Push parser: feed bytes with write(), get events back. 'data' chunks are views of the input
 * and must be consumed before the next write(). Hard links, devices and FIFOs are reported as an
 * error: our writer never produces them and restore must not guess.
 */
export class TarParser {
  /** The start of a header block split across writes (always less than one block). */
  private carry: Buffer = Buffer.alloc(0);
  private pos = 0; // stream offset of the next byte written
  private remaining = 0; // data bytes left in the current entry
  private pad = 0;
  private meta: { kind: 'pax' | 'longname' | 'longlink' | 'global'; size: number } | null = null;
  private metaParts: Buffer[] = [];
  private pax = new Map<string, string>();
  private longName: string | null = null;
  private longLink: string | null = null;
  private entryStart = -1;
  private zeroBlocks = 0;
  private ended = false;
  /** Data bytes of a skipped entry still to pass over. */
  private skipping = false;

  /** skipOther: pass over entries of other types (a tar made by another program) instead of failing. */
  constructor(private readonly opts: { skipOther?: boolean } = {}) {}

  write(chunk: Buffer): TarEvent[] {
    const events: TarEvent[] = [];
    let start = 0;
    if (this.carry.length) {
      // Complete the split header block from the head of the chunk (never a copy of the whole
      // chunk: segments arrive in 4 MiB frames).
      const need = Math.min(BLOCK - this.carry.length, chunk.length);
      const block = Buffer.concat([this.carry, chunk.subarray(0, need)]);
      start = need;
      if (block.length < BLOCK) {
        this.carry = block;
        this.pos += chunk.length;
        return events;
      }
      this.carry = Buffer.alloc(0);
      this.run(block, 0, this.pos - (block.length - need), events);
    }
    const stop = this.run(chunk, start, this.pos, events);
    if (stop < chunk.length) this.carry = Buffer.from(chunk.subarray(stop));
    this.pos += chunk.length;
    return events;
  }

  /**
   * Parses `buf` from index `i` (`base`: the stream offset of buf[0]); returns where it stopped:
   * the end, or the start of a header block that is not whole yet.
   */
  private run(buf: Buffer, i: number, base: number, events: TarEvent[]): number {
    for (;;) {
      if (this.ended) return buf.length;
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, buf.length - i);
        if (n === 0) return i;
        const part = buf.subarray(i, i + n);
        if (this.meta) this.metaParts.push(Buffer.from(part));
        else if (!this.skipping) events.push({ kind: 'data', chunk: part });
        i += n;
        this.remaining -= n;
        if (this.remaining > 0) return i;
        if (this.skipping) this.skipping = false;
        else if (!this.meta) events.push({ kind: 'entry-end' });
        else if (this.pad === 0) this.finishMeta();
        continue;
      }
      if (this.pad > 0) {
        const n = Math.min(this.pad, buf.length - i);
        if (n === 0) return i;
        i += n;
        this.pad -= n;
        if (this.pad > 0) return i;
        if (this.meta) this.finishMeta();
        continue;
      }
      if (buf.length - i < BLOCK) return i;
      const h = buf.subarray(i, i + BLOCK);
      const headerOffset = base + i;
      i += BLOCK;
      if (isZeroBlock(h)) {
        if (++this.zeroBlocks === 2) {
          this.ended = true;
          events.push({ kind: 'end' });
        }
        continue;
      }
      this.zeroBlocks = 0;
      this.checksum(h, headerOffset);
      if (this.entryStart < 0) this.entryStart = headerOffset;
      const typeflag = String.fromCharCode(h[156]!);
      const size = readNumber(h, 124, 12);
      if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
        if (size > 1024 * 1024) throw new TarError('tar metadata header too large');
        this.meta = { kind: typeflag === 'x' ? 'pax' : typeflag === 'g' ? 'global' : typeflag === 'L' ? 'longname' : 'longlink', size };
        this.metaParts = [];
        this.remaining = size;
        this.pad = padding(size);
        if (size === 0) this.finishMeta();
        continue;
      }
      const type: TarType | null = typeflag === '0' || typeflag === '\0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'dir' : typeflag === '2' ? 'symlink' : null;
      if (!type && this.opts.skipOther) {
        events.push({ kind: 'skipped', path: this.pax.get('path') ?? this.longName ?? readString(h, 0, 100), typeflag });
        // hard links, devices and FIFOs carry no data; a size is skipped all the same
        const skip = this.pax.has('size') ? Number(this.pax.get('size')) : size;
        this.pax = new Map();
        this.longName = null;
        this.longLink = null;
        this.entryStart = -1;
        this.remaining = skip;
        this.pad = padding(skip);
        this.skipping = skip > 0;
        continue;
      }
      if (!type) throw new TarError(`unsupported tar entry type "${typeflag}" at offset ${headerOffset}`);
      let path = this.pax.get('path') ?? this.longName ?? ((h[345] && h.toString('ascii', 257, 262) === 'ustar' ? readString(h, 345, 155) + '/' : '') + readString(h, 0, 100));
      if (type === 'dir') path = path.replace(/\/+$/, '');
      const fullSize = this.pax.has('size') ? Number(this.pax.get('size')) : size;
      const header: TarEntryHeader = {
        path,
        type,
        size: type === 'file' ? fullSize : 0,
        mode: readNumber(h, 100, 8),
        mtimeNs: this.pax.has('mtime') ? parseMtime(this.pax.get('mtime')!) : BigInt(readNumber(h, 136, 12)) * NS,
        uid: this.pax.has('uid') ? Number(this.pax.get('uid')) : readNumber(h, 108, 8),
        gid: this.pax.has('gid') ? Number(this.pax.get('gid')) : readNumber(h, 116, 8),
      };
      if (type === 'symlink') header.target = this.pax.get('linkpath') ?? this.longLink ?? readString(h, 157, 100);
      events.push({ kind: 'entry', header, offset: this.entryStart });
      if (this.pax.size) this.pax = new Map();
      this.longName = null;
      this.longLink = null;
      this.entryStart = -1;
      const dataSize = type === 'file' ? fullSize : 0;
      this.remaining = dataSize;
      this.pad = padding(dataSize);
      if (dataSize === 0) events.push({ kind: 'entry-end' });
    }
  }

  /** Throws unless the archive ended properly (two zero blocks) — catches truncation. */
  finish(): void {
    if (!this.ended) throw new TarError('the tar stream is truncated');
  }

  private finishMeta(): void {
    const data = Buffer.concat(this.metaParts);
    const meta = this.meta!;
    this.meta = null;
    if (meta.kind === 'pax') for (const [k, v] of parsePax(data)) this.pax.set(k, v);
    else if (meta.kind === 'longname') this.longName = readString(data, 0, data.length);
    else if (meta.kind === 'longlink') this.longLink = readString(data, 0, data.length);
    // global headers are ignored on purpose: our format never writes them
  }

  private checksum(h: Buffer, offset: number): void {
    const stored = readNumber(h, 148, 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    if (sum !== stored) throw new TarError(`corrupt tar header at offset ${offset} (checksum mismatch)`);
  }
}
