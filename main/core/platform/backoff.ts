/**
 * Exponential backoff with full jitter: each delay is uniform in [0, min(cap, base·2^(n-1))].
 * Full jitter spreads a fleet of agents that lost the same server, so they don't exhaust the
 * per-customer rate limit together (PROTOCOL.md §8).
 */
export interface BackoffPolicy {
  /** Ceiling of the first retry; keep well under a second so a blip is invisible. */
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 30_000 };

export interface BackoffStep {
  attempt: number;
  delayMs: number;
  ceilingMs: number;
}

export class Backoff {
  private attempts = 0;

  constructor(
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  get attempt(): number {
    return this.attempts;
  }

  /** The next delay; `atLeastMs` (a server's Retry-After) raises it but never lowers it. */
  next(atLeastMs = 0): BackoffStep {
    this.attempts += 1;
    const ceilingMs = Math.min(this.policy.capMs, this.policy.baseMs * 2 ** Math.min(this.attempts - 1, 30));
    const jittered = Math.floor(this.random() * ceilingMs);
    return { attempt: this.attempts, delayMs: Math.max(jittered, atLeastMs), ceilingMs };
  }

  reset(): void {
    this.attempts = 0;
  }
}
