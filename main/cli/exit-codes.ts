import type { ErrorCode } from '../core/platform/index.js';

/** Exit codes are part of the command's public interface. */
export const EXIT = { ok: 0, failure: 1, usage: 2, credentialsRejected: 3 } as const;

const USAGE: ReadonlySet<string> = new Set<ErrorCode>([
  'bad_usage',
  'config_invalid',
  'credentials_missing',
  'credentials_invalid',
  'invalid_topic',
  'unsupported_token',
  'invalid_webhook_url',
  'webhook_url_refused',
]);

const REJECTED: ReadonlySet<string> = new Set<ErrorCode>(['auth_failed', 'wrong_password']);

export function exitCodeFor(code: string | undefined): number {
  if (code === undefined) return EXIT.ok;
  if (REJECTED.has(code)) return EXIT.credentialsRejected;
  if (USAGE.has(code)) return EXIT.usage;
  return EXIT.failure;
}
