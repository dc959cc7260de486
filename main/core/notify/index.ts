/**
 * main/core/notify: From events to what the agent sees: call offers, what a notification says, the interruption policy, storms, history, and the centre that hands pop-ups to a sink; the desktop notification service over D-Bus.
 * Other features, the command and the desktop import this folder through this file only.
 */
export * from './notification-center.js';
export type { PopUpAction } from './sink.js';
export * from './call-offers.js';
export * from './content.js';
export * from './history.js';
export * from './freedesktop-notifications.js';
