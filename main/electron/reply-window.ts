import { app, BrowserWindow } from 'electron';
import { STATE_EVENT } from '../../shared/ipc-channels.js';
import type { AppState } from '../../shared/ipc-contract.js';
import { REPLY_WINDOW } from './security.js';

/**
 * The reply window's life: shown and focused when the agent asks to answer a message (a click, a
 * Reply button, an inline reply that failed or was refused), hidden once nothing is left to show
 * or when the agent closes it, and destroyed after a quiet minute hidden. Closing it keeps the
 * drafts: their text lives in the main process, and the next ask makes the window again.
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
  /** Asked to come up without a new ask (reveal): shown once it can be. */
  private revealing = false;

  constructor(private readonly o: ReplyWindowOptions) {}

  /** For the IPC sender check: the reply window's webContents while it exists. */
  get webContentsId(): number | undefined {
    return this.win?.webContents.id;
  }

  update(state: AppState): void {
    const shown = [...state.replies, ...state.replyNotes];
    if (shown.length === 0) {
      // An ask still waiting for ready-to-show is void: there is nothing left to show it for.
      this.wanted = this.presentedAsk;
      this.win?.hide();
      this.scheduleDestroy();
      return;
    }
    const asked = Math.max(...shown.map((r) => r.askedAt));
    if (this.win === undefined && asked <= this.presentedAsk) return;
    const win = this.win ?? this.create();
    win.webContents.send(STATE_EVENT, state);
    // Only a new ask keeps the window: a push to a hidden one (closed by the agent) leaves its timer running.
    if (asked <= this.presentedAsk) return;
    this.cancelDestroy();
    this.wanted = asked;
    if (this.ready) this.present(win);
  }

  /** Brings the window up with what it holds now, without a new ask (Quit's "Keep writing"). */
  reveal(state: AppState): void {
    if (state.replies.length + state.replyNotes.length === 0) return;
    const win = this.win ?? this.create();
    win.webContents.send(STATE_EVENT, state);
    this.cancelDestroy();
    if (this.ready) this.present(win);
    else this.revealing = true;
  }

  destroy(): void {
    this.ending = true;
    clearTimeout(this.destroyTimer);
    this.win?.destroy();
    this.win = undefined;
  }

  private present(win: BrowserWindow): void {
    this.presentedAsk = Math.max(this.presentedAsk, this.wanted);
    this.revealing = false;
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
      if (this.wanted > this.presentedAsk || this.revealing) this.present(win);
    });
    win.on('close', (e) => {
      if (this.ending) return;
      // The drafts stay (a click on the message brings them back); only the window goes, hidden
      // at once and destroyed after a quiet minute, as when nothing is left.
      e.preventDefault();
      win.hide();
      this.scheduleDestroy();
    });
    win.on('closed', () => {
      if (this.win === win) this.win = undefined;
    });
    void win.loadFile(this.o.page);
    return win;
  }

  private cancelDestroy(): void {
    clearTimeout(this.destroyTimer);
    this.destroyTimer = undefined;
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
