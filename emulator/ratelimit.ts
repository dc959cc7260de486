// Token buckets for the three limiters of PROTOCOL.md §1.2 / §8.
import { performance } from 'node:perf_hooks';
import type { Bucket, RateLimitOptions } from './types.js';

/**
 * Server defaults (§8, bin-api-manager internal/config): per-IP /auth/* 10 rps
 * burst 20, per-IP /v1.0 200 rps burst 400, per customer 16.7 rps burst 33. The
 * customer limiter rounds its rate (`int(math.Round(rps))`, customer_ratelimit.go),
 * so the effective default is 17.
 */
export const DEFAULT_LIMITS = {
  authPerIp: { ratePerSec: 10, burst: 20 },
  v1PerIp: { ratePerSec: 200, burst: 400 },
  perCustomer: { ratePerSec: 17, burst: 33 },
} as const satisfies Required<RateLimitOptions>;

export type TakeResult = { allowed: true } | { allowed: false; retryAfterSec: number };

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.last = nowMs;
  }

  take(nowMs: number): TakeResult {
    this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.last) / 1000) * this.rate);
    this.last = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true };
    }
    // Retry-After is whole seconds rounded up (customer_ratelimit.go: math.Ceil).
    const wait = (1 - this.tokens) / this.rate;
    return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(wait)) };
  }
}

/** One bucket per key (IP address or customer id). A null bucket means "off". */
export class KeyedLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly bucket: Bucket | null,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  take(key: string): TakeResult {
    // Same "0 disables the tier" convention as the server's middlewares.
    if (this.bucket === null || !(this.bucket.ratePerSec > 0) || this.bucket.burst <= 0) {
      return { allowed: true };
    }
    const now = this.clock();
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = new TokenBucket(this.bucket.ratePerSec, this.bucket.burst, now);
      this.buckets.set(key, b);
    }
    return b.take(now);
  }
}

export interface Limiters {
  authPerIp: KeyedLimiter;
  v1PerIp: KeyedLimiter;
  perCustomer: KeyedLimiter;
}

export function makeLimiters(opts: RateLimitOptions | false | undefined): Limiters {
  if (opts === false) {
    return { authPerIp: new KeyedLimiter(null), v1PerIp: new KeyedLimiter(null), perCustomer: new KeyedLimiter(null) };
  }
  return {
    authPerIp: new KeyedLimiter(opts?.authPerIp ?? DEFAULT_LIMITS.authPerIp),
    v1PerIp: new KeyedLimiter(opts?.v1PerIp ?? DEFAULT_LIMITS.v1PerIp),
    perCustomer: new KeyedLimiter(opts?.perCustomer ?? DEFAULT_LIMITS.perCustomer),
  };
}
