import type { Logger, Clock } from '../platform/index.js';
import { TypedEmitter, describeError } from '../platform/index.js';
import { PresenceWatch, type PresenceChange, type PresenceReminder, type SettableStatus, type Presence } from '../presence/index.js';
import { NotifierError } from '../platform/index.js';
import type { NotifierSession } from './notifier-session.js';

/**
 * A session's agent status, followed (core/presence): the watch is fed by the session's own
 * happenings — subscribed (read now, poll while connected), any other state (stop polling), my
 * calls hanging up (the busy trap) and, for admin tokens, `agent_status_updated` frames about me.
 * Access keys have no agent: presence is off for them, said once.
 */
export interface PresenceOptions {
  wrapUpMs?: number | undefined;
  backToAvailable?: boolean | undefined;
  pollMs?: number | undefined;
  clock?: Clock | undefined;
  logger: Logger;
}

export interface SessionPresenceEvents {
  presence: PresenceChange;
  reminder: PresenceReminder;
  error: NotifierError;
  /** This sign-in has no agent, so no status (said once). */
  off: string;
}

const MAX_OPEN_CALLS = 50;

export const PRESENCE_OFF_MESSAGE = 'An access key has no agent, so there is no status to follow: sign in as the agent to see and set it.';

export class SessionPresence extends TypedEmitter<SessionPresenceEvents> {
  private watchRef: PresenceWatch | undefined;
  private agentId: string | undefined;
  private saidOff = false;
  /** My calls and groupcalls not hung up yet, oldest first. */
  private readonly openCalls = new Set<string>();
  private lastCallEnd: number | undefined;
  /** The wrap-up settings now: a watch made later (the identity read after a change) starts with them. */
  private settings: { wrapUpMs: number | undefined; backToAvailable: boolean | undefined };
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly session: NotifierSession,
    private readonly o: PresenceOptions,
  ) {
    super((e) => o.logger.error('presence consumer failed', { error: describeError(e) }));
    this.settings = { wrapUpMs: o.wrapUpMs, backToAvailable: o.backToAvailable };
    this.offs.push(
      session.on('identity', (identity) => {
        if (identity.kind !== 'agent') {
          if (!this.saidOff) this.emit('off', PRESENCE_OFF_MESSAGE);
          this.saidOff = true;
          return;
        }
        if (this.watchRef !== undefined) return;
        this.agentId = identity.agentId;
        const watch = new PresenceWatch({
          rest: session.rest,
          logger: o.logger,
          wrapUpMs: this.settings.wrapUpMs,
          backToAvailable: this.settings.backToAvailable,
          pollMs: o.pollMs,
          clock: o.clock,
        });
        watch.on('presence', (p) => this.emit('presence', p));
        watch.on('reminder', (r) => this.emit('reminder', r));
        watch.on('error', (e) => this.emit('error', e));
        this.watchRef = watch;
      }),
      session.on('subscribed', (s) => {
        // What ended while we were away is not known frame by frame: the status read now says where I stand.
        this.openCalls.clear();
        this.watchRef?.connected({ hearsChanges: this.hearsMyStatus(s.topics) });
      }),
      session.on('state', (s) => {
        if (s.to.state !== 'subscribed') this.watchRef?.disconnected();
      }),
      session.on('event', (e) => {
        const watch = this.watchRef;
        if (watch === undefined || e.source !== 'stream') return;
        if (e.kind === 'agent' && e.id === this.agentId && typeof e.status === 'string') watch.heard(e.status);
        else if ((e.kind === 'call' || e.kind === 'groupcall') && e.id !== undefined && e.data.owner_id === this.agentId) this.myCall(e.id, e.status);
      }),
    );
  }

  /**
   * A groupcall ringing me and the legs I speak on are owned by me (PROTOCOL.md §3.12). A call is
   * over when nothing of mine is open any more: the legs cancelled when I answer on another
   * device hang up while I am still talking, and the next call may ring during the wrap-up.
   */
  private myCall(id: string, status: string | undefined): void {
    const watch = this.watchRef;
    if (watch === undefined) return;
    if (status !== 'hangup') {
      this.openCalls.delete(id);
      this.openCalls.add(id);
      // Bounded: a hangup lost in a gap must not keep memory, or the trap, for good.
      if (this.openCalls.size > MAX_OPEN_CALLS) this.openCalls.delete(this.openCalls.values().next().value ?? '');
      watch.callStarted();
      return;
    }
    const wasOpen = this.openCalls.delete(id);
    // A late hangup of a leg that was not open (rung on another device, cancelled when I answered)
    // is not another call ending: it must not start the wrap-up again and hold the reminder back.
    if (!wasOpen && watch.wrappingUp) return;
    if (this.openCalls.size === 0) {
      this.lastCallEnd = this.o.clock?.now() ?? Date.now();
      watch.callEnded();
    }
  }

  /**
   * Whether a subscribed topic is a prefix of a topic my agent_status_updated is published on
   * (customer scope only, PROTOCOL.md §2.4): `customer_id:C:agent:<me>` or
   * `customer_id:C:agent:agent_status_updated:<me>`.
   */
  private hearsMyStatus(topics: readonly string[]): boolean {
    const identity = this.session.identity;
    if (identity?.kind !== 'agent') return false;
    const base = `customer_id:${identity.customerId}:agent:`;
    const published = [`${base}${identity.agentId}`, `${base}agent_status_updated:${identity.agentId}`];
    return topics.some((t) => published.some((p) => p.startsWith(t)));
  }

  /** When my last open call ended (wall-clock ms), if one did while followed. */
  get callEndedAt(): number | undefined {
    return this.lastCallEnd;
  }

  /** A call of mine is ringing or going on: busy now is the call's, not the trap. */
  get onCall(): boolean {
    return this.openCalls.size > 0;
  }

  /** The watch, once the identity is known to be an agent. */
  get watch(): PresenceWatch | undefined {
    return this.watchRef;
  }

  /** New wrap-up or back-to-available settings (the desktop's settings changed). */
  configure(c: { wrapUpMs?: number | undefined; backToAvailable?: boolean | undefined }): void {
    this.settings = { wrapUpMs: c.wrapUpMs ?? this.settings.wrapUpMs, backToAvailable: c.backToAvailable ?? this.settings.backToAvailable };
    this.watchRef?.configure(c);
  }

  /** Sets my status; refused with a typed error for a sign-in that has no agent. */
  async set(status: SettableStatus): Promise<Presence> {
    if (this.watchRef === undefined) throw new NotifierError('presence_unavailable', PRESENCE_OFF_MESSAGE);
    return this.watchRef.set(status);
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    this.watchRef?.dispose();
  }
}
