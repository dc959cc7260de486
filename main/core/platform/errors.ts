/**
 * Typed errors with a stable machine code (used in `--json` output) and a sentence a user can act on.
 * Every failure that reaches a person goes through one of these.
 */
export type ErrorCode =
  | 'bad_usage'
  | 'config_invalid'
  | 'credentials_missing'
  | 'credentials_invalid'
  | 'auth_failed'
  | 'account_frozen'
  | 'account_expired'
  | 'account_deleted'
  | 'conflict'
  | 'forbidden'
  | 'rate_limited'
  | 'invalid_topic'
  | 'unsupported_token'
  | 'network'
  | 'server_error'
  | 'bad_response'
  | 'not_found'
  | 'invalid_request'
  | 'catchup_failed'
  | 'wrong_password'
  | 'invalid_webhook_url'
  | 'webhook_url_refused'
  | 'webhook_url_unresolvable'
  | 'notifications_unavailable'
  | 'setting_locked'
  | 'presence_unavailable'
  /** A desktop reply written for another sign-in: refused here, before anything is sent. */
  | 'other_account'
  /** The desktop keeps so many reply drafts, and every one holds text or is being sent. */
  | 'too_many_replies';

export class NotifierError extends Error {
  override readonly name: string = 'NotifierError';
  constructor(
    readonly code: ErrorCode,
    /** Safe to show to a person and to log: never contains a secret. */
    readonly userMessage: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
  }
}

/** An HTTP failure from VoIPBIN's REST API or the WebSocket upgrade, decoded from its error envelope. */
export class ApiError extends NotifierError {
  override readonly name = 'ApiError';
  constructor(
    code: ErrorCode,
    userMessage: string,
    readonly httpStatus: number,
    readonly apiStatus: string | undefined,
    readonly apiReason: string | undefined,
    readonly retryAfterMs: number | undefined,
    readonly requestId: string | undefined,
    /** Which kind of credential was refused or used, when known: the cure differs (sign in again, or a new access key). */
    readonly credential?: 'jwt' | 'accesskey',
  ) {
    super(code, userMessage, { httpStatus, apiStatus, apiReason, requestId, ...(credential !== undefined ? { credential } : {}) });
  }
}

/** The account itself is refused (frozen, expired, deleted): no sign-in of it can receive anything until an administrator acts. */
export const BLOCKED_ACCOUNT: ReadonlySet<string> = new Set<ErrorCode>(['account_frozen', 'account_expired', 'account_deleted']);

export function isNotifierError(e: unknown): e is NotifierError {
  return e instanceof NotifierError;
}

/** Message of any thrown value, for logs. */
export function describeError(e: unknown): string {
  if (e instanceof NotifierError) return e.userMessage;
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== undefined ? `${e.message} (${code})` : e.message;
  }
  return String(e);
}
