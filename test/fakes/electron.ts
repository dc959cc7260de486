import { EventEmitter } from 'node:events';

/**
 * A stand-in for the `electron` module, for unit tests of the main/electron adapters only (Electron
 * cannot be launched on CI machines). It records what the adapters ask of Electron and lets a test
 * play the OS: keyring present or not, notifications refused, IPC from some other frame. Everything
 * behind the adapters (main/desktop, main/core) is real in those tests.
 */

// ---------- app ----------
/** A cancellable event, as Electron passes to before-quit, will-navigate and the like. */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

let becomeReady: () => void = () => undefined;
const readyGate = new Promise<void>((resolve) => (becomeReady = resolve));

export const app = Object.assign(new EventEmitter(), {
  isPackaged: true,
  /** Where getPath() points: tests that boot main.ts give it a temporary folder. */
  pathRoot: '/nonexistent/fake-electron',
  /** What the app asked of Electron, in order (sandbox, single-instance lock, quit, exit...). */
  calls: [] as string[],
  singleInstance: true,
  protocolClients: [] as string[],
  appUserModelId: undefined as string | undefined,
  exitCode: undefined as number | undefined,
  /** Set once quit() went through (nothing prevented before-quit). */
  quitted: false,
  /** electron-store asks for these when constructed; the tests always pass their own folder (cwd). */
  getPath(name: string): string {
    return `${this.pathRoot}/${name}`;
  },
  getAppPath(): string {
    return '/app';
  },
  getVersion(): string {
    return '0.0.0-test';
  },
  loginItems: [] as unknown[],
  setLoginItemSettings(settings: unknown): void {
    this.loginItems.push(settings);
  },
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin: boolean } {
    return { openAtLogin: this.loginItems.length > 0, wasOpenedAtLogin: false };
  },
  requestSingleInstanceLock(): boolean {
    this.calls.push('requestSingleInstanceLock');
    return this.singleInstance;
  },
  enableSandbox(): void {
    this.calls.push('enableSandbox');
  },
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  },
  isDefaultProtocolClient(scheme: string): boolean {
    return this.protocolClients.includes(scheme);
  },
  setAsDefaultProtocolClient(scheme: string): boolean {
    this.protocolClients.push(scheme);
    return true;
  },
  /** Resolves only once a test calls ready(): importing main.ts alone wires the app without starting it. */
  whenReady(): Promise<void> {
    return readyGate;
  },
  ready(): void {
    becomeReady();
  },
  /** As Electron: before-quit may be prevented; otherwise the app goes. */
  quit(): void {
    this.calls.push('quit');
    const e = new FakeEvent();
    app.emit('before-quit', e);
    if (!e.defaultPrevented) this.quitted = true;
  },
  exit(code: number): void {
    this.calls.push('exit');
    this.exitCode = code;
  },
});

// ---------- session, webContents, powerMonitor, net ----------
type PermissionRequest = (wc: unknown, permission: string, callback: (granted: boolean) => void) => void;
type BeforeRequest = (details: { url: string }, callback: (r: { cancel: boolean }) => void) => void;
type HeadersReceived = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (r: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

export class FakeSession {
  permissionRequest: PermissionRequest | undefined;
  permissionCheck: ((...args: unknown[]) => boolean) | undefined;
  beforeRequest: BeforeRequest | undefined;
  headersReceived: HeadersReceived | undefined;
  readonly webRequest = {
    onBeforeRequest: (fn: BeforeRequest): void => {
      this.beforeRequest = fn;
    },
    onHeadersReceived: (fn: HeadersReceived): void => {
      this.headersReceived = fn;
    },
  };
  setPermissionRequestHandler(fn: PermissionRequest): void {
    this.permissionRequest = fn;
  }
  setPermissionCheckHandler(fn: (...args: unknown[]) => boolean): void {
    this.permissionCheck = fn;
  }
}

export const session = { defaultSession: new FakeSession() };

/** A webContents as far as hardening it goes: window-open handler and cancellable events. */
export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(fn: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = fn;
  }
  /** Emits a cancellable event and says whether a listener cancelled it. */
  attempt(event: string, ...args: unknown[]): boolean {
    const e = new FakeEvent();
    this.emit(event, e, ...args);
    return e.defaultPrevented;
  }
}

export const powerMonitor = new EventEmitter();

export const net = {
  online: true,
  isOnline(): boolean {
    return this.online;
  },
};

// ---------- safeStorage ----------
/** XOR with a fixed key: enough to prove bytes on disk are not the plain text, and reversible. */
const KEY = 0x5a;
type Backend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';
export const safeStorage = {
  available: true,
  backend: 'gnome_libsecret' as Backend,
  calls: [] as string[],
  isAsyncEncryptionAvailable(): Promise<boolean> {
    this.calls.push('isAsyncEncryptionAvailable');
    return Promise.resolve(this.available);
  },
  getSelectedStorageBackend(): Backend {
    this.calls.push('getSelectedStorageBackend');
    return this.backend;
  },
  encryptStringAsync(plain: string): Promise<Buffer> {
    this.calls.push('encryptStringAsync');
    if (!this.available) return Promise.reject(new Error('Encryption is not available.'));
    return Promise.resolve(Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ KEY)));
  },
  decryptStringAsync(sealed: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }> {
    this.calls.push('decryptStringAsync');
    if (!this.available) return Promise.reject(new Error('Decryption is not available.'));
    return Promise.resolve({ shouldReEncrypt: false, result: Buffer.from(sealed.map((b) => b ^ KEY)).toString('utf8') });
  },
};

// ---------- Notification ----------
export interface NotificationOptions {
  title: string;
  body: string;
  silent?: boolean;
  urgency?: 'normal' | 'critical' | 'low';
  timeoutType?: 'default' | 'never';
  hasReply?: boolean;
  replyPlaceholder?: string;
  actions?: { type: 'button' | 'selection'; text?: string }[];
}

export class Notification extends EventEmitter {
  static supported = true;
  /** 'show': the OS shows it; 'failed': the OS refuses (Windows reports this); 'silent': no event at all. */
  static behaviour: 'show' | 'failed' | 'silent' = 'show';
  static readonly created: Notification[] = [];
  static isSupported(): boolean {
    return Notification.supported;
  }
  shown = false;
  closed = false;
  constructor(readonly options: NotificationOptions) {
    super();
    Notification.created.push(this);
  }
  show(): void {
    this.shown = true;
    const behaviour = Notification.behaviour;
    setImmediate(() => {
      if (behaviour === 'show') this.emit('show', {});
      if (behaviour === 'failed') this.emit('failed', {}, 'Notifications are turned off for this app');
    });
  }
  close(): void {
    this.closed = true;
    this.emit('close', {});
  }
  click(): void {
    this.emit('click', {});
  }
  /** The person typed into the inline reply (Electron 45: the text in details.reply, and as a deprecated second argument). */
  reply(text: string): void {
    this.emit('reply', { reply: text }, text);
  }
  action(index: number): void {
    this.emit('action', { actionIndex: index, selectionIndex: -1 }, index);
  }
}

// ---------- nativeImage, Tray, Menu ----------
export class FakeImage {
  constructor(
    readonly source: string,
    readonly bitmap: Buffer | undefined,
    readonly size: { width: number; height: number },
  ) {}
  isEmpty(): boolean {
    return false;
  }
  getSize(): { width: number; height: number } {
    return this.size;
  }
  toBitmap(): Buffer {
    return this.bitmap ?? Buffer.alloc(this.size.width * this.size.height * 4);
  }
}

export const nativeImage = {
  createFromPath(path: string): FakeImage {
    return new FakeImage(path, undefined, { width: 48, height: 48 });
  },
  createFromBitmap(bitmap: Buffer, opts: { width: number; height: number }): FakeImage {
    return new FakeImage('bitmap', bitmap, { width: opts.width, height: opts.height });
  },
};

export interface TemplateItem {
  label?: string;
  enabled?: boolean;
  type?: string;
  submenu?: TemplateItem[];
  click?: () => void;
}

export class FakeMenu {
  constructor(readonly template: TemplateItem[]) {}
}

export const Menu = {
  buildFromTemplate(template: TemplateItem[]): FakeMenu {
    return new FakeMenu(template);
  },
};

export class Tray extends EventEmitter {
  static readonly created: Tray[] = [];
  image: FakeImage;
  tooltip = '';
  title = '';
  menu: FakeMenu | undefined;
  menuBuilds = 0;
  destroyed = false;
  constructor(image: FakeImage) {
    super();
    this.image = image;
    Tray.created.push(this);
  }
  setImage(image: FakeImage): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setTitle(text: string): void {
    this.title = text;
  }
  setContextMenu(menu: FakeMenu): void {
    this.menu = menu;
    this.menuBuilds += 1;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

// ---------- IPC ----------
type Handler = (event: unknown, payload: unknown) => unknown;
type Listener = (event: { returnValue?: unknown }) => void;

export const ipcMain = {
  handlers: new Map<string, Handler>(),
  /** ipcMain.on listeners by channel: electron-store registers one (main/electron/electron-settings-store.ts removes it). */
  listeners: new Map<string, Listener[]>(),
  /** Every channel ever given to on(), removed or not. */
  registered: [] as string[],
  on(channel: string, listener: Listener): void {
    this.registered.push(channel);
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
  },
  removeAllListeners(channel?: string): void {
    if (channel === undefined) this.listeners.clear();
    else this.listeners.delete(channel);
  },
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  },
};

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    this.exposed.set(key, api);
  },
};

export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoked: [] as { channel: string; payload: unknown }[],
  reply: (channel: string, payload: unknown): unknown => ({ ok: true, value: { channel, payload } }),
  invoke(channel: string, payload: unknown): Promise<unknown> {
    this.invoked.push({ channel, payload });
    return Promise.resolve(this.reply(channel, payload));
  },
});

/** Message boxes: what was asked, answered with `response` (the index of a button), as the user would. */
export const dialog = {
  asked: [] as { message: string; detail?: string; buttons?: string[]; defaultId?: number; cancelId?: number }[],
  response: 0,
  showMessageBox(opts: {
    message: string;
    detail?: string;
    buttons?: string[];
    defaultId?: number;
    cancelId?: number;
  }): Promise<{ response: number; checkboxChecked: boolean }> {
    this.asked.push(opts);
    return Promise.resolve({ response: this.response, checkboxChecked: false });
  },
};

export const clipboard = {
  text: '',
  writeText(text: string): Promise<void> {
    this.text = text;
    return Promise.resolve();
  },
};

export const shell = {
  opened: [] as string[],
  openExternal(url: string): Promise<void> {
    this.opened.push(url);
    return Promise.resolve();
  },
  openPath(): Promise<string> {
    return Promise.resolve('');
  },
};

// ---------- windows and screens ----------
interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class BrowserWindow extends EventEmitter {
  static created: BrowserWindow[] = [];
  private static nextId = 100;
  readonly webContents: { id: number; sent: [string, unknown][]; send(channel: string, payload: unknown): void };
  visible = false;
  focused = false;
  destroyed = false;
  shownInactive = 0;
  movedTop = 0;
  bounds: Bounds = { x: 0, y: 0, width: 0, height: 0 };
  alwaysOnTop: { flag: boolean; level: string | undefined } | undefined;
  allWorkspaces: { flag: boolean; options: Record<string, unknown> | undefined } | undefined;
  loaded: string | undefined;

  constructor(readonly options: Record<string, unknown>) {
    super();
    const sent: [string, unknown][] = [];
    this.webContents = { id: BrowserWindow.nextId++, sent, send: (channel, payload) => sent.push([channel, payload]) };
    BrowserWindow.created.push(this);
  }

  /** The page "loads" on the next turn and the window is then ready to show, as in Electron. */
  loadFile(path: string): Promise<void> {
    this.loaded = path;
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }

  show(): void {
    this.visible = true;
    this.focused = true;
  }

  showInactive(): void {
    this.visible = true;
    this.shownInactive++;
  }

  hide(): void {
    this.visible = false;
  }

  minimized = false;
  title = '';

  minimize(): void {
    this.minimized = true;
    this.focused = false;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  restore(): void {
    this.minimized = false;
  }

  focus(): void {
    this.focused = true;
  }

  setTitle(title: string): void {
    this.title = title;
  }

  isVisible(): boolean {
    return this.visible;
  }

  moveTop(): void {
    this.movedTop++;
  }

  setBounds(b: Bounds): void {
    this.bounds = b;
  }

  getBounds(): Bounds {
    return { ...this.bounds };
  }

  setAlwaysOnTop(flag: boolean, level?: string): void {
    this.alwaysOnTop = { flag, level };
  }

  setVisibleOnAllWorkspaces(flag: boolean, options?: Record<string, unknown>): void {
    this.allWorkspaces = { flag, options };
  }

  /** The user clicks the close button: listeners may prevent it. */
  close(): void {
    const e = {
      defaultPrevented: false,
      preventDefault(): void {
        this.defaultPrevented = true;
      },
    };
    this.emit('close', e);
    if (!e.defaultPrevented) this.destroy();
  }

  destroy(): void {
    this.destroyed = true;
    this.visible = false;
    this.emit('closed');
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** One 1440×900 screen with a 25 px menu bar; the cursor is on it. */
export const screen = {
  getCursorScreenPoint: (): { x: number; y: number } => ({ x: 700, y: 400 }),
  getDisplayNearestPoint: (): { workArea: Bounds } => ({ workArea: { x: 0, y: 25, width: 1440, height: 875 } }),
  getDisplayMatching: (): { workArea: Bounds } => ({ workArea: { x: 0, y: 25, width: 1440, height: 875 } }),
};

export default {
  app,
  session,
  powerMonitor,
  net,
  safeStorage,
  Notification,
  nativeImage,
  Menu,
  Tray,
  ipcMain,
  contextBridge,
  ipcRenderer,
  clipboard,
  shell,
  BrowserWindow,
  screen,
};
