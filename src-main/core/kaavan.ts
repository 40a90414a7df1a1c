// Composition root of the core: builds store, engines and the service from a config store and a
// data directory. Used by the Electron shell (src-main/index.ts) and the headless CLI alike.
import type { ConfigStore } from './config/config-store.js';
import type { AlertChannel } from './alerts/channel.js';
import type { KaavanService } from './api/service.js';
import type { SecretStore } from './secrets/secrets.js';

export interface KaavanOptions {
  configStore: ConfigStore;
  /** Folder for kaavan.db (SQLite) and other state; created when missing. */
  dataDir: string;
  mode: 'electron' | 'headless';
  /** Channels besides the built-in ones (the shell adds the desktop Notification channel). */
  channels?: AlertChannel[];
  secrets?: SecretStore;
  /** Clock, injectable for tests. */
  now?: () => number;
}

export interface KaavanRuntime {
  service: KaavanService;
  /** Starts the scheduler (unless the config says paused). */
  start(): Promise<void>;
  /** Stops probes, closes the store. Safe to call twice. */
  stop(): Promise<void>;
}

export { createKaavan } from './runtime.js';
