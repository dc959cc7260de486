import type { Address } from '../account/index.js';
import { parseVoipbinTime } from '../platform/index.js';

/**
 * Server frames are the bare resource JSON with no event type (PROTOCOL.md §1.4), so the resource
 * kind is read from the shape. Many bare resources have their own `type` field, so a frame counts
 * as the documented wrapped form only with a string `type` AND an object `data`.
 */
export type ResourceKind =
  | 'call'
  | 'groupcall'
  | 'sms'
  | 'conversation'
  | 'conversation_message'
  | 'chat_message'
  | 'chat_participant'
  | 'queuecall'
  | 'transcribe'
  | 'transcript'
  | 'speech'
  | 'recording'
  | 'agent'
  | 'unknown';

export type Resource = Record<string, unknown>;

export interface ResourceFrame {
  kind: ResourceKind;
  id: string | undefined;
  status: string | undefined;
  /** Microseconds since the epoch of the resource's last change (tm_update, else tm_create). */
  updatedAt: number | undefined;
  /** Only known for the wrapped form. */
  eventType: string | undefined;
  data: Resource;
}

export type FrameParse = { ok: true; frame: ResourceFrame } | { ok: false; reason: string };

function isObject(v: unknown): v is Resource {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const has = (d: Resource, key: string): boolean => d[key] !== undefined;
const str = (d: Resource, key: string): string | undefined => (typeof d[key] === 'string' ? d[key] : undefined);

/**
 * An address field as the frame has it, keeping only string parts: a caller can choose their
 * name, and a number or an object in its place must read as "no name", never break the reader.
 */
export function readAddress(v: unknown): Address | undefined {
  if (!isObject(v)) return undefined;
  const s = (k: string): string | undefined => (typeof v[k] === 'string' && v[k] !== '' ? v[k] : undefined);
  return { type: s('type'), target: s('target'), target_name: s('target_name'), name: s('name') };
}

/** Order matters: the most specific shapes first. */
export function classifyResource(d: Resource): ResourceKind {
  if (Array.isArray(d.destinations) && (has(d, 'ring_method') || has(d, 'answer_method') || has(d, 'call_ids'))) return 'groupcall';
  if (
    isObject(d.destination) &&
    has(d, 'status') &&
    (has(d, 'master_call_id') || has(d, 'chained_call_ids') || has(d, 'activeflow_id') || has(d, 'hangup_reason'))
  )
    return 'call';
  if (Array.isArray(d.targets) && has(d, 'text')) return 'sms';
  if (typeof d.conversation_id === 'string' && has(d, 'direction')) return 'conversation_message';
  if (has(d, 'dialog_id') || (has(d, 'account_id') && has(d, 'peer') && has(d, 'self'))) return 'conversation';
  if (typeof d.chat_id === 'string' && has(d, 'tm_joined')) return 'chat_participant';
  if (typeof d.chat_id === 'string' && (has(d, 'text') || has(d, 'medias'))) return 'chat_message';
  if (typeof d.transcribe_id === 'string' && has(d, 'streaming_id')) return 'speech';
  if (typeof d.transcribe_id === 'string' && has(d, 'message')) return 'transcript';
  if (has(d, 'reference_type') && (has(d, 'service_agent_id') || has(d, 'duration_waiting') || has(d, 'queue_id'))) return 'queuecall';
  // Before recordings: a transcribe also carries reference_type and on_end_flow_id, but a language.
  if (has(d, 'reference_type') && has(d, 'language') && !has(d, 'format')) return 'transcribe';
  if (has(d, 'reference_type') && (has(d, 'format') || has(d, 'tm_start') || has(d, 'on_end_flow_id'))) return 'recording';
  if (typeof d.username === 'string' && has(d, 'permission')) return 'agent';
  return 'unknown';
}

/** Event-type prefixes of the wrapped form, for when the shape alone is not enough. */
const EVENT_PREFIX_KIND: readonly (readonly [string, ResourceKind])[] = [
  ['groupcall_', 'groupcall'],
  ['call_', 'call'],
  ['message_', 'sms'],
  ['conversation_message_', 'conversation_message'],
  ['conversation_', 'conversation'],
  ['chatmessage_', 'chat_message'],
  ['chatparticipant_', 'chat_participant'],
  ['queuecall_', 'queuecall'],
  ['transcript_', 'transcript'],
  ['transcribe_speech_', 'speech'],
  ['transcribe_', 'transcribe'],
  ['recording_', 'recording'],
  ['agent_', 'agent'],
];

function kindFromEventType(eventType: string): ResourceKind {
  for (const [prefix, kind] of EVENT_PREFIX_KIND) if (eventType.startsWith(prefix)) return kind;
  return 'unknown';
}

export function parseFrame(text: string): FrameParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (!isObject(value)) return { ok: false, reason: `a JSON ${Array.isArray(value) ? 'array' : typeof value}, not an object` };

  let data = value;
  let eventType: string | undefined;
  if (typeof value.type === 'string' && isObject(value.data)) {
    eventType = value.type;
    data = value.data;
  }
  return { ok: true, frame: resourceFrame(data, eventType) };
}

/** A resource already in hand (a REST listing) described like a frame, without a JSON round trip. */
export function resourceFrame(data: Resource, eventType?: string): ResourceFrame {
  let kind = classifyResource(data);
  if (kind === 'unknown' && eventType !== undefined) kind = kindFromEventType(eventType);
  return {
    kind,
    id: str(data, 'id'),
    status: str(data, 'status'),
    updatedAt: parseVoipbinTime(data.tm_update) ?? parseVoipbinTime(data.tm_create),
    eventType,
    data,
  };
}
