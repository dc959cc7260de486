import { ipcMain } from 'electron';
import ElectronStore from 'electron-store';
import { SettingsStore, type OpenSettingsFile, type SettingsStoreOptions } from '../desktop/settings/settings-store.js';

/**
 * The desktop settings file through electron-store (main/desktop/settings/settings-store.ts has the logic:
 * schema, our versioned migrations, backup and reset of an unusable file). electron-store 11, not
 * 12: 12 needs Node 22, and the machines and CI run Node 20.
 */

/**
 * Constructed in the main process, electron-store registers a sync `ipcMain.on` listener on this
 * channel for `Store.initRenderer()`, answering any renderer with the userData path and app version,
 * sender unchecked. Our renderer is sandboxed and never uses electron-store, and all our IPC goes
 * through handle() with sender checks (ipc.ts): take it down again.
 */
const RENDERER_CHANNEL = 'electron-store-get-data';

export const openElectronStore: OpenSettingsFile = (options) => {
  const store = new ElectronStore<Record<string, unknown>>(options);
  ipcMain.removeAllListeners(RENDERER_CHANNEL);
  return store;
};

/** The app's settings store, persisted by electron-store. `file` decides the folder and name (electron-store's `cwd` and `name`). */
export function electronSettingsStore(opts: Omit<SettingsStoreOptions, 'open'>): SettingsStore {
  return new SettingsStore({ ...opts, open: openElectronStore });
}
