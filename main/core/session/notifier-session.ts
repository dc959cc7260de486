import { RestClient, type ApiEndpoints, type Credential } from '../api/index.js';
import {
  expiringCredential,
  readCustomerName,
  resolveIdentity,
  watchTokenExpiry,
  type ExpiryNotice,
  type ExpiryWatch,
  type Identity,
} from '../account/index.js';
import { TeamDirectory } from '../team/index.js';
import { ContactDirectory } from '../contacts/index.js';
import { NotificationCenter, type NotificationCenterEvents, type NotificationSink } from '../notify/index.js';
import { Backoff, NotifierError, TypedEmitter, describeError, isNotifierError, systemClock, type Clock, type Logger } from '../platform/index.js';
import {
  ConnectionStateMachine,
  Listener,
  type CatchupReport,
  type ListenerOptions,
  type QuarantineEvent,
  type ResourceEvent,
  type StateChange,
  type StateDetail,
  type SubscribedEvent,
} from '../stream/index.js';
import type { NotificationSettings } from '../../../shared/notification-settings.js';

/**
 * One signed-in notifier, as the command and the desktop app both run it: who the credential
 * belongs to (an access key needs GET /customer, retried while the network is not there), the
 * listener, the notification centre fed by it, the expiry watch — and one dispose() that
 * releases all of it.
 *
 * Its `state` events are the connection's, from the first attempt on: while the identity is
 * being read they are `connecting` / `reconnecting` like a socket's, so a caller cannot tell an
 * access key waiting for the network from a token waiting for the socket.
 */
export interface NotifierSessionOptions {
  endpoints: ApiEndpoints;
  credential: Credential;
  /** Known already (a JWT names its agent, a sign-in just checked it); else resolved. */
  identity?: Identity | undefined;
  rest?: RestClient | undefined;
  /** The topics for an identity (defaults, or the user's filters); throws `invalid_topic` for filters the server would refuse. */
  topics: (identity: Identity) => readonly string[];
  /** What and how to notify, for an identity (an access key, with no calls of its own, sees the customer's). */
  settings: (identity: Identity) => NotificationSettings;
  sink: NotificationSink | undefined;
  logger: Logger;
  stream?: ListenerOptions['stream'];
  clock?: Clock;
}

export interface NotifierSessionEvents {
  state: StateChange;
  /** The identity is known (at once, or once GET /customer answered). */
  identity: Identity;
  subscribed: SubscribedEvent;
  event: ResourceEvent;
  catchup: CatchupReport;
  quarantined: QuarantineEvent;
  /** Failures worth telling a person: the listener's, and a refused identity. */
  error: NotifierError;
  /** Reading the identity failed in a way waiting can cure; it is retried (the state says when). */
  retrying: NotifierError;
  notification: NotificationCenterEvents['notification'];
  withdrawn: NotificationCenterEvents['withdrawn'];
  /** A notification now names its caller from contacts (same resource id). */
  updated: NotificationCenterEvents['updated'];
  /** Pop-ups refused by the OS (said once per outage). */
  notificationsUnavailable: NotifierError;
  expiry: ExpiryNotice;
  /** An agent's customer name was read (an access key's comes with its identity). */
  customerName: string;
}

/** Failures of reading the identity that waiting can cure. */
const RETRYABLE = new Set(['network', 'server_error', 'rate_limited', 'bad_response']);

export class NotifierSession extends TypedEmitter<NotifierSessionEvents> {
  readonly rest: RestClient;
  private current: Identity | undefined;
  private listenerRef: Listener | undefined;
  private centerRef: NotificationCenter | undefined;
  /** Before the listener exists: the identity phase's own state, shaped like the socket's. */
  private readonly early: ConnectionStateMachine;
  private visible: StateDetail = { state: 'idle' };
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly backoff = new Backoff();
  private retryTimer: unknown;
  private expiryWatch: ExpiryWatch | undefined;
  private readonly offs: (() => void)[] = [];
  private agentCustomerName: string | undefined;
  private customerNameRead = false;
  /** Whoever consumes our output is behind: the listener (now or once it exists) stops reading. */
  private readingPaused = false;
  private disposed = false;
  private resolveStopped: ((final: Extract<StateDetail, { state: 'stopped' }>) => void) | undefined;
  /** Resolves with the stopped state the first time the session stops (by request or for a fatal reason). */
  readonly stopped: Promise<Extract<StateDetail, { state: 'stopped' }>>;

  constructor(private readonly o: NotifierSessionOptions) {
    super((e) => o.logger.error('session consumer failed', { error: describeError(e) }));
    this.rest = o.rest ?? new RestClient({ endpoints: o.endpoints, credential: o.credential });
    this.clock = o.clock ?? systemClock;
    this.log = o.logger.child({ component: 'session' });
    this.current = o.identity;
    this.early = new ConnectionStateMachine(
      (c) => this.show(c),
      () => this.clock.now(),
    );
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  /** The identity, once known. */
  get identity(): Identity | undefined {
    return this.current;
  }

  /** The customer's name: an access key's from its identity, an agent's once read; else undefined. */
  get customerName(): string | undefined {
    return this.current?.kind === 'accesskey' ? this.current.customerName : this.agentCustomerName;
  }

  get listener(): Listener | undefined {
    return this.listenerRef;
  }

  get center(): NotificationCenter | undefined {
    return this.centerRef;
  }

  /** The connection state with its details, whichever phase the session is in. */
  get detail(): StateDetail {
    return this.visible;
  }

  start(): void {
    if (this.disposed || this.early.state !== 'idle') return;
    if (this.current !== undefined) {
      this.connect(this.current);
      return;
    }
    void this.resolve();
  }

  /** Ends the connection (the identity phase included); the centre and its pop-ups stay until dispose(). */
  stop(reason = 'stopped'): void {
    clearTimeoutSafe(this.clock, this.retryTimer);
    this.retryTimer = undefined;
    if (this.listenerRef !== undefined) {
      this.listenerRef.stop(reason);
      return;
    }
    if (this.early.state !== 'stopped') this.early.transition({ state: 'stopped', reason });
  }

  /**
   * Starts a stopped session again ("Reconnect now", new topic filters after a refusal): the same
   * centre, history and expiry watch, the topics read afresh. Does nothing unless stopped.
   */
  restart(): void {
    if (this.disposed || this.visible.state !== 'stopped') return;
    const identity = this.current;
    const listener = this.listenerRef;
    if (listener !== undefined && identity !== undefined) {
      const topics = this.topicsFor(identity);
      if (topics === undefined) return;
      listener.setTopics(topics);
      listener.start();
      return;
    }
    // Stopped before a socket was opened: read the identity again, or connect with the one known.
    if (identity === undefined) {
      void this.resolve();
      return;
    }
    this.early.transition({ state: 'connecting', attempt: 1 });
    this.connect(identity);
  }

  reconnectNow(reason: string): void {
    if (this.listenerRef !== undefined) {
      this.listenerRef.reconnectNow(reason);
      return;
    }
    if (this.early.state === 'reconnecting') {
      clearTimeoutSafe(this.clock, this.retryTimer);
      void this.resolve();
    }
  }

  /**
   * Flow control from the consumer of this session's events (the command's stdout, say): paused,
   * no frame is read until resumed, so nothing piles up in memory (see EventStream.pause()).
   */
  /** The machine woke from sleep; `since`: when it went to sleep, if known. */
  wokeUp(since?: number): void {
    if (this.listenerRef !== undefined) this.listenerRef.wokeUp(since);
    else this.reconnectNow('the computer woke from sleep');
  }

  setReadingPaused(paused: boolean): void {
    this.readingPaused = paused;
    if (paused) this.listenerRef?.pause();
    else this.listenerRef?.resume();
  }

  /** Releases everything: waits for the socket to close and for the last pop-up to be handed over. */
  async dispose(reason = 'stopped'): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeoutSafe(this.clock, this.retryTimer);
    this.expiryWatch?.stop();
    const closing = this.listenerRef?.close(reason) ?? Promise.resolve();
    if (this.listenerRef === undefined && this.early.state !== 'stopped') this.early.transition({ state: 'stopped', reason });
    await closing;
    await this.centerRef?.dispose();
    for (const off of this.offs.splice(0)) off();
  }

  private async resolve(): Promise<void> {
    this.retryTimer = undefined;
    this.early.transition({ state: 'connecting', attempt: this.backoff.attempt + 1 });
    let identity: Identity;
    try {
      identity = await resolveIdentity(this.o.credential, this.rest);
    } catch (e) {
      if (this.disposed || this.early.state !== 'connecting') return;
      const err = isNotifierError(e) ? e : new NotifierError('network', describeError(e));
      if (!RETRYABLE.has(err.code)) {
        this.refuse(err);
        return;
      }
      const step = this.backoff.next('retryAfterMs' in err && typeof err.retryAfterMs === 'number' ? err.retryAfterMs : 0);
      // Told as a reconnecting state (and a `retrying` event): the log keeps it below warn, so a
      // terminal that shows both says it once.
      this.log.info(`${err.userMessage} Retrying in ${Math.round(step.delayMs / 100) / 10} s.`);
      this.emit('retrying', err);
      this.early.transition({ state: 'reconnecting', attempt: step.attempt, delayMs: step.delayMs, reason: err.userMessage });
      this.retryTimer = this.clock.setTimeout(() => void this.resolve(), step.delayMs);
      return;
    }
    if (this.disposed || this.early.state !== 'connecting') return;
    this.current = identity;
    this.connect(identity);
  }

  /** The identity's topics, or undefined (said as an error) when the server would refuse them. */
  private topicsFor(identity: Identity): readonly string[] | undefined {
    try {
      return this.o.topics(identity);
    } catch (e) {
      // Topics the server would refuse: one of them would drop the whole connection.
      this.refuse(isNotifierError(e) ? e : new NotifierError('config_invalid', describeError(e)));
      return undefined;
    }
  }

  /** A failure that ends the session's attempt: logged, told, and the state says stopped. */
  private refuse(err: NotifierError): void {
    // Emitted as an error below: whoever shows errors shows it; the log keeps it for the record.
    this.log.info(err.userMessage);
    this.emit('error', err);
    if (this.listenerRef === undefined && this.early.state !== 'stopped') this.early.transition({ state: 'stopped', reason: err.userMessage, code: err.code });
  }

  private connect(identity: Identity): void {
    const topics = this.topicsFor(identity);
    if (topics === undefined) return;
    this.emit('identity', identity);
    if (identity.kind === 'agent' && !this.customerNameRead) {
      this.customerNameRead = true;
      void readCustomerName(this.rest).then((name) => {
        if (name === undefined || this.disposed) return;
        this.agentCustomerName = name;
        this.emit('customerName', name);
      });
    }
    // Once per session: it keeps watching while the session lives, stopped or not, and a restart
    // must not warn again.
    if (identity.expiresAt !== undefined && this.expiryWatch === undefined) {
      this.expiryWatch = watchTokenExpiry(identity.expiresAt, (n) => this.emit('expiry', n), { clock: this.clock, what: expiringCredential(identity) });
    }
    if (identity.expiresAt !== undefined && identity.expiresAt.getTime() <= this.clock.now()) {
      // The server refuses an expired credential at the upgrade: say why without knocking.
      const renew = identity.kind === 'agent' ? 'Sign in again' : 'Create a new access key in the VoIPBIN console and sign in with it';
      if (this.early.state === 'idle') this.early.transition({ state: 'connecting', attempt: 1 });
      this.refuse(new NotifierError('auth_failed', `Your VoIPBIN ${expiringCredential(identity)} has expired. ${renew} to keep receiving calls.`));
      return;
    }
    // Team chat names its people: the agent list is read once now, again only for a stranger.
    const team = new TeamDirectory({ rest: this.rest, identity, logger: this.o.logger });
    void team.load();
    const contacts = new ContactDirectory({ rest: this.rest, identity, logger: this.o.logger });
    const center = new NotificationCenter({ identity, settings: this.o.settings(identity), sink: this.o.sink, logger: this.o.logger, team, contacts });
    this.centerRef = center;
    const listener = new Listener({
      endpoints: this.o.endpoints,
      credential: this.o.credential,
      identity,
      topics,
      logger: this.o.logger,
      rest: this.rest,
      stream: this.o.stream,
    });
    this.listenerRef = listener;
    if (this.readingPaused) listener.pause();
    this.offs.push(
      listener.on('state', (s) => {
        // The identity phase already said "connecting": the socket's first attempt continues it.
        if (s.from === 'idle' && this.visible.state === 'connecting') {
          this.visible = s.to;
          return;
        }
        this.show(s);
      }),
      listener.on('subscribed', (s) => this.emit('subscribed', s)),
      listener.on('error', (e) => this.emit('error', e)),
      listener.on('quarantined', (q) => this.emit('quarantined', q)),
      listener.on('event', (e) => {
        this.emit('event', e);
        center.handleEvent(e);
      }),
      listener.on('catchup', (r) => {
        this.emit('catchup', r);
        center.handleCatchup(r);
      }),
      center.on('notification', (n) => this.emit('notification', n)),
      center.on('withdrawn', (w) => this.emit('withdrawn', w)),
      center.on('updated', (n) => this.emit('updated', n)),
      center.on('error', (e) => this.emit('notificationsUnavailable', e)),
    );
    listener.start();
  }

  private show(c: StateChange): void {
    this.visible = c.to;
    this.emit('state', { from: c.from, to: c.to, at: c.at });
    // The first stop; the expiry watch goes on until dispose() (a restart may follow).
    if (c.to.state === 'stopped') this.resolveStopped?.(c.to);
  }
}

function clearTimeoutSafe(clock: Clock, handle: unknown): void {
  if (handle !== undefined) clock.clearTimeout(handle);
}
