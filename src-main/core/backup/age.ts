// age v1 (C2SP age.md) for the two recipient types the backup format uses: X25519 (segments,
// manifests) and scrypt (the destination's identity file). Built on Node's crypto only, so it runs
// unchanged in Node 20 and Electron's Node 24. Interop with Debian's `age` and the npm
// `age-encryption` package is tested both ways in tests/core/backup/age.test.ts.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  scrypt as scryptCb,
  timingSafeEqual,
} from 'node:crypto';

export class AgeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgeError';
  }
}

const VERSION_LINE = 'age-encryption.org/v1';
const CHUNK = 64 * 1024;
const TAG = 16;
const X25519_INFO = 'age-encryption.org/v1/X25519';
const SCRYPT_LABEL = 'age-encryption.org/v1/scrypt';
/** age's own decrypt limit; higher would let a crafted file make us spin for minutes. */
const MAX_SCRYPT_LOG_N = 22;

// ---------- base64 without padding, as age writes it ----------

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64').replace(/=+$/, '');
function unb64(s: string): Buffer {
  if (!/^[A-Za-z0-9+/]*$/.test(s)) throw new AgeError('invalid base64 in age header');
  const out = Buffer.from(s, 'base64');
  if (b64(out) !== s) throw new AgeError('non-canonical base64 in age header');
  return out;
}

// ---------- bech32 (BIP 173) for age1… and AGE-SECRET-KEY-1… ----------

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
function polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i]!;
  }
  return chk >>> 0;
}
const hrpExpand = (hrp: string) => [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31)];
function convertBits(data: Uint8Array | number[], from: number, to: number, pad: boolean): number[] {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const maxv = (1 << to) - 1;
  for (const v of data) {
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >> bits) & maxv);
    }
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & maxv);
  } else if (bits >= from || ((acc << (to - bits)) & maxv) !== 0) {
    throw new AgeError('invalid bech32 padding');
  }
  return out;
}
function bech32Encode(hrp: string, data: Uint8Array): string {
  const words = convertBits(data, 8, 5, true);
  const mod = polymod([...hrpExpand(hrp), ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = Array.from({ length: 6 }, (_, i) => (mod >>> (5 * (5 - i))) & 31);
  return hrp + '1' + [...words, ...checksum].map((w) => CHARSET[w]).join('');
}
function bech32Decode(s: string, expectHrp: string): Buffer {
  const lower = s.toLowerCase();
  if (s !== lower && s !== s.toUpperCase()) throw new AgeError('mixed-case bech32 string');
  const pos = lower.lastIndexOf('1');
  const hrp = lower.slice(0, pos);
  if (pos < 1 || hrp !== expectHrp) throw new AgeError(`expected a "${expectHrp}" key`);
  const words = [...lower.slice(pos + 1)].map((c) => {
    const w = CHARSET.indexOf(c);
    if (w < 0) throw new AgeError('invalid bech32 character');
    return w;
  });
  if (words.length < 6 || polymod([...hrpExpand(hrp), ...words]) !== 1) throw new AgeError('bad bech32 checksum');
  return Buffer.from(convertBits(words.slice(0, -6), 5, 8, false));
}

// ---------- X25519 keys ----------

const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');
const privKey = (raw: Uint8Array) => createPrivateKey({ key: Buffer.concat([PKCS8_X25519, raw]), format: 'der', type: 'pkcs8' });
const pubKey = (raw: Uint8Array) => createPublicKey({ key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki' });
function publicOf(secret: Uint8Array): Buffer {
  const der = createPublicKey(privKey(secret)).export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(der.length - 32));
}

export interface X25519Identity {
  /** AGE-SECRET-KEY-1… */
  identity: string;
  /** age1… */
  recipient: string;
}

export function generateX25519Identity(): X25519Identity {
  const { privateKey } = generateKeyPairSync('x25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const secret = der.subarray(der.length - 32);
  return { identity: bech32Encode('age-secret-key-', secret).toUpperCase(), recipient: bech32Encode('age', publicOf(secret)) };
}

export function recipientOf(identity: string): string {
  return bech32Encode('age', publicOf(bech32Decode(identity.trim(), 'age-secret-key-')));
}

/** The identity from an age identity file's text (comment lines and blank lines ignored). */
export function parseIdentityFile(text: string): string {
  const keys = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (keys.length !== 1 || !keys[0]!.startsWith('AGE-SECRET-KEY-1')) throw new AgeError('the identity file holds no single AGE-SECRET-KEY');
  bech32Decode(keys[0]!, 'age-secret-key-');
  return keys[0]!;
}

export function identityFileText(id: X25519Identity, createdAt: Date): string {
  return `# created: ${createdAt.toISOString()}\n# public key: ${id.recipient}\n${id.identity}\n`;
}

// ---------- primitives ----------

const hkdf = (ikm: Uint8Array, salt: Uint8Array, info: string) => Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
function seal(key: Uint8Array, nonce: Uint8Array, plain: Uint8Array): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  const out = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
  return out;
}
function open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Buffer | null {
  if (sealed.length < TAG) return null;
  const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  const plain = d.update(sealed.subarray(0, sealed.length - TAG));
  try {
    d.final(); // checks the tag; AEAD final() yields no bytes
  } catch {
    return null;
  }
  return plain;
}
const ZERO_NONCE = Buffer.alloc(12);
function scryptKey(passphrase: string, salt: Uint8Array, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) =>
    scryptCb(Buffer.from(passphrase, 'utf8'), Buffer.concat([Buffer.from(SCRYPT_LABEL), salt]), 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 + 16 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

// ---------- header ----------

interface Stanza {
  type: string;
  args: string[];
  body: Buffer;
}

function stanzaText(s: Stanza): string {
  const enc = b64(s.body);
  let lines = '';
  for (let i = 0; i <= enc.length; i += 64) lines += enc.slice(i, i + 64) + '\n';
  // A body whose encoding is a multiple of 64 characters ends with an empty line (the loop adds it).
  return `-> ${[s.type, ...s.args].join(' ')}\n${lines}`;
}

function headerBytes(fileKey: Buffer, stanzas: Stanza[]): Buffer {
  const head = `${VERSION_LINE}\n${stanzas.map(stanzaText).join('')}---`;
  const mac = createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'header')).update(head).digest();
  return Buffer.from(`${head} ${b64(mac)}\n`);
}

interface ParsedHeader {
  stanzas: Stanza[];
  /** The header text up to and including "---" (what the MAC covers). */
  macInput: Buffer;
  mac: Buffer;
  /** Bytes consumed by the header. */
  length: number;
}

/** Parses a header from the start of `buf`; null when more bytes are needed. */
function parseHeader(buf: Buffer): ParsedHeader | null {
  let pos = 0;
  const line = (): string | null => {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) {
      if (buf.length - pos > 4096) throw new AgeError('not an age file (header line too long)');
      return null;
    }
    const text = buf.subarray(pos, nl).toString('latin1');
    pos = nl + 1;
    return text;
  };
  const first = line();
  if (first === null) return null;
  if (first !== VERSION_LINE) throw new AgeError('not an age v1 file');
  const stanzas: Stanza[] = [];
  for (;;) {
    const start = pos;
    const l = line();
    if (l === null) return null;
    if (l.startsWith('--- ')) {
      const mac = unb64(l.slice(4));
      if (mac.length !== 32) throw new AgeError('bad age header MAC');
      return { stanzas, macInput: buf.subarray(0, start + 3), mac, length: pos };
    }
    if (!l.startsWith('-> ')) throw new AgeError('malformed age header');
    const [type, ...args] = l.slice(3).split(' ');
    if (!type || args.some((a) => a === '')) throw new AgeError('malformed age stanza');
    const parts: Buffer[] = [];
    for (;;) {
      const b = line();
      if (b === null) return null;
      if (b.length > 64) throw new AgeError('malformed age stanza body');
      parts.push(unb64(b));
      if (b.length < 64) break;
    }
    stanzas.push({ type, args, body: Buffer.concat(parts) });
  }
}

// ---------- recipients and identities ----------

function x25519Stanza(recipient: string, fileKey: Buffer): Stanza {
  const theirPub = bech32Decode(recipient, 'age');
  if (theirPub.length !== 32) throw new AgeError('bad X25519 recipient');
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const share = spki.subarray(spki.length - 32);
  const shared = diffieHellman({ privateKey, publicKey: pubKey(theirPub) });
  const key = hkdf(shared, Buffer.concat([share, theirPub]), X25519_INFO);
  return { type: 'X25519', args: [b64(share)], body: seal(key, ZERO_NONCE, fileKey) };
}

function unwrapX25519(identity: string, stanzas: Stanza[]): Buffer | null {
  const secret = bech32Decode(identity, 'age-secret-key-');
  const ourPub = publicOf(secret);
  const priv = privKey(secret);
  for (const s of stanzas) {
    if (s.type !== 'X25519') continue;
    if (s.args.length !== 1) throw new AgeError('malformed X25519 stanza');
    const share = unb64(s.args[0]!);
    if (share.length !== 32 || s.body.length !== 32) throw new AgeError('malformed X25519 stanza');
    const shared = diffieHellman({ privateKey: priv, publicKey: pubKey(share) });
    if (shared.every((b) => b === 0)) throw new AgeError('invalid X25519 share');
    const fileKey = open(hkdf(shared, Buffer.concat([share, ourPub]), X25519_INFO), ZERO_NONCE, s.body);
    if (fileKey) return fileKey;
  }
  return null;
}

// ---------- payload (STREAM) ----------

function chunkNonce(counter: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeUIntBE(counter, 5, 6); // 11-byte big-endian counter; 2^48 chunks is far beyond any segment
  n[11] = last ? 1 : 0;
  return n;
}

/** Incremental age encryptor: push plaintext, collect ciphertext. */
export class AgeEncryptor {
  private readonly key: Buffer;
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private counter = 0;
  readonly header: Buffer;

  private constructor(fileKey: Buffer, stanzas: Stanza[]) {
    const nonce = randomBytes(16);
    this.header = Buffer.concat([headerBytes(fileKey, stanzas), nonce]);
    this.key = hkdf(fileKey, nonce, 'payload');
  }

  static toRecipient(recipient: string): AgeEncryptor {
    const fileKey = randomBytes(16);
    return new AgeEncryptor(fileKey, [x25519Stanza(recipient, fileKey)]);
  }

  static async withPassphrase(passphrase: string, logN = 18): Promise<AgeEncryptor> {
    const fileKey = randomBytes(16);
    const salt = randomBytes(16);
    const key = await scryptKey(passphrase, salt, logN);
    return new AgeEncryptor(fileKey, [{ type: 'scrypt', args: [b64(salt), String(logN)], body: seal(key, ZERO_NONCE, fileKey) }]);
  }

  /** Ciphertext for the full chunks now available (the header comes out with the first call). */
  update(plain: Uint8Array): Buffer[] {
    const out: Buffer[] = [];
    if (plain.length) {
      this.pending.push(Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength));
      this.pendingLen += plain.length;
    }
    // Keep at least one byte back: the last chunk must carry the "last" flag and may not be empty
    // unless the whole payload is.
    if (this.pendingLen <= CHUNK) return out;
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    let pos = 0;
    while (all.length - pos > CHUNK) {
      out.push(seal(this.key, chunkNonce(this.counter++, false), all.subarray(pos, pos + CHUNK)));
      pos += CHUNK;
    }
    this.pending = [all.subarray(pos)];
    this.pendingLen = all.length - pos;
    return out;
  }

  final(): Buffer {
    return seal(this.key, chunkNonce(this.counter++, true), Buffer.concat(this.pending));
  }
}

export type AgeKey = { identity: string } | { passphrase: string };

/** The file key of a parsed header, for an identity or a passphrase; throws when neither opens it. */
async function unwrapFileKey(key: AgeKey, stanzas: Stanza[]): Promise<Buffer> {
  if ('identity' in key) {
    const k = unwrapX25519(key.identity, stanzas);
    if (!k) throw new AgeError('no identity matches this file (it was encrypted to another key)');
    return k;
  }
  const s = stanzas.find((x) => x.type === 'scrypt');
  if (!s) throw new AgeError('this file is not passphrase-encrypted');
  if (stanzas.length !== 1) throw new AgeError('a scrypt stanza must be the only one');
  if (s.args.length !== 2 || !/^[1-9][0-9]?$/.test(s.args[1]!)) throw new AgeError('malformed scrypt stanza');
  const salt = unb64(s.args[0]!);
  const logN = Number(s.args[1]);
  if (salt.length !== 16 || s.body.length !== 32) throw new AgeError('malformed scrypt stanza');
  if (logN > MAX_SCRYPT_LOG_N) throw new AgeError(`scrypt work factor 2^${logN} is too large`);
  const fileKey = open(await scryptKey(key.passphrase, salt, logN), ZERO_NONCE, s.body);
  if (!fileKey) throw new AgeError('wrong passphrase');
  return fileKey;
}

/** A sealed payload chunk's size (the last one may be shorter). */
export const AGE_SEALED_CHUNK = CHUNK + TAG;

/**
 * The payload side of an age file whose header was checked: opens its sealed chunks one by one,
 * in order, for callers that manage their own buffers (restore reads a segment in place and never
 * concatenates). Every chunk is authenticated before its plaintext is returned.
 */
export class AgePayload {
  private counter = 0;
  private done = false;

  private constructor(private readonly payloadKey: Buffer) {}

  /**
   * Parses and authenticates the header (and payload nonce) at the start of `buf`: the payload
   * opener and the bytes they took, or null when `buf` does not hold them whole yet.
   */
  static async fromHeader(buf: Buffer, key: AgeKey): Promise<{ payload: AgePayload; length: number } | null> {
    const h = parseHeader(buf);
    if (!h || buf.length < h.length + 16) return null;
    const fileKey = await unwrapFileKey(key, h.stanzas);
    const mac = createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'header')).update(h.macInput).digest();
    if (!timingSafeEqual(mac, h.mac)) throw new AgeError('the age header was modified (MAC mismatch)');
    return { payload: new AgePayload(hkdf(fileKey, buf.subarray(h.length, h.length + 16), 'payload')), length: h.length + 16 };
  }

  /**
   * Opens the next sealed chunk: AGE_SEALED_CHUNK bytes, except the last (`last` true), which is
   * whatever remains of the file. The plaintext is a new buffer.
   */
  open(sealed: Uint8Array, last: boolean): Buffer {
    if (this.done) throw new AgeError('the age file has bytes after its last chunk');
    if (!last && sealed.length !== CHUNK + TAG) throw new AgeError('the age file is corrupted (a chunk has the wrong size)');
    const plain = open(this.payloadKey, chunkNonce(this.counter, last), sealed);
    this.counter++;
    if (!plain) throw new AgeError(last ? 'the age file is truncated or corrupted' : 'the age file is corrupted (chunk authentication failed)');
    if (last) {
      this.done = true;
      if (plain.length === 0 && this.counter > 1) throw new AgeError('the age file has an empty last chunk');
    }
    return plain;
  }

  /** True once the last chunk was opened (the payload is complete and authentic). */
  get finished(): boolean {
    return this.done;
  }
}

/** Incremental age decryptor; every chunk is authenticated before its plaintext is returned. */
export class AgeDecryptor {
  /** Bytes of a sealed chunk not yet complete (less than one chunk, or exactly one not known to be the last). */
  private buf: Buffer = Buffer.alloc(0);
  private payload: AgePayload | null = null;
  private done = false;

  constructor(private readonly key: AgeKey) {}

  async update(data: Uint8Array): Promise<Buffer[]> {
    const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const out: Buffer[] = [];
    if (!this.payload) {
      this.buf = this.buf.length ? Buffer.concat([this.buf, input]) : input;
      const h = await AgePayload.fromHeader(this.buf, this.key);
      if (!h) return out;
      this.payload = h.payload;
      return this.chunks(this.buf.subarray(h.length), out);
    }
    // Complete a chunk split across updates from the head of `input` (a copy of one chunk at
    // most), then open the rest in place: no concatenation of whole inputs.
    if (this.buf.length) {
      const need = Math.min(CHUNK + TAG + 1 - this.buf.length, input.length);
      const joined = Buffer.concat([this.buf, input.subarray(0, need)]);
      if (joined.length <= CHUNK + TAG) {
        this.buf = joined;
        return out;
      }
      out.push(this.payload.open(joined.subarray(0, CHUNK + TAG), false));
      // the one byte past the chunk came from input: step back onto it
      return this.chunks(input.subarray(need - 1), out);
    }
    return this.chunks(input, out);
  }

  /** Opens every chunk of `data` known not to be the last; keeps the rest (a copy) for later. */
  private chunks(data: Buffer, out: Buffer[]): Buffer[] {
    let pos = 0;
    // A full chunk is only known not to be the last one once a byte follows it.
    while (data.length - pos > CHUNK + TAG) {
      out.push(this.payload!.open(data.subarray(pos, pos + CHUNK + TAG), false));
      pos += CHUNK + TAG;
    }
    this.buf = Buffer.from(data.subarray(pos));
    return out;
  }

  final(): Buffer {
    if (!this.payload) throw new AgeError('the age file is truncated (no complete header)');
    if (this.done) throw new AgeError('age decryptor already finished');
    this.done = true;
    return this.payload.open(this.buf, true);
  }
}

/** One-shot helpers for small objects (identity files, manifests). */
export function encryptToRecipient(plain: Uint8Array, recipient: string): Buffer {
  const e = AgeEncryptor.toRecipient(recipient);
  return Buffer.concat([e.header, ...e.update(plain), e.final()]);
}
export async function encryptWithPassphrase(plain: Uint8Array, passphrase: string, logN = 18): Promise<Buffer> {
  const e = await AgeEncryptor.withPassphrase(passphrase, logN);
  return Buffer.concat([e.header, ...e.update(plain), e.final()]);
}
export async function decrypt(cipher: Uint8Array, key: AgeKey): Promise<Buffer> {
  const d = new AgeDecryptor(key);
  const parts = await d.update(cipher);
  parts.push(d.final());
  return Buffer.concat(parts);
}
