// Configuration kept in a YAML or JSON file: the CLI, `kaavan serve` and the desktop app all use
// `<data>/config.yaml` (or `--config FILE`). The file is the user's: a save edits the document that
// was read (comments, key order and flow style survive), never overwrites a file changed since it
// was read, and replaces it atomically (temp file, fsync, rename, fsync of the folder).
import { createHash, randomBytes } from 'node:crypto';
import { watch as watchFs, type FSWatcher } from 'node:fs';
import { mkdir, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Document } from 'yaml';
import type { ConfigStore } from './config-store.js';
import type { KaavanConfig } from './schema.js';
import { invalidConfigError, isJsonFile } from './validate.js';
import { parseJsonText } from './json-text.js';
import { parseYamlText } from './yaml-text.js';
import { applyMinimalEdit, renderEdited } from './yaml-edit.js';
import { KaavanError } from '../api/errors.js';

/** The file changed on disk after it was read: reload, re-apply the edit, save again. */
export class ConfigChangedOnDiskError extends KaavanError {
  constructor(readonly file: string) {
    super('conflict', `${file} was changed by someone else since it was read`);
  }
}

export type ReadState = 'absent' | 'empty' | 'document';

const hash = (text: string | null) => (text === null ? 'absent' : createHash('sha256').update(text).digest('hex'));

export class FileConfigStore implements ConfigStore {
  /** The document as last read or written (YAML files; null for JSON or nothing read yet). */
  private doc: Document | null = null;
  /** The text `doc` was parsed from. */
  private source: string | null = null;
  /** Hash of the file content last read or written ("absent" when there was no file); null before the first read. */
  private readHash: string | null = null;
  /** What the last load() found: no file, an empty one, or a document. */
  readState: ReadState | null = null;

  constructor(readonly location: string) {}

  async load(): Promise<unknown | null> {
    const text = await this.readText();
    this.readHash = hash(text);
    this.doc = null;
    if (text === null) {
      this.readState = 'absent';
      return null;
    }
    if (isJsonFile(this.location)) {
      const parsed = parseJsonText(text);
      if (!parsed.ok) throw invalidConfigError(this.location, parsed.issues);
      this.lastJson = parsed.value;
      this.readState = parsed.value === null && text.trim() === '' ? 'empty' : 'document';
      return this.readState === 'empty' ? null : parsed.value;
    }
    const parsed = parseYamlText(text);
    if (!parsed.ok) throw invalidConfigError(this.location, parsed.issues);
    this.doc = parsed.doc;
    this.source = text;
    // Blank, or comments only: an empty file, not a missing one.
    this.readState = parsed.value === null || parsed.value === undefined ? 'empty' : 'document';
    return this.readState === 'empty' ? null : parsed.value;
  }

  /** True when the file differs from what was last read or written (an edit by hand or another process). */
  async changedSinceRead(): Promise<boolean> {
    if (this.readHash === null) return false;
    return hash(await this.readText()) !== this.readHash;
  }

  async save(config: KaavanConfig): Promise<void> {
    // A plain JSON copy: no undefined fields or prototypes end up in the file.
    const value = JSON.parse(JSON.stringify(config)) as unknown;
    const text = this.render(value);
    await this.writeAtomically(text, async () => {
      // Checked again right before the rename, so a hand edit made meanwhile is not replaced.
      if (await this.changedSinceRead()) throw new ConfigChangedOnDiskError(this.location);
    });
  }

  /** Writes `text` as the whole file (first start: the demo configuration with its comments). */
  async saveText(text: string): Promise<void> {
    await this.writeAtomically(text, async () => undefined);
  }

  /**
   * Calls `onChange` when something in the file's folder changes that may be the file (editors
   * often save by writing a new file and renaming it over the old one, so the folder is watched).
   * Returns a function that stops watching.
   */
  watch(onChange: () => void): () => void {
    const folder = dirname(this.location);
    const name = basename(this.location);
    let watcher: FSWatcher | null = null;
    try {
      watcher = watchFs(folder, { persistent: false }, (_event, file) => {
        if (file === null || String(file) === name) onChange();
      });
      // A removed folder or a platform without watching: the file is then read on SIGHUP only.
      watcher.on('error', () => watcher?.close());
    } catch {
      watcher = null;
    }
    return () => watcher?.close();
  }

  private render(value: unknown): string {
    if (isJsonFile(this.location)) {
      // JSON stays JSON (2 spaces), in the key order the user wrote.
      return `${JSON.stringify(this.inWrittenOrder(value), null, 2)}\n`;
    }
    const doc = this.doc ?? new Document();
    const unchanged = applyMinimalEdit(doc, value);
    return renderEdited(doc, this.doc ? this.source : null, unchanged);
  }

  /** JSON files: re-orders keys of `value` as they were in the file last read. */
  private inWrittenOrder(value: unknown): unknown {
    if (!this.lastJson) return value;
    const doc = new Document(this.lastJson);
    applyMinimalEdit(doc, value);
    return doc.toJS() as unknown;
  }

  private lastJson: unknown = null;

  private async readText(): Promise<string | null> {
    try {
      return await readFile(this.location, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      if (code === 'EISDIR') throw new KaavanError('unavailable', `the configuration path ${this.location} is a folder; give the path of a YAML or JSON file`);
      if (code === 'EACCES' || code === 'EPERM') throw new KaavanError('unavailable', `cannot read the configuration ${this.location}: permission denied`);
      throw new KaavanError('unavailable', `cannot read the configuration ${this.location}: ${(error as Error).message}`);
    }
  }

  private async writeAtomically(text: string, beforeReplace: () => Promise<void>): Promise<void> {
    // Through a symbolic link, the file it points to is the one replaced (the link stays).
    const target = await realpath(this.location).catch(() => this.location);
    const folder = dirname(target);
    await mkdir(folder, { recursive: true });
    const mode = await stat(target).then((s) => s.mode & 0o777, () => 0o600);
    const temp = join(folder, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', mode);
    try {
      try {
        await handle.writeFile(text, 'utf8');
        await handle.chmod(mode); // the umask may have narrowed it
        await handle.sync();
      } finally {
        await handle.close();
      }
      await beforeReplace();
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await fsyncFolder(folder);
    this.readHash = hash(text);
    if (!isJsonFile(this.location)) {
      const parsed = parseYamlText(text);
      this.doc = parsed.ok ? parsed.doc : null;
      this.source = text;
    } else {
      this.lastJson = JSON.parse(text) as unknown;
    }
    this.readState = 'document';
  }
}

/** Makes the rename durable (POSIX); Windows cannot open a folder for this and needs no such step. */
async function fsyncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM on Windows: nothing to do there.
  } finally {
    await handle?.close();
  }
}
