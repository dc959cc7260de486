import type { WebhookTestResult, WebhookView } from '../../../shared/ipc-contract.js';
import type { Credential, RestClient } from '../../core/api/index.js';
import { authorityOf, readWebhook, type CustomerSnapshot, type WebhookMethod, type WebhookSettings, SAMPLE_EVENT_TYPES, type Lookup } from '../../core/webhook/index.js';
import * as actions from '../../core/webhook/index.js';

/**
 * The settings window's webhook panel, on top of the core's webhook actions (the same flows as
 * the command). The account as the panel last showed it is the basis of the next edit, so a
 * change another admin made while the panel was open is a conflict, never silently reverted; the
 * secret is only ever shown masked.
 */
export interface WebhookContext {
  rest: RestClient;
  credential: Credential;
  canEdit: boolean;
  agentId: string | undefined;
  lookup?: Lookup | undefined;
  /** What the panel last showed, per sign-in: the basis of the next edit. */
  shown: { snapshot: CustomerSnapshot | undefined };
}

export function maskSecret(secret: string): string {
  return `••••••••${secret.length > 12 ? secret.slice(-4) : ''}`;
}

function view(c: WebhookContext, w: WebhookSettings, warnings: string[]): WebhookView {
  c.shown.snapshot = w.snapshot;
  return {
    method: w.method,
    uri: w.uri,
    enabled: w.uri !== '',
    secretSet: w.secret !== undefined,
    secretMasked: w.secret === undefined ? null : maskSecret(w.secret),
    canEdit: c.canEdit,
    sampleEvents: [...SAMPLE_EVENT_TYPES],
    warnings,
  };
}

const context = (c: WebhookContext): actions.WebhookActionContext => ({ rest: c.rest, authority: authorityOf(c.credential), lookup: c.lookup });

export async function getWebhook(c: WebhookContext): Promise<WebhookView> {
  return view(c, await readWebhook(c.rest, authorityOf(c.credential)), []);
}

export async function setWebhook(c: WebhookContext, change: { method: WebhookMethod; uri: string }): Promise<WebhookView> {
  const done = await actions.setWebhook(context(c), change, c.shown.snapshot);
  return view(c, await readWebhook(c.rest, authorityOf(c.credential)), done.warnings.map((w) => w.message));
}

export async function disableWebhook(c: WebhookContext): Promise<WebhookView> {
  const done = await actions.disableWebhook(context(c), c.shown.snapshot);
  return view(c, await readWebhook(c.rest, authorityOf(c.credential)), done.warnings.map((w) => w.message));
}

export async function webhookSecret(c: WebhookContext): Promise<string | undefined> {
  return (await readWebhook(c.rest, authorityOf(c.credential))).secret;
}

export async function testWebhook(c: WebhookContext, req: { event: string; uri?: string | undefined }): Promise<WebhookTestResult> {
  const t = await actions.testWebhook(context(c), { event: req.event, uri: req.uri, agentId: c.agentId });
  const r = t.result;
  return {
    event: t.event,
    method: t.method,
    uri: t.uri,
    status: r.status ?? null,
    latencyMs: r.latencyMs,
    verdict: r.verdict,
    signed: r.signed,
    message: r.explanation,
    warnings: t.warnings.map((w) => w.message),
    responseExcerpt: r.responseExcerpt ?? null,
  };
}
