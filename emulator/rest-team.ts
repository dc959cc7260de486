// The team as an agent's token may see it (PROTOCOL.md §11.3): the customer's agents, and the
// team chats the agent takes part in. Names are what pop-ups show for team chat.
import { agentClaims, mayAccess } from './auth.js';
import { ADMIN_OR_MANAGER, agentOnly, getOne, listReply, type Handler } from './rest-kit.js';
import { permissionDeniedReply } from './reply.js';
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

export function teamRoutes(chatMembers: (store: Store, chatId: string) => readonly string[]): TeamRoute[] {
  return [
    // Any agent of the customer may list its agents (serviceagent_agent.go).
    { method: 'GET', pattern: /^\/v1\.0\/service_agents\/agents$/, handler: agentOnly(agentsOfCaller) },
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
