import { performance } from 'node:perf_hooks';

/**
 * Is the socket still there, and was the machine asleep? One timer, set for the nearest of two
 * deadlines, checks both:
 *  - silence: nothing (ping, pong, frame) for `watchdogMs` means a half-open socket, which never
 *    errors by itself. The server pings every 10 s, so the timer is set for the last sign of life
 *    plus the watchdog, not ticked: on a healthy socket it fires about once per watchdog period.
 *  - sleep: the wall clock moved more than the monotonic one since the last check. Monotonic clocks
 *    (and so Node's timers) stand still during suspend, so only the wall clock shows a sleep, and
 *    only when some timer fires after the wake-up. Unless something tells us of wake-ups (logind,
 *    Electron's powerMonitor: `setWakeSignal`), the wall clock is read every `sleepCheckMs`, so a
 *    sleep is found within that much of the wake-up.
 */
export interface LivenessOptions {
  watchdogMs: number;
  sleepJumpMs: number;
  /** Without a wake signal, how often the wall clock is read (default: watchdog/5, at most 1 s). */
  sleepCheckMs?: number;
  /** Wall clock. */
  now: () => number;
  /** performance.now() of the socket's last sign of life, or undefined while there is no socket to watch. */
  lastActivity: () => number | undefined;
  /** Whether a sleep matters now (a stream that is connecting, live or waiting to reconnect). */
  running: () => boolean;
  /** The machine slept for about `lateMs`, from `since` (wall ms) on. */
  slept(lateMs: number, since: number): void;
  /** Nothing from the server for `silentMs`. */
  silent(silentMs: number): void;
}

/** A timer never set closer than this: a deadline just passed is checked, not spun on. */
const MIN_DELAY_MS = 50;

export class Liveness {
  private timer: NodeJS.Timeout | undefined;
  private checkedWall = 0;
  private checkedMono = 0;
  private wakeSignal = false;
  private started = false;
  private readonly sleepCheckMs: number;

  constructor(private readonly o: LivenessOptions) {
    this.sleepCheckMs = o.sleepCheckMs ?? Math.max(MIN_DELAY_MS, Math.min(1_000, Math.floor(o.watchdogMs / 5)));
  }

  start(): void {
    this.started = true;
    this.checkedWall = this.o.now();
    this.checkedMono = performance.now();
    this.schedule();
  }

  stop(): void {
    this.started = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Something tells us when the machine wakes (and the stream is told through reconnectNow): the
   * wall clock then needs no reading between silence checks, which is what wakes an idle process.
   */
  setWakeSignal(present: boolean): void {
    if (present === this.wakeSignal) return;
    this.wakeSignal = present;
    if (this.started) this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const last = this.o.lastActivity();
    const silenceIn = last === undefined ? this.o.watchdogMs : last + this.o.watchdogMs - performance.now() + 1;
    const delay = Math.min(silenceIn, this.wakeSignal ? Infinity : this.sleepCheckMs);
    this.timer = setTimeout(() => this.check(), Math.max(MIN_DELAY_MS, delay));
  }

  private check(): void {
    const wall = this.o.now();
    const mono = performance.now();
    // Time that passed for the wall clock but not for the monotonic one: a suspend (or a clock set
    // forward, which is treated the same: the socket may be fine, a reconnect is cheap).
    const late = wall - this.checkedWall - (mono - this.checkedMono);
    this.checkedWall = wall;
    this.checkedMono = mono;
    if (late > this.o.sleepJumpMs && this.o.running()) {
      this.o.slept(late, wall - late);
    } else {
      const last = this.o.lastActivity();
      if (last !== undefined && mono - last > this.o.watchdogMs) this.o.silent(mono - last);
    }
    // What was told may have stopped the stream (and us with it).
    if (this.started) this.schedule();
  }
}
