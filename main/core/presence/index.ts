/**
 * main/core/presence: The agent's own status (available, away, busy, offline): read, set, followed while running (the busy trap), and what it means for queue calls.
 * Other features, the command and the desktop import this folder through this file only.
 */
export * from './agent-status.js';
export * from './presence-watch.js';
