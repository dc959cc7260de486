// Shared pieces of the emulator's REST handlers: the request context, VoIPBIN's list paging,
// and the access checks every resource route uses.
import type { Faults } from './faults.js';
import type { GateDeps } from './gate.js';
import type { AuthIdentity } from './auth.js';
import { mayAccess } from './auth.js';
import type { ParsedUrl } from './httpio.js';
import type { HttpReply } from './reply.js';
import { authRequiredReply, errorReply, jsonReply, permissionDeniedReply } from './reply.js';
import type { ResourceTable } from './store.js';
import { normalizeTimestamp } from './time.js';
import { PERMISSION } from './types.js';
import { parseUuid } from './uuid.js';

export interface RestDeps extends GateDeps {
  faults: Faults;
}

export interface Ctx {
  deps: RestDeps;
  identity: AuthIdentity;
  url: ParsedUrl;
  body: string;
  requestId: string;
  param: string;
}

export type Handler = (ctx: Ctx) => HttpReply;

export const ADMIN_OR_MANAGER = PERMISSION.CustomerAdmin | PERMISSION.CustomerManager;

// ---------- pagination ----------

/**
 * List semantics of the call/groupcall/message endpoints (server/calls.go): page_size
 * defaults to 100 and anything ≤0 or >100 becomes 100; page_token is a timestamp and
 * returns rows created strictly before it, newest first; next_page_token is the last
 * row's tm_create whenever the page is non-empty (so the final page is followed by
 * one empty page), "" otherwise.
 */
export function listReply(ctx: Ctx, rows: Record<string, unknown>[]): HttpReply {
  const rawSize = ctx.url.params.get('page_size');
  let size = 100;
  if (rawSize !== null) {
    if (!/^[+-]?\d+$/.test(rawSize)) {
      return errorReply(400, 'INVALID_ARGUMENT', `Invalid format for parameter page_size: ${rawSize}`, ctx.requestId);
    }
    size = Number(rawSize);
    if (size <= 0 || size > 100) size = 100;
  }
  const token = ctx.url.params.get('page_token') ?? '';
  const created = (r: Record<string, unknown>): string => normalizeTimestamp(typeof r.tm_create === 'string' ? r.tm_create : '');
  // The server defaults the token to "now"; the emulator leaves it unbounded so
  // fixtures stamped in the future (or a fake clock) still list.
  const limit = token === '' ? null : normalizeTimestamp(token);
  const page = rows
    .filter((r) => r.tm_delete === undefined || r.tm_delete === null || r.tm_delete === '')
    .filter((r) => limit === null || created(r) < limit)
    .sort((a, b) => (created(a) < created(b) ? 1 : created(a) > created(b) ? -1 : 0))
    .slice(0, size);
  const last = page[page.length - 1];
  // Formatted with Go's fixed-micro layout; normalizeTimestamp already yields it.
  const nextToken = last !== undefined && typeof last.tm_create === 'string' ? created(last) : '';
  return jsonReply(200, { result: page, next_page_token: nextToken }, ctx.requestId);
}

export function ownRows(ctx: Ctx, table: ResourceTable, extra?: (r: Record<string, unknown>) => boolean): Record<string, unknown>[] {
  return table.all().filter((r) => {
    const cid = typeof r.customer_id === 'string' ? parseUuid(r.customer_id) : null;
    return cid === ctx.identity.customerId && (extra === undefined || extra(r));
  });
}

export function listAdmin(table: (d: RestDeps) => ResourceTable): Handler {
  return (ctx) => {
    if (!mayAccess(ctx.identity, ctx.identity.customerId, ADMIN_OR_MANAGER)) return permissionDeniedReply(ctx.requestId);
    return listReply(ctx, ownRows(ctx, table(ctx.deps)));
  };
}

export function getOne(ctx: Ctx, table: ResourceTable, allowed: (row: Record<string, unknown>, customerId: string) => boolean): HttpReply {
  const id = parseUuid(ctx.param);
  if (id === null || id === '00000000-0000-0000-0000-000000000000') {
    return errorReply(400, 'INVALID_ID', 'The provided id is not a valid UUID.', ctx.requestId);
  }
  const row = table.get(id);
  if (row === undefined || (typeof row.tm_delete === 'string' && row.tm_delete !== '')) {
    return errorReply(404, 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', ctx.requestId);
  }
  const cid = typeof row.customer_id === 'string' ? (parseUuid(row.customer_id) ?? '') : '';
  if (!allowed(row, cid)) return permissionDeniedReply(ctx.requestId);
  return jsonReply(200, row, ctx.requestId);
}

export function getAdmin(table: (d: RestDeps) => ResourceTable): Handler {
  return (ctx) => getOne(ctx, table(ctx.deps), (_row, cid) => mayAccess(ctx.identity, cid, ADMIN_OR_MANAGER));
}

export function ownedBy(ctx: Ctx, row: Record<string, unknown>): boolean {
  const owner = typeof row.owner_id === 'string' ? parseUuid(row.owner_id) : null;
  return owner !== null && owner === ctx.identity.agentId;
}

/** /service_agents/* need an agent identity: accesskeys get 401 ("authentication required"). */
export function agentOnly(h: Handler): Handler {
  return (ctx) => (ctx.identity.kind === 'agent' ? h(ctx) : authRequiredReply(ctx.requestId));
}
