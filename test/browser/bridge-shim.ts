/**
 * Runs inside the test page instead of the Electron preload: the same `createBridge`, carried
 * over a Playwright binding (a DevTools channel, so the page's strict CSP stays untouched) to
 * the very IPC handler map (main/desktop/ipc/handlers.ts) the main process registers.
 */
import { createBridge, type VoipbinBridge } from '../../shared/bridge.js';
import type { AppState } from '../../shared/ipc-contract.js';

interface TestGlobals {
  __voipbinInvoke(channel: string, payload: unknown): Promise<unknown>;
  __voipbinEmit?: (state: AppState) => void;
  voipbin?: VoipbinBridge;
}

const g = globalThis as unknown as TestGlobals;
const listeners = new Set<(state: AppState) => void>();
g.__voipbinEmit = (state) => {
  for (const l of listeners) l(state);
};
g.voipbin = Object.freeze(
  createBridge(
    (channel, payload) => g.__voipbinInvoke(channel, payload),
    (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  ),
);
