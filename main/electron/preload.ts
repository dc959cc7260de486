import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createBridge } from '../../shared/bridge.js';
import { STATE_EVENT } from '../../shared/ipc-channels.js';
import type { AppState } from '../../shared/ipc-contract.js';

/**
 * The settings window's only door to the main process: `window.voipbin` with `invoke` on the
 * contract's channels and `onState`. No ipcRenderer, no Node, nothing else crosses. Bundled to
 * CommonJS by scripts/build-renderer.mjs, because sandboxed preloads cannot load ES modules.
 */
contextBridge.exposeInMainWorld(
  'voipbin',
  createBridge(
    (channel, payload) => ipcRenderer.invoke(channel, payload),
    (listener) => {
      const relay = (_event: IpcRendererEvent, state: AppState): void => listener(state);
      ipcRenderer.on(STATE_EVENT, relay);
      return () => {
        ipcRenderer.removeListener(STATE_EVENT, relay);
      };
    },
  ),
);
