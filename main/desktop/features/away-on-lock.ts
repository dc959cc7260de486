import type { Clock, Logger } from '../../core/platform/index.js';
import { describeError } from '../../core/platform/index.js';
import { SETTABLE_STATUSES, type SettableStatus } from '../../core/presence/index.js';
import type { SessionManager } from '../session/session-manager.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { SystemEvent } from '../session/machine-conditions.js';

/**
 * Away while away (opt-in, `notifications.awayOnLock`): the screen locks or the machine sleeps →
 * my status becomes `away`, so queues stop ringing a desk nobody sits at; unlock or wake → the
 * status I had before, but only if it is still the `away` set here (a status changed meanwhile,
 * here or elsewhere, is a choice this never overrides).
 *
 * idle: nothing set here. away: set here, with what to go back to and when it was set (the watch's
 * `since`, which moves whenever the status changes).
 */
type State = { phase: 'idle' } | { phase: 'away'; before: SettableStatus; since: number };

/** A wake-up's network may not be back yet: the way back is tried a few times. */
const RETRIES = 3;
const RETRY_MS = 5_000;

export interface AwayOnLockOptions {
  sessions: SessionManager;
  settings: SettingsStore;
  logger: Logger;
  clock: Clock;
  changed(): void;
}

export class AwayOnLock {
  private state: State = { phase: 'idle' };
  private retry: unknown;

  constructor(private readonly o: AwayOnLockOptions) {}

  async systemEvent(e: SystemEvent): Promise<void> {
    if (e === 'lock-screen' || e === 'suspend') await this.leave();
    else if (e === 'unlock-screen' || e === 'resume') await this.back(RETRIES);
  }

  dispose(): void {
    this.o.clock.clearTimeout(this.retry);
  }

  private async leave(): Promise<void> {
    const presence = this.o.sessions.current?.presence;
    const now = presence?.watch?.status;
    if (!this.o.settings.settings.notifications.awayOnLock || presence === undefined || now === undefined) return;
    // Already away or offline: nothing to do, and nothing to undo later.
    const before = SETTABLE_STATUSES.find((s) => s === now.status);
    if (this.state.phase === 'away' || before === undefined || before === 'away' || before === 'offline') return;
    try {
      await presence.set('away');
      const since = presence.watch?.status?.since ?? this.o.clock.now();
      this.state = { phase: 'away', before, since };
      this.o.logger.info(`screen locked: status set to away (was ${now.status})`);
    } catch (e) {
      this.o.logger.warn('could not set the status to away on lock', { error: describeError(e) });
    }
    this.o.changed();
  }

  private async back(tries: number): Promise<void> {
    this.o.clock.clearTimeout(this.retry);
    const s = this.state;
    const presence = this.o.sessions.current?.presence;
    if (s.phase !== 'away') return;
    const now = presence?.watch?.status;
    if (presence === undefined || now === undefined || now.status !== 'away' || now.since !== s.since) {
      // Changed since we set it (or signed out): that choice stands.
      this.state = { phase: 'idle' };
      return;
    }
    try {
      await presence.set(s.before);
      this.state = { phase: 'idle' };
      this.o.logger.info(`screen unlocked: status back to ${s.before}`);
    } catch (e) {
      this.o.logger.warn('could not set the status back after unlock', { error: describeError(e) });
      if (tries > 1) this.retry = this.o.clock.setTimeout(() => void this.back(tries - 1), RETRY_MS);
    }
    this.o.changed();
  }
}
