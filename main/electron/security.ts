import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { CALL_WINDOW_WIDTH } from '../desktop/shell/call-window-layout.js';

/**
 * The shape of each window. Their security settings (webPreferences) are not here: they are
 * written out at each `new BrowserWindow` call (settings-window.ts, call-window.ts, reply-window.ts), where a
 * reviewer or a scanner looks for them, and test/unit/electron-security.test.ts holds both to
 * Electron's security checklist through the fake electron module.
 */
export const SETTINGS_WINDOW = {
  width: 560,
  height: 780,
  minWidth: 480,
  minHeight: 520,
  show: false,
  autoHideMenuBar: true,
  backgroundColor: '#00000000',
} as const satisfies BrowserWindowConstructorOptions;

/** Small, always on top, never stealing the keyboard (it is shown inactive), closed only by the agent or by the call ending. */
export const CALL_WINDOW = {
  width: CALL_WINDOW_WIDTH,
  height: 160,
  show: false,
  title: 'Incoming call',
  alwaysOnTop: true,
  resizable: false,
  minimizable: false,
  maximizable: false,
  fullscreenable: false,
  autoHideMenuBar: true,
  backgroundColor: '#00000000',
} as const satisfies BrowserWindowConstructorOptions;

/**
 * The pages' Content-Security-Policy: the same as each page's own <meta> (the security test
 * holds them equal), sent as a response header too, so it holds even for a page that lost its tag.
 */
/** An ordinary small window the agent asked for (a click or a Reply button), so it takes the keyboard. */
export const REPLY_WINDOW = {
  width: 440,
  height: 340,
  minWidth: 360,
  minHeight: 280,
  show: false,
  title: 'Reply',
  minimizable: false,
  maximizable: false,
  fullscreenable: false,
  autoHideMenuBar: true,
  backgroundColor: '#00000000',
} as const satisfies BrowserWindowConstructorOptions;

export const APP_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'";

/** Nothing leaves a window: no new windows, no navigation, no webviews. */
export function hardenContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
}

/** The windows load only their own files: every permission and every non-file request is refused, and every response carries the CSP. */
export function lockDownSession(s: Session): void {
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  s.webRequest.onBeforeRequest((details, callback) => {
    const local = details.url.startsWith('file://') || details.url.startsWith('devtools://');
    callback({ cancel: !local });
  });
  s.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [APP_CSP] } });
  });
}
