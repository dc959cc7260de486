import type { AlertView } from '../../../shared/ipc-contract.js';
import { formatDuration } from '../../core/account/index.js';
import { BLOCKED_ACCOUNT, type Clock } from '../../core/platform/index.js';
import { statusName, type AgentStatus } from '../../core/presence/index.js';

/**
 * "You are not receiving calls": the one alert that must never be quiet. A stream that stays down
 * past a short grace period (a reconnect usually takes a second or two), a refused or expired
 * sign-in, or an OS that refuses pop-ups all mean a call can ring unseen. The alert is raised once
 * per episode — loudly — and stays (tray, window) until the cause is gone.
 */
export interface GuardInput {
  signedIn: boolean;
  /** The stream is subscribed: events flow. */
  streamUp: boolean;
  /** Wall-clock ms since which the stream has not been up (resume restarts it). */
  downSince: number;
  /** The machine is asleep: nothing can ring anyway, and timers lie. */
  suspended: boolean;
  online: boolean;
  tokenExpired: boolean;
  /** The server refused the credentials, or the listener stopped for good: the sentence why. */
  stopped: { code: string; message: string } | undefined;
  notificationsBlocked: string | undefined;
  /** My status, when known and not available (queues ring only available agents), and since when. */
  notAvailable: { status: AgentStatus; since: number } | undefined;
  /** How long after a call busy is expected (the wrap-up): only past it is "not receiving" said. */
  wrapUpMs: number;
}

export const DEFAULT_GRACE_MS = 30_000;

const AUTH_CODES = new Set(['auth_failed', 'unsupported_token', 'forbidden']);

export function evaluateGuard(i: GuardInput, now: number, graceMs = DEFAULT_GRACE_MS): Omit<AlertView, 'since'> | null {
  if (!i.signedIn) return null;
  if (i.stopped !== undefined && BLOCKED_ACCOUNT.has(i.stopped.code)) {
    // Signing in again cannot help: the account itself is refused, and the message says who must act.
    return { reason: 'auth_failed', title: 'Not receiving calls: the VoIPBIN account is blocked', message: i.stopped.message };
  }
  if (i.stopped !== undefined && AUTH_CODES.has(i.stopped.code)) {
    return { reason: 'auth_failed', title: 'Not receiving calls: sign in again', message: i.stopped.message };
  }
  if (i.tokenExpired) {
    return {
      reason: 'token_expired',
      title: 'Not receiving calls: sign-in expired',
      message: 'Your VoIPBIN sign-in has expired. The next reconnect will be refused: sign in again to keep receiving calls.',
    };
  }
  if (i.notificationsBlocked !== undefined) {
    return {
      reason: 'notifications_blocked',
      title: 'Calls cannot pop up',
      message: `The system refuses to show notifications (${i.notificationsBlocked}). Allow notifications for VoIPBIN Notifier in the system settings.`,
    };
  }
  if (i.stopped !== undefined) {
    return { reason: 'stream_down', title: 'Not receiving calls', message: i.stopped.message };
  }
  if (i.streamUp && i.notAvailable !== undefined && now - i.notAvailable.since >= i.wrapUpMs) {
    const name = i.notAvailable.status === '' ? 'status unknown' : statusName(i.notAvailable.status);
    return {
      reason: 'not_available',
      title: `Connected · ${name} — queue calls won't reach you`,
      message: `VoIPBIN's queues ring only Available agents, and you have been ${name} for ${formatDuration(now - i.notAvailable.since)}. Set yourself Available to receive queue calls.`,
    };
  }
  if (i.streamUp || i.suspended) return null;
  const down = now - i.downSince;
  if (down < graceMs) return null;
  const why = i.online ? 'VoIPBIN cannot be reached' : 'this computer is offline';
  return { reason: 'stream_down', title: 'Not receiving calls', message: `Disconnected for ${formatDuration(down)}: ${why}. The notifier keeps retrying.` };
}

/** The core's injectable clock (core/platform/clock.ts), so the guard and the expiry watch share one. */
export type GuardClock = Clock;

export interface GuardEvents {
  /** The alert changed (or cleared: null). */
  changed(alert: AlertView | null): void;
  /** A new episode began: say it loudly, once. */
  raised(alert: AlertView): void;
}

export class NotReceivingGuard {
  private input: GuardInput | undefined;
  private current: AlertView | null = null;
  private timer: unknown;

  constructor(
    private readonly events: GuardEvents,
    private readonly clock: GuardClock,
    private readonly graceMs = DEFAULT_GRACE_MS,
  ) {}

  get alert(): AlertView | null {
    return this.current;
  }

  update(input: GuardInput): void {
    this.input = input;
    this.evaluate();
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private evaluate(): void {
    if (this.input === undefined) return;
    const now = this.clock.now();
    const next = evaluateGuard(this.input, now, this.graceMs);
    this.dispose();
    const i = this.input;
    if (next === null && i.signedIn && !i.streamUp && !i.suspended && i.stopped === undefined) {
      // Not yet past the grace period: look again when it would be.
      this.timer = this.clock.setTimeout(() => this.evaluate(), Math.max(1, i.downSince + this.graceMs - now));
    } else if (next === null && i.streamUp && i.notAvailable !== undefined) {
      // Not available, but still within the wrap-up: look again when it is over.
      this.timer = this.clock.setTimeout(() => this.evaluate(), Math.max(1, i.notAvailable.since + i.wrapUpMs - now));
    } else if ((next?.reason === 'stream_down' && i.stopped === undefined) || next?.reason === 'not_available') {
      // Keep "disconnected for …" current while it lasts.
      this.timer = this.clock.setTimeout(() => this.evaluate(), 60_000);
    }
    const before = this.current;
    if (next === null) {
      this.current = null;
      if (before !== null) this.events.changed(null);
      return;
    }
    const same = before !== null && before.reason === next.reason && before.message === next.message;
    if (same) return;
    this.current = { ...next, since: before?.since ?? now };
    this.events.changed(this.current);
    if (before === null) this.events.raised(this.current);
  }
}
