import type { ApiEndpoints } from './api-url.js';
import type { Credential } from './credentials.js';
import { EventStream, type EventStreamOptions, type QuarantineEvent, type SubscribedEvent } from './event-stream.js';
import type { StateChange, ConnectionState } from './connection-state.js';
import { parseFrame, type ResourceFrame } from './frames.js';
import { EventOrdering } from './event-ordering.js';
import { fetchCatchup } from './catchup.js';
import { RestClient } from './rest-client.js';
import { NotifierError, describeError, isNotifierError } from './errors.js';
import type { Identity } from './identity.js';
import type { Logger } from './log.js';
import { TypedEmitter } from './typed-emitter.js';
import { Permission } from '../../shared/permissions.js';

/**
 * The core's front door: one event stream, every frame parsed, classified, deduplicated and
 * ordered, and a REST catch-up after each (re)connect. Consumers (the CLI, the notification
 * rules, the tray) see only accepted resource events, state changes and typed errors.
 */
export interface ResourceEvent extends ResourceFrame {
  id: string | undefined;
  source: 'stream' | 'catchup';
  /** Wall-clock ms when we learned of it. */
  receivedAt: number;
}

export interface CatchupReport {
  connection: number;
  /** Wall-clock ms since which events may have been missed; undefined on the first connection. */
  since: number | undefined;
  fetched: number;
  /** Resources whose state was news to us, in the order they were accepted. */
  accepted: ResourceEvent[];
  /** Calls we knew were open that the server no longer has. */
  missing: string[];
}

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
  maxResources?: number;
}

export class Listener extends TypedEmitter<ListenerEvents> {
  readonly identity: Identity;
  private readonly stream: EventStream;
  private readonly ordering: EventOrdering;
  private readonly rest: RestClient;
  private readonly log: Logger;
  private readonly catchupEnabled: boolean;
  private readonly now: () => number;
  private readonly counters: ListenerStats = {
    frames: 0, accepted: 0, duplicates: 0, stale: 0, malformed: 0, foreign: 0, connections: 0, lastFrameAt: undefined,
  };
  private warnedForeign = false;
  private startedAt = 0;
  /**
   * Start of a window no completed catch-up has covered yet (a catch-up failed, or finished after
   * its connection was already gone); null when everything up to the live stream is covered.
   */
  private uncoveredSince: number | null = null;

  constructor(opts: ListenerOptions) {
    super((e) => opts.logger.error('listener consumer failed', { error: describeError(e) }));
    this.identity = opts.identity;
    this.log = opts.logger.child({ component: 'listener' });
    this.now = opts.stream?.now ?? Date.now;
    this.catchupEnabled = opts.catchup ?? true;
    this.ordering = new EventOrdering({ maxResources: opts.maxResources });
    this.rest = opts.rest ?? new RestClient({ endpoints: opts.endpoints, credential: opts.credential });
    this.stream = new EventStream({
      ...opts.stream,
      endpoints: opts.endpoints,
      credential: opts.credential,
      topics: opts.topics,
      logger: opts.logger,
    });
    this.stream.on('state', (s) => this.emit('state', s));
    this.stream.on('error', (e) => this.emit('error', e));
    this.stream.on('quarantined', (q) => this.emit('quarantined', q));
    this.stream.on('frame', (f) => this.onFrame(f.text, f.receivedAt));
    this.stream.on('subscribed', (s) => {
      this.counters.connections = s.connection;
      this.emit('subscribed', s);
      if (this.catchupEnabled) void this.catchUp(s);
    });
  }

  get state(): ConnectionState {
    return this.stream.state;
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

  reconnectNow(reason: string): void {
    this.stream.reconnectNow(reason);
  }

  setTopics(topics: readonly string[]): void {
    this.stream.setTopics(topics);
  }

  /** The hot path: one call per frame. */
  private onFrame(text: string, receivedAt: number): void {
    this.counters.frames += 1;
    this.counters.lastFrameAt = receivedAt;
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      this.counters.malformed += 1;
      this.log.warn(`ignored a frame that is ${parsed.reason}`, { preview: text.slice(0, 120) });
      return;
    }
    this.consider(parsed.frame, text, 'stream', receivedAt);
  }

  private consider(frame: ResourceFrame, raw: string, source: ResourceEvent['source'], receivedAt: number): ResourceEvent | undefined {
    if (this.isForeign(frame)) return undefined;
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
    const event: ResourceEvent = { ...frame, source, receivedAt };
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
      const accepted: ResourceEvent[] = [];
      const receivedAt = this.now();
      for (const data of [...fetched.groupcalls, ...fetched.calls]) {
        const raw = JSON.stringify(data);
        const parsed = parseFrame(raw);
        if (!parsed.ok) continue;
        const event = this.consider(parsed.frame, raw, 'catchup', receivedAt);
        if (event !== undefined) accepted.push(event);
      }
      this.emit('catchup', { connection: s.connection, since, fetched: fetched.calls.length + fetched.groupcalls.length, accepted, missing: fetched.missing });
    } catch (e) {
      const err = isNotifierError(e) ? e : new NotifierError('network', `Catch-up failed: ${describeError(e)}`);
      if (err.code === 'auth_failed' || err.code === 'account_frozen') {
        // A 401 anywhere means the next reconnect would fail too: stop now and say so.
        this.emit('error', err);
        this.stream.stop(err.userMessage, err.code);
        return;
      }
      this.log.warn(`could not catch up on what happened while disconnected: ${err.userMessage}`);
      this.emit('error', new NotifierError('catchup_failed', `Could not catch up on calls missed while disconnected: ${err.userMessage} Live events still arrive.`, { cause: err.code }));
    }
  }
}
