/**
 * main/core/session: one signed-in notifier (identity, listener, notification centre, expiry
 * watch) with one dispose() — the wiring the command and the desktop app share.
 * Other features, the command and the desktop import this folder through this file only.
 */
export * from './notifier-session.js';
export * from './session-presence.js';
export * from './session-transcripts.js';
