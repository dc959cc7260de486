import { RestClient } from '../../core/api/index.js';
import {
  decodeAgentToken,
  resolveCredentials,
  type CredentialSource,
  type ResolvedCredentials,
  type FileCredentialStore,
  type StoredCredentials,
  SavedSignInWatch,
  nextSavedSignIn,
  type SavedSignInChange,
  type Identity,
  canSeeCustomerScope,
} from '../../core/account/index.js';
import { credentialStore } from './credentials-option.js';
import { NotifierError, isNotifierError, describeError, type Logger } from '../../core/platform/index.js';
import { resolveTopics, transcriptTopics } from '../../core/stream/index.js';
import { exitCodeFor, EXIT } from '../exit-codes.js';
import type { Output } from '../output/run-output.js';
import { startHeadlessNotifier } from './headless-notifier.js';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings } from '../../../shared/notification-settings.js';

export interface RunOptions {
  apiUrl: string | undefined;
  token: string | undefined;
  accesskey: string | undefined;
  topics: string[] | undefined;
  /** native: OS pop-ups too; none: decisions are only printed. */
  notify: 'native' | 'none';
  privacy: boolean;
  customerCalls: boolean;
  /** A refused, expired or missing saved sign-in waits for the next `login` instead of exiting. */
  waitForLogin: boolean;
  /** Where "Open in console" leads; the hosted console when undefined. */
  consoleUrlTemplate?: string | undefined;
  /** Agents: after a call's wrap-up, set a status still busy back to available (core/presence). */
  backToAvailable?: boolean;
  /** Agents: seconds after a call before a status still busy is said (or set back). */
  wrapUpSeconds?: number | undefined;
  /** Live transcripts as `transcript` lines (`run --transcripts`; off by default: they are sensitive). */
  transcripts?: boolean;
  /** The `transcripts` command: only transcripts (of this call, if given) and the connection are printed. */
  transcriptsOnly?: { onlyCall: string | undefined } | undefined;
}

/**
 * `transcripts`: the topics that carry them (customer scope) and, for any agent, my calls — an
 * agent-only token cannot hear transcripts, so it reads the transcript of each call of mine while
 * it is in progress; an admin's own calls say which leg is theirs (who speaks on it) and which
 * customer's call `--call <my leg>` is.
 */
function transcriptsOnlyTopics(id: Identity): string[] {
  const mine = id.kind === 'agent' ? [`agent_id:${id.agentId}:call:call_`] : [];
  return canSeeCustomerScope(id) ? [...transcriptTopics(id.customerId), ...mine] : mine;
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

/** Stops that a new sign-in can cure: the server refused this one, or it ran out. */
const CURABLE_BY_LOGIN: ReadonlySet<string> = new Set([
  'auth_failed',
  'account_frozen',
  'account_expired',
  'account_deleted',
  'unsupported_token',
  'credentials_invalid',
  'credentials_missing',
]);

type SessionEnd = { kind: 'exit'; code: number } | { kind: 'again' };

/**
 * Runs the listener until a signal or a fatal error; resolves to the exit code. With the saved
 * sign-in, a new `login` is picked up while running; with --wait-for-login, a refused, expired or
 * missing sign-in waits for the next login instead of exiting.
 */
export async function runCommand(opts: RunOptions, env: NodeJS.ProcessEnv, out: Output, log: Logger): Promise<number> {
  const interrupted = new AbortController();
  const onSignal = (): void => interrupted.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const store = credentialStore(env);
  try {
    for (;;) {
      const end = await runSession(opts, env, out, log, store, interrupted.signal);
      if (end.kind === 'exit') return end.code;
      if (interrupted.signal.aborted) return EXIT.ok;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Whether waiting for `login` can help: only when the saved sign-in is the one in use (flags and env win over it). */
function mayWaitForLogin(opts: RunOptions, source: CredentialSource | undefined): boolean {
  return opts.waitForLogin && (source === undefined || source === 'stored');
}

async function waitForLogin(
  store: FileCredentialStore,
  current: StoredCredentials | undefined,
  reason: string,
  message: string,
  out: Output,
  log: Logger,
  signal: AbortSignal,
): Promise<SessionEnd> {
  out.waitingForLogin(reason, message);
  log.info(message);
  const next = await nextSavedSignIn(store, current, signal);
  if (next === undefined) {
    // Interrupted while not connected: the last line still says the command stopped, as always.
    out.state({ state: 'stopped', reason: 'interrupted' }, Date.now());
    return { kind: 'exit', code: EXIT.ok };
  }
  out.signInChanged('A new sign-in was saved by "voipbin-notifier login": using it.');
  return { kind: 'again' };
}

async function runSession(
  opts: RunOptions,
  env: NodeJS.ProcessEnv,
  out: Output,
  log: Logger,
  store: FileCredentialStore,
  signal: AbortSignal,
): Promise<SessionEnd> {
  let savedWatch: SavedSignInWatch | undefined;
  let resolved: ResolvedCredentials | undefined;
  try {
    resolved = await resolveCredentials(opts, env, store);
    const { endpoints, credential } = resolved;
    const rest = new RestClient({ endpoints, credential });
    // A JWT names its agent; an access key is read from the server by the session, with retries.
    const identity = credential.kind === 'jwt' ? decodeAgentToken(credential.token) : undefined;
    const only = opts.transcriptsOnly;
    const notifier = startHeadlessNotifier({
      endpoints,
      credential,
      identity,
      rest,
      log,
      out,
      notify: only === undefined ? opts.notify : 'none',
      // --customer-calls needs the customer-wide call topic, or those calls would never arrive live.
      topics: (id) =>
        only !== undefined
          ? transcriptsOnlyTopics(id)
          : resolveTopics(id, opts.topics, { customerCalls: opts.customerCalls, transcripts: opts.transcripts === true }),
      settings: (id) => headlessSettings(opts, id),
      ...(opts.consoleUrlTemplate !== undefined ? { consoleUrlTemplate: opts.consoleUrlTemplate } : {}),
      presence:
        only !== undefined
          ? false
          : { backToAvailable: opts.backToAvailable === true, wrapUpMs: opts.wrapUpSeconds === undefined ? undefined : opts.wrapUpSeconds * 1000 },
      transcripts: only !== undefined ? { onlyCall: only.onlyCall } : opts.transcripts === true ? {} : undefined,
      transcriptsOnly: only !== undefined,
      hideTranscriptWords: opts.privacy,
    });
    const onAbort = (): void => notifier.session.stop('interrupted');
    // A signal may have come while the credentials were read: a listener added now would never fire.
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    let change: SavedSignInChange | undefined;
    if (resolved.source === 'stored') {
      savedWatch = new SavedSignInWatch(store, resolved.stored, (c) => {
        if (c.kind === 'unreadable') {
          // Half-written by hand, or unreadable for a moment: keep the sign-in in use, say why once.
          log.warn(`the saved sign-in changed but cannot be read: ${c.error.userMessage}`);
          return;
        }
        change ??= c;
        notifier.session.stop(c.kind === 'replaced' ? 'a new sign-in was saved' : 'the saved sign-in was removed (logout)');
      });
      savedWatch.start();
    }
    const final = await notifier.stopped;
    savedWatch?.stop();
    signal.removeEventListener('abort', onAbort);
    if (signal.aborted) return { kind: 'exit', code: EXIT.ok };
    if (change?.kind === 'replaced') {
      out.signInChanged('A new sign-in was saved by "voipbin-notifier login": switching to it.');
      return { kind: 'again' };
    }
    if (change?.kind === 'removed') {
      if (mayWaitForLogin(opts, resolved.source)) {
        return await waitForLogin(
          store,
          undefined,
          'signed_out',
          'Signed out ("voipbin-notifier logout"): not receiving calls until someone signs in with "voipbin-notifier login".',
          out,
          log,
          signal,
        );
      }
      out.signedOut('The saved sign-in was removed ("voipbin-notifier logout"): stopped.');
      return { kind: 'exit', code: EXIT.ok };
    }
    if (final.code !== undefined && CURABLE_BY_LOGIN.has(final.code) && mayWaitForLogin(opts, resolved.source)) {
      return await waitForLogin(store, resolved.stored, final.code, `${final.reason} Waiting for a new sign-in ("voipbin-notifier login").`, out, log, signal);
    }
    return { kind: 'exit', code: exitCodeFor(final.code ?? 'server_error') };
  } catch (e) {
    if (signal.aborted) return { kind: 'exit', code: EXIT.ok };
    const err = isNotifierError(e) ? e : new NotifierError('server_error', describeError(e));
    out.error(err);
    log.info(err.userMessage);
    if (CURABLE_BY_LOGIN.has(err.code) && mayWaitForLogin(opts, resolved?.source)) {
      return await waitForLogin(
        store,
        resolved?.stored,
        err.code,
        `${err.userMessage} Waiting for a new sign-in ("voipbin-notifier login").`,
        out,
        log,
        signal,
      );
    }
    return { kind: 'exit', code: exitCodeFor(err.code) };
  } finally {
    savedWatch?.stop();
  }
}
