import { app, BrowserWindow } from 'electron';
import { SETTINGS_WINDOW } from './security.js';

/**
 * The settings window's life: created on demand and destroyed on close (no renderer idles all
 * day), except where there is no visible tray — then closing only minimises it, because it is
 * the one sign that the app is running and listening.
 */
export interface SettingsWindowOptions {
  preload: string;
  page: string;
  /** The title for a new window (status words, as in the tray). */
  title(): string;
  /** No tray icon can be seen: the window must stay. */
  trayless(): boolean;
  /** The app is quitting: let it close. */
  quitting(): boolean;
}

export class SettingsWindow {
  private win: BrowserWindow | undefined;

  constructor(private readonly o: SettingsWindowOptions) {}

  get webContentsId(): number | undefined {
    return this.win?.webContents.id;
  }

  /** The window while it exists (for status updates). */
  get current(): BrowserWindow | undefined {
    return this.win !== undefined && !this.win.isDestroyed() ? this.win : undefined;
  }

  /** `minimized`: there, in the dock or taskbar, without taking the focus (a start at login with no tray). */
  show(opts: { minimized?: boolean } = {}): void {
    const existing = this.win;
    if (existing !== undefined) {
      if (opts.minimized === true) return;
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return;
    }
    const w = new BrowserWindow({
      ...SETTINGS_WINDOW,
      title: this.o.title(),
      // Written out where the window is made, so reviewers and scanners (electronegativity, in
      // `npm test`) see every setting at the call site. The call window repeats them on purpose.
      webPreferences: {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        safeDialogs: true,
        spellcheck: false,
        // A middle click must not open anything (new windows are denied as well).
        disableBlinkFeatures: 'Auxclick',
        // Developer tools while developing only: in an installed app they would be a way into the page.
        devTools: !app.isPackaged,
        // Reviewed (scripts/electronegativity.mjs): it exposes one contextBridge object, never ipcRenderer.
        preload: this.o.preload,
      },
    });
    this.win = w;
    w.once('ready-to-show', () => {
      if (opts.minimized === true) {
        w.showInactive();
        w.minimize();
      } else {
        w.show();
      }
    });
    w.on('close', (e) => {
      // Without a visible tray, a closed window would leave the app running where nobody can see it.
      if (this.o.quitting() || !this.o.trayless()) return;
      e.preventDefault();
      w.minimize();
    });
    w.on('closed', () => {
      if (this.win === w) this.win = undefined;
    });
    void w.loadFile(this.o.page);
  }
}
