import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { Backoff, DEFAULT_BACKOFF, NotifierError, describeError, describeNetworkError, type ErrorCode, type Logger, TypedEmitter } from '../platform/index.js';
import { ackPayload, applyTopicChanges, closeConnection, openConnection, readAck, sendTopics, type Connection } from './connection.js';
import { ConnectionStateMachine, type ConnectionState, type StateDetail } from './connection-state.js';
import type { EventStreamEvents } from './events.js';
import { resolveStreamOptions, type EventStreamOptions, type ResolvedStreamOptions } from './event-stream-options.js';
export type { EventStreamOptions } from './event-stream-options.js';
import { Liveness } from './liveness.js';
import { isFatal, readRefusal } from './refusal.js';
import { TopicProbe } from './topic-probe.js';

/**
 * One authenticated VoIPBIN WebSocket, kept alive for days (PROTOCOL.md §1).
 *
 * What the server gives us is thin: no subscribe ack, no close frames, no replay, and one bad
 * topic kills the socket. So this class supplies what is missing:
 *  - a subscription ack, a ping after `subscribe` (connection.ts);
 *  - a keepalive watchdog and sleep detection (liveness.ts);
 *  - reconnects with full-jitter backoff that honour Retry-After and stop for good on 401/403
 *    (refusal.ts reads why an upgrade was refused);
 *  - quarantine of a topic the server rejects, found by subscribing one topic per round trip (topic-probe.ts).
 */
export class EventStream extends TypedEmitter<EventStreamEvents> {
  private readonly opts: ResolvedStreamOptions;
  private readonly machine: ConnectionStateMachine;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private topicList: string[];
  private conn: Connection | undefined;
  private seq = 0;
  private subscriptions = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly liveness: Liveness;
  private readonly probe: TopicProbe;
  /** Wall time since which events may have been missed (set when a subscribed socket is lost). */
  private gapSince: number | undefined;
  /** Reading is paused: whoever consumes our events is behind (see pause()). */
  private paused = false;
  /** Resolves whoever waits in close() once the socket is really gone. */
  private closed: (() => void)[] = [];

  constructor(options: EventStreamOptions) {
    super((e) => options.logger.error('event listener failed', { error: describeError(e) }));
    this.opts = resolveStreamOptions(options);
    this.log = options.logger.child({ component: 'stream' });
    this.topicList = [...options.topics];
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF, options.random);
    this.machine = new ConnectionStateMachine((change) => this.emit('state', change), this.opts.now);
    this.probe = new TopicProbe(this.opts.quarantineAfter);
    this.liveness = new Liveness({
      watchdogMs: this.opts.watchdogMs,
      sleepJumpMs: this.opts.sleepJumpMs,
      now: this.opts.now,
      lastActivity: () => {
        const state = this.machine.state;
        // A paused socket is silent by our choice, not the server's.
        return !this.paused && (state === 'open' || state === 'subscribed') ? this.conn?.lastActivity : undefined;
      },
      running: () => ['open', 'subscribed', 'reconnecting', 'connecting'].includes(this.machine.state),
      slept: (late, since) => {
        // Timers were frozen: whatever socket we hold is suspect, and what happened meanwhile must be caught up.
        this.gapSince ??= since;
        this.reconnectNow(`the computer was asleep for about ${Math.round(late / 1000)} s`);
      },
      silent: (silentFor) => {
        this.log.warn(`nothing from VoIPBIN for ${Math.round(silentFor / 1000)} s (it pings every 10 s); the connection is dead`);
        this.retry('keepalive timeout: no ping from the server', 0);
      },
    });
  }

  get state(): ConnectionState {
    return this.machine.state;
  }

  get detail(): StateDetail {
    return this.machine.detail;
  }

  get topics(): readonly string[] {
    return this.topicList;
  }

  start(): void {
    if (this.machine.state !== 'idle' && this.machine.state !== 'stopped') return;
    this.liveness.start();
    this.connect();
  }

  /** Ends the stream for good (until `start`). Sends a close frame; the server echoes it. */
  stop(reason = 'stopped by user', code?: ErrorCode): void {
    this.halt({ state: 'stopped', reason, code });
  }

  /** stop(), then wait until the socket is closed (at most about a second: an unanswered close is cut). */
  close(reason = 'stopped by user'): Promise<void> {
    const socket = this.conn?.ws;
    const waiting =
      socket === undefined || socket.readyState === WebSocket.CLOSED ? Promise.resolve() : new Promise<void>((resolve) => this.closed.push(resolve));
    this.stop(reason);
    return waiting;
  }

  /**
   * Drop whatever we have and connect at once: for resume from sleep, network back online,
   * or a user's "reconnect now". Resets the backoff, since the cause of earlier failures is gone.
   */
  reconnectNow(reason: string): void {
    const state = this.machine.state;
    if (state === 'stopped' || state === 'idle') return;
    this.log.info(`reconnecting now: ${reason}`);
    this.backoff.reset();
    if (state === 'reconnecting') {
      clearTimeout(this.reconnectTimer);
      this.connect();
      return;
    }
    if (this.conn !== undefined) this.noteGap(this.conn);
    this.probe.probeNext = false;
    this.retry(reason, 0, true);
  }

  /**
   * Stops reading frames while what we emit cannot be passed on (stdout's reader is behind): the
   * frames wait in the kernel and the server's buffer (2,000 per connection, PROTOCOL.md §1.7)
   * instead of in our memory. If the server gives up on us meanwhile, the reconnect's catch-up
   * covers the gap. The watchdog does not count a silence we chose.
   */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.conn?.ws.pause();
  }

  /** The machine woke from sleep (`since`: when it went to sleep, wall ms, if known): the socket is suspect. */
  wokeUp(since?: number): void {
    if (since !== undefined && this.conn?.subscribed === true) this.gapSince ??= since;
    this.liveness.sleepTold();
    this.reconnectNow('the computer woke from sleep');
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const c = this.conn;
    if (c === undefined) return;
    c.lastActivity = performance.now();
    c.ws.resume();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Changes the subscription set; applied at once on a live socket and on every reconnect. */
  setTopics(topics: readonly string[]): void {
    this.topicList = [...new Set(topics)];
    const c = this.conn;
    if (c !== undefined && c.subscribed) applyTopicChanges(c, this.topicList);
  }

  private connect(): void {
    const seq = ++this.seq;
    this.machine.transition({ state: 'connecting', attempt: this.backoff.attempt + 1 });
    this.log.debug('connecting', { url: this.opts.endpoints.websocket, attempt: this.backoff.attempt + 1 });
    const conn = openConnection(seq, this.probe.probeNext ? 'probe' : 'bulk', this.opts);
    const ws = conn.ws;
    this.conn = conn;
    const current = (): boolean => this.conn === conn;

    ws.on('unexpected-response', (_req, res) => {
      void readRefusal(res, this.opts.credential.kind).then((failure) => {
        if (!current()) return;
        conn.failure = failure;
        ws.terminate();
      });
    });
    ws.on('error', (err) => {
      if (!current() || conn.failure !== undefined) return;
      conn.failure = new NotifierError('network', `Cannot reach VoIPBIN at ${this.opts.endpoints.root}: ${describeNetworkError(err)}.`, {}, { cause: err });
    });
    ws.on('open', () => {
      if (!current()) return;
      conn.lastActivity = performance.now();
      this.machine.transition({ state: 'open' });
      this.subscribe(conn);
    });
    ws.on('ping', () => {
      conn.lastActivity = performance.now();
      if (current()) this.liveness.pinged();
    });
    ws.on('pong', (data) => {
      conn.lastActivity = performance.now();
      if (current()) this.onPong(conn, data.toString('utf8'));
    });
    ws.on('message', (data, isBinary) => {
      conn.lastActivity = performance.now();
      if (!current()) return;
      this.onMessage(data, isBinary);
    });
    ws.on('close', (code) => {
      clearTimeout(conn.ackTimer);
      clearTimeout(conn.healthyTimer);
      if (this.conn === undefined || current()) for (const done of this.closed.splice(0)) done();
      if (!current()) return;
      this.onClose(conn, code);
    });
  }

  private subscribe(conn: Connection): void {
    const topics = [...this.topicList];
    if (topics.length === 0) {
      this.markSubscribed(conn);
      return;
    }
    if (conn.mode === 'bulk') {
      conn.requested = topics;
      sendTopics(conn, 'subscribe', topics);
      this.awaitAck(conn, 'bulk');
      return;
    }
    this.log.info('the server dropped the last connection right after subscribing; checking topics one at a time');
    this.probeTopic(conn, 0);
  }

  private probeTopic(conn: Connection, index: number): void {
    const topic = this.topicList[index];
    if (topic === undefined) {
      this.probe.probeNext = false;
      this.markSubscribed(conn);
      return;
    }
    conn.pending = topic;
    sendTopics(conn, 'subscribe', [topic]);
    this.awaitAck(conn, `probe:${index}`);
  }

  private awaitAck(conn: Connection, tag: string): void {
    conn.ws.ping(Buffer.from(ackPayload(conn, tag)));
    clearTimeout(conn.ackTimer);
    conn.ackTimer = setTimeout(() => {
      // No pong but the socket lives: proxies may eat control frames. The watchdog guards liveness.
      this.log.warn('no acknowledgement for the subscription; assuming the server accepted it');
      this.onPong(conn, ackPayload(conn, tag));
    }, this.opts.subscribeAckTimeoutMs);
  }

  private onPong(conn: Connection, payload: string): void {
    const tag = readAck(conn, payload);
    if (tag === undefined) return;
    clearTimeout(conn.ackTimer);
    conn.ackTimer = undefined;
    if (tag === 'bulk') {
      conn.confirmed.push(...conn.requested);
      this.probe.probeNext = false;
      this.markSubscribed(conn);
      return;
    }
    if (tag.startsWith('probe:')) {
      const index = Number(tag.slice('probe:'.length));
      if (conn.pending !== undefined) {
        conn.confirmed.push(conn.pending);
        this.probe.accepted(conn.pending);
      }
      conn.pending = undefined;
      this.probeTopic(conn, index + 1);
    }
  }

  private markSubscribed(conn: Connection): void {
    if (conn.subscribed) return;
    conn.subscribed = true;
    this.subscriptions += 1;
    const gapSince = this.gapSince;
    this.gapSince = undefined;
    this.machine.transition({ state: 'subscribed', topics: [...conn.confirmed] });
    this.log.info(`subscribed to ${conn.confirmed.length} topic${conn.confirmed.length === 1 ? '' : 's'}`);
    this.emit('subscribed', { topics: [...conn.confirmed], connection: this.subscriptions, gapSince });
    conn.healthyTimer = setTimeout(() => this.backoff.reset(), this.opts.healthyAfterMs);
    applyTopicChanges(conn, this.topicList);
    // Subscribed while our reader is still behind: hold this socket's frames too.
    if (this.paused) conn.ws.pause();
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) {
      this.log.warn('ignored a binary frame (VoIPBIN sends text frames only)');
      return;
    }
    // ws hands text frames over as one Buffer; copy only the rarer shapes.
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (buf.length > this.opts.maxFrameBytes) {
      this.log.warn(`ignored a ${Math.round(buf.length / 1024)} KiB frame (limit ${Math.round(this.opts.maxFrameBytes / 1024)} KiB)`);
      return;
    }
    this.emit('frame', { text: buf.toString('utf8'), receivedAt: this.opts.now() });
  }

  /** Events may be missed from the last sign of life of a subscribed socket on. */
  private noteGap(conn: Connection): void {
    if (conn.subscribed) this.gapSince ??= this.opts.now() - (performance.now() - conn.lastActivity);
  }

  private onClose(conn: Connection, code: number): void {
    this.conn = undefined;
    if (this.machine.state === 'stopped') return;
    this.noteGap(conn);
    const failure = conn.failure;
    if (failure !== undefined && isFatal(failure)) {
      this.fatal(failure);
      return;
    }
    if (failure !== undefined) {
      if (failure.code === 'rate_limited') this.emit('error', failure);
      // The reconnecting state carries it as its reason.
      else this.log.info(failure.userMessage);
      const retryAfter = 'retryAfterMs' in failure && typeof failure.retryAfterMs === 'number' ? failure.retryAfterMs : 0;
      this.retry(failure.userMessage, retryAfter);
      return;
    }
    if (!conn.subscribed && this.machine.state === 'open') {
      // Opened, then dropped before the subscription was acknowledged: the server refuses a topic
      // (PROTOCOL.md §1.3), or the network blinked. Find out which, one topic per round trip.
      if (conn.mode === 'probe' && conn.pending !== undefined) {
        if (this.blameTopic(conn.pending) === 'gave up') return;
      }
      this.probe.probeNext = true;
      this.retry('connection dropped while subscribing', 0);
      return;
    }
    this.retry(`connection lost (code ${code})`, 0);
  }

  private blameTopic(topic: string): 'retry' | 'gave up' {
    if (!this.probe.blame(topic)) return 'retry';
    this.topicList = this.topicList.filter((t) => t !== topic);
    const reason = 'VoIPBIN closes the connection whenever this topic is subscribed (it does not accept it for these credentials)';
    this.log.error(`quarantined topic ${topic}: ${reason}`);
    this.emit('quarantined', { topic, reason });
    this.emit('error', new NotifierError('invalid_topic', `Topic "${topic}" was removed: ${reason}.`, { topic }));
    if (this.topicList.length === 0) {
      this.fatal(
        new NotifierError('invalid_topic', 'VoIPBIN refused every topic, so no events can be received. Check the topic filters and the account permissions.'),
      );
      return 'gave up';
    }
    return 'retry';
  }

  private retry(reason: string, atLeastMs: number, immediately = false): void {
    const old = this.conn;
    this.conn = undefined;
    if (old !== undefined) {
      this.noteGap(old);
      old.ws.terminate();
    }
    const next = this.backoff.next(atLeastMs);
    const step = immediately ? { ...next, delayMs: 0 } : next;
    this.machine.transition({ state: 'reconnecting', attempt: step.attempt, delayMs: step.delayMs, reason });
    this.log.info(`reconnecting in ${step.delayMs} ms (attempt ${step.attempt}): ${reason}`);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      if (this.machine.state === 'reconnecting') this.connect();
    }, step.delayMs);
  }

  private fatal(error: NotifierError): void {
    // Emitted as the error and the stopped state's reason.
    this.log.info(error.userMessage);
    this.emit('error', error);
    this.halt({ state: 'stopped', reason: error.userMessage, code: error.code });
  }

  private halt(detail: { state: 'stopped'; reason: string; code?: string | undefined }): void {
    clearTimeout(this.reconnectTimer);
    this.liveness.stop();
    const c = this.conn;
    this.conn = undefined;
    if (c !== undefined) {
      closeConnection(c);
    } else {
      for (const done of this.closed.splice(0)) done();
    }
    if (this.machine.state !== 'stopped') this.machine.transition(detail);
  }
}
