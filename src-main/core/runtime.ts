import { join } from 'node:path';
import type { KaavanOptions, KaavanRuntime } from './kaavan.js';
import { Store } from './store/store.js';
import { ConfigManager } from './config/config-manager.js';
import { MonitorEngine } from './engine/monitor-engine.js';
import { AlertManager } from './alerts/alert-manager.js';
import { Notifier } from './alerts/notifier.js';
import { EventHub, KaavanServiceImpl } from './api/kaavan-service.js';
import { createSecretStore, type SecretStore } from './secrets/secrets.js';
import { SelfHealth } from './health/self-health.js';

export async function createKaavan(options: KaavanOptions): Promise<KaavanRuntime> {
  const now = options.now ?? Date.now;
  const events = new EventHub();
  const health = new SelfHealth(now);
  health.subscribe((snapshot) => events.emit({ type: 'health', health: snapshot }));
  const log = (scope: string, error: unknown) =>
    console.error(`kaavan: ${scope}: ${error instanceof Error ? error.message : String(error)}`);

  // Validate the configuration before opening anything, so a bad file fails fast and cleanly.
  let engine: MonitorEngine | null = null;
  const config = new ConfigManager(options.configStore, (doc) => {
    engine?.applyConfig(doc);
    events.emit({ type: 'config.changed' });
  });
  const initial = await config.load();

  const store = Store.open(join(options.dataDir, 'kaavan.db'));
  const notifier = new Notifier({
    outbox: store.outbox,
    channels: options.channels ?? [],
    now,
    onError: (channel, error) => log(`delivery via ${channel} failed`, error),
  });
  const alerts = new AlertManager(
    store,
    notifier,
    (type, alert, text) => events.emit({ type: `alert.${type}`, alert, text }),
    now,
  );
  engine = new MonitorEngine({ store, alerts, emit: (e) => events.emit(e), now, onError: (e) => log('engine', e) });
  engine.applyConfig(initial);

  const service = new KaavanServiceImpl({
    mode: options.mode,
    dataDir: options.dataDir,
    config,
    engine,
    alerts,
    store,
    secrets: options.secrets ?? lazySecretStore(),
    events,
    health,
    now,
  });

  let stopped = false;
  return {
    service,
    async start() {
      notifier.start();
      engine!.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      engine!.stop();
      notifier.stop();
      store.close();
    },
  };
}

/** Opens the keychain on first use, so a machine without one can still monitor. */
function lazySecretStore(): SecretStore {
  let store: SecretStore | null = null;
  const open = () => (store ??= createSecretStore());
  return {
    get: (name) => open().get(name),
    set: (name, value) => open().set(name, value),
    delete: (name) => open().delete(name),
    list: () => open().list(),
  };
}
