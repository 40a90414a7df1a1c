// App lifecycle of the desktop shell: one instance, the core runtime, tray, dashboard window,
// IPC, desktop notifications and launch-at-login. Everything that is not Electron lives in core.
import { app, dialog, Menu, nativeImage, type NativeImage } from 'electron';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKaavan, type KaavanRuntime } from '../core/kaavan.js';
import { createSecretStore } from '../core/secrets/secrets.js';
import { KaavanError } from '../core/api/errors.js';
import type { Overview } from '../core/model.js';
import type { Settings } from '../core/config/schema.js';
import type { KaavanService } from '../core/api/service.js';
import { AppConfigStore } from './electron-config-store.js';
import { DEMO_CONFIG_FILE, loadDemoConfigText } from './demo-config.js';
import { DesktopChannel } from './desktop-channel.js';
import { KaavanTray, type TraySnapshot } from './tray.js';
import { DashboardWindow, hardenSessions } from './window.js';
import { wireIpc } from './ipc.js';
import { applyLaunchAtLogin, startedAtLogin } from './launch-at-login.js';
import { alertRoute } from './security-policy.js';
import type { TrayAction } from './tray-model.js';

export const APP_ID = 'dev.kaavan.app';
const APP_NAME = 'Kaavan';

/** What end-to-end tests read through electronApp.evaluate() (installed only with KAAVAN_E2E=1). */
export interface KaavanTestHook {
  ready: true;
  dataDir: string;
  tray(): TraySnapshot;
  window(): { exists: boolean; visible: boolean; url: string | null };
  openWindow(route?: string): void;
  overview(): Promise<Overview>;
}

declare global {
  var __kaavanTest: KaavanTestHook | undefined;
}

const log = (message: string, error?: unknown) =>
  console.error(`kaavan: ${message}${error === undefined ? '' : `: ${error instanceof Error ? error.message : String(error)}`}`);

/** Files of the built app (out/main/index.js is this bundle). */
function bundlePaths() {
  const here = fileURLToPath(new URL('.', import.meta.url)); // out/main/
  return {
    preload: join(here, '..', 'preload', 'index.cjs'),
    index: join(here, '..', 'renderer', 'index.html'),
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
  private settings: Settings = {};
  private appIcon: NativeImage | undefined;
  private loginItemQueue: Promise<unknown> = Promise.resolve();
  private cleanedUp = false;
  /** A second launch (or Dock click) before the window existed: show it once started. */
  private openRequested = false;
  private readonly configStore: AppConfigStore;

  constructor(private readonly dataDir: string) {
    this.configStore = new AppConfigStore(dataDir);
  }

  async start(): Promise<void> {
    hardenSessions({ csp: !devServerUrl() });
    installApplicationMenu();
    const icon = nativeImage.createFromPath(join(resourcesDir(), 'icon.png'));
    this.appIcon = icon.isEmpty() ? undefined : icon;

    const runtime = await this.createRuntime();
    if (!runtime) return;
    this.runtime = runtime;
    const service = runtime.service;
    this.service = service;

    this.window = new DashboardWindow({
      indexFile: bundlePaths().index,
      preloadFile: bundlePaths().preload,
      ...(devServerUrl() ? { devServerUrl: devServerUrl()! } : {}),
      ...(this.appIcon ? { icon: this.appIcon } : {}),
      onVisibilityChange: (visible) => this.syncDock(visible),
    });
    this.unwireIpc = wireIpc(service, this.window);
    this.tray = new KaavanTray(join(resourcesDir(), 'tray'), (action) => this.onTrayAction(action));

    this.unsubscribe = service.subscribe((event) => {
      if (event.type === 'overview') this.tray?.update(event.overview);
      else if (event.type === 'config.changed') void this.refreshSettings();
    });
    await this.refreshSettings();
    await runtime.start();
    this.tray.update(await service.overview());

    if (process.env.KAAVAN_E2E === '1') this.installTestHook(service);
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
        secrets: createSecretStore(),
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

  private desktopChannel(): DesktopChannel {
    return new DesktopChannel({
      enabled: () => this.settings.notifications !== false,
      onClick: (alertId) => this.openWindow(alertRoute(alertId)),
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

  private onTrayAction(action: TrayAction): void {
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
  dialog.showErrorBox(title, message);
  app.exit(1);
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
