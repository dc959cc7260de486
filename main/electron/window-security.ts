import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

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
