import { isChannel, type Channel } from './ipc-channels.js';
import type { AppState, Envelope, RequestOf, ResponseOf } from './ipc-contract.js';

/**
 * `window.voipbin`: the only thing the settings window can call. Built by one function so the
 * preload (over Electron IPC) and the browser tests (over a test binding) expose the same object.
 */
export interface VoipbinBridge {
  invoke<C extends Channel>(channel: C, ...payload: RequestOf<C> extends undefined ? [] : [RequestOf<C>]): Promise<ResponseOf<C>>;
  /** Called with every new AppState; returns an unsubscribe function. */
  onState(listener: (state: AppState) => void): () => void;
}

/** A refusal from the main process, carrying its user-facing sentence. */
export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type RawInvoke = (channel: Channel, payload: unknown) => Promise<unknown>;
export type RawSubscribe = (listener: (state: AppState) => void) => () => void;

function isEnvelope(v: unknown): v is Envelope<unknown> {
  return typeof v === 'object' && v !== null && 'ok' in v && typeof v.ok === 'boolean';
}

export function createBridge(rawInvoke: RawInvoke, rawSubscribe: RawSubscribe): VoipbinBridge {
  return {
    async invoke<C extends Channel>(channel: C, ...payload: RequestOf<C> extends undefined ? [] : [RequestOf<C>]): Promise<ResponseOf<C>> {
      // Guards a renderer compromised enough to call with a made-up channel name.
      if (!isChannel(channel)) throw new BridgeError('bad_request', `unknown channel ${String(channel)}`);
      const reply = await rawInvoke(channel, payload[0]);
      if (!isEnvelope(reply)) throw new BridgeError('bad_response', 'The app answered in an unexpected way; restart it if this persists.');
      if (!reply.ok) throw new BridgeError(reply.error.code, reply.error.message);
      return reply.value as ResponseOf<C>;
    },
    onState(listener: (state: AppState) => void): () => void {
      return rawSubscribe(listener);
    },
  };
}
