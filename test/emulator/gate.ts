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

  const frozen = frozenReply(deps, identity, requestId);
  if (frozen !== null) return { ok: false, reply: frozen };
  return { ok: true, identity };
}

/** isFrozenAccountBlocked: super admins pass; an unknown customer fails open. */
function frozenReply(deps: GateDeps, identity: AuthIdentity, requestId: string): HttpReply | null {
  if (isSuperAdmin(identity)) return null;
  const customer = deps.store.customer(identity.customerId);
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
