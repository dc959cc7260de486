import { z } from 'zod';
import { ApiError, NotifierError, isNotifierError, redactor } from '../platform/index.js';
import type { Credential, RestClient } from '../api/index.js';
import { decodeAgentToken, type Identity } from '../account/index.js';
import { Permission, permissionWords } from '../../../shared/permissions.js';

/**
 * The customer webhook: one method + URI per account to which VoIPBIN POSTs every event.
 *
 * The danger is in the API: `PUT /v1.0/customer` overwrites all seven basic fields and blanks
 * any that are missing, while `GET /v1.0/customer` omits empty strings (PROTOCOL.md §4). So a
 * webhook edit must read the customer first and send back every other field exactly as read,
 * or it silently erases the account's name, email, phone number or address.
 *
 * VoIPBIN has no ETag or version to make that safe against another admin editing at the same
 * time, so the record is read again right before the PUT and compared with what the edit was
 * based on: any difference means someone else is changing the account, and nothing is written.
 */
export const WEBHOOK_METHODS = ['POST', 'PUT', 'GET', 'DELETE'] as const;
export type WebhookMethod = (typeof WEBHOOK_METHODS)[number];

/** The five fields a webhook edit must carry through untouched. */
export const PRESERVED_FIELDS = ['name', 'detail', 'email', 'phone_number', 'address'] as const;
type PreservedField = (typeof PRESERVED_FIELDS)[number];

export type CustomerBasicInfo = Record<PreservedField | 'webhook_method' | 'webhook_uri', string>;

const opt = z.string().optional();

/** Every field we send back must be a string or absent; anything else means we do not understand the reply and must not PUT. */
const CustomerSchema = z.object({
  id: z.string().min(1),
  name: opt,
  detail: opt,
  email: opt,
  phone_number: opt,
  address: opt,
  webhook_method: opt,
  webhook_uri: opt,
  webhook_secret: opt,
  // Only compared, never sent back: any type is kept as its JSON text.
  tm_update: z
    .unknown()
    .optional()
    .transform((v) => (v === undefined || v === null ? undefined : JSON.stringify(v))),
});
type Customer = z.infer<typeof CustomerSchema>;

const BASIC_FIELDS = [...PRESERVED_FIELDS, 'webhook_method', 'webhook_uri'] as const;

/** The account as an edit saw it: the seven fields PUT writes, and when it last changed. */
export interface CustomerSnapshot {
  fields: CustomerBasicInfo;
  tmUpdate: string | undefined;
}

function snapshotOf(c: Customer): CustomerSnapshot {
  return { fields: mergeWebhookChange(c, { method: c.webhook_method ?? '', uri: c.webhook_uri ?? '' }), tmUpdate: c.tm_update };
}

/** What differs between the snapshot an edit is based on and the account now. */
export function changedSince(basis: CustomerSnapshot, now: CustomerSnapshot): string[] {
  const fields: string[] = BASIC_FIELDS.filter((k) => basis.fields[k] !== now.fields[k]);
  if (fields.length === 0 && basis.tmUpdate !== undefined && now.tmUpdate !== undefined && basis.tmUpdate !== now.tmUpdate) fields.push('tm_update');
  return fields;
}

/** Enough of an identity to say which permission is missing. */
export type Authority = Pick<Identity, 'kind' | 'permission'>;

/** What the credential may do as far as we can tell locally (the JWT's permission snapshot). */
export function authorityOf(cred: Credential): Authority | undefined {
  if (cred.kind === 'accesskey') return { kind: 'accesskey', permission: Permission.CustomerAdmin };
  try {
    return decodeAgentToken(cred.token);
  } catch {
    return undefined;
  }
}

export interface WebhookSettings {
  customerId: string;
  /** What an edit made after this read is based on (see updateWebhook). */
  snapshot: CustomerSnapshot;
  /** As stored; "" means unset (VoIPBIN then sends GET). */
  method: string;
  /** "" means disabled. */
  uri: string;
  /** Registered with the redactor as soon as it is read. */
  secret: string | undefined;
}

export function parseWebhookMethod(value: string): WebhookMethod {
  const upper = value.trim().toUpperCase();
  const found = WEBHOOK_METHODS.find((m) => m === upper);
  if (found === undefined) {
    throw new NotifierError('bad_usage', `The webhook method must be one of ${WEBHOOK_METHODS.join(', ')}; got "${value}".`);
  }
  return found;
}

function permissionMessage(action: string, needs: string, identity: Authority | undefined, e: ApiError): NotifierError {
  const has =
    identity === undefined
      ? ''
      : identity.kind === 'accesskey'
        ? '; this access key should act as customer admin, so check that it belongs to this account'
        : `; this token has: ${permissionWords(identity.permission).join(', ')}`;
  return new NotifierError('forbidden', `${action} needs the ${needs} permission${has}. Ask an administrator of the VoIPBIN account.`, {
    ...e.details,
    missing_permission: needs,
  });
}

/** 403 → a sentence naming the missing permission; everything else passes through. */
function explainForbidden(e: unknown, action: string, needs: string, identity: Authority | undefined): unknown {
  if (e instanceof ApiError && e.code === 'forbidden') return permissionMessage(action, needs, identity, e);
  return e;
}

async function readCustomer(rest: RestClient, identity: Authority | undefined): Promise<Customer> {
  try {
    const c = await rest.get('/customer', CustomerSchema);
    redactor.add(c.webhook_secret);
    return c;
  } catch (e) {
    if (isNotifierError(e) && e.code === 'bad_response') {
      throw new NotifierError('bad_response', `${e.userMessage} Nothing was changed.`);
    }
    throw explainForbidden(e, 'Reading the webhook settings', 'customer admin or customer manager', identity);
  }
}

export async function readWebhook(rest: RestClient, identity?: Authority): Promise<WebhookSettings> {
  const c = await readCustomer(rest, identity);
  return {
    customerId: c.id,
    snapshot: snapshotOf(c),
    method: c.webhook_method ?? '',
    uri: c.webhook_uri ?? '',
    secret: c.webhook_secret === undefined || c.webhook_secret === '' ? undefined : c.webhook_secret,
  };
}

/** The full PUT body: the five other fields exactly as read ("" where GET omitted them), webhook fields changed. */
export function mergeWebhookChange(
  current: Partial<Record<keyof CustomerBasicInfo, string | undefined>>,
  change: { method: string; uri: string },
): CustomerBasicInfo {
  return {
    name: current.name ?? '',
    detail: current.detail ?? '',
    email: current.email ?? '',
    phone_number: current.phone_number ?? '',
    address: current.address ?? '',
    webhook_method: change.method,
    webhook_uri: change.uri,
  };
}

export interface WebhookUpdate {
  method: string;
  uri: string;
  preserved: readonly PreservedField[];
  /** The connection broke after the change was sent; reading the account back showed it saved. */
  confirmedByReadBack: boolean;
}

export interface UpdateOptions {
  /** The account as the user saw it before deciding (the settings window's last read); default: read now. */
  basis?: CustomerSnapshot | undefined;
  /** Runs between the first read and the final one (a URL check that may take seconds of DNS). */
  beforeWrite?: (() => Promise<void>) | undefined;
}

const UNKNOWN_OUTCOME = new Set(['network', 'server_error']);

function conflict(changed: string[]): NotifierError {
  const what = changed.includes('tm_update') && changed.length === 1 ? 'the account' : changed.join(', ');
  return new NotifierError(
    'conflict',
    `Someone else changed the account while this change was being made (${what}). Nothing was written, so their change is kept: check the account and try again.`,
    { changed_fields: changed },
  );
}

/**
 * Read → (beforeWrite) → read again → compare → PUT of all seven fields. `method` undefined keeps
 * the current one (POST if none is set, since an empty method makes VoIPBIN send GET). The reply
 * is checked field by field; when no reply comes (the connection broke, or a 5xx after sending),
 * the account is read back and what is actually stored decides the outcome.
 */
export async function updateWebhook(
  rest: RestClient,
  change: { uri: string; method?: WebhookMethod | undefined },
  identity?: Authority,
  opts: UpdateOptions = {},
): Promise<WebhookUpdate> {
  const basis = opts.basis ?? snapshotOf(await readCustomer(rest, identity));
  await opts.beforeWrite?.();
  const current = await readCustomer(rest, identity);
  const changed = changedSince(basis, snapshotOf(current));
  if (changed.length > 0) throw conflict(changed);
  const method =
    change.method ?? (current.webhook_method === undefined || current.webhook_method === '' ? (change.uri === '' ? '' : 'POST') : current.webhook_method);
  const body = mergeWebhookChange(current, { method, uri: change.uri });
  let reply: Customer;
  try {
    reply = await rest.put('/customer', body, CustomerSchema);
  } catch (e) {
    if (isNotifierError(e) && UNKNOWN_OUTCOME.has(e.code)) return readBack(rest, identity, body, snapshotOf(current), e);
    throw explainForbidden(e, 'Changing the webhook', 'customer admin', identity);
  }
  const mismatched = (Object.keys(body) as (keyof CustomerBasicInfo)[]).filter((k) => (reply[k] ?? '') !== body[k]);
  if (mismatched.length > 0) {
    throw new NotifierError(
      'bad_response',
      `VoIPBIN's reply to the webhook update does not match what was sent (${mismatched.join(', ')}). Check the account settings in the VoIPBIN console.`,
    );
  }
  return { method, uri: change.uri, preserved: PRESERVED_FIELDS, confirmedByReadBack: false };
}

/** No answer to the PUT: the account itself says whether it was written. */
async function readBack(
  rest: RestClient,
  identity: Authority | undefined,
  sent: CustomerBasicInfo,
  before: CustomerSnapshot,
  cause: NotifierError,
): Promise<WebhookUpdate> {
  let stored: CustomerSnapshot;
  try {
    stored = snapshotOf(await readCustomer(rest, identity));
  } catch {
    throw new NotifierError(
      'network',
      `The change was sent, but no answer came (${cause.userMessage}) and the account could not be read back, so it is not known whether it was saved. Check with "voipbin-notifier webhook show".`,
      {},
      { cause },
    );
  }
  if (BASIC_FIELDS.every((k) => stored.fields[k] === sent[k])) {
    return { method: sent.webhook_method, uri: sent.webhook_uri, preserved: PRESERVED_FIELDS, confirmedByReadBack: true };
  }
  if (changedSince(before, stored).length === 0) {
    throw new NotifierError(cause.code, `The change was not saved: ${cause.userMessage} The account was read back and is unchanged; try again.`, {}, { cause });
  }
  const now = `method ${stored.fields.webhook_method || '(none)'}, URI ${stored.fields.webhook_uri || '(none)'}`;
  throw new NotifierError(
    'conflict',
    `No answer came to the change (${cause.userMessage}), and the account now holds something else than was sent (${now}; differs in ${changedSince({ fields: sent, tmUpdate: undefined }, stored).join(', ')}). Check the account and try again.`,
    { changed_fields: changedSince(before, stored) },
  );
}
