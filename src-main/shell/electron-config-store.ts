// The desktop app's ConfigStore: the configuration document persisted with electron-store (a JSON
// file in the app-data folder, written atomically). The CLI uses FileConfigStore instead.
import ElectronStore from 'electron-store';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DocumentConfigStore, type KeyValueBackend } from './config-document-store.js';

const FILE_NAME = 'config';

export class ElectronConfigStore extends DocumentConfigStore {
  readonly file: string;

  constructor(dir: string) {
    const file = join(dir, `${FILE_NAME}.json`);
    super(() => openBackend(dir), `app settings (${file})`);
    this.file = file;
  }

  /**
   * Keeps a copy of the current settings file next to it ("config.invalid-<time>.json") and
   * returns its path; used before resetting a document that no longer validates.
   */
  backup(now = Date.now()): string | null {
    if (!existsSync(this.file)) return null;
    const copy = join(this.file, '..', `${FILE_NAME}.invalid-${new Date(now).toISOString().replace(/[:.]/g, '-')}.json`);
    copyFileSync(this.file, copy);
    return copy;
  }

  /** Backs the settings file up (see backup()) and removes it, so the app can start afresh. */
  resetKeepingBackup(now = Date.now()): string | null {
    const copy = this.backup(now);
    rmSync(this.file, { force: true });
    this.forget();
    return copy;
  }
}

function openBackend(dir: string): KeyValueBackend {
  const store = new ElectronStore<Record<string, unknown>>({
    name: FILE_NAME,
    cwd: dir,
    // Never silently wipe a settings file that fails to parse: the shell reports it and offers a reset.
    clearInvalidConfig: false,
    // Keys are used literally (target names contain dots).
    accessPropertiesByDotNotation: false,
    // The document names hosts and secret references (never secret values): keep it private anyway.
    configFileMode: 0o600,
  });
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
  };
}
