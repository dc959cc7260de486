import { app, BrowserWindow } from 'electron';
import { STATE_EVENT } from '../../shared/ipc-channels.js';
import type { AppState } from '../../shared/ipc-contract.js';
import { REPLY_WINDOW } from './security.js';

/**
 * The reply window's life: shown and focused when the agent asks to answer a message (a click, a
 * Reply button, an inline reply that failed), hidden once nothing is left to send, destroyed
 * after a quiet minute. Closing it keeps the drafts: their text lives in the main process.
 */
const DESTROY_AFTER_MS = 60_000;

export interface ReplyWindowOptions {
  preload: string;
  page: string;
}

export class ReplyWindow {
  private win: BrowserWindow | undefined;
  private ready = false;
  /** The newest askedAt shown: a newer one brings the window to the front. */
  private presentedAsk = 0;
  private wanted = 0;
  private destroyTimer: NodeJS.Timeout | undefined;
  private ending = false;

  constructor(private readonly o: ReplyWindowOptions) {}

  /** For the IPC sender check: the reply window's webContents while it exists. */
  get webContentsId(): number | undefined {
    return this.win?.webContents.id;
  }

  update(state: AppState): void {
    if (state.replies.length === 0) {
      this.win?.hide();
      this.scheduleDestroy();
      return;
    }
    const asked = Math.max(...state.replies.map((r) => r.askedAt));
    if (this.win === undefined && asked <= this.presentedAsk) return;
    clearTimeout(this.destroyTimer);
    this.destroyTimer = undefined;
    const win = this.win ?? this.create();
    win.webContents.send(STATE_EVENT, state);
    this.wanted = asked;
    if (this.ready && asked > this.presentedAsk) this.present(win);
  }

  destroy(): void {
    this.ending = true;
    clearTimeout(this.destroyTimer);
    this.win?.destroy();
    this.win = undefined;
  }

  private present(win: BrowserWindow): void {
    this.presentedAsk = this.wanted;
    win.show();
    win.focus();
  }

  private create(): BrowserWindow {
    const win = new BrowserWindow({
      ...REPLY_WINDOW,
      // The same settings as the settings window, written out here too (see settings-window.ts).
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
        // Off like the other windows: on Linux Chromium's spellchecker fetches dictionaries from Google.
        spellcheck: false,
        disableBlinkFeatures: 'Auxclick',
        devTools: !app.isPackaged,
        // Reviewed (scripts/electronegativity.mjs): one contextBridge object, four channels for this window.
        preload: this.o.preload,
      },
    });
    this.win = win;
    this.ready = false;
    win.once('ready-to-show', () => {
      this.ready = true;
      if (this.wanted > this.presentedAsk) this.present(win);
    });
    win.on('close', (e) => {
      if (this.ending) return;
      // The drafts stay (a click on the message brings them back); only the window goes.
      e.preventDefault();
      win.hide();
    });
    win.on('closed', () => {
      if (this.win === win) this.win = undefined;
    });
    void win.loadFile(this.o.page);
    return win;
  }

  private scheduleDestroy(): void {
    if (this.win === undefined || this.destroyTimer !== undefined) return;
    this.destroyTimer = setTimeout(() => {
      this.destroyTimer = undefined;
      this.ending = true;
      this.win?.destroy();
      this.win = undefined;
      this.ending = false;
    }, DESTROY_AFTER_MS);
    this.destroyTimer.unref();
  }
}
