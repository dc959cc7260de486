/**
 * Channel names without their schemas: what the preload needs to refuse unknown channels, kept
 * free of zod so the preload and the window stay small. shared/ipc-contract.ts pairs each name
 * with its schemas (and the type checker keeps the two lists identical).
 */
export const CHANNEL_NAMES = [
  'state:get',
  'account:sign-in',
  'account:sign-out',
  'connection:reconnect',
  'subscriptions:get',
  'subscriptions:set',
  'notifications:get-settings',
  'notifications:update',
  'notifications:pause',
  'notifications:test',
  'notifications:history',
  'notifications:open',
  'notifications:mark-read',
  'webhook:get',
  'webhook:set',
  'webhook:disable',
  'webhook:copy-secret',
  'webhook:test',
  'app:get-preferences',
  'app:set-preferences',
  'diagnostics:copy',
  'logs:open-folder',
  'app:quit',
  'calls:open',
  'calls:open-contact',
  'calls:dismiss',
  'calls:copy-transcript',
  'notifications:copy-transcript',
  'presence:set',
  'replies:save',
  'replies:send',
  'replies:discard',
] as const;

export type Channel = (typeof CHANNEL_NAMES)[number];

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && (CHANNEL_NAMES as readonly string[]).includes(name);
}

/** Main → window: the whole AppState after every change. */
export const STATE_EVENT = 'state:changed';

export const WEBHOOK_METHOD_NAMES = ['POST', 'PUT', 'GET', 'DELETE'] as const;
