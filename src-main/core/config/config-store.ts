// Where the configuration document lives. The CLI/headless server use a YAML/JSON file
// (FileConfigStore); the desktop app uses electron-store (src-main/shell/electron-config-store.ts).
// Stores move raw documents; validation happens in the service (config/load.ts).
import type { KaavanConfig } from './schema.js';

export interface ConfigStore {
  /** Human-readable location shown in the UI and errors: a file path or "app settings (…)". */
  readonly location: string;
  /** The raw document, or null when none exists yet (the service then starts from an empty one). */
  load(): Promise<unknown | null>;
  /** Persists a validated document (atomically where the medium allows). */
  save(config: KaavanConfig): Promise<void>;
}
