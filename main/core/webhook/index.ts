/**
 * main/core/webhook: The account's customer webhook: VoIPBIN's delivery policy, one signed test delivery made as VoIPBIN makes it, the read-check-write of the account record, and set/disable/test as one flow for the command and the window.
 * Other features, the command and the desktop import this folder through this file only.
 */
export * from './customer-webhook.js';
export * from './url-policy.js';
export * from './test-delivery.js';
export * from './sample-events.js';
export * from './actions.js';
