import { z } from 'zod';
import { Buffer } from 'node:buffer';
import { NotifierError } from './errors.js';
import type { Credential } from './credentials.js';
import type { RestClient } from './rest-client.js';
import { parseVoipbinTime, microsToDate } from './timestamps.js';
import { isUuid, type TopicAuthority } from '../../shared/topics.js';
import { Permission, hasCustomerScope } from '../../shared/permissions.js';

/**
 * Who the credentials belong to. An agent JWT is decoded locally (VoIPBIN has no refresh or
 * introspection endpoint, and the server itself trusts the snapshot in the token: PROTOCOL.md §6);
 * an access key is a customer admin with no agent, whose customer id comes from GET /customer.
 */
export interface Address {
  type?: string | undefined;
  target?: string | undefined;
  target_name?: string | undefined;
  name?: string | undefined;
}

export interface AgentIdentity {
  kind: 'agent';
  agentId: string;
  customerId: string;
  username: string;
  name: string;
  permission: number;
  addresses: Address[];
  /** When the server starts refusing this token; undefined if the token carries no parseable expiry. */
  expiresAt: Date | undefined;
}

export interface AccessKeyIdentity {
  kind: 'accesskey';
  customerId: string;
  customerName: string | undefined;
  /** Access keys act as customer admin (PROTOCOL.md §6). */
  permission: number;
}

export type Identity = AgentIdentity | AccessKeyIdentity;

const AddressSchema = z.object({
  type: z.string().optional(),
  target: z.string().optional(),
  target_name: z.string().optional(),
  name: z.string().optional(),
});

const JwtPayloadSchema = z.object({
  type: z.string().optional(),
  expire: z.string().optional(),
  agent: z.object({
    id: z.string(),
    customer_id: z.string(),
    username: z.string().optional().default(''),
    name: z.string().optional().default(''),
    permission: z.number().int().nonnegative().optional().default(0),
    addresses: z.array(AddressSchema).nullish().transform((a) => a ?? []),
  }).optional(),
});

function decodeSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

/** Reads the JWT payload without verifying the signature: only the server can, and it will. */
export function decodeAgentToken(token: string): AgentIdentity {
  const payloadPart = token.split('.')[1];
  let payload: unknown;
  try {
    payload = decodeSegment(payloadPart ?? '');
  } catch {
    throw new NotifierError('credentials_invalid', 'The token could not be read (it is not a valid JWT). Sign in again to get a new one.');
  }
  const parsed = JwtPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new NotifierError('credentials_invalid', 'The token is not a VoIPBIN agent token (unexpected contents). Sign in again to get a new one.');
  }
  const { type, agent, expire } = parsed.data;
  if (type !== undefined && type !== 'agent') {
    throw new NotifierError(
      'unsupported_token',
      type === 'delegate'
        ? 'This is a delegate token, which VoIPBIN does not allow on the event stream. Use an agent sign-in or an access key.'
        : `This is a "${type}" token; the notifier needs an agent token (from sign-in) or an access key.`,
    );
  }
  if (agent === undefined || !isUuid(agent.id) || !isUuid(agent.customer_id)) {
    throw new NotifierError('credentials_invalid', 'The token does not name an agent and customer. Sign in again to get a new one.');
  }
  const expireMicros = parseVoipbinTime(expire);
  return {
    kind: 'agent',
    agentId: agent.id.toLowerCase(),
    customerId: agent.customer_id.toLowerCase(),
    username: agent.username,
    name: agent.name,
    permission: agent.permission,
    addresses: agent.addresses,
    expiresAt: expireMicros === undefined ? undefined : microsToDate(expireMicros),
  };
}

export function accessKeyIdentity(customer: { id: string; name?: string | undefined }): AccessKeyIdentity {
  return {
    kind: 'accesskey',
    customerId: customer.id.toLowerCase(),
    customerName: customer.name,
    permission: Permission.CustomerAdmin,
  };
}

export function topicAuthority(id: Identity): TopicAuthority {
  return id.kind === 'agent'
    ? { kind: 'agent', agentId: id.agentId, customerId: id.customerId, permission: id.permission }
    : { kind: 'accesskey', customerId: id.customerId };
}

export function canSeeCustomerScope(id: Identity): boolean {
  return id.kind === 'accesskey' || hasCustomerScope(id.permission);
}

const CustomerSchema = z.object({ id: z.string(), name: z.string().optional() });

/** Who the credential belongs to; an access key needs one REST call to learn its customer. */
export async function resolveIdentity(cred: Credential, rest: RestClient): Promise<Identity> {
  if (cred.kind === 'jwt') return decodeAgentToken(cred.token);
  const customer = await rest.get('/customer', CustomerSchema);
  if (!isUuid(customer.id)) throw new NotifierError('bad_response', 'VoIPBIN returned a customer without a valid id.');
  return accessKeyIdentity(customer);
}
