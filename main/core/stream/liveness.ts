import { performance } from 'node:perf_hooks';

/**
 * Is the socket still there, and was the machine asleep? No tick: an idle process should wake no
 * more often than the server's pings do (issue 14).
 *  - silence: nothing (ping, pong, frame) for `watchdogMs` means a half-open socket, which never
 *    errors by itself. One timer, set for the last sign of life plus the watchdog; when it fires it
 *    is set again from the latest sign of life, so on a healthy socket it fires every 15–25 s.
 *    Not set again at each ping: Node leaves the OS timer of a cleared timeout armed, so the
 *    process would wake at the old deadline all the same (measured: the same wake-ups, more work).
 *  - sleep: the wall clock moved more than the monotonic one since the last reading. Monotonic
 *    clocks (and so Node's timers) stand still during suspend, so only the wall clock shows a
 *    sleep, and only when something runs after the wake-up: the clock is read at each ping (which
 *    wakes the process anyway) and at the silence deadline. A sleep the socket survived is found
 *    at the next ping (≤ 10 s), one that killed it at the deadline (≤ watchdogMs after the
 *    wake-up). Where something tells of wake-ups at once (logind, Electron's powerMonitor), the
 *    stream is told through wokeUp() and reconnects before either; a one-second clock tick that
 *    served machines without them (containers, servers, WSL: rarely ones that suspend) woke an
 *    idle command 12× as often as a bare client on the same socket.
 */
export interface LivenessOptions {
  watchdogMs: number;
  sleepJumpMs: number;
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
  private started = false;

  constructor(private readonly o: LivenessOptions) {}

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

  /** A sleep was told from outside (and acted on): the clocks start again from here, so it is not found a second time. */
  sleepTold(): void {
    this.checkedWall = this.o.now();
    this.checkedMono = performance.now();
  }

  /** The server pinged: the process is awake anyway, a moment to read the clock. */
  pinged(): void {
    if (this.started) this.sleptSinceLastCheck();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const last = this.o.lastActivity();
    const silenceIn = last === undefined ? this.o.watchdogMs : last + this.o.watchdogMs - performance.now() + 1;
    this.timer = setTimeout(() => this.check(), Math.max(MIN_DELAY_MS, silenceIn));
  }

  private check(): void {
    if (!this.sleptSinceLastCheck()) {
      const last = this.o.lastActivity();
      const mono = performance.now();
      if (last !== undefined && mono - last > this.o.watchdogMs) this.o.silent(mono - last);
    }
    // What was told may have stopped the stream (and us with it).
    if (this.started) this.schedule();
  }

  /** Reads both clocks; tells and returns true when the machine slept since the last reading. */
  private sleptSinceLastCheck(): boolean {
    const wall = this.o.now();
    const mono = performance.now();
    // Time that passed for the wall clock but not for the monotonic one: a suspend (or a clock set
    // forward, which is treated the same: the socket may be fine, a reconnect is cheap).
    const late = wall - this.checkedWall - (mono - this.checkedMono);
    this.checkedWall = wall;
    this.checkedMono = mono;
    if (late <= this.o.sleepJumpMs || !this.o.running()) return false;
    this.o.slept(late, wall - late);
    return true;
  }
}
