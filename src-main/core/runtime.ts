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
import { createProbeRunner } from './engine/probe-runner.js';
import { consoleLogger } from './log/logger.js';
import { humanDuration } from './config/duration.js';
import { acquireDataDirLock } from './datadir/lock.js';
import { ChannelSet } from './alerts/channel-set.js';
import { Escalator } from './alerts/escalation.js';
import { createHostForTarget } from './hosts/create-host.js';
import { createChannel } from './alerts/channel-config.js';
import { HealCoordinator } from './healing/heal-coordinator.js';
import { watchDeliveries } from './alerts/delivery-watch.js';
import { giveUpMsOf } from './api/incident-methods.js';
import { createBackupEngine } from './backup/engine.js';
import { BackupService } from './backup/backup-service.js';
import { BACKUP_TARGET, withBackupChecks } from './backup/backup-checks.js';
import { parseDuration } from './config/duration.js';

/** How often Kaavan looks at its own delivery backlog. */
const BACKLOG_CHECK_MS = 30_000;
/** A notice waiting longer than this is a problem of Kaavan's worth showing. */
const BACKLOG_AGE_MS = 10 * 60_000;

export async function createKaavan(options: KaavanOptions): Promise<KaavanRuntime> {
  const now = options.now ?? Date.now;
  const log = options.logger ?? consoleLogger();
  const events = new EventHub();
  const health = new SelfHealth(now);
  health.subscribe((snapshot) => events.emit({ type: 'health', health: snapshot }));
  const secretStore = options.secrets ?? lazySecretStore();
  // Every secret value Kaavan reads is registered with the logger, which never writes it.
  const secrets: SecretStore = {
    ...secretStore,
    get: async (name) => {
      const value = await secretStore.get(name);
      log.redactValues?.(value);
      return value;
    },
    list: () => secretStore.list(),
    set: (name, value) => {
      log.redactValues?.(value);
      return secretStore.set(name, value);
    },
    delete: (name) => secretStore.delete(name),
  };

  // Validate the configuration before opening anything, so a bad file fails fast and cleanly.
  let engine: MonitorEngine | null = null;
  let channelSet: ChannelSet | null = null;
  let escalator: Escalator | null = null;
  let healing: HealCoordinator | null = null;
  let backups: BackupService | null = null;
  const location = options.configStore.location;
  const config = new ConfigManager(
    options.configStore,
    async (doc) => {
      await channelSet?.apply(doc);
      escalator?.apply(doc);
      healing?.apply(doc);
      await engine?.reconcile(withBackupChecks(doc), 'change');
      backups?.applyConfig();
      health.clear('config-invalid');
      events.emit({ type: 'config.changed' });
    },
    {
      onInvalid: (issues) => {
        const first = issues[0];
        const detail = first ? `${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}` : 'unreadable';
        health.raise('config-invalid', `${location} was edited and is not valid (${detail}); Kaavan keeps running the previous configuration`);
        log.warn(`${location} is invalid; keeping the running configuration`, { issues: issues.map((i) => `${i.path}: ${i.message}`).join('; ') });
      },
      onReloaded: () => log.info(`applied the edited ${location}`),
    },
  );
  // One engine per data folder: a second app or serve on it is refused, naming the holder.
  const lock = await acquireDataDirLock(options.dataDir, { mode: options.mode === 'headless' ? 'serve' : 'app' });
  let initial;
  let store: Store;
  try {
    initial = await config.load();
    store = Store.open(join(options.dataDir, 'kaavan.db'));
  } catch (error) {
    await lock.release();
    throw error;
  }
  const notifier = new Notifier({
    outbox: store.outbox,
    channels: [],
    now,
    onError: (channel, error) => log.warn(`delivery via ${channel} failed`, { error: error instanceof Error ? error.message : String(error) }),
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
  });
  channelSet = new ChannelSet({
    notifier,
    defaults: options.channels ?? [],
    alwaysOn: options.alwaysOnChannels ?? [],
    create: (entry) => createChannel(entry, { secrets, log, now, ...(options.desktopChannel ? { desktop: options.desktopChannel } : {}) }),
    now,
  });
  await channelSet.apply(initial);
  escalator = new Escalator(store, notifier, now, log);
  escalator.apply(initial);
  const alerts = new AlertManager(
    store,
    notifier,
    (type, alert, text) => events.emit({ type: `alert.${type}`, alert, text }),
    now,
  );
  // One probe runner for the schedule and for the heal's verification probe (not recorded).
  const runProbe = createProbeRunner({
      now,
      log,
      secrets,
      hostFor: (check) => engine!.hostOf(check.checkId),
      backups: { status: (job) => backups?.status(job) ?? null },
      memoryFor: (check) => {
        const id = check.checkId!;
        return {
          get: (key) => store.checkKv.get(id, key),
          set: (key, value) => store.checkKv.set(id, key, value, now()),
          delete: (key) => store.checkKv.delete(id, key),
        };
      },
    });
  healing = new HealCoordinator({
    store,
    hostOf: (checkId) => engine!.hostOf(checkId),
    secrets,
    now,
    log,
    probe: async (subject, signal) => {
      const runtime = engine?.findCheck(subject.target, subject.check);
      if (!runtime) return false;
      const outcome = await runProbe(runtime.check, AbortSignal.any([signal, AbortSignal.timeout(runtime.check.timeoutMs)]));
      return outcome.status === 'up';
    },
  });
  healing.apply(initial);
  engine = new MonitorEngine({
    store,
    alerts,
    health,
    emit: (e) => events.emit(e),
    now,
    log,
    ...(options.monotonic ? { monotonic: options.monotonic } : {}),
    ...(options.hasNetwork ? { hasNetwork: options.hasNetwork } : {}),
    createHost: (target) => createHostForTarget(target, { secrets, log }),
    runProbe,
    healing,
  });
  try {
    await engine.reconcile(withBackupChecks(initial), 'start');
  } catch (error) {
    store.close();
    await lock.release();
    throw error;
  }

  const audit = (actor: string) => (action: string, subject: string, detail: Record<string, unknown>) => {
    try {
      store.audit.record({ at: now(), actor, action, subject, detail });
    } catch (error) {
      log.warn('could not write the audit log', { action, error: error instanceof Error ? error.message : String(error) });
    }
  };
  backups = new BackupService({
    // Remote sources read through the running engine's host of their target: the one SSH connection
    // its checks already hold (pinned hostKey, trust state, rebuilt when ssh: changes), no second login.
    engine: createBackupEngine({ dataDir: options.dataDir, secrets, now, logger: log, maxRuns: 64, hostFor: (target) => engine?.hostOfTarget(target) }),
    db: store.db,
    jobs: () => config.current.backups ?? [],
    limits: () => {
      const settings = config.current.settings ?? {};
      const stuck = settings.backupStuckAfter === undefined ? null : parseDuration(settings.backupStuckAfter);
      return { maxRuns: settings.backupConcurrency ?? 1, ...(stuck ? { stuckAfterMs: stuck } : {}) };
    },
    emit: (event) => events.emit(event),
    // A finished run or a verify is judged at once, not at the check's next interval.
    judge: (job) => void engine?.runNow(BACKUP_TARGET, job).catch(() => undefined),
    now,
    log,
    audit: (action, subject, detail) => audit(detail.trigger === 'user' || detail.trigger === undefined ? 'user' : 'engine')(action, subject, detail),
  });

  const service = new KaavanServiceImpl({
    mode: options.mode,
    dataDir: options.dataDir,
    config,
    engine,
    alerts,
    store,
    secrets,
    events,
    health,
    now,
    healing,
    deliveryLanes: { names: () => notifier.channelNames, kick: () => void notifier.flush() },
    backups,
    channelFor: (name) => {
      const entry = (config.current.channels ?? []).find((c) => c.name === name);
      if (entry) return createChannel(entry, { secrets, log, now, ...(options.desktopChannel ? { desktop: options.desktopChannel } : {}) });
      return [...(options.alwaysOnChannels ?? []), ...((config.current.channels ?? []).length ? [] : (options.channels ?? []))].find((c) => c.name === name) ?? null;
    },
  });

  const checkBacklog = () => {
    try {
      const { pending, oldestAt } = notifier.backlog();
      if (pending > 0 && oldestAt !== null && now() - oldestAt > BACKLOG_AGE_MS) {
        health.raise('delivery-backlog', `${pending} notice${pending === 1 ? '' : 's'} not delivered yet (the oldest for ${humanDuration(now() - oldestAt)}): a channel is failing`);
      } else {
        health.clear('delivery-backlog');
      }
    } catch {
      // The store's own failures are reported by the engine.
    }
  };
  // The give-up age: undelivered notices older than it fail and raise an alert about delivery.
  const giveUp = () => {
    try {
      watchDeliveries({ store, notifier, now, giveUpMs: () => giveUpMsOf(config.current), onAlert: (type, alert, text) => events.emit({ type: `alert.${type}`, alert, text }) });
    } catch (error) {
      log.warn('checking the delivery queue failed', { error: error instanceof Error ? error.message : String(error) });
    }
  };
  let backlogTimer: NodeJS.Timeout | null = null;
  let stopped = false;
  return {
    service,
    async start() {
      notifier.start();
      engine!.start();
      checkBacklog();
      giveUp();
      backlogTimer = setInterval(() => (checkBacklog(), giveUp()), BACKLOG_CHECK_MS);
      backlogTimer.unref?.();
      escalator!.start();
      config.startWatching();
      await backups!.start();
    },
    power: {
      suspend: () => engine!.oversight.suspend(),
      resume: () => engine!.oversight.resume(),
    },
    async reloadConfig() {
      const result = await config.reload();
      if (!result.ok) {
        const first = result.issues[0];
        health.raise('config-invalid', `${location} is not valid (${first ? `${first.path}: ${first.message}` : 'unreadable'}); Kaavan keeps running the previous configuration`);
      }
      return result;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (backlogTimer) clearInterval(backlogTimer);
      escalator!.stop();
      config.stopWatching();
      // Order matters: no new backups or probes, then wait for deliveries in flight, then close the store.
      await backups!.dispose();
      await engine!.stop();
      await healing!.stop();
      await notifier.stop();
      store.close();
      await lock.release();
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
