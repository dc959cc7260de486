import type { NotifierError } from '../../core/platform/index.js';
import type { StateChange, StateDetail } from '../../core/stream/index.js';
import type { ConnectionView } from '../../../shared/ipc-contract.js';

/**
 * What the window and the tray say about the connection. The state itself is never kept here:
 * it is read from the core's state machine (the session's `detail`) each time a view is made.
 * This only adds what the machine does not remember — when the state last changed, how many
 * reconnects, the last event and error, quarantined topics, since when calls could not arrive.
 */
export interface RecentError {
  at: number;
  code: string;
  message: string;
}

const ERRORS_KEPT = 20;

export class ConnectionStatus {
  private since: number;
  private lastEventAt: number | null = null;
  private reconnects = 0;
  private everSubscribed = false;
  private lastError: RecentError | null = null;
  private quarantined: string[] = [];
  private downSinceAt: number;
  /** Why it went down last; still said while the next attempt connects. */
  private lastReason: string | null = null;
  /**
   * @param recentErrors newest first, for diagnostics: the app's list, shared by every status
   * (a sign-out does not wipe what went wrong before it).
   */
  constructor(
    private readonly now: () => number,
    readonly recentErrors: RecentError[] = [],
  ) {
    this.since = now();
    this.downSinceAt = this.since;
  }

  /** Since when calls could not arrive (the last time the stream left `subscribed`, or the start). */
  get downSince(): number {
    return this.downSinceAt;
  }

  get quarantinedTopics(): readonly string[] {
    return this.quarantined;
  }

  onState(c: StateChange): void {
    this.since = c.at;
    // Connections made again, not attempts: a server down for a minute is not "17 reconnects".
    if (c.to.state === 'subscribed' && this.everSubscribed) this.reconnects += 1;
    if (c.to.state === 'subscribed') this.everSubscribed = true;
    if (c.to.state === 'reconnecting' || c.to.state === 'stopped') this.lastReason = c.to.reason;
    if (c.from === 'subscribed' && c.to.state !== 'subscribed') this.downSinceAt = c.at;
  }

  onEvent(at: number): void {
    this.lastEventAt = at;
  }

  onError(e: NotifierError): void {
    const at = this.now();
    this.lastError = { at, code: e.code, message: e.userMessage };
    this.recentErrors.unshift(this.lastError);
    this.recentErrors.length = Math.min(this.recentErrors.length, ERRORS_KEPT);
  }

  onQuarantined(topic: string): void {
    this.quarantined.push(topic);
  }

  /** The topics were changed by the user: what the server refused before may be fine now. */
  clearQuarantine(): void {
    this.quarantined = [];
  }

  /** After sleep, the outage is counted from the wake-up: the machine was not trying to listen. */
  resumed(): void {
    this.downSinceAt = Math.max(this.downSinceAt, this.now());
  }

  /** `detail` undefined: signed out. */
  view(detail: StateDetail | undefined, o: { topics: number; online: boolean; suspended: boolean }): ConnectionView {
    const state = detail === undefined ? 'signed_out' : detail.state === 'idle' ? 'starting' : detail.state;
    return {
      state,
      since: this.since,
      lastEventAt: this.lastEventAt,
      reconnects: this.reconnects,
      retryAt: detail?.state === 'reconnecting' ? this.since + detail.delayMs : null,
      retry: retryNumber(detail),
      lastError: this.lastError,
      reason: state === 'subscribed' || state === 'signed_out' ? null : this.lastReason,
      topics: o.topics,
      quarantined: [...this.quarantined],
      online: o.online,
      suspended: o.suspended,
    };
  }
}

/**
 * The backoff counts a waiting retry as its attempt and the connect that follows as one more (the
 * first connect is attempt 1), so both name the same retry here: the agent sees "attempt 5" while
 * waiting and while trying it, not 5 then 6.
 */
function retryNumber(detail: StateDetail | undefined): number | null {
  if (detail?.state === 'reconnecting') return detail.attempt;
  if (detail?.state === 'connecting' && detail.attempt > 1) return detail.attempt - 1;
  return null;
}

/** The stop the session ended in, with its code, when it has stopped. */
export function stoppedWith(detail: StateDetail | undefined): { code: string; message: string } | undefined {
  return detail?.state === 'stopped' ? { code: detail.code ?? 'stopped', message: detail.reason } : undefined;
}
