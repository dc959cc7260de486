// HTTP replies and the public error envelope (PROTOCOL.md §1.2, §6;
// bin-api-manager lib/apierror/envelope.go, lib/middleware/request_id.go).
import { randomBytes } from 'node:crypto';

/** A fully rendered HTTP reply, written either through node:http or onto a raw upgrade socket. */
export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Canonical error statuses and their HTTP codes (bin-common-handler models/errors/rpc.go). */
export const ERROR_STATUS_FOR_HTTP: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  402: 'PAYMENT_REQUIRED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

const JSON_TYPE = 'application/json; charset=utf-8';

export function jsonReply(status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): HttpReply {
  return {
    status,
    headers: { 'Content-Type': JSON_TYPE, 'X-Request-Id': requestId, ...headers },
    body: JSON.stringify(body),
  };
}

export function errorReply(
  status: number,
  reason: string,
  message: string,
  requestId: string,
  extra: { details?: Record<string, unknown>[]; headers?: Record<string, string> } = {},
): HttpReply {
  const error: Record<string, unknown> = {
    status: ERROR_STATUS_FOR_HTTP[status] ?? 'INTERNAL',
    reason,
    message,
    request_id: requestId,
  };
  if (extra.details !== undefined && extra.details.length > 0) error.details = extra.details;
  return jsonReply(status, { error }, requestId, extra.headers);
}

/** What gin's AbortWithStatus gives: a status and nothing else (used by /auth/login, §6). */
export function emptyReply(status: number, requestId: string): HttpReply {
  return { status, headers: { 'X-Request-Id': requestId }, body: '' };
}

export function textReply(status: number, text: string, headers: Record<string, string> = {}): HttpReply {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body: text };
}

export function rateLimitedReply(retryAfterSec: number, limitedBy: 'ip' | 'customer', requestId: string): HttpReply {
  return errorReply(429, 'RATE_LIMIT_EXCEEDED', 'Too many requests. Please try again later.', requestId, {
    details: [{ limited_by: limitedBy }],
    headers: { 'Retry-After': String(retryAfterSec) },
  });
}

export function notFoundReply(requestId: string): HttpReply {
  return errorReply(404, 'NOT_FOUND', 'The requested path does not exist.', requestId);
}

export function permissionDeniedReply(requestId: string): HttpReply {
  return errorReply(403, 'PERMISSION_DENIED', 'You do not have permission to access this resource.', requestId);
}

export function authRequiredReply(requestId: string): HttpReply {
  return errorReply(401, 'AUTHENTICATION_REQUIRED', 'Authentication is required.', requestId);
}

/** A canned failure for fault injection: envelope for the API's own statuses, a proxy page for 502. */
export function injectedFailureReply(status: number, requestId: string, retryAfterSec?: number): HttpReply {
  switch (status) {
    case 401:
      return errorReply(401, 'INVALID_CREDENTIALS', 'The provided credentials are invalid.', requestId);
    case 429:
      return errorReply(429, 'RATE_LIMIT_EXCEEDED', 'Too many requests. Please try again later.', requestId, {
        details: [{ limited_by: 'customer' }],
        headers: { 'Retry-After': String(retryAfterSec ?? 1) },
      });
    case 502:
      // 502 comes from the proxy in front (Cloudflare/Caddy), not from the API.
      return { status: 502, headers: { 'Content-Type': 'text/html' }, body: '<html><body>502 Bad Gateway</body></html>' };
    case 503:
      return errorReply(503, 'SERVICE_UNAVAILABLE', 'An upstream service is temporarily unavailable.', requestId);
    default:
      return errorReply(status, ERROR_STATUS_FOR_HTTP[status] ?? 'INTERNAL', 'Injected failure.', requestId);
  }
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32NoPad(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31] ?? '';
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31] ?? '';
  return out;
}

/** Echo a safe client X-Request-Id, else mint `req_` + 26 base32 chars (request_id.go). */
export function requestIdFor(header: string | string[] | undefined): string {
  if (typeof header === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(header)) return header;
  return `req_${base32NoPad(randomBytes(16))}`;
}
