import { z } from 'zod';
import { Buffer } from 'node:buffer';
import { NotifierError, parseVoipbinTime, microsToDate } from '../platform/index.js';
import type { Credential, RestClient } from '../api/index.js';
import { isUuid, type TopicAuthority } from '../../../shared/topics.js';
import { Permission, hasCustomerScope } from '../../../shared/permissions.js';

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
  /** From the customer's key list (matched by the key's prefix); undefined when it cannot be told. */
  expiresAt: Date | undefined;
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
  agent: z
    .object({
      id: z.string(),
      customer_id: z.string(),
      username: z.string().optional().default(''),
      name: z.string().optional().default(''),
      permission: z.number().int().nonnegative().optional().default(0),
      addresses: z
        .array(AddressSchema)
        .nullish()
        .transform((a) => a ?? []),
    })
    .optional(),
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

export function accessKeyIdentity(customer: { id: string; name?: string | undefined }, expiresAt?: Date): AccessKeyIdentity {
  return {
    kind: 'accesskey',
    customerId: customer.id.toLowerCase(),
    customerName: customer.name,
    permission: Permission.CustomerAdmin,
    expiresAt,
  };
}

/** How the expiry of this identity's credential is worded (a new key vs signing in again). */
export function expiringCredential(id: Identity): 'sign-in' | 'access key' {
  return id.kind === 'agent' ? 'sign-in' : 'access key';
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

const AccessKeyItemSchema = z.object({
  token_prefix: z.string(),
  tm_expire: z.string().nullish(),
  tm_delete: z.string().nullish(),
});

/** The server keeps only a hash and the first 11 characters of a key (PROTOCOL.md §6). */
const KEY_PREFIX_LENGTH = 11;

/**
 * When an access key stops working. The key itself says nothing, but the customer's key list shows
 * each key's prefix and tm_expire. Unknown (undefined) when the list cannot be read, the prefix is
 * not found, or two live keys share it with different expiries: a wrong date is worse than none.
 */
export async function accessKeyExpiry(key: string, rest: RestClient): Promise<Date | undefined> {
  let items: z.infer<typeof AccessKeyItemSchema>[];
  try {
    items = await rest.list('/accesskeys', AccessKeyItemSchema, { pageSize: 100, maxPages: 10 });
  } catch {
    return undefined;
  }
  const prefix = key.slice(0, KEY_PREFIX_LENGTH);
  const expiries = new Set(
    items.filter((k) => k.token_prefix === prefix && parseVoipbinTime(k.tm_delete) === undefined).map((k) => parseVoipbinTime(k.tm_expire) ?? Infinity),
  );
  if (expiries.size !== 1) return undefined;
  const [micros] = [...expiries];
  // Year 9999 (or no date) means it does not expire.
  return micros === undefined || micros === Infinity ? undefined : microsToDate(micros);
}

/** Who the credential belongs to; an access key needs REST calls to learn its customer and expiry. */
export async function resolveIdentity(cred: Credential, rest: RestClient): Promise<Identity> {
  if (cred.kind === 'jwt') return decodeAgentToken(cred.token);
  const customer = await rest.get('/customer', CustomerSchema);
  if (!isUuid(customer.id)) throw new NotifierError('bad_response', 'VoIPBIN returned a customer without a valid id.');
  return accessKeyIdentity(customer, await accessKeyExpiry(cred.key, rest));
}

const ServiceAgentCustomerSchema = z.object({ name: z.string().optional() });

/**
 * The customer's name for an agent, whose token names only the customer's id: one read of
 * `/service_agents/customer` (any agent may, PROTOCOL.md §11.3). Undefined when it has none or
 * the read fails: the id is shown instead, and nothing else depends on it.
 */
export async function readCustomerName(rest: RestClient): Promise<string | undefined> {
  try {
    const name = (await rest.get('/service_agents/customer', ServiceAgentCustomerSchema)).name?.trim();
    return name === undefined || name === '' ? undefined : name;
  } catch {
    return undefined;
  }
}
