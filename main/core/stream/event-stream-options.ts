import type { ApiEndpoints, Credential } from '../api/index.js';
import type { BackoffPolicy, Logger } from '../platform/index.js';

export interface EventStreamOptions {
  endpoints: ApiEndpoints;
  credential: Credential;
  topics: readonly string[];
  logger: Logger;
  /** Silence (no ping, pong or frame) after which the socket is presumed dead. */
  watchdogMs?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  /** A connection subscribed this long resets the backoff. */
  healthyAfterMs?: number;
  /** How long to wait for the subscribe ack before assuming the server took it. */
  subscribeAckTimeoutMs?: number;
  /** Frames larger than this are skipped with a warning (never parsed, never fatal). */
  maxFrameBytes?: number;
  handshakeTimeoutMs?: number;
  /** Wall clock, injectable so tests can simulate a suspend. */
  now?: () => number;
  /** The wall clock ahead of the monotonic one by more than this means the machine was asleep. */
  sleepJumpMs?: number;
  /** Times the same topic must kill the socket before it is quarantined. */
  quarantineAfter?: number;
}

export type ResolvedStreamOptions = Required<Omit<EventStreamOptions, 'topics' | 'backoff' | 'random'>>;

/** The defaults: what VoIPBIN's 10 s pings and a laptop's sleeps call for. */
export function resolveStreamOptions(options: EventStreamOptions): ResolvedStreamOptions {
  return {
    endpoints: options.endpoints,
    credential: options.credential,
    logger: options.logger,
    watchdogMs: options.watchdogMs ?? 25_000,
    healthyAfterMs: options.healthyAfterMs ?? 20_000,
    subscribeAckTimeoutMs: options.subscribeAckTimeoutMs ?? 5_000,
    maxFrameBytes: options.maxFrameBytes ?? 1024 * 1024,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 15_000,
    now: options.now ?? Date.now,
    sleepJumpMs: options.sleepJumpMs ?? 15_000,
    quarantineAfter: options.quarantineAfter ?? 2,
  };
}
