// Credentials and identities (PROTOCOL.md §1.2, §6; bin-api-manager lib/middleware/authenticate.go).
import type { IncomingHttpHeaders } from 'node:http';
import type { AgentRecord, Identity } from './types.js';
import { PERMISSION } from './types.js';
import type { Store } from './store.js';
import { getCookie } from './httpio.js';
import { signJwt, verifyJwt } from './jwt.js';
import { addDays, formatFixedMicros } from './time.js';
import { NIL_UUID, parseUuid } from './uuid.js';

/** Token lifetime: 7 days (servicehandler TokenExpiration). */
export const TOKEN_LIFETIME_DAYS = 7;

export interface AuthIdentity extends Identity {
  /** The agent snapshot embedded in the JWT at login (§2.2): what /me falls back to. */
  claims?: Record<string, unknown>;
}

export type Credential = { kind: 'token'; value: string } | { kind: 'accesskey'; value: string };

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join('; ') : v;
}

/**
 * getAuthString: cookie `token` > query `token` > `Authorization: Bearer` (all JWT),
 * then cookie `accesskey` > query `accesskey`. The first non-empty JWT source wins
 * with no fallback, so an accesskey sent as a token fails.
 */
export function extractCredential(headers: IncomingHttpHeaders, query: URLSearchParams): Credential | null {
  const cookies = header(headers, 'cookie');
  const fromCookie = getCookie(cookies, 'token');
  if (fromCookie !== '') return { kind: 'token', value: fromCookie };
  const fromQuery = query.get('token') ?? '';
  if (fromQuery !== '') return { kind: 'token', value: fromQuery };
  const authorization = header(headers, 'authorization') ?? '';
  if (authorization !== '') {
    // strings.Split(authorization, "Bearer ")[1]: case-sensitive, no trimming.
    const bearer = authorization.split('Bearer ')[1] ?? '';
    if (bearer !== '') return { kind: 'token', value: bearer };
  }
  const akCookie = getCookie(cookies, 'accesskey');
  if (akCookie !== '') return { kind: 'accesskey', value: akCookie };
  const akQuery = query.get('accesskey') ?? '';
  if (akQuery !== '') return { kind: 'accesskey', value: akQuery };
  return null;
}

export interface AuthDeps {
  store: Store;
  jwtKey: string;
  now: () => Date;
}

/** The agent object carried in the JWT `agent` claim (§6), in the agent model's field order. */
export function agentClaims(a: AgentRecord): Record<string, unknown> {
  const c: Record<string, unknown> = {
    id: a.id,
    customer_id: a.customer_id,
    username: a.username,
    name: a.name,
    detail: a.detail,
    ring_method: a.ring_method,
    status: a.status,
    permission: a.permission,
    tag_ids: a.tag_ids,
    addresses: a.addresses,
    direct_hash: a.direct_hash,
    tm_create: a.tm_create,
    tm_update: a.tm_update,
  };
  if (a.tm_delete !== undefined) c.tm_delete = a.tm_delete;
  return c;
}

export function issueAgentJwt(deps: AuthDeps, agent: AgentRecord, expire?: Date): string {
  const exp = expire ?? addDays(deps.now(), TOKEN_LIFETIME_DAYS);
  // jwt.MapClaims marshals with sorted keys; no exp/iat, only the custom `expire` string.
  return signJwt({ agent: agentClaims(agent), expire: formatFixedMicros(exp), type: 'agent' }, deps.jwtKey);
}

function uuidField(v: unknown): string | null {
  // Go decodes a missing uuid as Nil and a malformed one as an error.
  if (v === undefined || v === null) return NIL_UUID;
  return typeof v === 'string' ? parseUuid(v) : null;
}

function identityFromToken(deps: AuthDeps, token: string): AuthIdentity | null {
  const now = deps.now();
  const claims = verifyJwt(token, deps.jwtKey, now);
  if (claims === null) return null;
  // AuthJWTParse: `claims["expire"].(string) < curTime` with both in the fixed-micro layout.
  if (typeof claims.expire !== 'string' || claims.expire < formatFixedMicros(now)) return null;
  // Direct and delegate tokens are never issued by the emulator; treat them as foreign.
  if (claims.type !== undefined && claims.type !== 'agent') return null;
  const agent = claims.agent;
  if (typeof agent !== 'object' || agent === null || Array.isArray(agent)) return null;
  const a = agent as Record<string, unknown>;
  const id = uuidField(a.id);
  const customerId = uuidField(a.customer_id);
  const permission = a.permission ?? 0;
  if (id === null || customerId === null) return null;
  if (typeof permission !== 'number' || !Number.isInteger(permission) || permission < 0) return null;
  return { kind: 'agent', agentId: id, customerId, permission, claims: a };
}

function identityFromAccessKey(deps: AuthDeps, token: string): AuthIdentity | null {
  const k = deps.store.accessKey(token);
  if (k === undefined) return null;
  const now = deps.now();
  if (k.tm_expire !== null && k.tm_expire.getTime() < now.getTime()) return null;
  if (k.tm_delete !== null) return null;
  // An accesskey acts as CustomerAdmin without an agent id (§6).
  return { kind: 'accesskey', customerId: k.customer_id, permission: PERMISSION.CustomerAdmin };
}

export function authenticate(deps: AuthDeps, cred: Credential): AuthIdentity | null {
  return cred.kind === 'token' ? identityFromToken(deps, cred.value) : identityFromAccessKey(deps, cred.value);
}

export function hasPermission(id: Identity, mask: number): boolean {
  return (id.permission & mask) !== 0;
}

export function isSuperAdmin(id: Identity): boolean {
  return hasPermission(id, PERMISSION.ProjectSuperAdmin);
}

/** servicehandler hasPermission: super admins pass, others need the customer and one of the bits. */
export function mayAccess(id: Identity, customerId: string, mask: number): boolean {
  if (isSuperAdmin(id)) return true;
  return id.customerId === customerId && hasPermission(id, mask);
}
