// ConfigStore over a key-value backend (electron-store in the app; a Map in tests). Pure: no
// Electron import, so the seeding and error handling are unit-tested in plain Node.
import type { ConfigStore } from '../core/config/config-store.js';
import type { KaavanConfig } from '../core/config/schema.js';
import { KaavanError } from '../core/api/errors.js';

/** The key under which the document is kept (the file holds `{ "config": { version: 1, ... } }`). */
export const CONFIG_KEY = 'config';

export interface KeyValueBackend {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

export class DocumentConfigStore implements ConfigStore {
  constructor(
    /** Opens the backend; may throw (e.g. the settings file is not valid JSON). Called lazily, once. */
    private readonly open: () => KeyValueBackend,
    readonly location: string,
  ) {}

  private backend: KeyValueBackend | null = null;

  private get kv(): KeyValueBackend {
    if (!this.backend) {
      try {
        this.backend = this.open();
      } catch (error) {
        throw new KaavanError(
          'unavailable',
          `cannot read the settings file ${this.location}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return this.backend;
  }

  async load(): Promise<unknown | null> {
    const value = this.kv.get(CONFIG_KEY);
    return value === undefined || value === null ? null : value;
  }

  async save(config: KaavanConfig): Promise<void> {
    // A plain JSON copy: no undefined fields or prototypes end up in the file.
    this.kv.set(CONFIG_KEY, JSON.parse(JSON.stringify(config)) as unknown);
  }

  /** Removes the stored document (after the caller kept a copy), so the next load starts fresh. */
  async clear(): Promise<void> {
    this.kv.delete(CONFIG_KEY);
  }

  /** Drops the opened backend, so the next access opens the medium again (after it was replaced). */
  protected forget(): void {
    this.backend = null;
  }
}

/**
 * First start: when no document is stored yet, store `seed()` (the demo configuration) so the app
 * shows something real. Returns true when it seeded. An existing document — even one with no
 * targets, because the user removed them — is never replaced.
 */
export async function seedIfEmpty(store: ConfigStore, seed: () => Promise<KaavanConfig>): Promise<boolean> {
  if ((await store.load()) !== null) return false;
  await store.save(await seed());
  return true;
}
