// Realistic resource payloads (PROTOCOL.md §3) for publish() and the REST store.
//
// Conventions copied from the server's JSON: unset UUIDs are the nil UUID (never
// omitted); unset strings, slices, maps and tm_* are omitempty, i.e. absent; times
// are Go RFC 3339 with the fraction's trailing zeros trimmed. Every factory takes
// overrides; pass a field to add it (e.g. `tm_hangup`, `hangup_reason`).
import type { Address } from './types.js';
import { formatRfc3339Micros, uniqueNowMicros } from './time.js';
import { NIL_UUID, newUuid } from './uuid.js';

export { NIL_UUID };

/** Fields every resource has; the index signature lets callers add or override anything. */
interface Base {
  id: string;
  customer_id: string;
  [key: string]: unknown;
}

export interface CallResource extends Base {
  owner_type: 'agent' | '';
  owner_id: string;
  flow_id: string;
  activeflow_id: string;
  type: 'flow' | 'conference' | 'sip-service';
  master_call_id: string;
  chained_call_ids?: string[];
  recording_id: string;
  recording_ids?: string[];
  groupcall_id: string;
  source: Address;
  destination: Address;
  status: 'dialing' | 'ringing' | 'progressing' | 'terminating' | 'canceling' | 'hangup';
  action: { id: string; next_id: string; type: string; [key: string]: unknown };
  metadata?: Record<string, unknown>;
  direction: 'incoming' | 'outgoing';
  mute_direction?: 'both' | 'in' | 'out';
  hangup_by?: 'remote' | 'local';
  hangup_reason?: 'normal' | 'failed' | 'busy' | 'cancel' | 'timeout' | 'noanswer' | 'dialout' | 'amd';
  tm_progressing?: string;
  tm_ringing?: string;
  tm_hangup?: string;
  tm_create: string;
  tm_update: string;
  tm_delete?: string;
}

export interface GroupcallResource extends Base {
  owner_type: 'agent' | '';
  owner_id: string;
  status: 'progressing' | 'hangingup' | 'hangup';
  flow_id: string;
  source: Address | null;
  destinations: Address[];
  master_call_id: string;
  master_groupcall_id: string;
  ring_method: 'ring_all' | 'linear';
  answer_method: 'hangup_others' | '';
  answer_call_id: string;
  call_ids: string[];
  answer_groupcall_id: string;
  groupcall_ids: string[];
  call_count: number;
  groupcall_count: number;
  dial_index: number;
  tm_create: string;
  tm_update: string;
  tm_delete?: string;
}

export interface SmsTarget {
  destination: Address;
  status: 'received' | 'queued' | 'gw_timeout' | 'sent' | 'dlr_timeout' | 'failed' | 'delivered';
  parts: number;
  tm_update?: string;
}

export interface SmsResource extends Base {
  type: 'sms';
  source: Address;
  targets: SmsTarget[];
  text: string;
  direction: 'inbound' | 'outbound';
  tm_create: string;
  tm_update: string;
  tm_delete?: string;
}

export interface ConversationResource extends Base {
  owner_type: 'agent' | '';
  owner_id: string;
  account_id: string;
  name?: string;
  detail?: string;
  type: 'message' | 'line' | 'whatsapp' | 'email' | 'webchat';
  dialog_id?: string;
  self: Address;
  peer: Address;
  tm_create: string;
  tm_update: string;
  tm_delete?: string;
}

export interface ConversationMessageResource extends Base {
  conversation_id: string;
  direction: 'incoming' | 'outgoing';
  status: 'failed' | 'progressing' | 'done';
  reference_type: '' | 'message' | 'line' | 'whatsapp' | 'email';
  reference_id: string;
  source: Address;
  destination: Address;
  text?: string;
  medias?: Record<string, unknown>[];
  tm_create: string;
  tm_update: string;
  tm_delete?: string;
}

export interface ChatMessageResource extends Base {
  owner_type: 'agent' | '';
  owner_id: string;
  chat_id: string;
  parent_id?: string;
  type: 'normal' | 'system';
  text?: string;
  medias?: Record<string, unknown>[];
  metadata: { reactions: Record<string, unknown>[] };
  tm_create: string;
  tm_update: string;
  tm_delete?: string;
}

export interface QueuecallResource extends Base {
  reference_type: 'call';
  reference_id: string;
  status: 'initiating' | 'waiting' | 'connecting' | 'kicking' | 'service' | 'done' | 'abandoned';
  service_agent_id: string;
  duration_waiting: number;
  duration_service: number;
  tm_create: string;
  tm_service?: string;
  tm_update: string;
  tm_delete?: string;
}

export interface TranscribeResource extends Base {
  activeflow_id: string;
  on_end_flow_id: string;
  reference_type: 'unknown' | 'recording' | 'call' | 'confbridge';
  reference_id: string;
  status: 'progressing' | 'done';
  language: string;
  direction: 'both' | 'in' | 'out';
  provider: string;
  tm_create: string;
  tm_update: string;
}

export interface TranscriptResource extends Base {
  transcribe_id: string;
  direction: 'both' | 'in' | 'out';
  message: string;
  /** The time since the transcription started, as a date in year 1 (transcriptOffset). */
  tm_transcript: string;
  /** Servers after VOIP-1528 (2026-09) say the offset in ms instead (PROTOCOL.md §3.10). */
  offset_ms?: number;
  tm_create: string;
}

export interface RecordingResource extends Base {
  owner_type: 'agent' | '';
  owner_id: string;
  activeflow_id: string;
  reference_type: 'call' | 'confbridge';
  reference_id: string;
  status: 'initiating' | 'recording' | 'stopping' | 'ended';
  format: 'wav';
  on_end_flow_id: string;
  tm_start?: string;
  tm_end?: string;
  tm_create: string;
  tm_update: string;
  tm_delete?: string;
}

export interface AgentResource extends Base {
  username: string;
  name: string;
  detail: string;
  ring_method: 'ringall' | 'linear';
  status: 'available' | 'away' | 'busy' | 'offline' | 'ringing' | '';
  permission: number;
  tag_ids: string[];
  addresses: Address[];
  direct_hash?: string;
  tm_create: string;
  tm_update: string;
  tm_delete?: string;
}

/** Two distinct, ordered instants: created, then updated slightly later. */
function stamps(): { created: string; updated: string } {
  const t = uniqueNowMicros();
  return { created: formatRfc3339Micros(t), updated: formatRfc3339Micros(t + 123_456) };
}

export function makeCall(o: Partial<CallResource> = {}): CallResource {
  const { created, updated } = stamps();
  return {
    id: newUuid(),
    customer_id: newUuid(),
    owner_type: 'agent',
    owner_id: newUuid(),
    flow_id: newUuid(),
    activeflow_id: newUuid(),
    type: 'flow',
    master_call_id: NIL_UUID,
    recording_id: NIL_UUID,
    // Always nil in real payloads: ConvertWebhookMessage never copies it (§3.2).
    groupcall_id: NIL_UUID,
    source: { type: 'tel', target: '+15551234567' },
    destination: { type: 'sip', target: 'sip:2001@example.sip.voipbin.net', target_name: '2001' },
    status: 'ringing',
    action: { id: newUuid(), next_id: newUuid(), type: 'connect' },
    direction: 'incoming',
    tm_ringing: updated,
    tm_create: created,
    tm_update: updated,
    ...o,
  };
}

export function makeGroupcall(o: Partial<GroupcallResource> = {}): GroupcallResource {
  const { created, updated } = stamps();
  const owner = o.owner_id ?? newUuid();
  return {
    id: newUuid(),
    customer_id: newUuid(),
    owner_type: 'agent',
    owner_id: owner,
    // Created progressing with nil answer ids (§3.4).
    status: 'progressing',
    flow_id: newUuid(),
    source: { type: 'tel', target: '+15551234567' },
    destinations: [{ type: 'agent', target: owner }],
    master_call_id: NIL_UUID,
    master_groupcall_id: NIL_UUID,
    ring_method: 'ring_all',
    answer_method: 'hangup_others',
    answer_call_id: NIL_UUID,
    call_ids: [newUuid()],
    answer_groupcall_id: NIL_UUID,
    groupcall_ids: [],
    call_count: 1,
    groupcall_count: 0,
    dial_index: 0,
    tm_create: created,
    tm_update: updated,
    ...o,
  };
}

export function makeSms(o: Partial<SmsResource> = {}): SmsResource {
  const { created, updated } = stamps();
  return {
    id: newUuid(),
    customer_id: newUuid(),
    type: 'sms',
    source: { type: 'tel', target: '+15557654321' },
    targets: [{ destination: { type: 'tel', target: '+15551230000' }, status: 'received', parts: 1, tm_update: updated }],
    text: 'Hello from VoIPBIN',
    direction: 'inbound',
    tm_create: created,
    tm_update: updated,
    ...o,
  };
}

export function makeConversation(o: Partial<ConversationResource> = {}): ConversationResource {
  const { created, updated } = stamps();
  return {
    id: newUuid(),
    customer_id: newUuid(),
    owner_type: 'agent',
    owner_id: newUuid(),
    account_id: newUuid(),
    name: 'Conversation with +15557654321',
    detail: 'SMS conversation',
    type: 'message',
    dialog_id: '+15557654321',
    self: { type: 'tel', target: '+15551230000' },
    peer: { type: 'tel', target: '+15557654321' },
    tm_create: created,
    tm_update: updated,
    ...o,
  };
}

export function makeConversationMessage(o: Partial<ConversationMessageResource> = {}): ConversationMessageResource {
  const { created, updated } = stamps();
  return {
    id: newUuid(),
    customer_id: newUuid(),
    conversation_id: newUuid(),
    direction: 'incoming',
    status: 'done',
    reference_type: 'message',
    reference_id: newUuid(),
    // For incoming messages the remote party is the source (§3.6).
    source: { type: 'tel', target: '+15557654321' },
    destination: { type: 'tel', target: '+15551230000' },
    text: 'Hi, can someone call me back?',
    tm_create: created,
    tm_update: updated,
    ...o,
  };
}

export function makeChatMessage(o: Partial<ChatMessageResource> = {}): ChatMessageResource {
  const { created, updated } = stamps();
  return {
    id: newUuid(),
    customer_id: newUuid(),
    owner_type: 'agent',
    // The sender (§3.7).
    owner_id: newUuid(),
    chat_id: newUuid(),
    type: 'normal',
    text: 'Can you take the next call?',
    metadata: { reactions: [] },
    tm_create: created,
    tm_update: updated,
    ...o,
  };
}

export function makeQueuecall(o: Partial<QueuecallResource> = {}): QueuecallResource {
  const { created, updated } = stamps();
  return {
    id: newUuid(),
    customer_id: newUuid(),
    reference_type: 'call',
    reference_id: newUuid(),
    status: 'waiting',
    service_agent_id: NIL_UUID,
    duration_waiting: 0,
    duration_service: 0,
    tm_create: created,
    tm_update: updated,
    ...o,
  };
}

/** A live transcription of a call (transcribe-manager), as `transcribe_*` frames and REST carry it (PROTOCOL.md §3.10). */
export function makeTranscribe(o: Partial<TranscribeResource> = {}): TranscribeResource {
  const { created, updated } = stamps();
  return {
    id: newUuid(),
    customer_id: newUuid(),
    activeflow_id: NIL_UUID,
    on_end_flow_id: NIL_UUID,
    reference_type: 'call',
    reference_id: newUuid(),
    status: 'progressing',
    language: 'en-US',
    direction: 'both',
    provider: 'gcp',
    tm_create: created,
    tm_update: updated,
    ...o,
  };
}

/**
 * A segment's `tm_transcript` as transcribe-manager writes it: not a wall-clock time but the time
 * since its streaming started, as Go's zero time plus that duration (`time.Time{}.Add(d)`,
 * bin-transcribe-manager/pkg/streaminghandler/gcp.go), marshalled like every *time.Time (RFC 3339,
 * trailing zeros trimmed, PROTOCOL.md §3.11): 64.44116 s is "0001-01-01T00:01:04.44116Z".
 */
export function transcriptOffset(ms: number): string {
  const micros = Math.round(ms * 1000);
  const whole = Math.floor(micros / 1_000_000);
  const hms = [Math.floor(whole / 3600) % 24, Math.floor(whole / 60) % 60, whole % 60].map((n) => String(n).padStart(2, '0')).join(':');
  const day = String(1 + Math.floor(whole / 86_400)).padStart(2, '0');
  const frac = String(micros % 1_000_000)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `0001-01-${day}T${hms}${frac === '' ? '' : `.${frac}`}Z`;
}

/** Offsets of segments made without one count from here: later segments, later offsets, as on a live call. */
const TRANSCRIPTS_START_MICROS = uniqueNowMicros();

export function makeTranscript(o: Partial<TranscriptResource> = {}): TranscriptResource {
  const now = uniqueNowMicros();
  return {
    id: newUuid(),
    customer_id: newUuid(),
    transcribe_id: newUuid(),
    direction: 'in',
    message: 'Hello, I would like to check my order.',
    tm_transcript: transcriptOffset((now - TRANSCRIPTS_START_MICROS) / 1000 + 1),
    tm_create: formatRfc3339Micros(now),
    ...o,
  };
}

export function makeRecording(o: Partial<RecordingResource> = {}): RecordingResource {
  const { created, updated } = stamps();
  return {
    id: newUuid(),
    customer_id: newUuid(),
    owner_type: 'agent',
    owner_id: newUuid(),
    activeflow_id: newUuid(),
    reference_type: 'call',
    reference_id: newUuid(),
    status: 'recording',
    format: 'wav',
    on_end_flow_id: NIL_UUID,
    tm_start: updated,
    tm_create: created,
    tm_update: updated,
    ...o,
  };
}

export function makeAgentResource(o: Partial<AgentResource> = {}): AgentResource {
  const { created, updated } = stamps();
  return {
    id: newUuid(),
    customer_id: newUuid(),
    username: 'agent2001@example.com',
    name: 'Agent 2001',
    detail: 'Front desk',
    ring_method: 'ringall',
    status: 'available',
    permission: 0x10,
    tag_ids: [],
    addresses: [{ type: 'extension', target: '2001' }],
    tm_create: created,
    tm_update: updated,
    ...o,
  };
}
