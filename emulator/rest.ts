// REST surface the notifier uses (PROTOCOL.md §4, §6, §7). Only GET/PUT endpoints a
// notifier needs exist; anything else answers 404 like gin's NoRoute.
import type { IncomingMessage } from 'node:http';
import { agentClaims, issueAgentJwt, mayAccess, TOKEN_LIFETIME_DAYS } from './auth.js';
import { blockedAccountReply, clientIp, runV1Gate } from './gate.js';
import type { ParsedUrl } from './httpio.js';
import type { HttpReply } from './reply.js';
import { emptyReply, errorReply, injectedFailureReply, jsonReply, notFoundReply, permissionDeniedReply, rateLimitedReply, textReply } from './reply.js';
import type { ResourceTable } from './store.js';
import { BASIC_INFO_FIELDS } from './store.js';
import type { BasicInfoField } from './store.js';
import type { CustomerRecord } from './types.js';
import { PERMISSION } from './types.js';
import { WS_PATHS } from './websocket.js';
import { ADMIN_OR_MANAGER, agentOnly, getAdmin, getOne, listAdmin, listReply, ownedBy, ownRows, type Ctx, type Handler, type RestDeps } from './rest-kit.js';
import { teamRoutes } from './rest-team.js';
import { contactRoutes } from './rest-contacts.js';
import { transcriptRoutes } from './rest-transcripts.js';
import { replyRoutes } from './rest-replies.js';

export type { RestDeps } from './rest-kit.js';

// ---------- JSON shapes ----------

/** SelfWebhookMessage: empty strings omitted (omitempty), uuids and tm_* always present (§4). */
function customerJson(c: CustomerRecord, withSecret: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: c.id };
  for (const k of ['name', 'detail', 'email', 'phone_number', 'address', 'webhook_method', 'webhook_uri'] as const) {
    if (c[k] !== '') out[k] = c[k];
  }
  Object.assign(out, {
    billing_account_id: c.billing_account_id,
    default_outgoing_source_number_id: c.default_outgoing_source_number_id,
    metadata: c.metadata,
    email_verified: c.email_verified,
    status: c.status,
    identity_verification_status: c.identity_verification_status,
    tm_deletion_scheduled: c.tm_deletion_scheduled,
    tm_create: c.tm_create,
    tm_update: c.tm_update,
    tm_delete: c.tm_delete,
  });
  if (withSecret && c.webhook_secret !== '') out.webhook_secret = c.webhook_secret;
  return out;
}

function agentJson(ctx: Ctx): Record<string, unknown> {
  const stored = ctx.identity.agentId !== undefined ? ctx.deps.store.agent(ctx.identity.agentId) : undefined;
  return stored !== undefined ? agentClaims(stored) : (ctx.identity.claims ?? {});
}

// ---------- handlers ----------

const getMe: Handler = (ctx) => {
  if (ctx.identity.kind !== 'agent') {
    return errorReply(403, 'AGENT_AUTH_REQUIRED', 'This endpoint requires agent authentication.', ctx.requestId);
  }
  return jsonReply(200, agentJson(ctx), ctx.requestId);
};

const getCustomer: Handler = (ctx) => {
  if (!mayAccess(ctx.identity, ctx.identity.customerId, ADMIN_OR_MANAGER)) return permissionDeniedReply(ctx.requestId);
  const c = ctx.deps.store.customer(ctx.identity.customerId);
  if (c === undefined) return errorReply(404, 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', ctx.requestId);
  return jsonReply(200, customerJson(c, true), ctx.requestId);
};

/** BindJSON into seven plain strings: null/absent → "", any other type → 400. */
function parseBasicInfo(body: string): Record<BasicInfoField, string> | null {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return null;
  }
  if (v !== null && (typeof v !== 'object' || Array.isArray(v))) return null;
  const src = (v ?? {}) as Record<string, unknown>;
  const out = {} as Record<BasicInfoField, string>;
  for (const f of BASIC_INFO_FIELDS) out[f] = '';
  for (const [key, val] of Object.entries(src)) {
    const f = BASIC_INFO_FIELDS.find((name) => name === key.toLowerCase());
    if (f === undefined || val === null) continue;
    if (typeof val !== 'string') return null;
    out[f] = val;
  }
  return out;
}

const putCustomer: Handler = (ctx) => {
  const info = parseBasicInfo(ctx.body);
  if (info === null) return errorReply(400, 'INVALID_JSON_BODY', 'The request body is not valid JSON.', ctx.requestId);
  // CustomerAdmin only; managers may read but not write (§4).
  if (!mayAccess(ctx.identity, ctx.identity.customerId, PERMISSION.CustomerAdmin)) return permissionDeniedReply(ctx.requestId);
  const c = ctx.deps.store.updateCustomerBasicInfo(ctx.identity.customerId, info);
  if (c === undefined) return errorReply(404, 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', ctx.requestId);
  ctx.deps.log(`rest: customer ${c.id} basic info overwritten`);
  return jsonReply(200, customerJson(c, false), ctx.requestId);
};

const getServiceAgentCustomer: Handler = (ctx) => {
  const c = ctx.deps.store.customer(ctx.identity.customerId);
  if (c === undefined) return errorReply(404, 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', ctx.requestId);
  const out: Record<string, unknown> = { id: c.id };
  if (c.name !== '') out.name = c.name;
  if (c.detail !== '') out.detail = c.detail;
  Object.assign(out, { tm_create: c.tm_create, tm_update: c.tm_update, tm_delete: c.tm_delete });
  return jsonReply(200, out, ctx.requestId);
};

/** A plain GET on the WS route passes the middleware and then fails gorilla's handshake check. */
const plainGetOnWs: Handler = () =>
  textReply(400, "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header\n");

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const calls = (d: RestDeps): ResourceTable => d.store.calls;
const groupcalls = (d: RestDeps): ResourceTable => d.store.groupcalls;
const messages = (d: RestDeps): ResourceTable => d.store.messages;

const V1_ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/v1\.0\/me$/, handler: getMe },
  { method: 'GET', pattern: /^\/v1\.0\/customer$/, handler: getCustomer },
  { method: 'PUT', pattern: /^\/v1\.0\/customer$/, handler: putCustomer },
  {
    method: 'GET',
    pattern: /^\/v1\.0\/accesskeys$/,
    // CustomerAdmin only (PROTOCOL.md §6): managers and agents are refused.
    handler: (ctx) =>
      mayAccess(ctx.identity, ctx.identity.customerId, PERMISSION.CustomerAdmin)
        ? listReply(ctx, ctx.deps.store.accessKeysOf(ctx.identity.customerId))
        : permissionDeniedReply(ctx.requestId),
  },
  { method: 'GET', pattern: /^\/v1\.0\/calls$/, handler: listAdmin(calls) },
  { method: 'GET', pattern: /^\/v1\.0\/calls\/([^/]+)$/, handler: getAdmin(calls) },
  { method: 'GET', pattern: /^\/v1\.0\/groupcalls$/, handler: listAdmin(groupcalls) },
  { method: 'GET', pattern: /^\/v1\.0\/groupcalls\/([^/]+)$/, handler: getAdmin(groupcalls) },
  { method: 'GET', pattern: /^\/v1\.0\/messages$/, handler: listAdmin(messages) },
  { method: 'GET', pattern: /^\/v1\.0\/messages\/([^/]+)$/, handler: getAdmin(messages) },
  { method: 'GET', pattern: /^\/v1\.0\/service_agents\/me$/, handler: agentOnly((ctx) => jsonReply(200, agentJson(ctx), ctx.requestId)) },
  { method: 'GET', pattern: /^\/v1\.0\/service_agents\/customer$/, handler: agentOnly(getServiceAgentCustomer) },
  {
    method: 'GET',
    pattern: /^\/v1\.0\/service_agents\/calls$/,
    handler: agentOnly((ctx) =>
      listReply(
        ctx,
        ownRows(ctx, ctx.deps.store.calls, (r) => ownedBy(ctx, r)),
      ),
    ),
  },
  {
    method: 'GET',
    pattern: /^\/v1\.0\/service_agents\/calls\/([^/]+)$/,
    handler: agentOnly((ctx) => getOne(ctx, ctx.deps.store.calls, (row, cid) => cid === ctx.identity.customerId && ownedBy(ctx, row))),
  },
  ...teamRoutes((store, chatId) => store.chatMembers(chatId)),
  ...contactRoutes,
  ...transcriptRoutes,
  ...replyRoutes,
  ...[...WS_PATHS].map((p) => ({ method: 'GET', pattern: new RegExp(`^${p.replace(/\./g, '\\.')}$`), handler: plainGetOnWs })),
];

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

type Match = { kind: 'route'; route: Route; param: string } | { kind: 'redirect'; location: string } | null;

function matchRoute(method: string, path: string): Match {
  for (const route of V1_ROUTES) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m) return { kind: 'route', route, param: safeDecode(m[1] ?? '') };
  }
  // gin RedirectTrailingSlash: 301 for GET, 307 otherwise.
  if (path.length > 1 && path.endsWith('/')) {
    const bare = path.slice(0, -1);
    if (V1_ROUTES.some((r) => r.method === method && r.pattern.test(bare))) return { kind: 'redirect', location: bare };
  }
  return null;
}

// ---------- /auth/login ----------

function login(deps: RestDeps, body: string, requestId: string): HttpReply {
  // Any failure is a bare 400 with an empty body (§6, lib/service/auth.go AbortWithStatus).
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return emptyReply(400, requestId);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return emptyReply(400, requestId);
  const { username, password } = v as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '') {
    return emptyReply(400, requestId);
  }
  const agent = deps.store.agentByUsername(username);
  if (agent === undefined || !deps.store.checkPassword(agent.id, password)) {
    deps.log(`rest: login failed for ${username}`);
    return emptyReply(400, requestId);
  }
  // AuthLogin refuses expired and deleted accounts with the gate's 403s (§11.1); frozen ones may still sign in.
  const customer = deps.store.customer(agent.customer_id);
  if (customer?.status === 'expired' || customer?.status === 'deleted') {
    const blocked = blockedAccountReply(deps, undefined, requestId, agent.customer_id);
    if (blocked !== null) return blocked;
  }
  const token = issueAgentJwt(deps, agent);
  const maxAge = TOKEN_LIFETIME_DAYS * 86_400;
  return jsonReply(200, { username, token }, requestId, {
    'Set-Cookie': `token=${token}; Path=/; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Strict`,
  });
}

// ---------- entry point ----------

export function handleRest(deps: RestDeps, req: IncomingMessage, url: ParsedUrl, body: string, requestId: string): HttpReply {
  const method = req.method ?? 'GET';
  const injected = deps.faults.takeRestFailure(url.path);
  if (injected !== undefined) {
    deps.log(`rest: ${method} ${url.path} injected ${injected}`);
    return injectedFailureReply(injected, requestId);
  }

  if (url.path === '/auth/login' && method === 'POST') {
    const limited = deps.limits.authPerIp.take(clientIp(req));
    if (!limited.allowed) return rateLimitedReply(limited.retryAfterSec, 'ip', requestId);
    return login(deps, body, requestId);
  }

  // Group middleware only runs for matched routes, so unknown paths are 404 without auth.
  const match = matchRoute(method, url.path);
  if (match === null) return notFoundReply(requestId);
  if (match.kind === 'redirect') {
    return { status: method === 'GET' ? 301 : 307, headers: { Location: match.location, 'X-Request-Id': requestId }, body: '' };
  }
  const gate = runV1Gate(deps, req, url.params, requestId);
  if (!gate.ok) return gate.reply;
  return match.route.handler({ deps, identity: gate.identity, url, body, requestId, param: match.param });
}
