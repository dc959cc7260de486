import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { mergeWebhookChange, parseWebhookMethod } from '../../main/core/webhook/customer-webhook.js';
import { SAMPLE_EVENT_TYPES, sampleEventData, webhookBody } from '../../main/core/webhook/sample-events.js';
import { signWebhookBody } from '../../main/core/webhook/test-delivery.js';
import { parseVoipbinTime } from '../../main/core/platform/timestamps.js';

describe('mergeWebhookChange', () => {
  it('sends every field, "" for the ones GET omitted, and the rest exactly as read', () => {
    const read = {
      name: '  Acme Support ',
      email: 'ops@acme.example',
      address: 'Straße 1\nBerlin',
      webhook_method: 'PUT',
      webhook_uri: 'https://old.example/x',
    };
    expect(mergeWebhookChange(read, { method: 'POST', uri: 'https://new.example/y' })).toEqual({
      name: '  Acme Support ',
      detail: '',
      email: 'ops@acme.example',
      phone_number: '',
      address: 'Straße 1\nBerlin',
      webhook_method: 'POST',
      webhook_uri: 'https://new.example/y',
    });
  });
});

describe('parseWebhookMethod', () => {
  it('accepts the four methods in any case and refuses the rest', () => {
    expect(parseWebhookMethod('post')).toBe('POST');
    expect(parseWebhookMethod(' Delete ')).toBe('DELETE');
    for (const bad of ['PATCH', 'HEAD', '', 'POSTS']) expect(() => parseWebhookMethod(bad)).toThrow(/POST, PUT, GET, DELETE/);
  });
});

describe('sample events', () => {
  const customerId = '7a1b2c3d-2222-4e5f-8a9b-000000000002';
  it.each(SAMPLE_EVENT_TYPES)('%s has the resource shape of the real event', (type) => {
    const data = sampleEventData(type, { customerId, now: Date.parse('2026-08-01T10:00:00Z') });
    expect(data.customer_id).toBe(customerId);
    expect(typeof data.id).toBe('string');
    for (const [k, v] of Object.entries(data)) {
      // omitempty: VoIPBIN never sends empty strings or null times.
      expect(v, k).not.toBe('');
      if (k.startsWith('tm_')) expect(parseVoipbinTime(v), k).toBeTypeOf('number');
    }
  });

  it('call_hangup carries the hangup fields and the nil-UUID quirks', () => {
    const call = sampleEventData('call_hangup', { customerId, agentId: 'a1', newId: () => 'x' });
    expect(call).toMatchObject({
      status: 'hangup',
      hangup_by: 'remote',
      hangup_reason: 'normal',
      groupcall_id: '00000000-0000-0000-0000-000000000000',
      owner_id: 'a1',
    });
    expect(call.tm_hangup).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/);
  });

  it('wraps as {"type","data"} compactly and signs the exact bytes', () => {
    const body = webhookBody('message_created', { id: 'm1', text: 'hi' });
    expect(body).toBe('{"type":"message_created","data":{"id":"m1","text":"hi"}}');
    const expected = createHmac('sha256', 's3cret').update(body).digest('hex');
    expect(signWebhookBody('s3cret', body)).toBe(`sha256=${expected}`);
    // A known vector, independent of our own code: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
    expect(signWebhookBody('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });
});
