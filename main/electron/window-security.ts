import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { CALL_WINDOW_WIDTH } from '../app/call-window-layout.js';

/**
 * Every window's security settings in one place (Electron's security checklist), so the static
 * check in test/unit/electron-security.test.ts can hold each of them to account.
 */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  enableBlinkFeatures: '',
  webviewTag: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
  devTools: true,
} as const satisfies WebPreferences;

export function settingsWindowOptions(preload: string, title: string): BrowserWindowConstructorOptions {
  return {
    width: 560,
    height: 780,
    minWidth: 480,
    minHeight: 520,
    show: false,
    title,
    autoHideMenuBar: true,
    backgroundColor: '#00000000',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload },
  };
}

/**
 * The call window: small, always on top, never stealing the keyboard (it is shown inactive), and
 * closed only by the agent or by the call ending. Same webPreferences as every window.
 */
export function callWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
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
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload },
  };
}
