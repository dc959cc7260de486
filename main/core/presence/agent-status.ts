import { z } from 'zod';
import type { Credential, RestClient } from '../api/index.js';
import { NotifierError } from '../platform/index.js';
import { AGENT_STATUSES, SETTABLE_STATUSES, statusName, type AgentStatus, type SettableStatus } from '../../../shared/agent-status.js';

/**
 * An agent's presence as agent-manager keeps it (PROTOCOL.md §11.2): queues ring only agents who
 * are `available`, agent-manager sets `ringing` when a call rings and `busy` when one is answered,
 * and nothing sets it back after hangup. The JWT's copy goes stale, so it is read from the server.
 */
export { AGENT_STATUSES, SETTABLE_STATUSES, statusName, type AgentStatus, type SettableStatus } from '../../../shared/agent-status.js';

export interface Presence {
  status: AgentStatus;
  /** Queue calls reach only available agents. */
  receivingQueueCalls: boolean;
}

const MeSchema = z.object({ status: z.string().optional() });

/** The server does not validate a status it is given (§11.2): we do, with the choices in words. */
export function parseSettableStatus(value: string): SettableStatus {
  const v = value.trim().toLowerCase();
  const found = SETTABLE_STATUSES.find((s) => s === v);
  if (found === undefined) {
    throw new NotifierError('bad_usage', `"${value.slice(0, 40)}" is not a status you can set: use one of ${SETTABLE_STATUSES.join(', ')}.`);
  }
  return found;
}

/** A value this version does not know is unknown (""), never trusted as "available". */
export function toAgentStatus(raw: string | undefined): AgentStatus {
  return AGENT_STATUSES.find((s) => s === raw) ?? '';
}

function presenceOf(raw: string | undefined): Presence {
  const status = toAgentStatus(raw);
  return { status, receivingQueueCalls: status === 'available' };
}

/**
 * Access keys have no agent, so no presence: said as a typed error with what to do instead —
 * known from the credential itself, before any request.
 */
export function requireAgent(credential: Credential): void {
  if (credential.kind !== 'jwt') {
    throw new NotifierError(
      'presence_unavailable',
      'An access key has no agent, so it has no status: sign in as the agent ("voipbin-notifier login --username …") to read or set one.',
    );
  }
}

export async function readMyStatus(rest: RestClient): Promise<Presence> {
  const me = await rest.get('/service_agents/me', MeSchema);
  return presenceOf(me.status);
}

/** Sets the status and reads it back: the answer is what the server now holds. */
export async function setMyStatus(rest: RestClient, status: SettableStatus): Promise<Presence> {
  await rest.put('/service_agents/me/status', { status }, z.unknown());
  return readMyStatus(rest);
}

/** "Busy — queue calls cannot reach you", for people. */
export function presenceWords(p: Presence): string {
  return `${p.status === '' ? 'Unknown status' : statusName(p.status)} — queue calls ${p.receivingQueueCalls ? 'can' : 'cannot'} reach you`;
}
