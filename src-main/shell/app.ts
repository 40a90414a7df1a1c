// App lifecycle of the desktop shell: one instance, the core runtime, tray, dashboard window,
// IPC, desktop notifications and launch-at-login. Everything that is not Electron lives in core.
import { app, dialog, Menu, nativeImage, powerMonitor, type NativeImage } from 'electron';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKaavan, type KaavanRuntime } from '../core/kaavan.js';
import { createSecretStore } from '../core/secrets/secrets.js';
import { KaavanError } from '../core/api/errors.js';
import type { KaavanHealth, Overview } from '../core/model.js';
import type { Settings } from '../core/config/schema.js';
import type { KaavanService } from '../core/api/service.js';
import { AppConfigStore } from './electron-config-store.js';
import { DEMO_CONFIG_FILE, loadDemoConfigText } from './demo-config.js';
import { DesktopChannel } from './desktop-channel.js';
import { KaavanTray, type TraySnapshot } from './tray.js';
import { DashboardWindow, hardenSessions, registerAppScheme, serveAppProtocol } from './window.js';
import { consoleLogger, type Logger } from '../core/log/logger.js';
import { createFileLogger } from '../core/log/file-logger.js';
import { installProcessGuards } from '../core/log/process-guards.js';
import { wireIpc } from './ipc.js';
import { applyLaunchAtLogin, startedAtLogin } from './launch-at-login.js';
import { alertRoute, checkRoute } from './security-policy.js';
import type { TrayAction } from './tray-model.js';
import { watchPower } from './power-monitor.js';
import { ShellBackups } from './backup-shell.js';

export const APP_ID = 'dev.kaavan.app';
const APP_NAME = 'Kaavan';

/**
 * What end-to-end tests read through electronApp.evaluate(): installed only with KAAVAN_E2E=1 in an
 * unpackaged app (`npm run build` + electron .), never in an installed one.
 */
export interface KaavanTestHook {
  ready: true;
  dataDir: string;
  logFile: string | null;
  tray(): TraySnapshot;
  window(): { exists: boolean; visible: boolean; url: string | null };
  openWindow(route?: string): void;
  overview(): Promise<Overview>;
}

declare global {
  var __kaavanTest: KaavanTestHook | undefined;
}

/** The shell's log: <data>/logs/kaavan.log once runShell() knows the data folder (stderr before). */
let logger: Logger = consoleLogger();
let logFile: string | null = null;

/** An error when `error` is given, else a notice. */
const log = (message: string, error?: unknown) => (error === undefined ? logger.info(message) : logger.error(message, { error }));

/** Files of the built app (out/main/index.js is this bundle). */
function bundlePaths() {
  const here = fileURLToPath(new URL('.', import.meta.url)); // out/main/
  return {
    preload: join(here, '..', 'preload', 'index.cjs'),
    /** Served as app://kaavan/ (see app-protocol.ts). */
    rendererDir: join(here, '..', 'renderer'),
  };
}

/** resources/ ships inside the app (asar): tray icons, app icon, demo configuration. */
function resourcesDir(): string {
  return join(app.getAppPath(), 'resources');
}

class Shell {
  private runtime: KaavanRuntime | null = null;
  private service: KaavanService | null = null;
  private tray: KaavanTray | null = null;
  private window: DashboardWindow | null = null;
  private unwireIpc: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  private unwatchPower: (() => void) | null = null;
  private settings: Settings = {};
  private appIcon: NativeImage | undefined;
  private loginItemQueue: Promise<unknown> = Promise.resolve();
  private cleanedUp = false;
  private healthCodes = '';
  private backups: ShellBackups | null = null;
  /** A second launch (or Dock click) before the window existed: show it once started. */
  private openRequested = false;
  private readonly configStore: AppConfigStore;

  constructor(private readonly dataDir: string) {
    this.configStore = new AppConfigStore(dataDir);
  }

  async start(): Promise<void> {
    hardenSessions({ csp: !devServerUrl(), logger });
    serveAppProtocol(bundlePaths().rendererDir);
    installApplicationMenu();
    const icon = nativeImage.createFromPath(join(resourcesDir(), 'icon.png'));
    this.appIcon = icon.isEmpty() ? undefined : icon;

    const runtime = await this.createRuntime();
    if (!runtime) return;
    this.runtime = runtime;
    const service = runtime.service;
    this.service = service;

    this.window = new DashboardWindow({
      preloadFile: bundlePaths().preload,
      logger,
      ...(devServerUrl() ? { devServerUrl: devServerUrl()! } : {}),
      ...(this.appIcon ? { icon: this.appIcon } : {}),
      onVisibilityChange: (visible) => this.syncDock(visible),
    });
    this.unwireIpc = wireIpc(service, this.window, logger);
    this.tray = new KaavanTray(join(resourcesDir(), 'tray'), (action) => this.onTrayAction(action), logger);
    this.backups = new ShellBackups({
      service,
      tray: this.tray,
      notificationsEnabled: () => this.settings.notifications !== false,
      openBackups: () => this.openWindow('/backups'),
      log,
      ...(this.appIcon ? { icon: this.appIcon } : {}),
    });

    this.unsubscribe = service.subscribe((event) => {
      if (event.type === 'overview') this.tray?.update(event.overview);
      // Deltas are coalesced by the engine (≤ every 150 ms): a fresh snapshot per delta is cheap enough for the tray.
      else if (event.type === 'checks.changed') void service.overview().then((o) => this.tray?.update(o)).catch(() => undefined);
      else if (event.type === 'health') this.onHealth(event.health);
      else if (event.type === 'config.changed') void this.refreshSettings();
      if (event.type.startsWith('alert.') || event.type === 'checks.changed') this.refreshTrayAlerts();
      this.backups?.onEvent(event);
    });
    await this.refreshSettings();
    await runtime.start();
    this.unwatchPower = watchPower(powerMonitor, runtime.power, logger);
    this.tray.update(await service.overview());
    this.onHealth(await service.health());
    this.refreshTrayAlerts();
    await this.backups.refresh();

    // Never in an installed app: the hook hands the data folder and the service to any caller.
    if (process.env.KAAVAN_E2E === '1' && !app.isPackaged) this.installTestHook(service);
    if (startedAtLogin() && !this.openRequested) this.syncDock(false);
    else this.openWindow();
  }

  openWindow(route?: string): void {
    if (!this.window) {
      this.openRequested = true;
      return;
    }
    this.window.show(route);
  }

  /** The app is quitting: from now on closing the window really closes it. */
  prepareQuit(): void {
    this.window?.setQuitting();
  }

  /** Stops the engines and closes the store; the app may then exit. Safe to call twice. */
  async cleanup(): Promise<void> {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    this.window?.setQuitting();
    this.unsubscribe?.();
    this.unwireIpc?.();
    this.unwatchPower?.();
    this.tray?.destroy();
    const stopping = this.runtime?.stop() ?? Promise.resolve();
    // Never hang on exit: the store closes synchronously, probes are abandoned after a moment.
    await Promise.race([stopping, new Promise((r) => setTimeout(r, 5_000).unref())]).catch((e: unknown) => log('stop failed', e));
    this.window?.destroy();
  }

  /** Builds the core; on a settings document that no longer validates, offers a reset to the demo. */
  private async createRuntime(): Promise<KaavanRuntime | null> {
    const demoFile = join(resourcesDir(), DEMO_CONFIG_FILE);
    const create = async () => {
      try {
        const prepared = await this.configStore.prepare(() => loadDemoConfigText(demoFile));
        if (prepared) log(prepared);
      } catch (error) {
        // No demo (a broken package): start empty rather than not at all.
        if (error instanceof KaavanError && error.code === 'unavailable') throw error;
        log('cannot seed the demo configuration', error);
      }
      return createKaavan({
        configStore: this.configStore,
        dataDir: this.dataDir,
        mode: 'electron',
        channels: [this.desktopChannel()],
        desktopChannel: (name) => this.desktopChannel(name),
        secrets: createSecretStore(),
        logger,
      });
    };

    try {
      return await create();
    } catch (error) {
      const configProblem = error instanceof KaavanError && (error.code === 'invalid_input' || error.code === 'unavailable');
      if (!configProblem) {
        fatal('Kaavan could not start', error);
        return null;
      }
      const choice = dialog.showMessageBoxSync({
        type: 'error',
        title: APP_NAME,
        message: 'Kaavan cannot use its saved configuration.',
        detail: `${(error as Error).message}\n\nYou can start again from the demo configuration; the current settings file is kept as a copy next to it.`,
        buttons: ['Start from the demo configuration', 'Quit'],
        defaultId: 0,
        cancelId: 1,
        noLink: true,
      });
      if (choice !== 0) {
        app.exit(3);
        return null;
      }
      const copy = this.configStore.resetKeepingBackup();
      if (copy) log(`kept the previous settings as ${copy}`);
      try {
        return await create();
      } catch (retryError) {
        fatal('Kaavan could not start', retryError);
        return null;
      }
    }
  }

  /** Kaavan's own problems: in the tray (amber icon, a menu line) and in the log when they change. */
  private onHealth(health: KaavanHealth): void {
    this.tray?.setHealth(health);
    const codes = health.problems.map((p) => p.code).join(',');
    if (codes === this.healthCodes) return;
    this.healthCodes = codes;
    if (health.ok) logger.info('Kaavan is healthy again');
    else logger.warn('Kaavan has a problem of its own', { problems: health.problems.map((p) => p.message) });
  }

  private desktopChannel(name?: string): DesktopChannel {
    return new DesktopChannel({
      ...(name ? { name } : {}),
      enabled: () => this.settings.notifications !== false,
      onClick: (alertId, checkId) => this.openWindow(checkId !== null ? checkRoute(checkId) : alertRoute(alertId)),
      onAction: (alertId, action) => this.onTrayAction({ alert: alertId, ...action }),
      ...(this.appIcon ? { icon: this.appIcon } : {}),
    });
  }

  private async refreshSettings(): Promise<void> {
    if (!this.service) return;
    try {
      this.settings = (await this.service.getConfig()).settings ?? {};
    } catch (error) {
      log('cannot read settings', error);
      return;
    }
    const wanted = this.settings.launchAtLogin === true;
    // Serialised: two quick config changes must not race on the autostart file.
    this.loginItemQueue = this.loginItemQueue
      .then(() => applyLaunchAtLogin(wanted))
      .then((result) => {
        if (result === 'changed') log(`launch at login ${wanted ? 'enabled' : 'disabled'}`);
      })
      .catch((error: unknown) => log('cannot change launch at login', error));
    await this.loginItemQueue;
  }

  /** The tray's "Open alerts" submenu follows the active alerts (issue 8). */
  private refreshTrayAlerts(): void {
    void this.service
      ?.listAlerts({ state: 'active', limit: 50 })
      .then((alerts) => this.tray?.setAlerts(alerts))
      .catch(() => undefined);
  }

  private onTrayAction(action: TrayAction): void {
    if (typeof action === 'object') {
      // Acknowledge or silence an alert from the tray or a notification's button.
      const done = action.do === 'acknowledge' ? this.service?.acknowledgeAlert({ id: action.alert }) : this.service?.silenceAlert({ id: action.alert, forMs: action.forMs });
      void done?.then(() => this.refreshTrayAlerts()).catch((error: unknown) => log(`cannot ${action.do} alert ${action.alert}`, error));
      return;
    }
    switch (action) {
      case 'open-dashboard':
        this.openWindow();
        return;
      case 'pause':
      case 'resume':
        this.service
          ?.setPaused({ paused: action === 'pause' })
          .then((overview) => this.tray?.update(overview))
          .catch((error: unknown) => log(`cannot ${action} monitoring`, error));
        return;
      case 'quit':
        app.quit();
        return;
      default:
        if (action.startsWith('backup-now:')) this.backups?.runNow(action.slice('backup-now:'.length));
    }
  }

  /** macOS: a Dock icon only while the dashboard is open; otherwise Kaavan lives in the menu bar. */
  private syncDock(visible: boolean): void {
    if (process.platform !== 'darwin' || !app.dock) return;
    if (visible) void app.dock.show();
    else app.dock.hide();
  }

  private installTestHook(service: KaavanService): void {
    globalThis.__kaavanTest = {
      ready: true,
      dataDir: this.dataDir,
      logFile,
      tray: () => this.tray?.snapshot() ?? { exists: false, icon: null, tooltip: null, menu: [] },
      window: () => ({
        exists: this.window?.exists ?? false,
        visible: this.window?.visible ?? false,
        url: this.window?.webContents?.getURL() ?? null,
      }),
      openWindow: (route) => this.openWindow(route),
      overview: () => service.overview(),
    };
  }
}

function devServerUrl(): string | undefined {
  return !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : undefined;
}

/** macOS needs an application menu for Copy/Paste shortcuts; Windows/Linux windows get none. */
function installApplicationMenu(): void {
  if (process.platform !== 'darwin') {
    Menu.setApplicationMenu(null);
    return;
  }
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'viewMenu' }, { role: 'windowMenu' }]),
  );
}

function fatal(title: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  log(title, error);
  // (A data folder that cannot be written has no log file: then the message alone.)
  dialog.showErrorBox(title, logFile && existsSync(logFile) ? `${message}\n\nDetails are in ${logFile}.` : message);
  app.exit(1);
}

/**
 * The log file and the last-resort error handlers (policy in core/log/process-guards.ts): rejections
 * and connection errors are logged and the app keeps watching; any other uncaught exception is
 * logged, shown and ends the app.
 */
function setUpLogging(dataDir: string): void {
  const file = createFileLogger({ dir: join(dataDir, 'logs'), echoLevel: 'warn' });
  logger = file;
  logFile = file.path;
  installProcessGuards(file, { onFatal: (error) => fatal('Kaavan stopped after an unexpected error', error) });
}

/**
 * Entry of the Electron main process. Paths are fixed first: the single-instance lock and every
 * store live in the data folder, which is the same one the CLI uses by default (<appData>/Kaavan),
 * or $KAAVAN_DATA.
 */
export function runShell(): void {
  app.setName(APP_NAME);
  const dataDir = process.env.KAAVAN_DATA ? resolve(process.env.KAAVAN_DATA) : join(app.getPath('appData'), APP_NAME);
  app.setPath('userData', dataDir);
  // Chromium's caches and local storage go to a sub-folder, away from kaavan.db and config.yaml.
  app.setPath('sessionData', join(dataDir, 'session'));
  setUpLogging(dataDir);
  // Before 'ready': the dashboard's app:// origin (served once ready, in Shell.start).
  registerAppScheme();

  if (!app.requestSingleInstanceLock()) {
    // Another Kaavan runs: it receives 'second-instance' and shows its window; this one leaves.
    app.quit();
    return;
  }
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

  const shell = new Shell(dataDir);
  app.on('second-instance', () => shell.openWindow());
  // macOS: clicking the Dock icon (or launching again from Finder) shows the dashboard.
  app.on('activate', () => shell.openWindow());
  // Closing the window only hides it; with no window left the app stays in the tray.
  app.on('window-all-closed', () => {});
  app.on('before-quit', () => shell.prepareQuit());
  let shellStopped = false;
  app.on('will-quit', (event) => {
    if (shellStopped) return;
    event.preventDefault();
    void shell.cleanup().finally(() => {
      shellStopped = true;
      app.quit();
    });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());

  app
    .whenReady()
    .then(() => shell.start())
    .catch((error: unknown) => fatal('Kaavan could not start', error));
}
