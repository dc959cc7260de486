import { describe, expect, it } from 'vitest';
import { decodeAgentToken, canSeeCustomerScope, accessKeyIdentity } from '../../main/core/account/identity.js';
import { permissionWords } from '../../shared/permissions.js';
import { fakeAgentJwt, agentPayload, AGENT_ID, CUSTOMER_ID } from '../support/jwt.js';

describe('agent token decoding', () => {
  it('reads the agent, customer, permission and the custom expire claim', () => {
    const id = decodeAgentToken(fakeAgentJwt(agentPayload({ permission: 0x30, expire: '2026-12-01T10:00:00.123456Z' })));
    expect(id).toMatchObject({ kind: 'agent', agentId: AGENT_ID, customerId: CUSTOMER_ID, username: 'alice', name: 'Alice Agent', permission: 0x30 });
    expect(id.expiresAt?.toISOString()).toBe('2026-12-01T10:00:00.123Z');
    expect(canSeeCustomerScope(id)).toBe(true);
    expect(permissionWords(id.permission)).toEqual(['customer admin', 'agent']);
  });
  it('treats a missing type as agent (PROTOCOL §6) and plain agents as agent-scope only', () => {
    const p = agentPayload();
    delete p.type;
    const id = decodeAgentToken(fakeAgentJwt(p));
    expect(canSeeCustomerScope(id)).toBe(false);
  });
  it('refuses delegate and direct tokens with a reason', () => {
    expect(() => decodeAgentToken(fakeAgentJwt(agentPayload({ type: 'delegate' })))).toThrow(/delegate token/);
    expect(() => decodeAgentToken(fakeAgentJwt(agentPayload({ type: 'direct' })))).toThrow(/"direct" token/);
  });
  it('explains garbage and tokens without an agent', () => {
    expect(() => decodeAgentToken('eyJhbGciOiJIUzI1NiJ9.!!!.x')).toThrow(/could not be read/);
    expect(() => decodeAgentToken(fakeAgentJwt({ type: 'agent', expire: 'x' }))).toThrow(/does not name an agent/);
  });
  it('leaves expiry unknown when the claim is missing or unset (year 9999)', () => {
    expect(decodeAgentToken(fakeAgentJwt(agentPayload({ expire: '9999-01-01T00:00:00Z' }))).expiresAt).toBeUndefined();
  });
  it('makes an access key a customer admin with no agent', () => {
    const id = accessKeyIdentity({ id: CUSTOMER_ID.toUpperCase(), name: 'Acme' });
    expect(id).toMatchObject({ kind: 'accesskey', customerId: CUSTOMER_ID, customerName: 'Acme' });
    expect(canSeeCustomerScope(id)).toBe(true);
  });
});
