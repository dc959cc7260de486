import type { NotificationKind } from '../../../shared/notification-settings.js';

/**
 * Bursts (a reconnect, a queue flood, a supervisor's customer-wide view) must not bury the agent:
 * at most `max` pop-ups per window, then one summary for the rest when the window closes.
 * Nothing is dropped from history; this only decides what pops up.
 */
export interface StormOptions {
  maxPerWindow: number;
  windowMs: number;
}

export class StormGuard {
  private windowStart = -Infinity;
  private shownInWindow = 0;
  private held = new Map<NotificationKind, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private options: StormOptions,
    private readonly onSummary: (held: ReadonlyMap<NotificationKind, number>) => void,
    private readonly now: () => number = Date.now,
  ) {}

  configure(options: StormOptions): void {
    this.options = options;
  }

  /** True if this pop-up may show now; otherwise it is counted for the summary. */
  admit(kind: NotificationKind): boolean {
    const now = this.now();
    // A wall clock set back (NTP, a time zone fix, resume from sleep) starts a new window too:
    // otherwise the old one would last until the clock caught up, holding every pop-up back.
    if (now - this.windowStart >= this.options.windowMs || now < this.windowStart) {
      this.windowStart = now;
      this.shownInWindow = 0;
    }
    if (this.shownInWindow < this.options.maxPerWindow) {
      this.shownInWindow += 1;
      return true;
    }
    this.held.set(kind, (this.held.get(kind) ?? 0) + 1);
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.windowStart + this.options.windowMs - now));
    return false;
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.held.size === 0) return;
    const held = this.held;
    this.held = new Map();
    this.onSummary(held);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
