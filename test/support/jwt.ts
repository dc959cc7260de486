import { Buffer } from 'node:buffer';

/** An unsigned-looking agent JWT for unit tests of decoding (the server, not us, checks signatures). */
export function fakeAgentJwt(payload: Record<string, unknown>): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(payload)}.c2lnbmF0dXJl`;
}

export const AGENT_ID = '5f8d6c1e-1111-4a2b-9c3d-000000000001';
export const CUSTOMER_ID = '7a1b2c3d-2222-4e5f-8a9b-000000000002';
export const OTHER_ID = '9e8d7c6b-3333-4a5b-8c7d-000000000003';

export function agentPayload(over: { permission?: number; expire?: string; type?: string } = {}): Record<string, unknown> {
  return {
    ...(over.type !== undefined ? { type: over.type } : { type: 'agent' }),
    agent: {
      id: AGENT_ID,
      customer_id: CUSTOMER_ID,
      username: 'alice',
      name: 'Alice Agent',
      permission: over.permission ?? 0x10,
      addresses: [{ type: 'extension', target: '2001' }],
    },
    expire: over.expire ?? '2026-12-01T10:00:00.000000Z',
  };
}
