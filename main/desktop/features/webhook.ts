import type { WebhookTestResult, WebhookView } from '../../../shared/ipc-contract.js';
import type { Credential, RestClient } from '../../core/api/index.js';
import {
  authorityOf,
  readWebhook,
  type CustomerSnapshot,
  type WebhookMethod,
  type WebhookSettings,
  SAMPLE_EVENT_TYPES,
  type Lookup,
} from '../../core/webhook/index.js';
import * as actions from '../../core/webhook/index.js';
import type { Identity } from '../../core/account/index.js';
import { NotifierError, type Logger } from '../../core/platform/index.js';
import { Permission, permissionWords } from '../../../shared/permissions.js';
import type { SessionManager } from '../session/session-manager.js';

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
  return view(
    c,
    await readWebhook(c.rest, authorityOf(c.credential)),
    done.warnings.map((w) => w.message),
  );
}

export async function disableWebhook(c: WebhookContext): Promise<WebhookView> {
  const done = await actions.disableWebhook(context(c), c.shown.snapshot);
  return view(
    c,
    await readWebhook(c.rest, authorityOf(c.credential)),
    done.warnings.map((w) => w.message),
  );
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

/** The panel's actions for whoever is signed in now; customer admins only. */
export class WebhookFeature {
  constructor(
    private readonly sessions: SessionManager,
    private readonly copyToClipboard: (text: string) => Promise<void>,
    private readonly lookup: Lookup | undefined,
    private readonly log: Logger,
  ) {}

  get(): Promise<WebhookView> {
    return getWebhook(this.context());
  }

  async set(change: { method: WebhookMethod; uri: string }): Promise<WebhookView> {
    const v = await setWebhook(this.context(), change);
    this.log.info(`webhook set to ${v.method} ${v.uri}`);
    return v;
  }

  async disable(): Promise<WebhookView> {
    const v = await disableWebhook(this.context());
    this.log.info('webhook disabled');
    return v;
  }

  /** The secret goes from the server to the clipboard without passing through the window. */
  async copySecret(): Promise<{ copied: boolean; message: string }> {
    const secret = await webhookSecret(this.context());
    if (secret === undefined) return { copied: false, message: 'The account has no signing secret.' };
    await this.copyToClipboard(secret);
    return { copied: true, message: 'The signing secret is on the clipboard.' };
  }

  test(req: { event: string; uri?: string | undefined }): Promise<WebhookTestResult> {
    return testWebhook(this.context(), req);
  }

  private context(): WebhookContext {
    const a = this.sessions.current;
    const identity = a?.session.identity;
    if (a === undefined || identity === undefined) throw new NotifierError('credentials_missing', 'Sign in first.');
    if (!isCustomerAdmin(identity)) {
      throw new NotifierError(
        'forbidden',
        `The account webhook needs the customer admin permission; this sign-in has: ${permissionWords(identity.permission).join(', ')}.`,
      );
    }
    return {
      rest: a.session.rest,
      credential: a.credential,
      canEdit: true,
      agentId: identity.kind === 'agent' ? identity.agentId : undefined,
      lookup: this.lookup,
      shown: a.webhookShown,
    };
  }
}

/** Customer admins (and access keys, which act as one) may read and change the webhook. */
export function isCustomerAdmin(id: Identity): boolean {
  return id.kind === 'accesskey' || (id.permission & (Permission.CustomerAdmin | Permission.ProjectSuperAdmin)) !== 0;
}
