// What agent-manager does to agents' statuses by itself (PROTOCOL.md §11.2): a groupcall that
// rings an agent makes them `ringing` (only from `available`); one that is answered makes every
// agent it rang `busy`. Nothing sets a status back after hangup.
import type { Store } from './store.js';

function agentDestinations(data: Record<string, unknown>): string[] {
  const dests = Array.isArray(data.destinations) ? (data.destinations as unknown[]) : [];
  return dests
    .filter((d): d is { type: string; target: string } => d !== null && typeof d === 'object' && (d as { type?: unknown }).type === 'agent')
    .map((d) => d.target)
    .filter((t) => typeof t === 'string');
}

export function applyPresence(store: Store, eventType: string, data: Record<string, unknown>): void {
  if (eventType === 'groupcall_created') {
    for (const id of agentDestinations(data)) if (store.agent(id)?.status === 'available') store.setAgentStatus(id, 'ringing');
  } else if (eventType === 'groupcall_progressing') {
    for (const id of agentDestinations(data)) if (store.agent(id) !== undefined) store.setAgentStatus(id, 'busy');
  }
}
