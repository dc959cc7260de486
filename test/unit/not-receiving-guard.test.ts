import { describe, expect, it } from 'vitest';
import { NotReceivingGuard, evaluateGuard, type GuardInput } from '../../main/desktop/features/not-receiving-guard.js';
import type { AlertView } from '../../shared/ipc-contract.js';

const up: GuardInput = {
  signedIn: true,
  streamUp: true,
  downSince: 0,
  suspended: false,
  online: true,
  tokenExpired: false,
  stopped: undefined,
  notificationsBlocked: undefined,
  notAvailable: undefined,
  wrapUpMs: 60_000,
};

/** A clock the test moves by hand. */
class ManualClock {
  t = 1_000_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== h);
  };
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (next === undefined) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

describe('not-receiving guard', () => {
  it('a short drop is forgiven; past the grace period it alerts once, loudly, until the stream is back', () => {
    const clock = new ManualClock();
    const raised: AlertView[] = [];
    const changes: (AlertView | null)[] = [];
    const g = new NotReceivingGuard({ raised: (a) => raised.push(a), changed: (a) => changes.push(a) }, clock, 30_000);
    g.update(up);
    g.update({ ...up, streamUp: false, downSince: clock.t });
    clock.advance(29_000);
    expect(g.alert).toBeNull();
    g.update({ ...up, streamUp: true });
    g.update({ ...up, streamUp: false, downSince: clock.t });
    clock.advance(31_000);
    expect(g.alert).toMatchObject({
      reason: 'stream_down',
      title: 'Not receiving calls',
      message: 'Disconnected for 30 s: VoIPBIN cannot be reached. The notifier keeps retrying.',
    });
    clock.advance(60_000);
    expect(g.alert?.message).toMatch(/^Disconnected for 1 min/);
    expect(raised).toHaveLength(1);
    g.update({ ...up, streamUp: true });
    expect(g.alert).toBeNull();
    expect(changes.at(-1)).toBeNull();
    // A new episode is a new loud alert.
    g.update({ ...up, streamUp: false, downSince: clock.t, online: false });
    clock.advance(30_000);
    expect(raised).toHaveLength(2);
    expect(raised[1]?.message).toMatch(/this computer is offline/);
    g.dispose();
  });

  it('connected but not available: nothing during the wrap-up, then "queue calls won\'t reach you" until available again; a lost stream says that instead', () => {
    const clock = new ManualClock();
    const raised: AlertView[] = [];
    const g = new NotReceivingGuard({ raised: (a) => raised.push(a), changed: () => undefined }, clock, 30_000);
    g.update({ ...up, notAvailable: { status: 'busy', since: clock.t } });
    clock.advance(59_000);
    expect(g.alert).toBeNull();
    clock.advance(1_000);
    expect(g.alert).toMatchObject({ reason: 'not_available', title: "Connected · Busy — queue calls won't reach you" });
    expect(g.alert?.message).toMatch(/Available agents, and you have been Busy for 1 min\. Set yourself Available/);
    clock.advance(120_000);
    expect(g.alert?.message).toMatch(/Busy for 3 min/);
    expect(raised).toHaveLength(1);
    g.update(up);
    expect(g.alert).toBeNull();
    // The stream matters more than the status: down, it is the stream that is said.
    g.update({ ...up, streamUp: false, downSince: clock.t, notAvailable: { status: 'away', since: clock.t - 600_000 } });
    clock.advance(31_000);
    expect(g.alert?.reason).toBe('stream_down');
    g.dispose();
  });

  it('asleep is not an outage; resume restarts the grace period', () => {
    const clock = new ManualClock();
    const g = new NotReceivingGuard({ raised: () => undefined, changed: () => undefined }, clock, 30_000);
    g.update({ ...up, streamUp: false, downSince: clock.t, suspended: true });
    clock.advance(3_600_000);
    expect(g.alert).toBeNull();
    g.update({ ...up, streamUp: false, downSince: clock.t, suspended: false });
    expect(g.alert).toBeNull();
    clock.advance(30_000);
    expect(g.alert?.reason).toBe('stream_down');
  });

  it.each([
    [
      'the server refused the credentials',
      { stopped: { code: 'auth_failed', message: 'VoIPBIN refused the sign-in.' } },
      'auth_failed',
      'VoIPBIN refused the sign-in.',
    ],
    [
      'the token expired',
      { tokenExpired: true },
      'token_expired',
      'Your VoIPBIN sign-in has expired. The next reconnect will be refused: sign in again to keep receiving calls.',
    ],
    [
      'the OS refuses pop-ups',
      { notificationsBlocked: 'notifications are off' },
      'notifications_blocked',
      'The system refuses to show notifications (notifications are off). Allow notifications for VoIPBIN Notifier in the system settings.',
    ],
    [
      'the listener gave up',
      { stopped: { code: 'invalid_topic', message: 'VoIPBIN refused every topic.' }, streamUp: false },
      'stream_down',
      'VoIPBIN refused every topic.',
    ],
  ])('%s: at once, no grace period', (_what, over, reason, message) => {
    expect(evaluateGuard({ ...up, ...over }, 0)).toMatchObject({ reason, message });
  });

  it('auth beats expiry beats blocked pop-ups beats a down stream; signed out is no alert', () => {
    const all = { ...up, streamUp: false, downSince: 0, tokenExpired: true, notificationsBlocked: 'x', stopped: { code: 'auth_failed', message: 'no' } };
    expect(evaluateGuard(all, 100_000)?.reason).toBe('auth_failed');
    expect(evaluateGuard({ ...all, stopped: undefined }, 100_000)?.reason).toBe('token_expired');
    expect(evaluateGuard({ ...all, stopped: undefined, tokenExpired: false }, 100_000)?.reason).toBe('notifications_blocked');
    expect(evaluateGuard({ ...all, signedIn: false }, 100_000)).toBeNull();
  });

  it('a frozen, expired or deleted account is not "sign in again": the alert says the account is blocked and why', () => {
    for (const code of ['account_frozen', 'account_expired', 'account_deleted']) {
      expect(evaluateGuard({ ...up, stopped: { code, message: 'The VoIPBIN account has been deleted …' } }, 0)).toEqual({
        reason: 'auth_failed',
        title: 'Not receiving calls: the VoIPBIN account is blocked',
        message: 'The VoIPBIN account has been deleted …',
      });
    }
  });
});
