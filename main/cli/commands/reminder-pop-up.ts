import type { NotificationSink, PopUp } from '../../core/notify/index.js';
import { describeError, type Logger } from '../../core/platform/index.js';
import type { PresenceReminder } from '../../core/presence/index.js';

/** The busy trap's reminder (core/presence): one pop-up, replaced in place. */
export const REMINDER_ID = 'presence-reminder';

function reminderPopUp(r: PresenceReminder, at: number): PopUp {
  return {
    kind: 'summary',
    resourceId: REMINDER_ID,
    title: r.message,
    // Where the server draws no buttons (or on macOS and Windows), the way to do it by hand.
    body: 'Set yourself Available: voipbin-notifier status available',
    sound: true,
    urgent: false,
    at,
    action: { id: 'set-available', label: 'Set Available' },
  };
}

/**
 * The reminder as a pop-up of the headless command. Shows and withdrawals run one after another:
 * a withdrawal must find the id its show was given (a show still on its way over D-Bus would
 * otherwise leave a never-expiring pop-up nobody can close), and two shows must not both make new
 * pop-ups. Once the command stops, nothing more is shown and what is shown goes: its button would
 * act for nobody.
 */
export class ReminderPopUp {
  private chain: Promise<void> = Promise.resolve();
  private shown = false;
  private ended = false;

  constructor(
    private readonly sink: NotificationSink,
    private readonly log: Logger,
  ) {}

  /** A reminder is on screen (or on its way there), and its button may still act. */
  get live(): boolean {
    return this.shown && !this.ended;
  }

  show(r: PresenceReminder): void {
    if (this.ended) return;
    this.shown = true;
    this.step('show', () => this.sink.show(reminderPopUp(r, Date.now())));
  }

  /** No longer true (my status changed, or I am on a call): it goes. */
  withdraw(): void {
    if (!this.shown) return;
    this.shown = false;
    this.step('withdraw', () => this.sink.withdraw(REMINDER_ID, 'ended'));
  }

  /** The command stops: resolves once the pop-up is gone (or the sink gave up). */
  end(): Promise<void> {
    this.withdraw();
    this.ended = true;
    return this.chain;
  }

  private step(what: string, fn: () => Promise<void>): void {
    this.chain = this.chain.then(fn).catch((e: unknown) => this.log.warn(`could not ${what} the busy reminder`, { error: describeError(e) }));
  }
}
