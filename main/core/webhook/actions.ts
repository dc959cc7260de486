import { NotifierError } from '../platform/index.js';
import { readWebhook, updateWebhook, type Authority, type CustomerSnapshot, type WebhookMethod, type WebhookUpdate } from './customer-webhook.js';
import type { RestClient } from '../api/index.js';
import { SAMPLE_EVENT_TYPES, isSampleEventType, sampleEventData, webhookBody, type SampleEventType } from './sample-events.js';
import { SIGNATURE_HEADER, deliverTestWebhook, type DeliveryResult } from './test-delivery.js';
import { checkWebhookUrl, parseWebhookUrl, type CheckedWebhookUrl, type Lookup, type UrlWarning } from './url-policy.js';

/**
 * What an admin does with the customer webhook — set it, disable it, test it — as one flow each,
 * used by the command and the settings window alike: the URL policy, the read-check-write of the
 * account record, and VoIPBIN's own delivery rules never differ between the two.
 */
export interface WebhookActionContext {
  rest: RestClient;
  authority: Authority | undefined;
  /** DNS for the URL policy (tests answer for made-up names). */
  lookup?: Lookup | undefined;
}

export interface Warning {
  code: string;
  message: string;
}

export interface WebhookChange {
  update: WebhookUpdate;
  warnings: Warning[];
}

/**
 * Points the webhook at `uri`. The URL is checked before anything is sent (syntax) and between the
 * two reads of the account (addresses: DNS may take seconds); `basis` is the account as the user
 * last saw it, so an edit made meanwhile by someone else is a conflict, not overwritten.
 */
export async function setWebhook(
  c: WebhookActionContext,
  change: { uri: string; method?: WebhookMethod | undefined },
  basis?: CustomerSnapshot,
): Promise<WebhookChange> {
  parseWebhookUrl(change.uri);
  let checked: CheckedWebhookUrl | undefined;
  // Saved as typed (trimmed): the URL parser's normalised form could differ from what the receiver expects.
  const update = await updateWebhook(c.rest, { uri: change.uri.trim(), method: change.method }, c.authority, {
    basis,
    beforeWrite: async () => {
      checked = await checkWebhookUrl(change.uri, { lookup: c.lookup });
    },
  });
  return { update, warnings: [...(checked?.warnings ?? []), ...readBackWarning(update)] };
}

/** Stops deliveries: clears the URI, keeps the method and every other field. */
export async function disableWebhook(c: WebhookActionContext, basis?: CustomerSnapshot): Promise<WebhookChange> {
  const update = await updateWebhook(c.rest, { uri: '' }, c.authority, { basis });
  return { update, warnings: readBackWarning(update) };
}

function readBackWarning(u: WebhookUpdate): Warning[] {
  return u.confirmedByReadBack
    ? [{ code: 'confirmed_by_read_back', message: 'The connection broke after the change was sent; reading the account back shows it was saved.' }]
    : [];
}

export interface WebhookTestRequest {
  event?: string | undefined;
  /** A URL the user typed instead of the account's; only such a URL may be this machine. */
  uri?: string | undefined;
  method?: WebhookMethod | undefined;
  agentId?: string | undefined;
}

export interface WebhookTestOutcome {
  event: SampleEventType;
  method: string;
  uri: string;
  /** The account's URL, not one the user typed. */
  stored: boolean;
  warnings: Warning[];
  result: DeliveryResult;
}

/**
 * One signed sample event, delivered the way VoIPBIN delivers (test-delivery.ts). The
 * account's URL is held to VoIPBIN's own policy — any admin of the account can set it, so it never
 * reaches this machine or its network; a typed URL may be a receiver on this machine.
 */
export async function testWebhook(c: WebhookActionContext, req: WebhookTestRequest): Promise<WebhookTestOutcome> {
  const event = req.event?.trim() || 'call_hangup';
  if (!isSampleEventType(event)) {
    throw new NotifierError('bad_usage', `Unknown sample event "${event}"; choose one of ${SAMPLE_EVENT_TYPES.join(', ')}.`);
  }
  const typed = req.uri !== undefined && req.uri.trim() !== '' ? req.uri.trim() : undefined;
  // A typed URL is vetted before anything goes over the network.
  const given = typed === undefined ? undefined : await checkWebhookUrl(typed, { allowLoopback: true, lookup: c.lookup });
  const settings = await readWebhook(c.rest, c.authority);
  if (given === undefined && settings.uri === '') {
    throw new NotifierError('bad_usage', 'The account has no webhook URI: give one to test, or set one first ("voipbin-notifier webhook set --uri …").');
  }
  const target = given ?? (await checkWebhookUrl(settings.uri, { lookup: c.lookup }));
  const warnings: Warning[] = target.warnings.map((w: UrlWarning) => ({ code: w.code, message: w.message }));
  let method = req.method ?? settings.method;
  if (method === '') {
    method = 'GET';
    warnings.push({
      code: 'method_unset',
      message: 'The account has no webhook method; VoIPBIN then sends GET (with the body). Set one with "webhook set --method POST".',
    });
  }
  if (settings.secret === undefined) {
    warnings.push({
      code: 'unsigned',
      message: `The account has no signing secret, so VoIPBIN sends no ${SIGNATURE_HEADER} header; this test is unsigned too.`,
    });
  }
  const body = webhookBody(event, sampleEventData(event, { customerId: settings.customerId, agentId: req.agentId }));
  const result = await deliverTestWebhook({ target, method, body, secret: settings.secret, lookup: c.lookup });
  return { event, method, uri: typed ?? settings.uri, stored: typed === undefined, warnings, result };
}
