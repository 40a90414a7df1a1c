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
  /**
   * Default channels, used while the config has no `channels:` list (the app's desktop
   * notifications). A config that lists channels replaces them.
   */
  channels?: AlertChannel[];
  /** Channels that always get every notice, whatever the config says (serve's console log). */
  alwaysOnChannels?: AlertChannel[];
  /** Builds the Electron notification channel for `kind: desktop` entries (the app only). */
  desktopChannel?: (name: string) => AlertChannel;
  secrets?: SecretStore;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** A clock that stands still while the computer sleeps (performance.now); tests inject one with `now`. */
  monotonic?: () => number;
  /** Whether this computer has a network interface besides loopback; injectable for tests. */
  hasNetwork?: () => boolean;
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
  /** The computer is going to sleep / woke up (the shell's powerMonitor): results meanwhile do not count. */
  power: { suspend(): void; resume(): void };
  /** Stops probes, waits for deliveries in flight, closes the store. Safe to call twice. */
  stop(): Promise<void>;
}

export { createKaavan } from './runtime.js';
