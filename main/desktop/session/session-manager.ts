import { credentialSecret, parseCredential, resolveApiUrl, RestClient, type ApiEndpoints, type Credential } from '../../core/api/index.js';
import { decodeAgentToken, login, verifiedIdentity, type CredentialStore, type ExpiryNotice, type Identity } from '../../core/account/index.js';
import type { NotificationSink } from '../../core/notify/index.js';
import { NotifierError, describeError, isNotifierError, redactor, type Clock, type Logger } from '../../core/platform/index.js';
import { NotifierSession, SessionPresence, SessionTranscripts } from '../../core/session/index.js';
import { isTrapped } from '../../core/presence/index.js';
import type { ListenerOptions } from '../../core/stream/index.js';
import type { CustomerSnapshot } from '../../core/webhook/index.js';
import type { ExpiryStageName, SignInRequest } from '../../../shared/ipc-contract.js';
import { expiryStage } from '../../core/account/index.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { ConnectionStatus, type RecentError } from './connection-status.js';
import { topicsFor } from './topics.js';

/** The busy trap's reminder pop-up: one at a time, replaced in place, withdrawn once it is no longer true. */
const REMINDER_ID = 'presence-reminder';

/**
 * The desktop's sign-in, from start to sign-out: one core NotifierSession at a time (the same
 * wiring the command runs), with the sign-in it belongs to and what the window shows about it.
 * Everything a session holds is released by ending it; a new sign-in starts a new session.
 */
export interface SignedIn {
  endpoints: ApiEndpoints;
  credential: Credential;
  username: string | undefined;
  session: NotifierSession;
  status: ConnectionStatus;
  expiryStage: ExpiryStageName;
  /** The credential ran out: the next reconnect would be refused. */
  expired: boolean;
  /** The account as the webhook panel last showed it (the basis of its next edit). */
  webhookShown: { snapshot: CustomerSnapshot | undefined };
  /** The agent's status, followed (the busy trap); off for an access key. */
  presence: SessionPresence;
  /** Live transcripts of my calls, while the setting is on. */
  transcripts: SessionTranscripts;
}

export interface SessionManagerOptions {
  credentials: CredentialStore;
  settings: SettingsStore;
  sink: NotificationSink | undefined;
  logger: Logger;
  clock: Clock;
  stream?: ListenerOptions['stream'];
  wrapUpMs?: number | undefined;
  /** Something about the sign-in the user should read once (null clears it). */
  notice(message: string | null): void;
  /** Anything the window or tray shows changed. */
  changed(): void;
}

function sameWho(a: Identity, b: Identity): boolean {
  if (a.kind !== b.kind || a.customerId !== b.customerId) return false;
  return a.kind !== 'agent' || (b.kind === 'agent' && a.agentId === b.agentId);
}

export class SessionManager {
  private active: SignedIn | undefined;
  /** Signed out: since when, for the status line. */
  private idle: ConnectionStatus;
  private readonly log: Logger;
  /** Newest first, for diagnostics: kept across sign-ins, as the app's own record. */
  readonly recentErrors: RecentError[] = [];
  /** Sign-in, sign-out, reconnect and dispose run one at a time, so no two can interleave their awaits. */
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  /** The sign-in whose busy-trap reminder is on screen (one pop-up, REMINDER_ID). */
  private reminderOf: SignedIn | undefined;

  constructor(private readonly o: SessionManagerOptions) {
    this.log = o.logger.child({ component: 'sign-in' });
    this.idle = this.newStatus();
  }

  /** Something went wrong that diagnostics should list (a refused pop-up, say), whichever session. */
  noteError(e: NotifierError): void {
    this.status.onError(e);
  }

  get current(): SignedIn | undefined {
    return this.active;
  }

  /** The connection status of the sign-in, or of being signed out. */
  get status(): ConnectionStatus {
    return this.active?.status ?? this.idle;
  }

  /** The saved sign-in, if any, at start. */
  restore(): Promise<void> {
    return this.serial(() => this.restoreNow());
  }

  signIn(req: SignInRequest): Promise<void> {
    return this.serial(() => this.signInNow(req));
  }

  signOut(): Promise<void> {
    return this.serial(() => this.signOutNow());
  }

  /** "Reconnect now": at once if connecting or down; a stopped session (refused, expired) starts again, keeping its history. */
  reconnect(): Promise<void> {
    return this.serial(() => {
      const a = this.active;
      if (a === undefined) throw new NotifierError('credentials_missing', 'Sign in first.');
      if (a.session.detail.state === 'stopped') a.session.restart();
      else a.session.reconnectNow('asked to reconnect now');
      return Promise.resolve();
    });
  }

  /** Ends the session and waits until its socket is closed and its last pop-up handed over; nothing starts afterwards. */
  dispose(): Promise<void> {
    return this.serial(async () => {
      this.disposed = true;
      await this.end('the app is quitting');
    });
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(() => (this.disposed ? undefined : step()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async restoreNow(): Promise<void> {
    let stored;
    try {
      stored = await this.o.credentials.load();
    } catch (e) {
      this.o.notice(isNotifierError(e) ? e.userMessage : describeError(e));
      return;
    }
    if (stored === undefined) return;
    try {
      this.begin(resolveApiUrl(stored.apiUrl), stored.credential, stored.username, undefined);
    } catch (e) {
      this.o.notice(`The saved sign-in could not be used: ${describeError(e)} Sign in again.`);
    }
  }

  private async signInNow(req: SignInRequest): Promise<void> {
    const endpoints = resolveApiUrl(req.apiUrl === '' ? undefined : req.apiUrl);
    let credential: Credential;
    let identity: Identity;
    let username: string | undefined;
    if (req.method === 'password') {
      const r = await login(endpoints, req.username, req.password);
      credential = { kind: 'jwt', token: r.token };
      identity = r.identity;
      username = r.username;
    } else {
      credential = parseCredential(req.secret, 'token');
      identity = await verifiedIdentity(credential, new RestClient({ endpoints, credential }), this.o.clock.now());
    }
    const previous = this.active?.session.identity;
    // The old socket is closed before the new one opens: never two sessions at once.
    await this.end('signing in again');
    await this.o.credentials.save({ apiUrl: endpoints.root, credential, username, savedAt: new Date(this.o.clock.now()) });
    // Topic filters name an agent and a customer: someone else's would be refused.
    await this.o.settings.update({ apiUrl: endpoints.root, ...(previous !== undefined && sameWho(previous, identity) ? {} : { topics: null }) });
    this.o.notice(null);
    this.log.info(identity.kind === 'agent' ? `signed in as agent ${identity.agentId}` : `signed in with an access key for customer ${identity.customerId}`);
    this.begin(endpoints, credential, username, identity);
  }

  private async signOutNow(): Promise<void> {
    await this.end('signed out');
    await this.o.credentials.clear();
    this.log.info('signed out');
  }

  /** Starts a session; the previous one, if any, has been ended by the caller. */
  private begin(endpoints: ApiEndpoints, credential: Credential, username: string | undefined, known: Identity | undefined): void {
    redactor.add(credentialSecret(credential));
    // A JWT names its agent; an access key needs GET /customer, which the session retries.
    const identity = known ?? (credential.kind === 'jwt' ? decodeAgentToken(credential.token) : undefined);
    const session = new NotifierSession({
      endpoints,
      credential,
      identity,
      topics: (id) => {
        const t = topicsFor(this.o.settings.settings, id);
        if (t.notice !== undefined) this.o.notice(t.notice);
        return t.topics;
      },
      settings: () => this.o.settings.settings.notifications,
      sink: this.o.sink,
      logger: this.o.logger,
      stream: this.o.stream,
      clock: this.o.clock,
    });
    const status = this.newStatus();
    const presence = new SessionPresence(session, { logger: this.o.logger, clock: this.o.clock, ...this.presenceSettings() });
    // Opt-in: transcripts are sensitive, and an agent token reads them over REST during its calls.
    const transcripts = new SessionTranscripts(session, {
      logger: this.o.logger,
      clock: this.o.clock,
      enabled: this.o.settings.settings.notifications.liveTranscripts,
    });
    const a: SignedIn = {
      endpoints,
      credential,
      username,
      session,
      status,
      expiryStage: 'never',
      expired: false,
      webhookShown: { snapshot: undefined },
      presence,
      transcripts,
    };
    this.active = a;
    const changed = (): void => this.o.changed();
    transcripts.on('transcript', changed);
    transcripts.on('call', changed);
    transcripts.on('transcribe', changed);
    session.on('state', (s) => {
      status.onState(s);
      changed();
    });
    session.on('identity', (id) => {
      if (id.expiresAt !== undefined) a.expiryStage = expiryStage(id.expiresAt, this.o.clock.now());
      changed();
    });
    session.on('error', (e) => {
      status.onError(e);
      changed();
    });
    session.on('customerName', changed);
    // The window says why it is still trying (server down, network gone), as for the socket.
    session.on('retrying', (e) => {
      status.onError(e);
      changed();
    });
    session.on('quarantined', (q) => {
      status.onQuarantined(q.topic);
      changed();
    });
    session.on('event', (e) => {
      status.onEvent(e.receivedAt);
      changed();
    });
    session.on('catchup', changed);
    session.on('notification', changed);
    session.on('withdrawn', changed);
    session.on('updated', changed);
    session.on('expiry', (n) => this.onExpiry(a, n));
    presence.on('presence', (p) => {
      // "You are still Busy" is no longer true once my status is anything else (available, or away chosen elsewhere): it goes.
      if (!isTrapped(p.status)) this.withdrawReminder(a);
      changed();
    });
    presence.on('reminder', (r) => {
      if (this.active !== a) return;
      this.log.info(r.message);
      this.reminderOf = a;
      void this.o.sink
        ?.show({
          kind: 'summary',
          resourceId: REMINDER_ID,
          title: r.message,
          body: 'Set yourself Available from the tray menu (Status).',
          sound: true,
          urgent: false,
          at: this.o.clock.now(),
          action: { id: 'set-available', label: 'Set Available' },
        })
        .catch(() => undefined);
    });
    presence.on('error', (e) => this.log.warn(e.userMessage));
    session.start();
    changed();
  }

  /** The wrap-up and back-to-available settings as the presence watch takes them (tests may shorten the wrap-up). */
  presenceSettings(): { wrapUpMs: number; backToAvailable: boolean } {
    const n = this.o.settings.settings.notifications;
    return { wrapUpMs: this.o.wrapUpMs ?? n.wrapUpSeconds * 1000, backToAvailable: n.backToAvailable };
  }

  private onExpiry(a: SignedIn, n: ExpiryNotice): void {
    if (this.active !== a) return;
    a.expiryStage = n.severity;
    this.log.warn(n.message);
    if (n.severity === 'expired') {
      a.expired = true;
    } else {
      const key = a.session.identity?.kind === 'accesskey';
      const title =
        n.severity === 'critical'
          ? key
            ? 'Your access key expires soon'
            : 'Sign in again soon'
          : key
            ? 'Your access key expires tomorrow'
            : 'Your sign-in expires tomorrow';
      void this.o.sink
        ?.show({ kind: 'summary', resourceId: 'token-expiry', title, body: n.message, sound: n.severity === 'critical', urgent: false, at: this.o.clock.now() })
        .catch(() => undefined);
    }
    this.o.changed();
  }

  private newStatus(): ConnectionStatus {
    return new ConnectionStatus(() => this.o.clock.now(), this.recentErrors);
  }

  /**
   * The reminder's button was pressed: whether setting available is still what it means. Not for
   * a sign-in that is gone, and not during a call (it would put me back in the queues mid-call):
   * then the reminder, no longer true, goes instead.
   */
  reminderPressed(): boolean {
    const a = this.active;
    if (a !== undefined && this.reminderOf === a && !a.presence.onCall) return true;
    if (a !== undefined) this.withdrawReminder(a);
    return false;
  }

  /** Takes the busy trap's reminder of `a` off the screen, if it is there. */
  private withdrawReminder(a: SignedIn): void {
    if (this.reminderOf !== a) return;
    this.reminderOf = undefined;
    void this.o.sink?.withdraw(REMINDER_ID, 'ended').catch(() => undefined);
  }

  private end(reason: string): Promise<void> {
    const a = this.active;
    if (a === undefined) return Promise.resolve();
    // Its button would act for a sign-in that is gone.
    this.withdrawReminder(a);
    this.active = undefined;
    this.idle = this.newStatus();
    this.o.changed();
    a.presence.dispose();
    a.transcripts.dispose();
    return a.session.dispose(reason);
  }
}
