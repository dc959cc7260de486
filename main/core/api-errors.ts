import { z } from 'zod';
import { ApiError } from './errors.js';

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

function frozenDetail(details: unknown): string {
  const list = Array.isArray(details) ? (details as unknown[]) : [details];
  for (const d of list) {
    if (d !== null && typeof d === 'object' && 'deletion_effective_at' in d) {
      const at = (d as Record<string, unknown>).deletion_effective_at;
      if (typeof at === 'string') return ` Data will be deleted at ${at} unless the account is recovered.`;
    }
  }
  return '';
}

export function apiErrorFrom(f: HttpFailure, what: string): ApiError {
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
    new ApiError(code, msg, f.status, envelope?.status, reason, retryAfterMs, requestId);

  switch (true) {
    case f.status === 401:
      return make('auth_failed', `VoIPBIN rejected the credentials for ${what} (expired, revoked or wrong). Sign in again to keep receiving calls.`);
    case f.status === 403 && reason === 'ACCOUNT_FROZEN':
      return make('account_frozen', `The VoIPBIN account is frozen, so ${what} is refused.${frozenDetail(envelope?.details)} An administrator must recover it.`);
    case f.status === 403:
      return make('forbidden', `VoIPBIN refused ${what}: ${envelope?.message ?? reason ?? 'permission denied'}.`);
    case f.status === 429:
      return make('rate_limited', `VoIPBIN is rate-limiting ${what}${retryAfterMs !== undefined ? `; retrying after ${Math.ceil(retryAfterMs / 1000)} s` : ''}.`);
    case f.status === 404:
      return make('not_found', `${what}: not found on this VoIPBIN server (is the API URL right?).`);
    case f.status >= 500:
      return make('server_error', `VoIPBIN had a server error (${f.status}) during ${what}.`);
    case f.status === 400:
      return make('invalid_request', `VoIPBIN refused ${what} as invalid${envelope?.message !== undefined ? `: ${envelope.message}` : ''}.`);
    default:
      return make('bad_response', `Unexpected HTTP ${f.status} from VoIPBIN during ${what}.`);
  }
}
