import { Permission, hasCustomerScope } from './permissions.js';

/**
 * Topic grammar and the server's validation rules (PROTOCOL.md §2.1–§2.3), shared by the core
 * (which must never send a topic the server would reject: one bad topic drops the whole socket)
 * and the settings window (which shows the same verdict inline while the user types).
 */

/** Who is subscribing, as far as topic validation cares. */
export type TopicAuthority = { kind: 'agent'; agentId: string; customerId: string; permission: number } | { kind: 'accesskey'; customerId: string };

export type TopicScope = 'customer_id' | 'agent_id';

export interface ParsedTopic {
  scope: TopicScope;
  scopeId: string;
  /** Everything after the scope id, e.g. ["call", "call_"]; may be empty. */
  rest: string[];
}

export type TopicVerdict = { ok: true; topic: ParsedTopic } | { ok: false; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export function isUuid(s: string): boolean {
  return UUID.test(s) && s !== NIL_UUID;
}

export function parseTopic(raw: string): TopicVerdict {
  if (raw.trim() !== raw || raw === '') {
    return { ok: false, reason: 'a topic may not be empty or have spaces around it' };
  }
  const parts = raw.split(':');
  const [scope, scopeId, ...rest] = parts;
  if (scope === undefined || scopeId === undefined) {
    return { ok: false, reason: 'a topic needs at least "<scope>:<id>", e.g. agent_id:<your agent id>:call:call_' };
  }
  if (scope !== 'customer_id' && scope !== 'agent_id') {
    return { ok: false, reason: `unknown scope "${scope}": only customer_id and agent_id exist` };
  }
  if (raw.includes('*') || raw.includes('#')) {
    // The server accepts these but matches by plain prefix, so the subscription would never fire.
    return { ok: false, reason: 'wildcards do not exist: VoIPBIN matches topics by plain prefix, so "*" matches nothing; shorten the topic instead' };
  }
  if (!isUuid(scopeId)) {
    return { ok: false, reason: `"${scopeId}" is not ${scope === 'agent_id' ? 'an agent' : 'a customer'} id (a UUID)` };
  }
  if (scopeId !== scopeId.toLowerCase()) {
    // The server accepts it (UUIDs parse case-insensitively) but publishes lowercase topics,
    // and matching is a plain string prefix, so this subscription would never fire.
    return { ok: false, reason: 'write the id in lowercase: VoIPBIN publishes lowercase ids and matches by exact prefix' };
  }
  return { ok: true, topic: { scope, scopeId, rest } };
}

/** Resource names that are a prefix of another resource name (PROTOCOL.md §2.3). */
const PREFIX_COLLISIONS: Readonly<Record<string, string>> = {
  queue: 'queuecall',
  chat: 'chatmessage and chatparticipant',
  conference: 'conferencecall',
  ai: 'aicall and aimessage',
};

/** Legal but probably not what the user meant. */
export function topicWarnings(topic: ParsedTopic): string[] {
  const warnings: string[] = [];
  const [resource, second] = topic.rest;
  if (resource === undefined) {
    warnings.push('this matches every event of the scope, each delivered twice; narrow it to a resource and event, e.g. ":call:call_"');
  } else if (second === undefined || second === '') {
    warnings.push(`a 3-part topic receives every event twice (old and new topic formats); prefer a 4-part event prefix such as ":${resource}:${resource}_"`);
    const collides = PREFIX_COLLISIONS[resource];
    if (collides !== undefined) {
      warnings.push(`":${resource}" is also a prefix of ${collides} topics`);
    }
  }
  return warnings;
}

/** The server's rule set for one topic and one identity; a refusal suggests the topic meant, when one can be built. */
export function validateTopic(raw: string, who: TopicAuthority): TopicVerdict {
  const verdict = judgeTopic(raw, who);
  if (verdict.ok) return verdict;
  const meant = suggestTopic(raw, who);
  return meant === undefined ? verdict : { ok: false, reason: `${verdict.reason}; did you mean "${meant}"?` };
}

/**
 * The topic the user probably meant: their own id in the id's place (in lowercase), and the topic
 * cut where a wildcard stood (a wildcard in place of the event becomes the resource's own prefix,
 * `call:*` → `call:call_`). Only a suggestion the server would accept is made.
 */
export function suggestTopic(raw: string, who: TopicAuthority): string | undefined {
  const [scope, , ...rest] = raw.trim().split(':');
  const ownId = scope === 'customer_id' ? who.customerId : scope === 'agent_id' && who.kind === 'agent' ? who.agentId : undefined;
  if (ownId === undefined || scope === undefined) return undefined;
  const kept: string[] = [];
  for (const [j, part] of rest.entries()) {
    const at = part.search(/[*#]/);
    if (at < 0) {
      kept.push(part);
      continue;
    }
    if (at > 0) kept.push(part.slice(0, at));
    else if (j === 1 && rest[0] !== undefined && rest[0] !== '') kept.push(`${rest[0]}_`);
    break;
  }
  const candidate = [scope, ownId.toLowerCase(), ...kept].join(':');
  return candidate !== raw && judgeTopic(candidate, who).ok ? candidate : undefined;
}

function judgeTopic(raw: string, who: TopicAuthority): TopicVerdict {
  const parsed = parseTopic(raw);
  if (!parsed.ok) return parsed;
  const { scope, scopeId } = parsed.topic;
  const superAdmin = who.kind === 'agent' && (who.permission & Permission.ProjectSuperAdmin) !== 0;
  if (superAdmin) return parsed;

  if (scope === 'customer_id') {
    if (scopeId !== who.customerId.toLowerCase()) {
      return { ok: false, reason: "this customer id is not your account's; you can only subscribe to your own customer" };
    }
    if (who.kind === 'agent' && !hasCustomerScope(who.permission)) {
      return { ok: false, reason: 'customer-wide topics need the customer admin or customer manager permission; you are signed in as an agent' };
    }
    return parsed;
  }
  if (who.kind === 'accesskey') {
    return { ok: false, reason: 'an access key has no agent identity, so agent_id topics are refused; sign in as the agent or use customer_id topics' };
  }
  if (scopeId !== who.agentId.toLowerCase()) {
    return { ok: false, reason: 'agent_id topics must use your own agent id' };
  }
  return parsed;
}
