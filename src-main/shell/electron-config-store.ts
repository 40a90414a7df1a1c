// The desktop app's ConfigStore: the same file the CLI and `kaavan serve` use (`<data>/config.yaml`,
// or $KAAVAN_CONFIG), through the core FileConfigStore. Older versions kept the document in
// electron-store (`<data>/config.json`); it is moved into the file once on first start.
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { FileConfigStore } from '../core/config/file-config-store.js';
import { defaultConfigFile } from '../headless/paths.js';
import { migrateElectronStoreDocument, seedIfAbsent, type MigrationOutcome } from './config-document-store.js';

export class AppConfigStore extends FileConfigStore {
  constructor(
    readonly dataDir: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    super(defaultConfigFile(dataDir, env));
  }

  /**
   * First start steps: move an electron-store document into the file, else seed `demoText()`.
   * Returns a line for the log, or null when there was nothing to do.
   */
  async prepare(demoText: () => Promise<string>, now = Date.now()): Promise<string | null> {
    const outcome = await migrateElectronStoreDocument(this.dataDir, this, now);
    const moved = describeMigration(outcome, this.location);
    if (outcome.kind === 'migrated') return moved;
    const seeded = await seedIfAbsent(this, demoText);
    const lines = [moved, seeded ? `first start: wrote the demo configuration to ${this.location}` : null].filter(Boolean);
    return lines.length ? lines.join('; ') : null;
  }

  /**
   * Keeps a copy of the current file next to it ("config.invalid-<time>.yaml") and returns its
   * path; used before resetting a document that no longer validates.
   */
  backup(now = Date.now()): string | null {
    if (!existsSync(this.location)) return null;
    const ext = extname(this.location);
    const copy = join(dirname(this.location), `${basename(this.location, ext)}.invalid-${new Date(now).toISOString().replace(/[:.]/g, '-')}${ext}`);
    copyFileSync(this.location, copy);
    return copy;
  }

  /** Backs the file up (see backup()) and removes it, so the app can start afresh from the demo. */
  resetKeepingBackup(now = Date.now()): string | null {
    const copy = this.backup(now);
    rmSync(this.location, { force: true });
    return copy;
  }
}

function describeMigration(outcome: MigrationOutcome, file: string): string | null {
  switch (outcome.kind) {
    case 'migrated':
      return `moved the app's configuration from ${outcome.from} to ${file} (the old file is kept as ${outcome.backup})`;
    case 'kept-file':
      return `${file} already exists and is used; the app's older settings file is kept as ${outcome.backup}`;
    case 'unreadable':
      return `the app's older settings file could not be read (${outcome.reason}); it is kept as ${outcome.backup}`;
    default:
      return null;
  }
}
