import type { Credential } from '../core/credentials.js';
import type { ResolvedCredentials } from '../core/credential-source.js';
import { watchTokenExpiry, type ExpiryWatch } from '../core/token-lifecycle.js';
import { commandCredentials } from './credentials-option.js';
import { NotifierError, isNotifierError, describeError } from '../core/errors.js';
import { expiringCredential, resolveIdentity, type Identity } from '../core/identity.js';
import type { Logger } from '../core/log.js';
import { RestClient } from '../core/rest-client.js';
import { resolveTopics } from '../core/subscriptions.js';
import { Backoff } from '../core/backoff.js';
import { exitCodeFor, EXIT } from './exit-codes.js';
import type { Output } from './output.js';
import { startHeadlessNotifier } from './headless-notifier.js';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings } from '../../shared/notification-settings.js';

export interface RunOptions {
  apiUrl: string | undefined;
  token: string | undefined;
  accesskey: string | undefined;
  topics: string[] | undefined;
  /** native: OS pop-ups too; none: decisions are only printed. */
  notify: 'native' | 'none';
  privacy: boolean;
  customerCalls: boolean;
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

/** Flags > env > saved sign-in: the same helper every subcommand uses (cli/credentials-option.ts). */
export async function credentialFromRunOptions(opts: Pick<RunOptions, 'apiUrl' | 'token' | 'accesskey'>, env: NodeJS.ProcessEnv): Promise<ResolvedCredentials> {
  return commandCredentials(opts, env);
}

/** The headless command has no settings window: defaults, plus what its flags say. */
function headlessSettings(opts: RunOptions, identity: Identity): NotificationSettings {
  return {
    ...DEFAULT_NOTIFICATION_SETTINGS,
    privacy: opts.privacy,
    // An access key has no calls of its own, so the customer-wide view is the only useful one.
    customerCalls: opts.customerCalls || identity.kind === 'accesskey',
  };
}

/** Runs the listener until a signal or a fatal error; resolves to the exit code. */
export async function runCommand(opts: RunOptions, env: NodeJS.ProcessEnv, out: Output, log: Logger): Promise<number> {
  const interrupted = new AbortController();
  const onSignal = (): void => interrupted.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let expiryWatch: ExpiryWatch | undefined;
  try {
    const { endpoints, credential } = await credentialFromRunOptions(opts, env);
    const rest = new RestClient({ endpoints, credential });
    const identity = await identityWithRetry(credential, rest, log, interrupted.signal);
    // --customer-calls needs the customer-wide call topic, or those calls would never arrive live.
    const topics = resolveTopics(identity, opts.topics, { customerCalls: opts.customerCalls });
    log.info(identity.kind === 'agent'
      ? `signed in as agent ${identity.username || identity.agentId} (customer ${identity.customerId})`
      : `using an access key for customer ${identity.customerName ?? identity.customerId}`);
    if (identity.expiresAt !== undefined) {
      // The open socket outlives the token or key; warn while there is still time to renew it.
      expiryWatch = watchTokenExpiry(identity.expiresAt, (n) => {
        out.tokenExpiry(n);
        log.warn(n.message);
      }, { what: expiringCredential(identity) });
    }

    const notifier = startHeadlessNotifier({
      endpoints, credential, identity, topics, rest, log, out, notify: opts.notify, settings: headlessSettings(opts, identity),
    });
    interrupted.signal.addEventListener('abort', () => notifier.listener.stop('interrupted'), { once: true });
    const final = await notifier.stopped;
    return interrupted.signal.aborted ? EXIT.ok : exitCodeFor(final.code ?? 'server_error');
  } catch (e) {
    if (interrupted.signal.aborted) return EXIT.ok;
    const err = isNotifierError(e) ? e : new NotifierError('server_error', describeError(e));
    out.error(err);
    log.error(err.userMessage);
    return exitCodeFor(err.code);
  } finally {
    expiryWatch?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
