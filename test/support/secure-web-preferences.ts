/**
 * Electron's security checklist as the webPreferences every window of the app must be created
 * with in an installed app (devTools off). Written here independently of the adapters, so a
 * test comparing against it cannot pass by reading the adapter's own constant.
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
  webviewTag: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
  disableBlinkFeatures: 'Auxclick',
  devTools: false,
} as const;
