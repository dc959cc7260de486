/**
 * Agent statuses as agent-manager keeps them (PROTOCOL.md §11.2), shared by the core, the tray and
 * the window so every place names them the same way.
 */
export const AGENT_STATUSES = ['available', 'away', 'busy', 'offline', 'ringing', ''] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** What a person may set; `ringing` (and "") are agent-manager's own. */
export const SETTABLE_STATUSES = ['available', 'away', 'busy', 'offline'] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

/** "Busy", "Available"; "Unknown" for a value this version does not know. */
export function statusName(status: AgentStatus): string {
  return status === '' ? 'Unknown' : status.charAt(0).toUpperCase() + status.slice(1);
}
