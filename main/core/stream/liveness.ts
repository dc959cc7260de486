import { performance } from 'node:perf_hooks';

/**
 * Is the socket still there, and was the machine asleep? One timer ticks (every watchdog/5, at
 * most every second) and checks two things:
 *  - the wall clock: a tick later than `sleepJumpMs` means timers were frozen, the machine
 *    slept, and the socket is suspect — monotonic clocks stop during suspend, so only the wall
 *    clock shows it;
 *  - silence: nothing (ping, pong, frame) for `watchdogMs` means a half-open socket, which never
 *    errors by itself. The server pings every 10 s.
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

export class Liveness {
  private timer: NodeJS.Timeout | undefined;
  private lastTickWall = 0;

  constructor(private readonly o: LivenessOptions) {}

  start(): void {
    const interval = Math.max(50, Math.min(1_000, Math.floor(this.o.watchdogMs / 5)));
    this.lastTickWall = this.o.now();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(interval), interval);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(interval: number): void {
    const wall = this.o.now();
    const late = wall - this.lastTickWall - interval;
    this.lastTickWall = wall;
    if (late > this.o.sleepJumpMs && this.o.running()) {
      this.o.slept(late, wall - late);
      return;
    }
    const last = this.o.lastActivity();
    if (last === undefined) return;
    const silentFor = performance.now() - last;
    if (silentFor > this.o.watchdogMs) this.o.silent(silentFor);
  }
}
