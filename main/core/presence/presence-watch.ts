import type { RestClient } from '../api/index.js';
import { NotifierError, TypedEmitter, describeError, isNotifierError, systemClock, type Clock, type Logger } from '../platform/index.js';
import { readMyStatus, setMyStatus, statusName, toAgentStatus, type AgentStatus, type Presence, type SettableStatus } from './agent-status.js';

/**
 * Follows the agent's own status and springs the busy trap (PROTOCOL.md §11.2): agent-manager
 * makes an agent `busy` when a call of theirs is answered (`ringing` when one rings) and nothing
 * sets it back, while queues ring only `available` agents. So after each of my calls, once a
 * wrap-up time has passed, a status still busy or ringing is said once — or, with
 * `backToAvailable`, set back to available, unless anyone changed it meanwhile.
 *
 * The status is read from the server (GET /service_agents/me): at start, after each
 * (re)connection, after each call of mine ends and every `pollMs` while connected — agent tokens
 * never hear `agent_status_updated`; admin tokens do, and each such frame is used as it comes.
 * One source of truth: `current`. Everything else (receiving queue calls, since when not) is
 * derived from it.
 */
export type PresenceChangedBy = 'server' | 'me' | 'auto';

export interface PresenceChange {
  status: AgentStatus;
  /** undefined for the first status learnt. */
  previous: AgentStatus | undefined;
  /** server: read or heard from VoIPBIN (agent-manager, the console, another device); me: set here; auto: back to available after wrap-up. */
  changedBy: PresenceChangedBy;
  at: number;
  receivingQueueCalls: boolean;
}

export interface PresenceReminder {
  status: AgentStatus;
  /** When the call that left it so ended. */
  callEndedAt: number;
  wrapUpMs: number;
  message: string;
}

export interface PresenceWatchEvents {
  presence: PresenceChange;
  reminder: PresenceReminder;
  /** Setting the status back by itself failed: the reminder is said instead. */
  error: NotifierError;
}

export interface PresenceWatchOptions {
  rest: RestClient;
  logger: Logger;
  /** After a call ends, how long the agent may stay busy before being reminded (0: at once). */
  wrapUpMs?: number;
  backToAvailable?: boolean;
  pollMs?: number;
  clock?: Clock;
}

export const DEFAULT_WRAP_UP_MS = 60_000;
const DEFAULT_POLL_MS = 60_000;
/** Statuses agent-manager leaves behind after a call. */
const TRAPPED: ReadonlySet<AgentStatus> = new Set(['busy', 'ringing']);

/** A status agent-manager leaves behind after a call: what the busy trap's reminder says stays true only while it holds. */
export function isTrapped(status: AgentStatus): boolean {
  return TRAPPED.has(status);
}

/** none: no call of mine ended since the last check; waiting: one did, its wrap-up is running. */
type WrapUp = { phase: 'none' } | { phase: 'waiting'; endedAt: number; changesAtEnd: number; timer: unknown };

interface Known {
  status: AgentStatus;
  since: number;
  changedBy: PresenceChangedBy;
}

export class PresenceWatch extends TypedEmitter<PresenceWatchEvents> {
  private current: Known | undefined;
  /** Every change learnt or made, counted: "changed meanwhile" is a different count. */
  private changes = 0;
  /**
   * Statuses set here (by me or after the wrap-up) or heard as frames, counted, and sets on their
   * way: a read begun before one of them, or answered while one is under way, may have been
   * served before it — older news that must not overwrite it.
   */
  private told = 0;
  private setting = 0;
  /** The latest set under way: its own agent_status_updated, heard before the PUT is answered, is that set's. */
  private pending: { status: SettableStatus; by: PresenceChangedBy } | undefined;
  private wrapUp: WrapUp = { phase: 'none' };
  private pollTimer: unknown;
  private reading: Promise<void> | undefined;
  private disposed = false;
  private readonly clock: Clock;
  private readonly log: Logger;
  private wrapUpMsNow: number;
  private backToAvailable: boolean;

  constructor(private readonly o: PresenceWatchOptions) {
    super((e) => o.logger.error('presence consumer failed', { error: describeError(e) }));
    this.clock = o.clock ?? systemClock;
    this.log = o.logger.child({ component: 'presence' });
    this.wrapUpMsNow = Math.max(0, o.wrapUpMs ?? DEFAULT_WRAP_UP_MS);
    this.backToAvailable = o.backToAvailable === true;
  }

  get wrapUpMs(): number {
    return this.wrapUpMsNow;
  }

  /** A call of mine ended and its wrap-up is running. */
  get wrappingUp(): boolean {
    return this.wrapUp.phase === 'waiting';
  }

  /** New settings: they apply from the next call that ends (a wrap-up running keeps its time). */
  configure(c: { wrapUpMs?: number | undefined; backToAvailable?: boolean | undefined }): void {
    if (c.wrapUpMs !== undefined) this.wrapUpMsNow = Math.max(0, c.wrapUpMs);
    if (c.backToAvailable !== undefined) this.backToAvailable = c.backToAvailable;
  }

  /** The status as last known, with since when and who set it. */
  get status(): Readonly<Known> | undefined {
    return this.current;
  }

  /** Since when queue calls cannot reach me (undefined while available or not known yet). */
  get notReceivingSince(): number | undefined {
    return this.current === undefined || this.current.status === 'available' ? undefined : this.current.since;
  }

  /**
   * Subscribed (first time or again): read now, then every pollMs until disconnected() — unless
   * the subscription itself carries my agent_status_updated (`hearsChanges`): then every change
   * arrives as a frame, and a poll would only wake the machine once a minute for nothing.
   */
  connected(o: { hearsChanges?: boolean } = {}): void {
    if (this.disposed) return;
    void this.refresh();
    if (o.hearsChanges === true) this.disconnected();
    else this.armPoll();
  }

  disconnected(): void {
    this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** A frame of agent_status_updated for me (admin tokens hear them). */
  heard(status: string): void {
    this.told += 1;
    const mine = this.pending !== undefined && this.pending.status === status ? this.pending.by : 'server';
    this.apply(status, mine);
  }

  /** A call of mine rings or goes on: a wrap-up running is over (busy now is the call's). */
  callStarted(): void {
    if (this.wrapUp.phase !== 'waiting') return;
    this.clock.clearTimeout(this.wrapUp.timer);
    this.wrapUp = { phase: 'none' };
  }

  /** My last open call hung up: read the status, and check again once the wrap-up has passed. */
  callEnded(): void {
    if (this.disposed) return;
    if (this.wrapUp.phase === 'waiting') this.clock.clearTimeout(this.wrapUp.timer);
    const endedAt = this.clock.now();
    // The baseline is taken after the read that follows the hangup: agent-manager's own busy is not "someone changed it".
    this.wrapUp = { phase: 'waiting', endedAt, changesAtEnd: this.changes, timer: undefined };
    const wrap = this.wrapUp;
    void this.refresh().then(() => {
      if (this.wrapUp !== wrap || this.disposed) return;
      wrap.changesAtEnd = this.changes;
      wrap.timer = this.clock.setTimeout(() => void this.endOfWrapUp(wrap), this.wrapUpMs);
    });
  }

  /** Sets my status (the person's choice); resolves with what the server now holds. */
  async set(status: SettableStatus): Promise<Presence> {
    // A press on a pop-up of a sign-in that has ended must not set the status of whoever it was.
    if (this.disposed) throw new NotifierError('presence_unavailable', 'This sign-in has ended: your status was not changed.');
    return this.put(status, 'me');
  }

  dispose(): void {
    this.disposed = true;
    this.disconnected();
    if (this.wrapUp.phase === 'waiting') this.clock.clearTimeout(this.wrapUp.timer);
    this.wrapUp = { phase: 'none' };
  }

  private armPoll(): void {
    this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = this.clock.setTimeout(() => {
      void this.refresh();
      this.armPoll();
    }, this.o.pollMs ?? DEFAULT_POLL_MS);
  }

  /** PUT, then the status as the server holds it (setMyStatus reads it back after the PUT). */
  private async put(status: SettableStatus, by: PresenceChangedBy): Promise<Presence> {
    this.setting += 1;
    const pending = { status, by };
    this.pending = pending;
    let p: Presence;
    try {
      p = await setMyStatus(this.o.rest, status);
    } catch (e) {
      this.setting -= 1;
      if (this.pending === pending) this.pending = undefined;
      // A read dropped while this was under way is owed: where I stand is read again.
      void this.refresh();
      throw e;
    }
    this.setting -= 1;
    if (this.pending === pending) this.pending = undefined;
    this.told += 1;
    this.apply(p.status, by);
    return p;
  }

  /** One read at a time: a second asker shares the one in flight. */
  private refresh(): Promise<void> {
    const told = this.told;
    this.reading ??= readMyStatus(this.o.rest)
      .then((p) => {
        if (this.told === told && this.setting === 0) this.apply(p.status, 'server');
        else this.log.debug('a status read older than one set or heard meanwhile: dropped');
      })
      .catch((e: unknown) => this.log.warn('could not read my status', { error: describeError(e) }))
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private apply(raw: string, by: PresenceChangedBy): void {
    if (this.disposed) return;
    // The server stores any string: one this version does not know reads as unknown, never available.
    const status = toAgentStatus(raw);
    const previous = this.current?.status;
    if (previous === status) return;
    const at = this.clock.now();
    this.current = { status, since: at, changedBy: by };
    this.changes += 1;
    this.emit('presence', { status, previous, changedBy: by, at, receivingQueueCalls: status === 'available' });
  }

  private async endOfWrapUp(wrap: Extract<WrapUp, { phase: 'waiting' }>): Promise<void> {
    await this.refresh();
    if (this.wrapUp !== wrap || this.disposed) return;
    this.wrapUp = { phase: 'none' };
    const now = this.current;
    if (now === undefined || !isTrapped(now.status)) return;
    // Never override a choice made elsewhere: any change since the call ended means someone chose.
    if (this.backToAvailable && this.changes === wrap.changesAtEnd) {
      try {
        const p = await this.put('available', 'auto');
        if (p.status === 'available') return;
      } catch (e) {
        this.emit('error', isNotifierError(e) ? e : new NotifierError('network', 'Could not set your status back to available.', {}, { cause: e }));
      }
    }
    const status = this.current?.status ?? now.status;
    this.emit('reminder', {
      status,
      callEndedAt: wrap.endedAt,
      wrapUpMs: this.wrapUpMs,
      message: `You are still ${statusName(status)} — queue calls cannot reach you`,
    });
  }
}
