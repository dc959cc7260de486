import { app, BrowserWindow, screen } from 'electron';
import { STATE_EVENT } from '../../shared/ipc-channels.js';
import type { AppState } from '../../shared/ipc-contract.js';
import { callWindowBounds } from '../desktop/shell/call-window-layout.js';
import { CALL_WINDOW } from './security.js';

/**
 * The call window's life: created when a call starts ringing for the agent, shown without taking
 * the keyboard (an agent typing in the CRM keeps typing), on top and on every workspace (so it is
 * on the desktop the agent is looking at), hidden the moment the last call is answered or missed —
 * unless live transcripts are on, when it stays for my call in progress — and destroyed after a
 * quiet minute so no renderer idles all day. Closing it dismisses its calls.
 */
const DESTROY_AFTER_MS = 60_000;

export interface CallWindowOptions {
  preload: string;
  page: string;
  /** The agent closed the window: these calls are dismissed (they keep ringing elsewhere). */
  onClosed(ids: readonly string[]): void;
}

export class CallWindow {
  private win: BrowserWindow | undefined;
  private ready = false;
  private shownIds = '';
  private calls: readonly string[] = [];
  /** What the window's height was last set for: the calls, and whether a transcript shows. */
  private sizedFor = '';
  private destroyTimer: NodeJS.Timeout | undefined;
  private ending = false;

  constructor(private readonly o: CallWindowOptions) {}

  /** For the IPC sender check: the call window's webContents while it exists. */
  get webContentsId(): number | undefined {
    return this.win?.webContents.id;
  }

  update(state: AppState): void {
    // What the window shows: the ringing calls, and my call in progress with its transcript.
    const live = state.liveCall;
    this.calls = [...state.ringing.map((c) => c.id), ...(live !== null ? [`live:${live.id}`] : [])];
    if (this.calls.length === 0) {
      this.shownIds = '';
      this.win?.hide();
      this.scheduleDestroy();
      return;
    }
    clearTimeout(this.destroyTimer);
    this.destroyTimer = undefined;
    const fresh = this.win === undefined;
    const win = this.win ?? this.create();
    const size = `${state.ringing.length}:${live !== null}`;
    if (fresh) {
      win.setBounds(callWindowBounds(screen.getDisplayNearestPoint(screen.getCursorScreenPoint()).workArea, state.ringing.length, live !== null));
    } else if (size !== this.sizedFor) {
      // More or fewer calls: only the height changes, so a window the agent moved stays where they put it.
      const { height } = callWindowBounds(screen.getDisplayMatching(win.getBounds()).workArea, state.ringing.length, live !== null);
      win.setBounds({ ...win.getBounds(), height });
    }
    this.sizedFor = size;
    win.webContents.send(STATE_EVENT, state);
    const ids = this.calls.join(',');
    // A new call comes to the front; an update of the same calls (ring time, another leg) does not.
    if (this.ready && ids !== this.shownIds) this.present(win);
    this.shownIds = this.ready ? ids : '';
  }

  destroy(): void {
    this.ending = true;
    clearTimeout(this.destroyTimer);
    this.win?.destroy();
    this.win = undefined;
  }

  private present(win: BrowserWindow): void {
    win.showInactive();
    win.moveTop();
  }

  private create(): BrowserWindow {
    const win = new BrowserWindow({
      ...CALL_WINDOW,
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
        spellcheck: false,
        disableBlinkFeatures: 'Auxclick',
        devTools: !app.isPackaged,
        // Reviewed (scripts/electronegativity.mjs): one contextBridge object, three channels for this window.
        preload: this.o.preload,
      },
    });
    this.win = win;
    this.ready = false;
    win.setAlwaysOnTop(true, 'pop-up-menu');
    // Over a full-screen CRM on macOS too, without turning the app into a dock-less process.
    win.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true, skipTransformProcessType: true });
    win.once('ready-to-show', () => {
      this.ready = true;
      if (this.calls.length === 0) return;
      this.present(win);
      this.shownIds = this.calls.join(',');
    });
    win.on('close', (e) => {
      if (this.ending) return;
      // Closing is the agent's "not now": the calls leave this window, the app goes on.
      e.preventDefault();
      win.hide();
      this.o.onClosed(this.calls);
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
      if (this.calls.length > 0) return;
      this.ending = true;
      this.win?.destroy();
      this.win = undefined;
      this.ending = false;
    }, DESTROY_AFTER_MS);
    this.destroyTimer.unref();
  }
}
