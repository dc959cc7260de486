/**
 * main/core/platform: Cross-cutting pieces every feature uses: typed errors with user-facing messages, logging that redacts secrets, a typed emitter, time and backoff, timestamps, the only ways text others wrote is shown, HTTP exchanges, heap tuning, sleep as logind tells it, and bounded waits.
 * Other features, the command and the desktop import this folder through this file only.
 */
export * from './errors.js';
export * from './log.js';
export * from './redact.js';
export * from './typed-emitter.js';
export * from './clock.js';
export * from './backoff.js';
export * from './timestamps.js';
export * from './untrusted-text.js';
export * from './network-errors.js';
export * from './http-request.js';
export * from './heap-tuning.js';
export * from './logind-sleep.js';
export * from './within.js';
