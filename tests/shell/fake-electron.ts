// A small stand-in for the parts of Electron's main-process API the shell uses, so the shell's
// lifecycle (seeding, tray, window security options, IPC, quit) runs in plain Node under vitest.
// It records what the shell asked for; it does not imitate Electron's behaviour beyond that.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

type Listener = (...args: unknown[]) => unknown;

export class FakeWebContents extends EventEmitter {
  sent: Array<{ channel: string; payload: unknown }> = [];
  executed: string[] = [];
  url = '';
  mainFrame = { url: '', parent: null as unknown };
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  isDestroyed() {
    return this.destroyed;
  }
  isLoading() {
    return false;
  }
  getURL() {
    return this.url;
  }
  async executeJavaScript(code: string) {
    this.executed.push(code);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  static getAllWindows() {
    return FakeBrowserWindow.all.filter((w) => !w.destroyed);
  }
  static getFocusedWindow() {
    return null;
  }
  webContents = new FakeWebContents();
  visible = false;
  destroyed = false;
  loaded: Array<{ file?: string; url?: string; options?: { hash?: string } }> = [];
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.all.push(this);
    fakeApp.emit('web-contents-created', {}, this.webContents);
  }
  async loadFile(file: string, options?: { hash?: string }) {
    this.loaded.push({ file, ...(options ? { options } : {}) });
    const url = pathToFileURL(file).href + (options?.hash ? `#${options.hash}` : '');
    this.webContents.url = url;
    this.webContents.mainFrame.url = url;
  }
  async loadURL(url: string) {
    this.loaded.push({ url });
    this.webContents.url = url;
    this.webContents.mainFrame.url = url;
  }
  show() {
    this.visible = true;
    this.emit('show');
  }
  hide() {
    this.visible = false;
    this.emit('hide');
  }
  focus() {}
  restore() {}
  isMinimized() {
    return false;
  }
  isVisible() {
    return this.visible;
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** Like a click on the close button: 'close' may be prevented. */
  close() {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) this.destroy();
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export class FakeTray extends EventEmitter {
  static all: FakeTray[] = [];
  image: { path: string };
  tooltip = '';
  menu: { template: Array<Record<string, unknown>> } | null = null;
  menuSets = 0;
  destroyed = false;
  constructor(image: { path: string }) {
    super();
    this.image = image;
    FakeTray.all.push(this);
  }
  setImage(image: { path: string }) {
    this.image = image;
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: { template: Array<Record<string, unknown>> }) {
    this.menu = menu;
    this.menuSets++;
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
  }
}

export class FakeNotification extends EventEmitter {
  static shown: FakeNotification[] = [];
  static isSupported() {
    return true;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show() {
    FakeNotification.shown.push(this);
  }
}

class FakeApp extends EventEmitter {
  paths = new Map<string, string>();
  name = 'electron';
  isPackaged = false;
  appPath = '';
  quitCalls = 0;
  exited: number | null = null;
  finished = false;
  dock = undefined;
  setName(name: string) {
    this.name = name;
  }
  getName() {
    return this.name;
  }
  getPath(name: string) {
    const value = this.paths.get(name);
    if (!value) throw new Error(`fake app: no path "${name}"`);
    return value;
  }
  setPath(name: string, value: string) {
    this.paths.set(name, value);
  }
  getAppPath() {
    return this.appPath;
  }
  getVersion() {
    return '0.1.0';
  }
  requestSingleInstanceLock() {
    return true;
  }
  setAppUserModelId() {}
  readyCalled = false;
  whenReady() {
    this.readyCalled = true;
    return Promise.resolve();
  }
  getLoginItemSettings() {
    return { openAtLogin: false, wasOpenedAtLogin: false };
  }
  setLoginItemSettings() {}
  /** Electron's order: before-quit, then will-quit (which may be prevented), then the end. */
  quit() {
    this.quitCalls++;
    this.emit('before-quit', { preventDefault() {} });
    let prevented = false;
    this.emit('will-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.finished = true;
  }
  exit(code = 0) {
    this.exited = code;
  }
}

export const fakeApp = new FakeApp();

export const fakeIpcMain = {
  handlers: new Map<string, Listener>(),
  handle(channel: string, fn: Listener) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, fn);
  },
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  },
  on() {},
};

export const fakeSession = {
  headerHooks: [] as Array<(details: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void>,
  permissionHandler: null as null | ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void),
  defaultSession: {
    webRequest: {
      onHeadersReceived(fn: (details: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void) {
        fakeSession.headerHooks.push(fn);
      },
    },
    setPermissionRequestHandler(fn: (wc: unknown, permission: string, cb: (granted: boolean) => void) => void) {
      fakeSession.permissionHandler = fn;
    },
    setPermissionCheckHandler() {},
  },
};

export const fakeDialog = {
  errors: [] as Array<{ title: string; message: string }>,
  boxes: [] as unknown[],
  answer: 0,
  /** Questions asked with the async showMessageBox, and the button index each one answers. */
  questions: [] as Array<Record<string, unknown>>,
  questionAnswer: 0,
  async showMessageBox(...args: unknown[]) {
    this.questions.push(args.at(-1) as Record<string, unknown>);
    return { response: this.questionAnswer, checkboxChecked: false };
  },
  showErrorBox(title: string, message: string) {
    this.errors.push({ title, message });
  },
  showMessageBoxSync(options: unknown) {
    this.boxes.push(options);
    return this.answer;
  },
};

/** Custom protocols: the schemes registered before ready and the handler of each. */
export const fakeProtocol = {
  privileged: [] as Array<{ scheme: string; privileges: Record<string, unknown> }>,
  handlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
  registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: Record<string, unknown> }>) {
    if (fakeApp.readyCalled) throw new Error('registerSchemesAsPrivileged after ready');
    this.privileged.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response> | Response) {
    if (this.handlers.has(scheme)) throw new Error(`second handler for ${scheme}`);
    this.handlers.set(scheme, handler);
  },
};

export const fakeShell = { opened: [] as string[], async openExternal(url: string) { this.opened.push(url); } };

export const fakeElectron = {
  app: fakeApp,
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Notification: FakeNotification,
  ipcMain: fakeIpcMain,
  session: fakeSession,
  dialog: fakeDialog,
  shell: fakeShell,
  protocol: fakeProtocol,
  nativeTheme: { shouldUseDarkColors: false },
  /** Emit 'suspend' / 'resume' / 'lock-screen' on it to play the computer's power events. */
  powerMonitor: new EventEmitter(),
  nativeImage: {
    createFromPath: (path: string) => ({ path, isEmpty: () => !existsSync(path) }),
  },
  Menu: {
    applicationMenu: undefined as unknown,
    buildFromTemplate: (template: Array<Record<string, unknown>>) => ({ template }),
    setApplicationMenu(menu: unknown) {
      this.applicationMenu = menu;
    },
  },
};
