import type { VoipbinBridge } from '../shared/bridge.js';

/** The preload's `window.voipbin` (or the browser tests' identical shim). */
export const api: VoipbinBridge = (window as unknown as { voipbin: VoipbinBridge }).voipbin;
