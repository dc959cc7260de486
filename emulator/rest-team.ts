// The team as an agent's token may see it (PROTOCOL.md §11.3): the customer's agents, and the
// team chats the agent takes part in. Names are what pop-ups show for team chat.
import { agentClaims, mayAccess } from './auth.js';
import { ADMIN_OR_MANAGER, agentOnly, getOne, listReply, type Handler } from './rest-kit.js';
import { errorReply, jsonReply, permissionDeniedReply } from './reply.js';
import type { Store } from './store.js';

export interface TeamRoute {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const agentsOfCaller: Handler = (ctx) =>
  listReply(
    ctx,
    ctx.deps.store.agentsOf(ctx.identity.customerId).map((a) => agentClaims(a)),
  );

/**
 * PUT /service_agents/me/status: agent-manager stores whatever string it is given (PROTOCOL.md
 * §11.2: no validation), answering with the agent.
 */
const putMyStatus: Handler = (ctx) => {
  let v: unknown;
  try {
    v = JSON.parse(ctx.body);
  } catch {
    return errorReply(400, 'INVALID_JSON_BODY', 'The request body is not valid JSON.', ctx.requestId);
  }
  const status = v !== null && typeof v === 'object' && 'status' in v ? v.status : undefined;
  if (typeof status !== 'string') return errorReply(400, 'INVALID_JSON_BODY', 'The request body is not valid JSON.', ctx.requestId);
  const agent = ctx.deps.store.setAgentStatus(ctx.identity.agentId ?? '', status);
  if (agent === undefined) return errorReply(404, 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', ctx.requestId);
  return jsonReply(200, agentClaims(agent), ctx.requestId);
};

export function teamRoutes(chatMembers: (store: Store, chatId: string) => readonly string[]): TeamRoute[] {
  return [
    // Any agent of the customer may list its agents (serviceagent_agent.go).
    { method: 'GET', pattern: /^\/v1\.0\/service_agents\/agents$/, handler: agentOnly(agentsOfCaller) },
    { method: 'PUT', pattern: /^\/v1\.0\/service_agents\/me\/status$/, handler: agentOnly(putMyStatus) },
    {
      method: 'GET',
      pattern: /^\/v1\.0\/agents$/,
      handler: (ctx) => (mayAccess(ctx.identity, ctx.identity.customerId, ADMIN_OR_MANAGER) ? agentsOfCaller(ctx) : permissionDeniedReply(ctx.requestId)),
    },
    {
      method: 'GET',
      pattern: /^\/v1\.0\/service_agents\/talk_chats\/([^/]+)$/,
      // Only a participant may read a chat.
      handler: agentOnly((ctx) =>
        getOne(
          ctx,
          ctx.deps.store.chats,
          (row, cid) =>
            cid === ctx.identity.customerId && typeof row.id === 'string' && chatMembers(ctx.deps.store, row.id).includes(ctx.identity.agentId ?? ''),
        ),
      ),
    },
  ];
}
