import { resolveApiUrl } from '../core/api-url.js';
import { credentialFrom, type Credential } from '../core/credentials.js';
import { NotifierError, isNotifierError, describeError } from '../core/errors.js';
import { resolveIdentity, type Identity } from '../core/identity.js';
import { Listener } from '../core/listener.js';
import type { Logger } from '../core/log.js';
import { RestClient } from '../core/rest-client.js';
import { resolveTopics } from '../core/subscriptions.js';
import { Backoff } from '../core/backoff.js';
import { exitCodeFor, EXIT } from './exit-codes.js';
import type { Output } from './output.js';

export interface RunOptions {
  apiUrl: string | undefined;
  token: string | undefined;
  accesskey: string | undefined;
  topics: string[] | undefined;
}

const RETRYABLE = new Set(['network', 'server_error', 'rate_limited', 'bad_response']);

/**
 * An access key's customer id needs GET /customer. At login time the network may not be up yet
 * (the agent's laptop just woke), so transient failures are retried like the socket's.
 */
async function identityWithRetry(cred: Credential, rest: RestClient, log: Logger, signal: AbortSignal): Promise<Identity> {
  const backoff = new Backoff();
  for (;;) {
    try {
      return await resolveIdentity(cred, rest);
    } catch (e) {
      if (!isNotifierError(e) || !RETRYABLE.has(e.code) || signal.aborted) throw e;
      const retryAfter = 'retryAfterMs' in e && typeof e.retryAfterMs === 'number' ? e.retryAfterMs : 0;
      const step = backoff.next(retryAfter);
      log.warn(`${e.userMessage} Retrying in ${Math.round(step.delayMs / 100) / 10} s.`);
      await new Promise((r) => setTimeout(r, step.delayMs));
      if (signal.aborted) throw new NotifierError('bad_usage', 'interrupted');
    }
  }
}

export function credentialFromRunOptions(opts: Pick<RunOptions, 'token' | 'accesskey'>, env: NodeJS.ProcessEnv): Credential {
  if (opts.token !== undefined || opts.accesskey !== undefined) return credentialFrom(opts, 'on the command line');
  try {
    return credentialFrom({ token: env.VOIPBIN_TOKEN, accesskey: env.VOIPBIN_ACCESSKEY }, 'in VOIPBIN_TOKEN / VOIPBIN_ACCESSKEY');
  } catch (e) {
    if (isNotifierError(e) && e.code === 'credentials_missing') {
      throw new NotifierError('credentials_missing', 'No credentials: pass --token <agent token> or --accesskey <vb_…>, or set VOIPBIN_TOKEN or VOIPBIN_ACCESSKEY.');
    }
    throw e;
  }
}

/** Runs the listener until a signal or a fatal error; resolves to the exit code. */
export async function runCommand(opts: RunOptions, env: NodeJS.ProcessEnv, out: Output, log: Logger): Promise<number> {
  const interrupted = new AbortController();
  const onSignal = (): void => interrupted.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const endpoints = resolveApiUrl(opts.apiUrl ?? env.VOIPBIN_API_URL);
    const credential = credentialFromRunOptions(opts, env);
    const rest = new RestClient({ endpoints, credential });
    const identity = await identityWithRetry(credential, rest, log, interrupted.signal);
    const topics = resolveTopics(identity, opts.topics);
    log.info(identity.kind === 'agent'
      ? `signed in as agent ${identity.username || identity.agentId} (customer ${identity.customerId})`
      : `using an access key for customer ${identity.customerName ?? identity.customerId}`);
    if (identity.kind === 'agent' && identity.expiresAt !== undefined && identity.expiresAt.getTime() <= Date.now()) {
      log.warn(`the token expired at ${identity.expiresAt.toISOString()}; VoIPBIN will refuse it — sign in again`);
    }

    const listener = new Listener({ endpoints, credential, identity, topics, logger: log, rest });
    listener.on('state', (s) => out.state(s.to, s.at));
    listener.on('subscribed', (s) => out.subscribed(s.topics, s.connection));
    listener.on('event', (e) => out.event(e));
    listener.on('catchup', (r) => out.catchup(r));
    listener.on('error', (e) => out.error(e));

    return await new Promise<number>((resolve) => {
      listener.on('state', (s) => {
        if (s.to.state !== 'stopped') return;
        resolve(interrupted.signal.aborted ? EXIT.ok : exitCodeFor(s.to.code ?? 'server_error'));
      });
      interrupted.signal.addEventListener('abort', () => listener.stop('interrupted'), { once: true });
      listener.start();
    });
  } catch (e) {
    if (interrupted.signal.aborted) return EXIT.ok;
    const err = isNotifierError(e) ? e : new NotifierError('server_error', describeError(e));
    out.error(err);
    log.error(err.userMessage);
    return exitCodeFor(err.code);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
