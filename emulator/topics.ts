// Topic rules (PROTOCOL.md §2): validation of client subscriptions, topics generated
// per event, and plain string-prefix matching.
import type { Identity } from './types.js';
import { PERMISSION } from './types.js';
import { hasPermission, isSuperAdmin } from './auth.js';
import { NIL_UUID, parseUuid } from './uuid.js';

/**
 * validateTopics (§2.2, websockhandler/etc.go). Returns the first invalid topic, or
 * null when all are acceptable. Super admins skip every check, even the format.
 */
export function firstInvalidTopic(identity: Identity, topics: readonly string[]): string | null {
  if (isSuperAdmin(identity)) return null;
  for (const topic of topics) if (!isTopicAllowed(identity, topic)) return topic;
  return null;
}

function isTopicAllowed(identity: Identity, topic: string): boolean {
  const parts = topic.split(':');
  if (parts.length < 2) return false;
  const scopeId = parseUuid(parts[1] ?? '');
  if (scopeId === null || scopeId === NIL_UUID) return false;
  switch (parts[0]) {
    case 'customer_id':
      // Any length ≥ 2; own customer only; needs admin or manager (accesskeys count as admin).
      return scopeId === identity.customerId && hasPermission(identity, PERMISSION.CustomerAdmin | PERMISSION.CustomerManager);
    case 'agent_id':
      // Accesskeys have no agent id, so this never holds for them.
      return identity.agentId !== undefined && scopeId === identity.agentId;
    default:
      return false;
  }
}

/** Resources whose payloads fan out to chat participants (§2.4). */
const CHAT_RESOURCES = new Set(['chat', 'chatmessage', 'chatparticipant']);

/** Marks a present-but-malformed id; the server's unmarshal fails and the event is dropped. */
const BAD = Symbol('malformed');

function idField(data: Record<string, unknown>, key: string): string | null | typeof BAD {
  const v = data[key];
  // Absent decodes to uuid.Nil; a malformed value makes the server drop the event.
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') return BAD;
  const p = parseUuid(v);
  if (p === null) return BAD;
  return p === NIL_UUID ? null : p;
}

export type TopicPlan = { ok: true; topics: string[] } | { ok: false; reason: string };

/**
 * createTopics (§2.4): the "old" topics (per resource family) plus the "new"
 * event-type topics. `resource` is the event type up to its first '_'.
 */
export function topicsForEvent(eventType: string, data: Record<string, unknown>, participants: readonly string[] = []): TopicPlan {
  const cut = eventType.indexOf('_');
  if (cut <= 0) return { ok: false, reason: `event type without '_': ${eventType}` };
  const resource = eventType.slice(0, cut);

  const id = idField(data, 'id');
  const customer = idField(data, 'customer_id');
  const owner = idField(data, 'owner_id');
  if (id === BAD || customer === BAD || owner === BAD) return { ok: false, reason: 'malformed id/customer_id/owner_id' };
  const rid = id ?? NIL_UUID;

  const topics: string[] = [];
  if (CHAT_RESOURCES.has(resource)) {
    const chat = resource === 'chat' ? id : idField(data, 'chat_id');
    if (chat === BAD) return { ok: false, reason: 'malformed chat_id' };
    const chatId = chat ?? NIL_UUID;
    if (customer !== null) topics.push(`customer_id:${customer}:chat:${chatId}`);
    if (owner !== null) topics.push(`agent_id:${owner}:chat:${chatId}`);
    for (const raw of participants) {
      const p = parseUuid(raw);
      if (p === null || p === NIL_UUID || p === owner) continue;
      topics.push(`agent_id:${p}:chat:${chatId}`, `agent_id:${p}:${resource}:${eventType}:${rid}`);
    }
  } else if (resource === 'aimessage') {
    const aicall = idField(data, 'aicall_id');
    if (customer !== null && aicall !== null && aicall !== BAD) topics.push(`customer_id:${customer}:aicall:${aicall}`);
  } else if (resource === 'webchat') {
    const session = idField(data, 'session_id');
    if (customer !== null && session !== null && session !== BAD) topics.push(`customer_id:${customer}:webchat_session:${session}`);
  } else {
    if (customer !== null) topics.push(`customer_id:${customer}:${resource}:${rid}`);
    if (owner !== null) topics.push(`agent_id:${owner}:${resource}:${rid}`);
  }
  if (customer !== null) topics.push(`customer_id:${customer}:${resource}:${eventType}:${rid}`);
  if (owner !== null) topics.push(`agent_id:${owner}:${resource}:${eventType}:${rid}`);
  return { ok: true, topics };
}

/** Deliver-once per topic: any subscription that is a plain prefix (§2.3). */
export function matchesAny(subscriptions: Iterable<string>, topic: string): boolean {
  for (const s of subscriptions) if (topic.startsWith(s)) return true;
  return false;
}
