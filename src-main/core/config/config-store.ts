// Where the configuration document lives: a YAML or JSON file (FileConfigStore), for the CLI,
// `kaavan serve` and the desktop app alike. Stores move raw documents; validation happens in
// ConfigManager.
import type { KaavanConfig } from './schema.js';

export interface ConfigStore {
  /** Human-readable location shown in the UI and errors: a file path. */
  readonly location: string;
  /** The raw document, or null when none exists yet (the service then starts from an empty one). */
  load(): Promise<unknown | null>;
  /**
   * Persists a validated document (atomically where the medium allows). A store that can tell
   * rejects with ConfigChangedOnDiskError when the medium changed since it was read.
   */
  save(config: KaavanConfig): Promise<void>;
  /** True when the medium changed since the last load or save (a hand edit). */
  changedSinceRead?(): Promise<boolean>;
  /** Calls `onChange` (maybe more than once) when the medium may have changed; returns a stop function. */
  watch?(onChange: () => void): () => void;
}
