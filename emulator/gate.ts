// The /v1.0 middleware chain, shared by REST and the WebSocket upgrade (PROTOCOL.md §1.1):
// per-IP rate limit → authenticate → per-customer rate limit → account status.
import type { IncomingMessage } from 'node:http';
import type { AuthDeps, AuthIdentity } from './auth.js';
import { authenticate, extractCredential, isSuperAdmin } from './auth.js';
import type { Limiters } from './ratelimit.js';
import type { HttpReply } from './reply.js';
import { authRequiredReply, errorReply, rateLimitedReply } from './reply.js';
import { addDays, formatRfc3339 } from './time.js';

export interface GateDeps extends AuthDeps {
  limits: Limiters;
  log: (line: string) => void;
}

export type GateResult = { ok: true; identity: AuthIdentity } | { ok: false; reply: HttpReply };

export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

export function runV1Gate(deps: GateDeps, req: IncomingMessage, query: URLSearchParams, requestId: string): GateResult {
  const ip = clientIp(req);
  const byIp = deps.limits.v1PerIp.take(ip);
  if (!byIp.allowed) return { ok: false, reply: rateLimitedReply(byIp.retryAfterSec, 'ip', requestId) };

  const cred = extractCredential(req.headers, query);
  if (cred === null) return { ok: false, reply: authRequiredReply(requestId) };
  const identity = authenticate(deps, cred);
  if (identity === null) {
    deps.log(`auth: invalid ${cred.kind} credential`);
    return { ok: false, reply: errorReply(401, 'INVALID_CREDENTIALS', 'The provided credentials are invalid.', requestId) };
  }

  // Agents and accesskeys of one customer share a single bucket (customer_ratelimit.go).
  const byCustomer = deps.limits.perCustomer.take(identity.customerId);
  if (!byCustomer.allowed) return { ok: false, reply: rateLimitedReply(byCustomer.retryAfterSec, 'customer', requestId) };

  const blocked = blockedAccountReply(deps, identity, requestId);
  if (blocked !== null) return { ok: false, reply: blocked };
  return { ok: true, identity };
}

/**
 * isBlockedAccountStatus (PROTOCOL.md §11.1): frozen, expired and deleted accounts are refused
 * with 403 on every /v1.0 route, the WS upgrade included; super admins pass; an unknown customer
 * fails open. Login refuses expired and deleted accounts the same way (rest.ts).
 */
export function blockedAccountReply(
  deps: Pick<GateDeps, 'store'>,
  identity: AuthIdentity | undefined,
  requestId: string,
  customerId = identity?.customerId,
): HttpReply | null {
  if (identity !== undefined && isSuperAdmin(identity)) return null;
  const customer = customerId === undefined ? undefined : deps.store.customer(customerId);
  if (customer?.status === 'expired') {
    return errorReply(403, 'ACCOUNT_EXPIRED', 'This account has expired because its email address was never verified.', requestId, {
      details: [{ recovery_endpoint: 'POST /auth/email-verify-resend' }],
    });
  }
  if (customer?.status === 'deleted') return errorReply(403, 'ACCOUNT_DELETED', 'This account has been deleted.', requestId);
  if (customer === undefined || customer.status !== 'frozen') return null;
  const scheduled = customer.tm_deletion_scheduled;
  const effective = scheduled === null ? null : formatRfc3339(addDays(new Date(scheduled), 30));
  return errorReply(403, 'ACCOUNT_FROZEN', 'This account is frozen. Contact support.', requestId, {
    details: [
      {
        deletion_scheduled_at: scheduled,
        deletion_effective_at: effective,
        recovery_endpoint: 'DELETE /auth/unregister',
      },
    ],
  });
}
