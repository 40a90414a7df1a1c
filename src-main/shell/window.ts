// The dashboard window: sandboxed, context-isolated renderer served from app://kaavan/ with a strict
// CSP header, no navigation away from our own page, no new windows, links to the browser only after
// the user confirms. Closing hides it (the app lives in the tray); Quit destroys it.
import {
  app,
  BrowserWindow,
  dialog,
  nativeTheme,
  protocol,
  session,
  shell,
  type IpcMainInvokeEvent,
  type NativeImage,
  type WebContents,
} from 'electron';
import { consoleLogger, type Logger } from '../core/log/logger.js';
import { APP_PAGE_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, serveAppRequest } from './app-protocol.js';
import { externalLinkDialog, isExternalLinkAllowed, isOwnPage, withCspHeader } from './security-policy.js';

export interface DashboardWindowOptions {
  /** Development only (`electron-vite dev`): the renderer's dev server URL, used instead of app://. */
  devServerUrl?: string;
  /** out/preload/index.cjs */
  preloadFile: string;
  icon?: NativeImage;
  /** Called when the window becomes visible or hidden (macOS shows the Dock icon only while visible). */
  onVisibilityChange?: (visible: boolean) => void;
  logger?: Logger;
}

/** Before the app is ready: app:// becomes a standard, secure origin (see app-protocol.ts). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

/** Once ready: app://kaavan/… answers with the files of out/renderer (nothing outside it). */
export function serveAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir));
}

let linkQuestionOpen = false;

/**
 * Opens an http(s) link in the user's browser after asking. One question at a time: a page that
 * fires many window.open() calls gets one dialog, not a stack of them.
 */
export async function openExternalAfterConfirmation(url: string, logger: Logger = consoleLogger()): Promise<boolean> {
  if (!isExternalLinkAllowed(url) || linkQuestionOpen) return false;
  linkQuestionOpen = true;
  try {
    const parent = BrowserWindow.getFocusedWindow();
    const options = externalLinkDialog(url);
    const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
    if (response !== 0) return false;
    await shell.openExternal(url);
    return true;
  } catch (error) {
    logger.warn('cannot open the link in the browser', { error });
    return false;
  } finally {
    linkQuestionOpen = false;
  }
}

/**
 * App-wide hardening, applied once when the app is ready: CSP response header on every response of
 * the default session, every permission request denied, no <webview>, no window.open anywhere.
 */
export function hardenSessions(options: { csp: boolean; logger?: Logger } = { csp: true }): void {
  const ses = session.defaultSession;
  // (The dev server's hot reload needs inline scripts, so development runs without the header.)
  if (options.csp) {
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: withCspHeader(details.responseHeaders) });
    });
  }
  // The dashboard needs no camera, geolocation, notifications permission, ... (main shows notifications).
  ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Links meant for the browser (a check's URL) open there once confirmed; nothing opens inside the app.
      if (isExternalLinkAllowed(url)) void openExternalAfterConfirmation(url, options.logger);
      return { action: 'deny' };
    });
  });
}

export class DashboardWindow {
  private win: BrowserWindow | null = null;
  private quitting = false;
  /** The page the window shows: app://kaavan/index.html (or the dev server's URL). */
  readonly pageUrl: string;
  private readonly logger: Logger;

  constructor(private readonly options: DashboardWindowOptions) {
    this.pageUrl = options.devServerUrl ?? APP_PAGE_URL;
    this.logger = options.logger ?? consoleLogger();
  }

  /** From now on closing the window really closes it (the app is quitting). */
  setQuitting(): void {
    this.quitting = true;
  }

  get exists(): boolean {
    return this.win !== null && !this.win.isDestroyed();
  }

  get visible(): boolean {
    return this.exists && this.win!.isVisible();
  }

  get webContents(): WebContents | null {
    return this.exists ? this.win!.webContents : null;
  }

  /**
   * Shows (creating on first use) and focuses the window. With `route` ("/alerts/12") the
   * dashboard switches to that view (hash routing: "#/alerts/12").
   */
  show(route?: string): void {
    if (!this.exists) {
      // A new window shows itself once painted ('ready-to-show'), avoiding a white flash.
      this.create(route);
      return;
    }
    if (route !== undefined) this.navigate(route);
    const win = this.win!;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  hide(): void {
    if (this.exists) this.win!.hide();
  }

  destroy(): void {
    if (this.exists) this.win!.destroy();
    this.win = null;
  }

  /** Sends to the renderer when there is one (events are dropped while no window exists). */
  send(channel: string, payload: unknown): void {
    const contents = this.webContents;
    if (contents && !contents.isDestroyed()) contents.send(channel, payload);
  }

  /** Only our own window's top frame, showing our own app:// page, may call the service. */
  isTrustedSender(event: IpcMainInvokeEvent): boolean {
    const contents = this.webContents;
    const frame = event.senderFrame;
    if (!contents || event.sender !== contents || !frame) return false;
    if (frame.parent !== null || frame !== contents.mainFrame) return false;
    return isOwnPage(frame.url, this.pageUrl);
  }

  private create(route?: string): void {
    const win = new BrowserWindow({
      title: 'Kaavan',
      width: 1200,
      height: 800,
      minWidth: 720,
      minHeight: 480,
      show: false,
      autoHideMenuBar: true,
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#0e1621' : '#f5f7fa',
      ...(this.options.icon ? { icon: this.options.icon } : {}),
      webPreferences: {
        preload: this.options.preloadFile,
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        spellcheck: false,
      },
    });
    this.win = win;

    win.once('ready-to-show', () => {
      win.show();
      win.focus();
    });
    win.on('show', () => this.options.onVisibilityChange?.(true));
    win.on('hide', () => this.options.onVisibilityChange?.(false));
    win.on('close', (event) => {
      if (this.quitting) return;
      // Closing only hides: monitoring goes on in the tray. "Quit" in the tray menu really quits.
      event.preventDefault();
      win.hide();
    });
    win.on('closed', () => {
      if (this.win === win) this.win = null;
      this.options.onVisibilityChange?.(false);
    });

    const contents = win.webContents;
    contents.on('will-navigate', (event, url) => {
      if (isOwnPage(url, this.pageUrl)) return;
      event.preventDefault();
      // A plain link to a web page (no target=_blank) goes to the browser too, once confirmed.
      if (isExternalLinkAllowed(url)) void openExternalAfterConfirmation(url, this.logger);
    });
    contents.on('will-redirect', (event, url) => {
      if (!isOwnPage(url, this.pageUrl)) event.preventDefault();
    });
    contents.on('render-process-gone', (_event, details) => {
      this.logger.warn('dashboard renderer gone; reloading', { reason: details.reason });
      if (!this.quitting && details.reason !== 'clean-exit' && !win.isDestroyed()) this.load(win);
    });

    this.load(win, route);
  }

  private load(win: BrowserWindow, route?: string): void {
    const loading = win.loadURL(route ? `${this.pageUrl.replace(/#.*$/, '')}#${route}` : this.pageUrl);
    loading.catch((error: unknown) => this.logger.error('cannot load the dashboard', { error }));
  }

  private navigate(route: string): void {
    const win = this.win!;
    const go = () => {
      // Same-document hash change: the page keeps its state and live connection.
      win.webContents
        .executeJavaScript(`window.location.hash = ${JSON.stringify(`#${route}`)};`, true)
        .catch(() => this.load(win, route));
    };
    if (win.webContents.isLoading()) win.webContents.once('did-finish-load', go);
    else go();
  }
}
