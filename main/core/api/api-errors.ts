import { z } from 'zod';
import { ApiError, oneLine } from '../platform/index.js';

/**
 * Turns VoIPBIN's HTTP failures — REST replies and refused WebSocket upgrades alike — into typed
 * errors. Body: `{"error":{"status","reason","message","request_id","details"?}}` (PROTOCOL.md §1.2, §6).
 */
const EnvelopeSchema = z.object({
  error: z.object({
    status: z.string().optional(),
    reason: z.string().optional(),
    message: z.string().optional(),
    request_id: z.string().optional(),
    details: z.unknown().optional(),
  }),
});

export interface HttpFailure {
  status: number;
  body: string;
  retryAfter: string | null | undefined;
  requestId: string | null | undefined;
}

/** Retry-After is integer seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A string field of the envelope's details (an object, or a list of them). */
function detail(details: unknown, key: string): string | undefined {
  const list = Array.isArray(details) ? (details as unknown[]) : [details];
  for (const d of list) {
    if (d !== null && typeof d === 'object' && key in d) {
      const v = (d as Record<string, unknown>)[key];
      if (typeof v === 'string' && v !== '') return oneLine(v, 100);
    }
  }
  return undefined;
}

function frozenDetail(details: unknown): string {
  const at = detail(details, 'deletion_effective_at');
  return at === undefined ? '' : ` Data will be deleted at ${at} unless the account is recovered.`;
}

/**
 * What cures a refused credential. An agent signs in again; an access key cannot be renewed by
 * signing in — a new one is made in the VoIPBIN console.
 */
export function renewAdvice(kind: CredentialKind | undefined): string {
  return kind === 'accesskey' ? 'Create a new access key in the VoIPBIN console and use it to keep receiving calls.' : 'Sign in again to keep receiving calls.';
}

export type CredentialKind = 'jwt' | 'accesskey';

export function apiErrorFrom(f: HttpFailure, what: string, credential?: CredentialKind): ApiError {
  let envelope: z.infer<typeof EnvelopeSchema>['error'] | undefined;
  try {
    const parsed = EnvelopeSchema.safeParse(JSON.parse(f.body));
    if (parsed.success) envelope = parsed.data.error;
  } catch {
    envelope = undefined;
  }
  const reason = envelope?.reason;
  const retryAfterMs = parseRetryAfter(f.retryAfter);
  const requestId = envelope?.request_id ?? f.requestId ?? undefined;
  const make = (code: ConstructorParameters<typeof ApiError>[0], msg: string): ApiError =>
    new ApiError(code, msg, f.status, envelope?.status, reason, retryAfterMs, requestId, credential);

  switch (true) {
    case f.status === 401:
      return make(
        'auth_failed',
        `VoIPBIN rejected ${credential === 'accesskey' ? 'the access key' : 'the credentials'} for ${what} (expired, revoked or wrong). ${renewAdvice(credential)}`,
      );
    case f.status === 403 && reason === 'ACCOUNT_FROZEN':
      return make(
        'account_frozen',
        `The VoIPBIN account is frozen, so ${what} is refused.${frozenDetail(envelope?.details)} An administrator must recover it.`,
      );
    case f.status === 403 && reason === 'ACCOUNT_EXPIRED': {
      const recovery = detail(envelope?.details, 'recovery_endpoint');
      return make(
        'account_expired',
        `The VoIPBIN account has expired (its sign-up was never confirmed), so ${what} is refused. An administrator must confirm the account's email address${recovery !== undefined ? ` (VoIPBIN can send the confirmation again: ${recovery})` : ''}, then sign in again.`,
      );
    }
    case f.status === 403 && reason === 'ACCOUNT_DELETED':
      return make(
        'account_deleted',
        `The VoIPBIN account has been deleted, so ${what} is refused and no calls can reach you through it. Ask your administrator which account to sign in to.`,
      );
    case f.status === 403:
      return make('forbidden', `VoIPBIN refused ${what}: ${oneLine(envelope?.message ?? reason ?? 'permission denied', 300)}.`);
    case f.status === 429:
      return make(
        'rate_limited',
        `VoIPBIN is rate-limiting ${what}${retryAfterMs !== undefined ? `; retrying after ${Math.ceil(retryAfterMs / 1000)} s` : ''}.`,
      );
    case f.status === 404:
      return make('not_found', `${what}: not found on this VoIPBIN server (is the API URL right?).`);
    case f.status >= 500:
      return make('server_error', `VoIPBIN had a server error (${f.status}) while ${what}.`);
    case f.status === 400:
      return make('invalid_request', `VoIPBIN refused ${what} as invalid${envelope?.message !== undefined ? `: ${oneLine(envelope.message, 300)}` : ''}.`);
    default:
      return make('bad_response', `Unexpected HTTP ${f.status} from VoIPBIN while ${what}.`);
  }
}
