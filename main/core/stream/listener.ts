import { type ApiEndpoints, type Credential, RestClient } from '../api/index.js';
import { EventStream, type EventStreamOptions } from './event-stream.js';
import type { QuarantineEvent, SubscribedEvent } from './events.js';
import type { StateChange, ConnectionState, StateDetail } from './connection-state.js';
import { parseFrame, resourceFrame, type ResourceFrame } from './frames.js';
import type { CatchupReport, ResourceEvent } from './events.js';
import { EventOrdering } from './event-ordering.js';
import { RecentFrames } from './recent-frames.js';
import { fetchCatchup } from './catchup.js';
import { Backoff, type BackoffPolicy, BLOCKED_ACCOUNT, NotifierError, describeError, isNotifierError, type Logger, TypedEmitter } from '../platform/index.js';
import type { Identity } from '../account/index.js';
import { Permission } from '../../../shared/permissions.js';

/**
 * The core's front door: one event stream, every frame parsed, classified, deduplicated and
 * ordered, and a REST catch-up after each (re)connect. Consumers (the CLI, the notification
 * rules, the tray) see only accepted resource events, state changes and typed errors.
 */
/** How many recent frame texts are remembered to skip exact copies, and up to what size (bigger ones are rare). */
const RECENT_FRAMES = 256;
const RECENT_MAX_CHARS = 16 * 1024;

export interface ListenerStats {
  frames: number;
  accepted: number;
  duplicates: number;
  stale: number;
  malformed: number;
  foreign: number;
  connections: number;
  lastFrameAt: number | undefined;
}

export interface ListenerEvents {
  state: StateChange;
  subscribed: SubscribedEvent;
  error: NotifierError;
  quarantined: QuarantineEvent;
  event: ResourceEvent;
  catchup: CatchupReport;
}

export interface ListenerOptions {
  endpoints: ApiEndpoints;
  credential: Credential;
  identity: Identity;
  topics: readonly string[];
  logger: Logger;
  /** Timing and limits of the stream (tests shorten them). */
  stream?: Partial<Omit<EventStreamOptions, 'endpoints' | 'credential' | 'topics' | 'logger'>>;
  rest?: RestClient;
  catchup?: boolean;
  /** Retries of a failed catch-up while the stream stays up (tests shorten them). */
  catchupRetry?: BackoffPolicy;
  maxResources?: number;
}

/** A failed catch-up is retried while the connection lives: 1 s doubling to a minute, or Retry-After. */
const CATCHUP_RETRY: BackoffPolicy = { baseMs: 1_000, capMs: 60_000 };

export class Listener extends TypedEmitter<ListenerEvents> {
  readonly identity: Identity;
  private readonly stream: EventStream;
  private readonly ordering: EventOrdering;
  private readonly rest: RestClient;
  private readonly log: Logger;
  private readonly catchupEnabled: boolean;
  private readonly now: () => number;
  private readonly counters: ListenerStats = {
    frames: 0,
    accepted: 0,
    duplicates: 0,
    stale: 0,
    malformed: 0,
    foreign: 0,
    connections: 0,
    lastFrameAt: undefined,
  };
  private warnedForeign = false;
  /** Texts of the last frames judged, to skip exact copies. */
  private readonly recent = new RecentFrames(RECENT_FRAMES);
  private startedAt = 0;
  /**
   * Start of a window no completed catch-up has covered yet (a catch-up failed, or finished after
   * its connection was already gone); null when everything up to the live stream is covered.
   */
  private uncoveredSince: number | null = null;
  private readonly catchupBackoff: Backoff;
  private catchupTimer: NodeJS.Timeout | undefined;
  /** A catch-up failed and none has succeeded since: said once, not at every retry. */
  private catchupFailing = false;

  constructor(opts: ListenerOptions) {
    super((e) => opts.logger.error('listener consumer failed', { error: describeError(e) }));
    this.identity = opts.identity;
    this.log = opts.logger.child({ component: 'listener' });
    this.now = opts.stream?.now ?? Date.now;
    this.catchupEnabled = opts.catchup ?? true;
    this.catchupBackoff = new Backoff(opts.catchupRetry ?? CATCHUP_RETRY);
    this.ordering = new EventOrdering({ maxResources: opts.maxResources });
    this.rest = opts.rest ?? new RestClient({ endpoints: opts.endpoints, credential: opts.credential });
    this.stream = new EventStream({
      ...opts.stream,
      endpoints: opts.endpoints,
      credential: opts.credential,
      topics: opts.topics,
      logger: opts.logger,
    });
    this.stream.on('state', (s) => {
      // A retry belongs to its connection; the next subscription's catch-up covers its window.
      if (s.to.state === 'reconnecting' || s.to.state === 'stopped') clearTimeout(this.catchupTimer);
      this.emit('state', s);
    });
    this.stream.on('error', (e) => this.emit('error', e));
    this.stream.on('quarantined', (q) => this.emit('quarantined', q));
    this.stream.on('frame', (f) => this.onFrame(f.text, f.receivedAt));
    this.stream.on('subscribed', (s) => {
      this.counters.connections = s.connection;
      this.emit('subscribed', s);
      if (this.catchupEnabled) {
        clearTimeout(this.catchupTimer);
        void this.catchUp(s);
      }
    });
  }

  get state(): ConnectionState {
    return this.stream.state;
  }

  /** The state with its details (attempt, delay, reason, stop code). */
  get detail(): StateDetail {
    return this.stream.detail;
  }

  get topics(): readonly string[] {
    return this.stream.topics;
  }

  get stats(): Readonly<ListenerStats> {
    return { ...this.counters };
  }

  start(): void {
    this.startedAt = this.now();
    this.stream.start();
  }

  stop(reason?: string): void {
    this.stream.stop(reason);
  }

  /** stop(), then wait until the socket is closed. */
  close(reason?: string): Promise<void> {
    clearTimeout(this.catchupTimer);
    return this.stream.close(reason);
  }

  reconnectNow(reason: string): void {
    this.stream.reconnectNow(reason);
  }

  /** The machine woke from sleep: see EventStream.wokeUp(). */
  wokeUp(since?: number): void {
    this.stream.wokeUp(since);
  }

  /** Stop reading frames until resume(): see EventStream.pause(). */
  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  setTopics(topics: readonly string[]): void {
    this.stream.setTopics(topics);
  }

  /** The hot path: one call per frame. */
  private onFrame(text: string, receivedAt: number): void {
    this.counters.frames += 1;
    this.counters.lastFrameAt = receivedAt;
    // VoIPBIN sends most frames twice, byte for byte, a few frames apart (PROTOCOL.md §1.7). A copy
    // of a recent frame can only be a duplicate, so it skips parsing, the costliest step.
    const remember = text.length <= RECENT_MAX_CHARS;
    if (remember && this.recent.has(text)) {
      this.counters.duplicates += 1;
      return;
    }
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      this.counters.malformed += 1;
      this.log.warn(`ignored a frame that is ${parsed.reason}`, { preview: text.slice(0, 120) });
      return;
    }
    if (this.isForeign(parsed.frame)) return;
    if (remember) this.recent.add(text);
    this.consider(parsed.frame, text, 'stream', receivedAt);
  }

  private consider(frame: ResourceFrame, raw: string, source: ResourceEvent['source'], receivedAt: number): ResourceEvent | undefined {
    if (source === 'catchup' && this.isForeign(frame)) return undefined;
    const verdict = this.ordering.judge(frame, raw);
    if (verdict === 'duplicate') {
      this.counters.duplicates += 1;
      return undefined;
    }
    if (verdict === 'stale') {
      this.counters.stale += 1;
      return undefined;
    }
    this.counters.accepted += 1;
    const event: ResourceEvent = {
      kind: frame.kind,
      id: frame.id,
      status: frame.status,
      updatedAt: frame.updatedAt,
      eventType: frame.eventType,
      data: frame.data,
      source,
      receivedAt,
    };
    this.emit('event', event);
    return event;
  }

  /** Frames of another customer should never arrive; if a server bug sends them, don't act on them. */
  private isForeign(frame: ResourceFrame): boolean {
    const customer = frame.data.customer_id;
    if (typeof customer !== 'string' || customer.toLowerCase() === this.identity.customerId) return false;
    if ((this.identity.permission & Permission.ProjectSuperAdmin) !== 0) return false;
    this.counters.foreign += 1;
    if (!this.warnedForeign) {
      this.warnedForeign = true;
      this.log.warn('ignored a frame for another customer (further ones are counted, not logged)');
    }
    return true;
  }

  private async catchUp(s: SubscribedEvent): Promise<void> {
    const since = this.uncoveredSince === null ? s.gapSince : Math.min(this.uncoveredSince, s.gapSince ?? Infinity);
    // Until this completes, everything since `since` (or since start-up) is unaccounted for.
    this.uncoveredSince = since ?? this.startedAt;
    try {
      const fetched = await fetchCatchup(this.rest, this.identity, { since, openCallIds: this.ordering.openIds('call') });
      if (s.connection !== this.counters.connections || this.stream.state !== 'subscribed') {
        // The connection it was for is gone: the next subscription's catch-up covers this window too.
        this.log.debug('discarding a catch-up that finished after its connection was lost');
        return;
      }
      this.uncoveredSince = null;
      this.catchupBackoff.reset();
      if (this.catchupFailing) this.log.info('caught up on what happened while the catch-up was failing');
      this.catchupFailing = false;
      const accepted: ResourceEvent[] = [];
      const receivedAt = this.now();
      for (const data of [...fetched.groupcalls, ...fetched.calls]) {
        // The text only fingerprints id-less resources for the ordering; no need to parse it back.
        const event = this.consider(resourceFrame(data), JSON.stringify(data), 'catchup', receivedAt);
        if (event !== undefined) accepted.push(event);
      }
      this.emit('catchup', { connection: s.connection, since, fetched: fetched.calls.length + fetched.groupcalls.length, accepted, missing: fetched.missing });
    } catch (e) {
      const err = isNotifierError(e) ? e : new NotifierError('network', `Catch-up failed: ${describeError(e)}`);
      if (err.code === 'auth_failed' || BLOCKED_ACCOUNT.has(err.code)) {
        // A 401 or a blocked account anywhere means the next reconnect would fail too: stop now and say so.
        this.emit('error', err);
        this.stream.stop(err.userMessage, err.code);
        return;
      }
      if (s.connection !== this.counters.connections || this.stream.state !== 'subscribed') {
        this.log.debug(`a catch-up failed after its connection was lost (${err.userMessage}); the next one covers its window`);
        return;
      }
      // Live events keep flowing, but calls missed during the gap would stay unknown until the
      // next reconnect (maybe days away): retry while this connection lives.
      const retryAfter = 'retryAfterMs' in err && typeof err.retryAfterMs === 'number' ? err.retryAfterMs : 0;
      const step = this.catchupBackoff.next(retryAfter);
      // The first failure is emitted as an error; the retries are for the record.
      this.log.info(`could not catch up on what happened while disconnected: ${err.userMessage} Retrying in ${Math.ceil(step.delayMs / 1000)} s.`);
      if (!this.catchupFailing) {
        this.catchupFailing = true;
        this.emit(
          'error',
          new NotifierError('catchup_failed', `Could not catch up on calls missed while disconnected: ${err.userMessage} Live events still arrive; retrying.`, {
            cause: err.code,
          }),
        );
      }
      clearTimeout(this.catchupTimer);
      this.catchupTimer = setTimeout(() => {
        if (s.connection === this.counters.connections && this.stream.state === 'subscribed') void this.catchUp(s);
      }, step.delayMs);
    }
  }
}
