/**
 * main/core/stream: The event stream: one authenticated WebSocket kept alive, its explicit state machine, the topics it subscribes, frames parsed defensively, deduplicated and ordered, and the REST catch-up after every reconnect — the Listener is its front door.
 * Other features, the command and the desktop import this folder through this file only.
 */
export * from './listener.js';
export * from './events.js';
export * from './connection-state.js';
export * from './event-stream.js';
export * from './subscriptions.js';
export * from './frames.js';
