import type { BrowserWindowConstructorOptions } from 'electron';
import { CALL_WINDOW_WIDTH } from '../desktop/shell/call-window-layout.js';

/**
 * The shape of each window. Their security settings (webPreferences) are not here: they are
 * written out at each `new BrowserWindow` call (settings-window.ts, call-window.ts), where a
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
export const APP_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'";
