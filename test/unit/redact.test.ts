import { describe, expect, it } from 'vitest';
import { Redactor } from '../../main/core/platform/redact.js';
import { fakeAgentJwt, agentPayload } from '../support/jwt.js';

describe('redaction', () => {
  const r = new Redactor();
  const jwt = fakeAgentJwt(agentPayload());
  it.each([
    [`token ${jwt} here`],
    ['GET /v1.0/ws?token=abcdef123456&x=1'],
    ['cookie: accesskey=vb_supersecret99'],
    ['Authorization: Bearer abcdefghijklmnop'],
    ['{"password":"hunter2hunter2","username":"bob"}'],
    ['{"webhook_secret":"Zm9vYmFyYmF6cXV4"}'],
    // Each shape in other letter cases: the quick check before the passes must not skip them.
    ['AUTHORIZATION=abcdefghijklmnop'],
    ['BEARER abcdefghijklmnop'],
    ['x?ACCESS_KEY=abcdef123456'],
    ['{"Secret":"hunter2hunter2"}'],
    ['; Password=hunter2hunter2'],
  ])('hides secrets in %s', (text) => {
    const out = r.redact(text);
    expect(out).toContain('[redacted]');
    for (const secret of [jwt, 'abcdef123456', 'vb_supersecret99', 'abcdefghijklmnop', 'hunter2hunter2', 'Zm9vYmFyYmF6cXV4']) {
      expect(out).not.toContain(secret);
    }
  });
  it('hides registered secrets of any shape, deep in structures, and keeps the rest', () => {
    r.add('plain-looking-secret');
    expect(r.redactValue({ a: ['x plain-looking-secret y'], b: 3, username: 'bob' })).toEqual({ a: ['x [redacted] y'], b: 3, username: 'bob' });
    expect(r.redact('call 5f8d6c1e-1111-4a2b-9c3d-000000000001 ringing')).toBe('call 5f8d6c1e-1111-4a2b-9c3d-000000000001 ringing');
  });
});
