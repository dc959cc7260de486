import { CallOffers, type CallDecision, type OfferMode, type WithdrawReason } from './call-offers.js';
import { callText, countsInWords, messageText, type NotificationText } from './notification-content.js';
import { NotificationHistory, type HistoryItem } from './notification-history.js';
import { presentationFor } from './notification-policy.js';
import { StormGuard } from './storm-guard.js';
import { NotifierError, describeError } from './errors.js';
import type { Identity } from './identity.js';
import type { CatchupReport, ResourceEvent } from './listener.js';
import type { Logger } from './log.js';
import { TypedEmitter } from './typed-emitter.js';
import type { NotificationKind, NotificationSettings } from '../../shared/notification-settings.js';

/**
 * From accepted resource events to what the agent sees: rules (call offers, messages), the
 * interruption policy, storm control, history, and a delivery backend. Every decision is
 * announced (`notification` / `withdrawn`) whether or not the OS pop-up is shown.
 */
export interface PopUp {
  kind: NotificationKind;
  resourceId: string;
  title: string;
  body: string;
  sound: boolean;
  /** Calls breaking through Do Not Disturb: critical urgency / urgent toast. */
  urgent: boolean;
  at: number;
}

/** A way to show pop-ups: node-notifier (headless), Electron Notification (GUI), or none. */
export interface NotificationSink {
  readonly name: string;
  /** Resolves when shown; rejects when the OS refuses (no daemon, permission denied). */
  show(p: PopUp): Promise<void>;
  /** Takes back the pop-up for a resource (or replaces it with the outcome where closing isn't possible). */
  withdraw(resourceId: string, reason: WithdrawReason): Promise<void>;
}

export interface DecidedNotification extends NotificationText {
  shown: boolean;
  heldBecause: string | undefined;
}

export interface Withdrawal {
  resourceId: string;
  reason: WithdrawReason;
}

export interface NotificationCenterEvents {
  notification: DecidedNotification;
  withdrawn: Withdrawal;
  /** Delivery problems, said once: e.g. no notification daemon. */
  error: NotifierError;
}

export interface NotificationCenterOptions {
  identity: Identity;
  settings: NotificationSettings;
  sink: NotificationSink | undefined;
  logger: Logger;
  now?: () => number;
  historySize?: number;
  agentName?: (agentId: string) => string | undefined;
}

export class NotificationCenter extends TypedEmitter<NotificationCenterEvents> {
  readonly history: NotificationHistory;
  private settings: NotificationSettings;
  private readonly offers: CallOffers;
  private readonly storm: StormGuard;
  private readonly sink: NotificationSink | undefined;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly agentName: (agentId: string) => string | undefined;
  /** Pop-ups actually on screen, so a withdrawal only touches what was shown. */
  private readonly onScreen = new Set<string>();
  private sinkBroken = false;
  private summarySeq = 0;

  constructor(private readonly opts: NotificationCenterOptions) {
    super((e) => opts.logger.error('notification consumer failed', { error: describeError(e) }));
    this.settings = opts.settings;
    this.sink = opts.sink;
    this.log = opts.logger.child({ component: 'notifications' });
    this.now = opts.now ?? Date.now;
    this.agentName = opts.agentName ?? (() => undefined);
    this.history = new NotificationHistory(opts.historySize);
    this.offers = new CallOffers(opts.identity, this.now);
    this.storm = new StormGuard(opts.settings.storm, (held) => this.stormSummary(held), this.now);
  }

  updateSettings(settings: NotificationSettings): void {
    this.settings = settings;
    this.storm.configure(settings.storm);
  }

  /** Live events only: catch-up state arrives with its report, where it is known what the gap was. */
  handleEvent(e: ResourceEvent): void {
    if (e.source === 'catchup') return;
    this.process(e, 'live');
  }

  handleCatchup(r: CatchupReport): void {
    const mode: OfferMode = r.since === undefined ? 'startup' : 'gap';
    const missed: NotificationText[] = [];
    const take = (decisions: CallDecision[]): void => {
      for (const d of decisions) {
        if (d.type === 'missed' && mode === 'gap') {
          // Ended while we were away: one summary, not a burst of stale pop-ups.
          const text = callText(d);
          missed.push(text);
          this.decide(text, 'while away');
          continue;
        }
        this.apply(d);
      }
    };
    for (const e of r.accepted) take(this.offers.handle(e, mode, this.settings.customerCalls, r.since));
    // Only once the whole snapshot is in: rings whose every leg ended meanwhile are over.
    if (mode === 'gap') take(this.offers.settleAfterGap());
    if (missed.length > 0) {
      const words = countsInWords({ missed_call: missed.length });
      this.decide({
        kind: 'summary',
        resourceId: `away:${r.connection}`,
        title: 'While you were away',
        body: words,
        private: { title: 'While you were away', body: words },
        at: this.now(),
      });
    }
  }

  /** Calls ringing for this agent right now, worded as their pop-ups (the desktop's call window shows them). */
  ringingForMe(): NotificationText[] {
    // Answered (here or on another device) is no longer ringing, though the call goes on.
    return this.offers.ringing().filter((o) => o.scope === 'me' && !o.answered).map((offer) => callText({ type: 'ring', offer }));
  }

  /** Stop timers (storm summaries); pop-ups already shown stay. */
  dispose(): void {
    this.storm.flush();
    this.storm.dispose();
  }

  private process(e: ResourceEvent, mode: OfferMode): void {
    if (e.kind === 'call' || e.kind === 'groupcall') {
      for (const d of this.offers.handle(e, mode, this.settings.customerCalls)) this.apply(d);
      return;
    }
    const text = messageText(e, this.opts.identity, this.agentName);
    if (text !== undefined) {
      this.decide(text);
      return;
    }
    if (e.kind === 'transcript' || e.kind === 'recording' || e.kind === 'speech') {
      // Never pops up; kept so the history shows what happened around a call.
      this.history.add({ kind: 'activity', resourceId: e.id ?? '', title: e.kind, body: e.status ?? '', at: e.receivedAt, shown: false, heldBecause: undefined });
    }
  }

  private apply(d: CallDecision): void {
    if (d.type === 'withdraw') {
      this.withdraw(d.offer.id, d.reason);
      return;
    }
    this.decide(callText(d));
  }

  /** `holdBecause`: recorded and announced, never popped up (the summary speaks for it). */
  private decide(text: NotificationText, holdBecause?: string): void {
    const p = presentationFor(text.kind, this.settings, new Date(this.now()));
    let shown = p.show && holdBecause === undefined;
    let held = holdBecause ?? (p.heldBecause);
    // A call ringing for this agent always shows: storms come from customer-wide views and messages.
    if (shown && text.kind !== 'summary' && text.personal !== true && !this.storm.admit(text.kind)) {
      shown = false;
      held = 'storm';
    }
    this.record(text, shown, held);
    // Field by field, not `{ ...text, shown, heldBecause }`: spreading and then adding properties is a
    // V8 slow path (≈2 µs in Node 20), paid by every decision of a busy customer-wide view.
    const decided: DecidedNotification = {
      kind: text.kind, resourceId: text.resourceId, title: text.title, body: text.body, private: text.private, at: text.at, shown, heldBecause: held,
    };
    if (text.personal !== undefined) decided.personal = text.personal;
    this.emit('notification', decided);
    if (!shown || this.sink === undefined) return;
    const visible = this.settings.privacy ? text.private : text;
    this.onScreen.add(text.resourceId);
    this.deliver(() => this.sink?.show({ kind: text.kind, resourceId: text.resourceId, title: visible.title, body: visible.body, sound: p.sound, urgent: p.urgent, at: text.at }));
  }

  private withdraw(resourceId: string, reason: WithdrawReason): void {
    this.emit('withdrawn', { resourceId, reason });
    if (!this.onScreen.delete(resourceId) || this.sink === undefined) return;
    this.deliver(() => this.sink?.withdraw(resourceId, reason));
  }

  private record(text: NotificationText, shown: boolean, heldBecause: string | undefined): HistoryItem {
    return this.history.add({ kind: text.kind, resourceId: text.resourceId, title: text.title, body: text.body, at: text.at, shown, heldBecause });
  }

  private stormSummary(held: ReadonlyMap<NotificationKind, number>): void {
    const counts = Object.fromEntries(held) as Partial<Record<NotificationKind, number>>;
    const words = countsInWords(counts, 'more ');
    this.decide({
      kind: 'summary',
      resourceId: `storm:${++this.summarySeq}`,
      title: words,
      body: 'All of them are in the notification history',
      private: { title: words, body: 'All of them are in the notification history' },
      at: this.now(),
    });
  }

  /** A refusing OS is said loudly once; history keeps everything and nothing crashes. */
  private deliver(action: () => Promise<void> | undefined): void {
    let pending: Promise<void> | undefined;
    try {
      pending = action();
    } catch (e) {
      pending = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    void pending?.then(
      () => {
        if (this.sinkBroken) {
          this.sinkBroken = false;
          this.log.info('notifications are being shown again');
        }
      },
      (e: unknown) => {
        if (this.sinkBroken) return;
        this.sinkBroken = true;
        const err = new NotifierError(
          'notifications_unavailable',
          `The system refused to show notifications (${describeError(e)}). Calls and messages are still recorded, but you will not see pop-ups until this is fixed.`,
        );
        this.log.error(err.userMessage);
        this.emit('error', err);
      },
    );
  }
}
