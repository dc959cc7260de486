import { describe, expect, it } from 'vitest';
import { parseFrame, classifyResource, type ResourceKind } from '../../main/core/stream/frames.js';
import {
  makeCall,
  makeGroupcall,
  makeSms,
  makeConversation,
  makeConversationMessage,
  makeChatMessage,
  makeQueuecall,
  makeTranscript,
  makeTranscribe,
  makeRecording,
  makeAgentResource,
} from '../../emulator/fixtures.js';

describe('frame classification by shape (frames carry no event type)', () => {
  const cases: [ResourceKind, Record<string, unknown>][] = [
    ['call', makeCall()],
    ['call', makeCall({ status: 'hangup', hangup_reason: 'noanswer', type: 'sip-service' })],
    ['groupcall', makeGroupcall()],
    ['sms', makeSms()],
    ['conversation', makeConversation()],
    ['conversation_message', makeConversationMessage()],
    ['chat_message', makeChatMessage()],
    ['queuecall', makeQueuecall()],
    ['transcript', makeTranscript()],
    // A transcribe has reference_type and on_end_flow_id like a recording, and a language.
    ['transcribe', makeTranscribe()],
    ['recording', makeRecording()],
    ['agent', makeAgentResource()],
    ['unknown', { id: 'x', customer_id: 'y', flavour: 'strawberry' }],
  ];
  it.each(cases)('%s', (kind, resource) => {
    expect(classifyResource(resource)).toBe(kind);
    const parsed = parseFrame(JSON.stringify(resource));
    expect(parsed.ok && parsed.frame.kind).toBe(kind);
  });

  it('does not mistake a resource\'s own "type" field for the wrapped form', () => {
    const call = makeCall({ type: 'flow' });
    const p = parseFrame(JSON.stringify(call));
    expect(p.ok && p.frame).toMatchObject({ kind: 'call', eventType: undefined, id: call.id, status: call.status });
    const sms = parseFrame(JSON.stringify(makeSms()));
    expect(sms.ok && sms.frame.kind).toBe('sms');
  });

  it('unwraps {"type": string, "data": object} and keeps the event type', () => {
    const call = makeCall({ status: 'progressing' });
    const p = parseFrame(JSON.stringify({ type: 'call_progressing', data: call }));
    expect(p.ok && p.frame).toMatchObject({ kind: 'call', eventType: 'call_progressing', id: call.id, status: 'progressing' });
    const byType = parseFrame(JSON.stringify({ type: 'queuecall_waiting', data: { id: 'q1' } }));
    expect(byType.ok && byType.frame.kind).toBe('queuecall');
    const notWrapped = parseFrame(JSON.stringify({ type: 'call_hangup', data: 'nope', id: 'z' }));
    expect(notWrapped.ok && notWrapped.frame).toMatchObject({ kind: 'unknown', eventType: undefined, id: 'z' });
  });

  it('reads tm_update in microseconds, falling back to tm_create', () => {
    const t = parseFrame(JSON.stringify({ id: 'a', tm_create: '2026-08-01T10:00:00.000001Z' }));
    expect(t.ok && t.frame.updatedAt).toBe(Date.UTC(2026, 7, 1, 10) * 1000 + 1);
  });

  it.each([
    ['{not json', /not valid JSON/],
    ['[1,2]', /array/],
    ['"hello"', /string/],
    ['null', /object/],
    ['', /not valid JSON/],
  ])('refuses %j with a reason', (text, reason) => {
    const p = parseFrame(text);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.reason).toMatch(reason);
  });
});
