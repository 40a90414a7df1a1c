// A destination opened for reading and writing Kaavan backups: the self-describing header, the
// key (scrypt once per open), and encoding of manifests and index entries (docs/backup-format.md §2, §4).
import { createHash, randomBytes } from 'node:crypto';
import type { Destination } from './destination.js';
import { AgeError, decrypt, encryptToRecipient, encryptWithPassphrase, generateX25519Identity, identityFileText, parseIdentityFile, recipientOf } from './age.js';
import { compressFrame, decompressFrame, FRAME_SIZE } from './zstd.js';
import { BackupError, errText } from './errors.js';
import { validateManifest, type Manifest, type RunSummary } from './manifest.js';

export const HEADER_KEY = 'kaavan-backup.json';
export const IDENTITY_KEY = 'keys/identity.age';
export const FORMAT_VERSION = 1;

export interface RepoHeader {
  format: 'kaavan-backup';
  version: number;
  id: string;
  createdAt: string;
  compression: { algorithm: 'zstd'; frameSize: number };
  archive: 'pax';
  encryption: null | { kind: 'age-x25519'; recipient: string; identity: string };
}

export interface OpenOptions {
  /** The job's passphrase, or null for an unencrypted job. */
  passphrase: string | null;
  /** Initialise an empty destination (a run may; restore and list may not). */
  create: boolean;
  now: () => number;
  /** log2 of scrypt's N for a new identity file (age's default 18). */
  scryptLogN?: number;
}

const RUN_ID = /^\d{8}T\d{9}Z-[0-9a-f]{8}$/;

export function newRunId(at: number): string {
  const iso = new Date(at).toISOString(); // 2026-11-23T16:20:00.000Z
  return `${iso.slice(0, 10).replace(/-/g, '')}T${iso.slice(11, 19).replace(/:/g, '')}${iso.slice(20, 23)}Z-${randomBytes(4).toString('hex')}`;
}
export const isRunId = (s: string): boolean => RUN_ID.test(s);

export class Repository {
  private constructor(
    readonly dest: Destination,
    readonly header: RepoHeader,
    /** X25519 identity (AGE-SECRET-KEY-1…) when encrypted. */
    readonly identity: string | null,
  ) {}

  get encrypted(): boolean {
    return this.header.encryption !== null;
  }
  get suffix(): string {
    return this.encrypted ? '.age' : '';
  }

  static async open(dest: Destination, opts: OpenOptions): Promise<Repository> {
    let raw = await dest.get(HEADER_KEY);
    if (!raw) {
      if (!opts.create) throw new BackupError('not-found', `${dest.label} holds no Kaavan backups (no ${HEADER_KEY})`);
      await Repository.init(dest, opts);
      raw = await dest.get(HEADER_KEY);
      if (!raw) throw new BackupError('destination', `could not write ${HEADER_KEY} to ${dest.label}`);
    }
    let header: RepoHeader;
    try {
      header = JSON.parse(raw.toString('utf8')) as RepoHeader;
    } catch {
      throw new BackupError('corrupt', `${HEADER_KEY} in ${dest.label} is not valid JSON`);
    }
    if (header.format !== 'kaavan-backup') throw new BackupError('corrupt', `${dest.label} is not a Kaavan backup destination`);
    if (header.version !== FORMAT_VERSION) throw new BackupError('corrupt', `${dest.label} uses backup format version ${header.version}; this Kaavan reads version ${FORMAT_VERSION}`);
    if (!header.encryption) {
      if (opts.passphrase !== null && opts.create) throw new BackupError('config', `${dest.label} holds unencrypted backups; the job asks for encryption (use another destination)`);
      return new Repository(dest, header, null);
    }
    if (opts.passphrase === null) throw new BackupError('config', `${dest.label} holds encrypted backups: the job needs encryption.passphraseRef`);
    const sealed = await dest.get(header.encryption.identity);
    if (!sealed) throw new BackupError('corrupt', `${dest.label} is missing its key file ${header.encryption.identity}`);
    let identity: string;
    try {
      identity = parseIdentityFile((await decrypt(sealed, { passphrase: opts.passphrase })).toString('utf8'));
    } catch (err) {
      if (err instanceof AgeError && err.message === 'wrong passphrase') throw new BackupError('wrong-passphrase', `wrong passphrase for the backups in ${dest.label}`);
      throw new BackupError('corrupt', `the key file ${header.encryption.identity} in ${dest.label} is damaged (${errText(err)})`);
    }
    if (recipientOf(identity) !== header.encryption.recipient) throw new BackupError('corrupt', `the key file in ${dest.label} does not match ${HEADER_KEY}`);
    return new Repository(dest, header, identity);
  }

  private static async init(dest: Destination, opts: OpenOptions): Promise<void> {
    const createdAt = new Date(opts.now());
    let encryption: RepoHeader['encryption'] = null;
    if (opts.passphrase !== null) {
      const id = generateX25519Identity();
      await dest.putBuffer(IDENTITY_KEY, await encryptWithPassphrase(Buffer.from(identityFileText(id, createdAt)), opts.passphrase, opts.scryptLogN ?? 18));
      encryption = { kind: 'age-x25519', recipient: id.recipient, identity: IDENTITY_KEY };
    }
    const header: RepoHeader = {
      format: 'kaavan-backup',
      version: FORMAT_VERSION,
      id: randomBytes(16).toString('hex'),
      createdAt: createdAt.toISOString(),
      compression: { algorithm: 'zstd', frameSize: FRAME_SIZE },
      archive: 'pax',
      encryption,
    };
    // The header goes last: a destination with a header always has its key file.
    await dest.putBuffer(HEADER_KEY, Buffer.from(JSON.stringify(header, null, 2) + '\n'));
  }

  segmentKey(runId: string, seq: number): string {
    return `segments/${runId}/${String(seq).padStart(6, '0')}.tar.zst${this.suffix}`;
  }
  manifestKey(runId: string): string {
    return `manifests/${runId}.json.zst${this.suffix}`;
  }
  indexKey(runId: string): string {
    return this.encrypted ? `index/${runId}.json.zst.age` : `index/${runId}.json`;
  }

  /** JSON → zstd (one frame) → age when encrypted. */
  async sealJson(value: unknown): Promise<Buffer> {
    const z = await compressFrame(Buffer.from(JSON.stringify(value)));
    return this.encrypted ? encryptToRecipient(z, this.header.encryption!.recipient) : z;
  }

  async openJson(data: Buffer): Promise<unknown> {
    const z = this.encrypted ? await decrypt(data, { identity: this.identity! }) : data;
    return JSON.parse((await decompressFrame(z)).toString('utf8'));
  }

  async writeManifest(m: Manifest): Promise<{ storedSize: number; sha256: string }> {
    const sealed = await this.sealJson(m);
    await this.dest.putBuffer(this.manifestKey(m.run.id), sealed);
    // Read back: the run only exists once its manifest is really there and intact.
    const back = await this.dest.get(this.manifestKey(m.run.id));
    const sha = createHash('sha256').update(sealed).digest('hex');
    if (!back || createHash('sha256').update(back).digest('hex') !== sha) throw new BackupError('destination', `the manifest of run ${m.run.id} did not read back intact from ${this.dest.label}`);
    return { storedSize: sealed.length, sha256: sha };
  }

  async writeIndex(run: RunSummary): Promise<void> {
    const data = this.encrypted ? await this.sealJson(run) : Buffer.from(JSON.stringify(run, null, 2) + '\n');
    await this.dest.putBuffer(this.indexKey(run.id), data);
  }

  /** Throws a BackupError naming the run and the object when the manifest is missing or damaged. */
  async readManifest(runId: string): Promise<Manifest> {
    const key = this.manifestKey(runId);
    const data = await this.dest.get(key);
    if (!data) throw new BackupError('not-found', `run ${runId} does not exist in ${this.dest.label} (no ${key})`);
    let value: unknown;
    try {
      value = await this.openJson(data);
    } catch (err) {
      throw new BackupError('corrupt', `run ${runId}: the manifest ${key} is damaged or truncated (${errText(err)})`);
    }
    try {
      const m = validateManifest(value);
      if (m.run.id !== runId) throw new Error(`it describes run ${m.run.id}`);
      return m;
    } catch (err) {
      throw new BackupError('corrupt', `run ${runId}: the manifest ${key} is invalid: ${errText(err)}`);
    }
  }

  /** Run ids that have a manifest, oldest first. */
  async runIds(): Promise<string[]> {
    const objs = await this.dest.list('manifests');
    return objs
      .map((o) => /^manifests\/(.+)\.json\.zst(\.age)?$/.exec(o.key)?.[1])
      .filter((id): id is string => !!id && isRunId(id))
      .sort();
  }

  /** Summaries of every run (index entries, rebuilt from the manifest when missing or unreadable). */
  async summaries(): Promise<RunSummary[]> {
    const out: RunSummary[] = [];
    for (const id of await this.runIds()) {
      let summary: RunSummary | null = null;
      const idx = await this.dest.get(this.indexKey(id));
      if (idx) {
        try {
          summary = (this.encrypted ? await this.openJson(idx) : JSON.parse(idx.toString('utf8'))) as RunSummary;
          if (summary.id !== id) summary = null;
        } catch {
          summary = null;
        }
      }
      if (!summary) {
        summary = (await this.readManifest(id)).run;
        await this.writeIndex(summary).catch(() => undefined);
      }
      out.push(summary);
    }
    return out;
  }
}
