import { randomUUID } from 'node:crypto';

/**
 * Realistic webhook payloads for `webhook test`: the external ("WebhookMessage") shape of each
 * resource as VoIPBIN serialises it (PROTOCOL.md §3) — nil UUIDs written out, empty strings and
 * unset times omitted, RFC 3339 times with trimmed fractions — so a receiver that parses these
 * will parse the real thing.
 */
export const SAMPLE_EVENT_TYPES = [
  'call_created',
  'call_ringing',
  'call_progressing',
  'call_hangup',
  'groupcall_created',
  'message_created',
  'conversation_message_created',
  'chatmessage_created',
  'queuecall_waiting',
  'agent_status_updated',
  'recording_finished',
  'transcript_created',
] as const;
export type SampleEventType = (typeof SAMPLE_EVENT_TYPES)[number];

export function isSampleEventType(value: string): value is SampleEventType {
  return (SAMPLE_EVENT_TYPES as readonly string[]).includes(value);
}

const NIL = '00000000-0000-0000-0000-000000000000';

/** Go's RFC3339Nano: trailing zeros of the fraction trimmed. */
function goTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

export interface SampleContext {
  customerId: string;
  /** Owner used where the resource has one; random if absent. */
  agentId?: string | undefined;
  now?: number;
  newId?: () => string;
}

export function sampleEventData(type: SampleEventType, ctx: SampleContext): Record<string, unknown> {
  const id = ctx.newId ?? randomUUID;
  const now = ctx.now ?? Date.now();
  const t = (offsetMs: number): string => goTime(now + offsetMs);
  const customer_id = ctx.customerId;
  const agent = ctx.agentId ?? id();
  const caller = { type: 'tel', target: '+15551234567' };

  const call = (status: string, extra: Record<string, unknown>): Record<string, unknown> => ({
    id: id(),
    customer_id,
    owner_type: 'agent',
    owner_id: agent,
    flow_id: id(),
    activeflow_id: id(),
    type: 'flow',
    master_call_id: NIL,
    recording_id: NIL,
    groupcall_id: NIL,
    source: caller,
    destination: { type: 'extension', target: '2001', target_name: 'Support desk' },
    status,
    action: { id: id(), next_id: id(), type: 'connect' },
    direction: 'incoming',
    ...extra,
  });

  switch (type) {
    case 'call_created':
      return call('dialing', { tm_create: t(-800), tm_update: t(-800) });
    case 'call_ringing':
      return call('ringing', { tm_ringing: t(-500), tm_create: t(-800), tm_update: t(-500) });
    case 'call_progressing':
      return call('progressing', { tm_progressing: t(-200), tm_ringing: t(-5_500), tm_create: t(-5_800), tm_update: t(-200) });
    case 'call_hangup':
      return call('hangup', {
        hangup_by: 'remote',
        hangup_reason: 'normal',
        tm_progressing: t(-95_000),
        tm_ringing: t(-100_000),
        tm_hangup: t(-120),
        tm_create: t(-100_300),
        tm_update: t(-120),
      });
    case 'groupcall_created':
      return {
        id: id(),
        customer_id,
        owner_type: 'agent',
        owner_id: agent,
        status: 'progressing',
        flow_id: id(),
        source: caller,
        destinations: [{ type: 'agent', target: agent }],
        master_call_id: id(),
        master_groupcall_id: NIL,
        ring_method: 'ring_all',
        answer_method: 'hangup_others',
        answer_call_id: NIL,
        call_ids: [id()],
        answer_groupcall_id: NIL,
        groupcall_ids: [],
        call_count: 1,
        groupcall_count: 0,
        dial_index: 0,
        tm_create: t(-300),
        tm_update: t(-300),
      };
    case 'message_created':
      return {
        id: id(),
        customer_id,
        type: 'sms',
        source: { type: 'tel', target: '+15557654321' },
        targets: [{ destination: { type: 'tel', target: '+15551230000' }, status: 'received', parts: 1, tm_update: t(-100) }],
        text: 'Hi, this is a test message from VoIPBIN.',
        direction: 'inbound',
        tm_create: t(-100),
        tm_update: t(-100),
      };
    case 'conversation_message_created':
      return {
        id: id(),
        customer_id,
        conversation_id: id(),
        direction: 'incoming',
        status: 'done',
        reference_type: 'message',
        reference_id: id(),
        source: { type: 'tel', target: '+15557654321' },
        destination: { type: 'tel', target: '+15551230000' },
        text: 'Hello, can someone call me back?',
        tm_create: t(-100),
        tm_update: t(-100),
      };
    case 'chatmessage_created':
      return {
        id: id(),
        customer_id,
        owner_type: 'agent',
        owner_id: agent,
        chat_id: id(),
        type: 'normal',
        text: 'Can you take the next call?',
        metadata: { reactions: [] },
        tm_create: t(-100),
        tm_update: t(-100),
      };
    case 'queuecall_waiting':
      return {
        id: id(),
        customer_id,
        reference_type: 'call',
        reference_id: id(),
        status: 'waiting',
        service_agent_id: NIL,
        duration_waiting: 0,
        duration_service: 0,
        tm_create: t(-1_000),
        tm_update: t(-100),
      };
    case 'agent_status_updated':
      return {
        id: agent,
        customer_id,
        username: 'agent@example.com',
        name: 'Sample Agent',
        detail: 'Sample agent for a webhook test',
        ring_method: 'ringall',
        status: 'available',
        permission: 16,
        tag_ids: [],
        addresses: [{ type: 'extension', target: '2001' }],
        tm_create: t(-86_400_000),
        tm_update: t(-100),
      };
    case 'recording_finished':
      return {
        id: id(),
        customer_id,
        owner_type: 'agent',
        owner_id: agent,
        activeflow_id: id(),
        reference_type: 'call',
        reference_id: id(),
        status: 'ended',
        format: 'wav',
        on_end_flow_id: NIL,
        tm_start: t(-60_000),
        tm_end: t(-200),
        tm_create: t(-60_100),
        tm_update: t(-200),
      };
    case 'transcript_created':
      return {
        id: id(),
        customer_id,
        transcribe_id: id(),
        direction: 'in',
        message: 'Hello, I would like to check my order.',
        tm_transcript: t(-1_500),
        tm_create: t(-100),
      };
  }
}

/** The exact bytes VoIPBIN sends: `{"type":…,"data":…}`, compact, in that key order. */
export function webhookBody(type: string, data: Record<string, unknown>): string {
  return JSON.stringify({ type, data });
}
