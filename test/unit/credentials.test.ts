import { describe, expect, it } from 'vitest';
import { authHeaders, credentialFrom, parseCredential } from '../../main/core/api/credentials.js';
import { redactor } from '../../main/core/platform/redact.js';
import { fakeAgentJwt, agentPayload } from '../support/jwt.js';

describe('credentials', () => {
  const jwt = fakeAgentJwt(agentPayload());
  it('sends a JWT as Bearer and an access key as the accesskey cookie, never as token', () => {
    expect(authHeaders(parseCredential(jwt, 'token'))).toEqual({ Authorization: `Bearer ${jwt}` });
    const key = parseCredential('vb_Zx81kd92kdlw02', 'token');
    expect(key.kind).toBe('accesskey');
    expect(authHeaders(key)).toEqual({ Cookie: 'accesskey=vb_Zx81kd92kdlw02' });
  });
  it('tolerates a pasted "Bearer " prefix and whitespace', () => {
    expect(parseCredential(`  Bearer ${jwt}\n`, 'token')).toEqual({ kind: 'jwt', token: jwt });
  });
  it('rejects things that are neither, with a message that says what was expected', () => {
    expect(() => parseCredential('hunter2hunter2', 'token')).toThrow(/neither an agent token/);
    expect(() => parseCredential('abc.def', 'accesskey')).toThrow(/start with "vb_"/);
    expect(() => parseCredential('   ', 'token')).toThrow(/empty/);
  });
  it('registers every parsed credential with the redactor', () => {
    const secret = 'vb_registeredSecret123';
    parseCredential(secret, 'accesskey');
    expect(redactor.redact(`x ${secret} y`)).not.toContain(secret);
  });
  it('wants exactly one credential', () => {
    expect(() => credentialFrom({ token: jwt, accesskey: 'vb_abcdefgh12' }, 'here')).toThrow(/only one/);
    expect(() => credentialFrom({}, 'here')).toThrow(/No credentials/);
    expect(credentialFrom({ token: ' ', accesskey: 'vb_abcdefgh12' }, 'here').kind).toBe('accesskey');
  });
});
