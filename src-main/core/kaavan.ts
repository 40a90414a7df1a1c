// Composition root of the core: builds store, engines and the service from a config store and a
// data directory. Used by the Electron shell (src-main/index.ts) and the headless CLI alike.
import type { ConfigStore } from './config/config-store.js';
import type { AlertChannel } from './alerts/channel.js';
import type { KaavanService } from './api/service.js';
import type { SecretStore } from './secrets/secrets.js';
import type { Logger } from './log/logger.js';
import type { ReloadResult } from './config/config-manager.js';

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
  /** Where the core logs (a rotating file in the data folder for serve and the app); stderr by default. */
  logger?: Logger;
  /** Delays between delivery attempts (tests shorten them). */
  backoffMs?: number[];
}

export interface KaavanRuntime {
  service: KaavanService;
  /** Starts the scheduler (unless the config says paused). */
  start(): Promise<void>;
  /** Reads the config file again (SIGHUP): a valid document is applied, an invalid one reported and the running one kept. */
  reloadConfig(): Promise<ReloadResult>;
  /** Stops probes, waits for deliveries in flight, closes the store. Safe to call twice. */
  stop(): Promise<void>;
}

export { createKaavan } from './runtime.js';
