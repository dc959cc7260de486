import type { WebhookTestResult, WebhookView } from '../../shared/ipc-contract.js';
import type { Credential } from '../core/credentials.js';
import { authorityOf, readWebhook, updateWebhook, type WebhookMethod, type WebhookSettings } from '../core/customer-webhook.js';
import { NotifierError } from '../core/errors.js';
import type { RestClient } from '../core/rest-client.js';
import { SAMPLE_EVENT_TYPES, isSampleEventType, sampleEventData, webhookBody } from '../core/webhook-sample-events.js';
import { SIGNATURE_HEADER, deliverTestWebhook } from '../core/webhook-test-delivery.js';
import { checkWebhookUrl, type Lookup } from '../core/webhook-url-policy.js';

/**
 * The settings window's webhook panel, on top of the core's webhook modules: every write goes
 * through updateWebhook (GET → merge → full PUT), and the secret is only ever shown masked.
 */
export interface WebhookContext {
  rest: RestClient;
  credential: Credential;
  canEdit: boolean;
  agentId: string | undefined;
  lookup?: Lookup | undefined;
}

export function maskSecret(secret: string): string {
  return `••••••••${secret.length > 12 ? secret.slice(-4) : ''}`;
}

function view(w: WebhookSettings, canEdit: boolean, warnings: string[]): WebhookView {
  return {
    method: w.method,
    uri: w.uri,
    enabled: w.uri !== '',
    secretSet: w.secret !== undefined,
    secretMasked: w.secret === undefined ? null : maskSecret(w.secret),
    canEdit,
    sampleEvents: [...SAMPLE_EVENT_TYPES],
    warnings,
  };
}

export async function getWebhook(c: WebhookContext): Promise<WebhookView> {
  return view(await readWebhook(c.rest, authorityOf(c.credential)), c.canEdit, []);
}

export async function setWebhook(c: WebhookContext, change: { method: WebhookMethod; uri: string }): Promise<WebhookView> {
  const checked = await checkWebhookUrl(change.uri, { lookup: c.lookup });
  const authority = authorityOf(c.credential);
  // Saved as typed (trimmed): the URL parser's normalised form could differ from what the receiver expects.
  await updateWebhook(c.rest, { uri: change.uri.trim(), method: change.method }, authority);
  return view(await readWebhook(c.rest, authority), c.canEdit, checked.warnings.map((w) => w.message));
}

export async function disableWebhook(c: WebhookContext): Promise<WebhookView> {
  const authority = authorityOf(c.credential);
  await updateWebhook(c.rest, { uri: '' }, authority);
  return view(await readWebhook(c.rest, authority), c.canEdit, []);
}

export async function webhookSecret(c: WebhookContext): Promise<string | undefined> {
  return (await readWebhook(c.rest, authorityOf(c.credential))).secret;
}

export async function testWebhook(c: WebhookContext, req: { event: string; uri?: string | undefined }): Promise<WebhookTestResult> {
  const event = req.event.trim() || 'call_hangup';
  if (!isSampleEventType(event)) {
    throw new NotifierError('bad_usage', `Unknown sample event "${event}"; choose one of ${SAMPLE_EVENT_TYPES.join(', ')}.`);
  }
  const override = req.uri !== undefined && req.uri.trim() !== '' ? req.uri.trim() : undefined;
  // A receiver on this machine is worth testing before it is exposed, so loopback is allowed here only.
  const given = override === undefined ? undefined : await checkWebhookUrl(override, { allowLoopback: true, lookup: c.lookup });
  const settings = await readWebhook(c.rest, authorityOf(c.credential));
  const checked = given ?? (settings.uri !== '' ? await checkWebhookUrl(settings.uri, { allowLoopback: true, lookup: c.lookup }) : undefined);
  if (checked === undefined) {
    throw new NotifierError('bad_usage', 'The account has no webhook URL yet: enter one to test, or save one first.');
  }
  const warnings = checked.warnings.map((w) => w.message);
  let method = settings.method;
  if (method === '') {
    method = 'GET';
    warnings.push('The account has no webhook method, so VoIPBIN sends GET (with the body). Choose POST and save.');
  }
  if (settings.secret === undefined) warnings.push(`The account has no signing secret, so VoIPBIN sends no ${SIGNATURE_HEADER} header; this test is unsigned too.`);
  const body = webhookBody(event, sampleEventData(event, { customerId: settings.customerId, agentId: c.agentId }));
  const r = await deliverTestWebhook({ url: checked.url, method, body, secret: settings.secret, allowLoopback: true, lookup: c.lookup });
  return {
    event,
    method,
    uri: override ?? settings.uri,
    status: r.status ?? null,
    latencyMs: r.latencyMs,
    verdict: r.verdict,
    signed: r.signed,
    message: r.explanation,
    warnings,
    responseExcerpt: r.responseExcerpt ?? null,
  };
}
