import { describe, expect, it } from 'vitest';
import {
  HOUR_MS,
  expiryNotice,
  expiryStage,
  formatDuration,
  nextStageAt,
  watchTokenExpiry,
  type ExpiryNotice,
} from '../../main/core/account/token-lifecycle.js';
import type { Clock } from '../../main/core/platform/clock.js';

/** A clock the test moves by hand: timers fire in due order when time passes them. */
class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  pending(): number {
    return this.timers.length;
  }
  advanceTo(t: number): void {
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (next === undefined || next.at > t) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = t;
  }
  /** Runs every pending timer now, whatever the clock says (e.g. after it was set back). */
  fireAllAt(t: number): void {
    this.t = t;
    const all = this.timers;
    this.timers = [];
    for (const x of all) x.fn();
  }
  /** A suspended laptop: the wall clock jumps and timers run late, all at once. */
  sleepUntil(t: number): void {
    this.t = t;
    const due = this.timers.filter((x) => x.at <= t);
    this.timers = this.timers.filter((x) => x.at > t);
    for (const x of due) x.fn();
  }
}

const expires = new Date('2026-08-08T10:00:00.000Z');
const E = expires.getTime();

describe('expiry stages', () => {
  it('is ok until 24 h before, warning until 1 h before, critical until expiry, then expired', () => {
    expect(expiryStage(expires, E - 24 * HOUR_MS - 1)).toBe('ok');
    expect(expiryStage(expires, E - 24 * HOUR_MS)).toBe('warning');
    expect(expiryStage(expires, E - HOUR_MS - 1)).toBe('warning');
    expect(expiryStage(expires, E - HOUR_MS)).toBe('critical');
    expect(expiryStage(expires, E - 1)).toBe('critical');
    expect(expiryStage(expires, E)).toBe('expired');
  });
  it('knows when the stage changes next', () => {
    expect(nextStageAt(expires, E - 7 * 24 * HOUR_MS)).toBe(E - 24 * HOUR_MS);
    expect(nextStageAt(expires, E - 5 * HOUR_MS)).toBe(E - HOUR_MS);
    expect(nextStageAt(expires, E - 10)).toBe(E);
    expect(nextStageAt(expires, E)).toBeUndefined();
  });
  it('words the notice so the agent knows what to do and why', () => {
    expect(expiryNotice(expires, E - 25 * HOUR_MS)).toBeUndefined();
    const warning = expiryNotice(expires, E - 23 * HOUR_MS - 30 * 60_000)!;
    expect(warning).toMatchObject({ severity: 'warning', remainingMs: 23.5 * HOUR_MS });
    expect(warning.message).toMatch(/expires in 23 h 30 min \(2026-08-08T10:00:00.000Z\)\. Sign in again .*keep receiving calls/);
    expect(expiryNotice(expires, E - 42 * 60_000)!.message).toMatch(/expires in 42 min/);
    const expired = expiryNotice(expires, E + 5_000)!;
    expect(expired).toMatchObject({ severity: 'expired', remainingMs: -5_000 });
    expect(expired.message).toMatch(/expired at .*next reconnect will be refused: sign in again to keep receiving calls/);
  });
  it('formats durations coarsely', () => {
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatDuration(3 * HOUR_MS)).toBe('3 h');
    expect(formatDuration(7 * 24 * HOUR_MS - HOUR_MS)).toBe('6 days 23 h');
  });
});

describe('watchTokenExpiry with an injected clock', () => {
  it('warns at 24 h and 1 h before, and at expiry — once each', () => {
    const clock = new ManualClock(E - 7 * 24 * HOUR_MS);
    const seen: ExpiryNotice[] = [];
    const watch = watchTokenExpiry(expires, (n) => seen.push(n), { clock });
    expect(seen).toEqual([]);
    clock.advanceTo(E - 24 * HOUR_MS - 1);
    expect(seen).toEqual([]);
    clock.advanceTo(E - 24 * HOUR_MS);
    expect(seen.map((n) => n.severity)).toEqual(['warning']);
    clock.advanceTo(E - HOUR_MS);
    expect(seen.map((n) => n.severity)).toEqual(['warning', 'critical']);
    clock.advanceTo(E + 10 * HOUR_MS);
    expect(seen.map((n) => n.severity)).toEqual(['warning', 'critical', 'expired']);
    expect(seen[2]!.remainingMs).toBe(0);
    expect(clock.pending()).toBe(0);
    watch.stop();
  });

  it('reports the current stage at once when started late, skipping stages already passed', () => {
    const clock = new ManualClock(E - 30 * 60_000);
    const seen: string[] = [];
    watchTokenExpiry(expires, (n) => seen.push(n.severity), { clock });
    expect(seen).toEqual(['critical']);
    const expiredClock = new ManualClock(E + 1);
    const seen2: string[] = [];
    watchTokenExpiry(expires, (n) => seen2.push(n.severity), { clock: expiredClock });
    expect(seen2).toEqual(['expired']);
    expect(expiredClock.pending()).toBe(0);
  });

  it('re-reads the wall clock often, so a sleep past a threshold is caught on wake', () => {
    const clock = new ManualClock(E - 3 * 24 * HOUR_MS);
    const seen: string[] = [];
    watchTokenExpiry(expires, (n) => seen.push(n.severity), { clock, maxWaitMs: 10 * 60_000 });
    // Asleep from 3 days before to 30 min before: the next (capped) timer fires on wake.
    clock.sleepUntil(E - 30 * 60_000);
    expect(seen).toEqual(['critical']);
  });

  it('does not repeat a warning when the clock is set back', () => {
    const clock = new ManualClock(E - 2 * HOUR_MS);
    const seen: string[] = [];
    watchTokenExpiry(expires, (n) => seen.push(n.severity), { clock });
    clock.fireAllAt(E - 30 * HOUR_MS);
    clock.advanceTo(E - 2 * HOUR_MS);
    expect(seen).toEqual(['warning']);
    clock.advanceTo(E - HOUR_MS);
    expect(seen).toEqual(['warning', 'critical']);
  });

  it('stop() cancels what is pending', () => {
    const clock = new ManualClock(E - 2 * HOUR_MS);
    const seen: string[] = [];
    const watch = watchTokenExpiry(expires, (n) => seen.push(n.severity), { clock });
    watch.stop();
    expect(clock.pending()).toBe(0);
    clock.advanceTo(E + 1);
    expect(seen).toEqual(['warning']);
  });
});
