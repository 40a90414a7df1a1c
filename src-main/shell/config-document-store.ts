// One configuration per data folder: the app keeps its document in `<data>/config.yaml`, the file
// the CLI and `kaavan serve` read. Pure Node (no Electron), so the first-start steps — moving an
// older app's electron-store document into the file, else seeding the demo — run in unit tests.
import { existsSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { FileConfigStore } from '../core/config/file-config-store.js';

/** Where versions up to 0.1 kept the app's document: electron-store's `<data>/config.json`, key "config". */
export const LEGACY_STORE_FILE = 'config.json';
export const LEGACY_CONFIG_KEY = 'config';

export type MigrationOutcome =
  | { kind: 'none' }
  | { kind: 'migrated'; from: string; backup: string }
  | { kind: 'kept-file'; backup: string }
  | { kind: 'unreadable'; backup: string; reason: string };

function stamp(now: number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-');
}

/**
 * Moves an electron-store document (`<data>/config.json`) into the config file, once: the old file
 * is renamed to `config.json.migrated-<time>` (kept as a backup, and so never migrated twice).
 * When the config file exists already (the CLI wrote it), the file wins and the old document is
 * only kept as the backup.
 */
export async function migrateElectronStoreDocument(dataDir: string, store: FileConfigStore, now = Date.now()): Promise<MigrationOutcome> {
  const legacy = join(dataDir, LEGACY_STORE_FILE);
  if (!existsSync(legacy) || legacy === store.location) return { kind: 'none' };
  const backup = `${legacy}.migrated-${stamp(now)}`;
  const keep = async () => rename(legacy, backup);

  if (existsSync(store.location)) {
    await keep();
    return { kind: 'kept-file', backup };
  }
  let document: unknown;
  try {
    const parsed = JSON.parse(await readFile(legacy, 'utf8')) as Record<string, unknown> | null;
    document = parsed && typeof parsed === 'object' ? parsed[LEGACY_CONFIG_KEY] : undefined;
  } catch (error) {
    await keep();
    return { kind: 'unreadable', backup, reason: (error as Error).message };
  }
  if (document === undefined || document === null) {
    await keep();
    return { kind: 'none' };
  }
  // Written as it was, valid or not: an invalid one is then reported like any hand-edited file.
  const header = `# Kaavan configuration, moved from the app's settings (${LEGACY_STORE_FILE}) on ${new Date(now).toISOString().slice(0, 10)}.\n# The CLI, "kaavan serve" and the app all read this file; edits by hand apply while Kaavan runs.\n`;
  await store.saveText(header + stringify(document, { lineWidth: 0 }));
  await keep();
  return { kind: 'migrated', from: legacy, backup };
}

/**
 * First start: when there is no config file at all, write `seedText()` (the demo configuration,
 * with its comments) so the app shows something real. Returns true when it seeded. A file that
 * exists — even an empty one, or one with no targets because the user removed them — is never replaced.
 */
export async function seedIfAbsent(store: FileConfigStore, seedText: () => Promise<string>): Promise<boolean> {
  if (existsSync(store.location)) return false;
  await store.saveText(await seedText());
  return true;
}
