import { describe, expect, it } from 'vitest';
import { Backoff } from '../../main/core/platform/backoff.js';

describe('full-jitter backoff', () => {
  it('keeps the first retry well under a second and caps at 30 s', () => {
    const top = new Backoff(undefined, () => 0.999999);
    const ceilings = Array.from({ length: 12 }, () => top.next());
    expect(ceilings[0]!.delayMs).toBeLessThan(500);
    expect(ceilings.map((s) => s.ceilingMs)).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000, 30000, 30000]);
    expect(Math.max(...ceilings.map((s) => s.delayMs))).toBeLessThan(30_000);
  });
  it('spreads delays over the whole window (real randomness)', () => {
    const delays = Array.from({ length: 2000 }, () => {
      const b = new Backoff();
      for (let i = 0; i < 4; i++) b.next();
      return b.next().delayMs; // attempt 5: window [0, 8000)
    });
    expect(Math.min(...delays)).toBeLessThan(800);
    expect(Math.max(...delays)).toBeGreaterThan(7200);
    expect(delays.every((d) => d >= 0 && d < 8000)).toBe(true);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean).toBeGreaterThan(3500);
    expect(mean).toBeLessThan(4500);
  });
  it('honours Retry-After as a floor and resets after a healthy connection', () => {
    const b = new Backoff(undefined, () => 0);
    expect(b.next(7000).delayMs).toBe(7000);
    b.next();
    b.reset();
    expect(b.next().attempt).toBe(1);
  });
});
