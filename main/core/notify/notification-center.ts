import type { PopUp, NotificationSink } from './sink.js';
import { CallOffers, type CallDecision, type OfferMode, type WithdrawReason } from './call-offers.js';
import { callText, countsInWords, messageText, teamChatFromOthers, withContact, type NotificationText } from './content.js';
import { NotificationHistory, type HistoryItem } from './history.js';
import { ActivityLines } from './activity-lines.js';
import { presentationFor, type Presentation } from './policy.js';
import { StormGuard } from './storm-guard.js';
import { NotifierError, describeError, settledWithin, within, type Logger, TypedEmitter } from '../platform/index.js';
import type { Identity } from '../account/index.js';
import type { TeamNames } from '../team/index.js';
import type { Contact, ContactNames } from '../contacts/index.js';
import type { CatchupReport, ResourceEvent } from '../stream/index.js';
import type { NotificationKind, NotificationSettings } from '../../../shared/notification-settings.js';

/**
 * From accepted resource events to what the agent sees: rules (call offers, messages), the
 * interruption policy, storm control, history, and a delivery backend. Every decision is
 * announced (`notification` / `withdrawn`) whether or not the OS pop-up is shown.
 */
export type { PopUp, NotificationSink } from './sink.js';

/** A sink call the OS never answers must not hold up every later pop-up. */
const SINK_TIMEOUT_MS = 6_000;

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
  /** A notification decided before its caller was found in contacts now names them (same resourceId). */
  updated: DecidedNotification;
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
  /** Call offers remembered at most (default 2,000). */
  maxCallOffers?: number;
  /** Names for team chat (core/team); without it, senders are "a teammate". */
  team?: TeamNames;
  /** How long a sink call may take before the pop-up counts as refused (default 6 s). */
  sinkTimeoutMs?: number;
  /** Callers' names from VoIPBIN contacts (core/contacts); without it, numbers only. */
  contacts?: ContactNames;
  /** How long a pop-up may wait for its caller's name before it shows the number (default 300 ms). */
  contactBudgetMs?: number;
}

const CONTACT_BUDGET_MS = 300;

export class NotificationCenter extends TypedEmitter<NotificationCenterEvents> {
  readonly history: NotificationHistory;
  private settings: NotificationSettings;
  private readonly offers: CallOffers;
  private readonly storm: StormGuard;
  private readonly sink: NotificationSink | undefined;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly team: TeamNames | undefined;
  /** Team chat messages waiting for their names (each at most the lookup's budget). */
  private readonly naming = new Set<Promise<void>>();
  /** Pop-ups actually on screen, and what each shows: a withdrawal only touches what was shown, a late name only its own pop-up. */
  private readonly onScreen = new Map<string, NotificationText>();
  /** Ringing pop-ups taken back as missed: the missed-call pop-up that follows replaces them in place. */
  private readonly becomingMissed = new Set<string>();
  /**
   * With a sink, every decision and withdrawal is announced in order, each after the sink calls
   * before it: a `notification` says shown:true only once the OS took the pop-up, and a
   * withdrawal reaches the sink after the show it takes back.
   */
  private delivery: Promise<void> = Promise.resolve();
  private sinkBroken = false;
  private summarySeq = 0;
  private readonly activity = new ActivityLines();

  constructor(private readonly opts: NotificationCenterOptions) {
    super((e) => opts.logger.error('notification consumer failed', { error: describeError(e) }));
    this.settings = opts.settings;
    this.sink = opts.sink;
    this.log = opts.logger.child({ component: 'notifications' });
    this.now = opts.now ?? Date.now;
    this.team = opts.team;
    this.history = new NotificationHistory(opts.historySize);
    this.offers = new CallOffers(opts.identity, this.now, opts.maxCallOffers);
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
    return this.offers
      .ringing()
      .filter((o) => o.scope === 'me' && !o.answered)
      .map((offer) => {
        const t = callText({ type: 'ring', offer });
        const c = t.callerNumber === undefined ? undefined : this.opts.contacts?.known(t.callerNumber);
        return c !== undefined && c !== null ? withContact(t, c) : t;
      });
  }

  /** Resolves once every decision so far (messages waiting for names included) has been announced and handed to the sink. */
  async settled(): Promise<void> {
    await Promise.all(this.naming);
    return this.delivery;
  }

  /** Stop timers (storm summaries); pop-ups already shown stay. Resolves when the last delivery is done. */
  async dispose(): Promise<void> {
    await Promise.all(this.naming);
    this.storm.flush();
    this.storm.dispose();
    return this.delivery;
  }

  private process(e: ResourceEvent, mode: OfferMode): void {
    if (e.kind === 'call' || e.kind === 'groupcall') {
      for (const d of this.offers.handle(e, mode, this.settings.customerCalls)) this.apply(d);
      return;
    }
    const chat = this.team !== undefined ? teamChatFromOthers(e, this.opts.identity) : undefined;
    const waiting = chat !== undefined ? this.team?.lookUp(chat) : undefined;
    if (waiting !== undefined) {
      // A sender or chat not known yet: the pop-up waits (briefly, see core/team) to name them;
      // dispose() waits for it too, so a message that came just before a stop is not lost.
      const named = waiting.then(() => this.decideMessage(e));
      this.naming.add(named);
      void named.finally(() => this.naming.delete(named));
      return;
    }
    this.decideMessage(e);
  }

  private decideMessage(e: ResourceEvent): void {
    const text = messageText(e, this.opts.identity, this.team);
    if (text !== undefined) {
      this.decide(text);
      return;
    }
    const activity = this.activity.lineFor(e);
    if (activity !== undefined) this.history.add(activity);
  }

  private apply(d: CallDecision): void {
    if (d.type === 'withdraw') {
      this.withdraw(d.offer.id, d.reason);
      return;
    }
    this.decide(callText(d));
  }

  /** `holdBecause`: recorded and announced, never popped up (the summary speaks for it). */
  private decide(decided: NotificationText, holdBecause?: string): void {
    const known = decided.callerNumber === undefined ? undefined : this.opts.contacts?.known(decided.callerNumber);
    const text = known !== undefined && known !== null ? withContact(decided, known) : decided;
    // Asked only when not known either way: a number known not to be a contact is not asked again.
    const naming = known === undefined && text.callerNumber !== undefined ? this.opts.contacts?.lookUp(text.callerNumber) : undefined;
    const p = presentationFor(text.kind, this.settings, new Date(this.now()));
    let shown = p.show && holdBecause === undefined;
    let held = holdBecause ?? p.heldBecause;
    // A call ringing for this agent always shows: storms come from customer-wide views and messages.
    if (shown && text.kind !== 'summary' && text.personal !== true && !this.storm.admit(text.kind)) {
      shown = false;
      held = 'storm';
    }
    const sink = this.sink;
    if (sink === undefined) {
      this.nameLater(this.announce(text, shown, held), naming, p);
      return;
    }
    const replacing = this.becomingMissed.delete(text.resourceId);
    if (!shown) {
      this.enqueue(async () => {
        this.nameLater(this.announce(text, false, held), naming, p);
        if (replacing && this.onScreen.delete(text.resourceId)) await this.sinkCall('withdraw', () => sink.withdraw(text.resourceId, 'missed'));
      });
      return;
    }
    this.enqueue(async () => {
      // The pop-up waits for its caller's name a moment at most (in order: later decisions wait behind it), then shows the number.
      const found = naming === undefined ? undefined : await settledWithin(naming, this.opts.contactBudgetMs ?? CONTACT_BUDGET_MS);
      const t = found !== undefined && found !== null ? withContact(text, found) : text;
      const failure = await this.sinkCall('show', () => sink.show(this.popUpOf(t, p)));
      if (failure === undefined) {
        this.onScreen.set(t.resourceId, t);
        if (this.sinkBroken) {
          this.sinkBroken = false;
          this.log.info('notifications are being shown again');
        }
        this.nameLater(this.announce(t, true, held), found === undefined ? naming : undefined, p);
        return;
      }
      this.announce(t, false, 'notifications unavailable');
      this.reportUnavailable(failure);
    });
  }

  private popUpOf(t: NotificationText, p: Presentation): PopUp {
    const visible = this.settings.privacy ? t.private : t;
    const popUp: PopUp = { kind: t.kind, resourceId: t.resourceId, title: visible.title, body: visible.body, sound: p.sound, urgent: p.urgent, at: t.at };
    if (t.resource !== undefined) popUp.resource = t.resource;
    if (t.replyTo !== undefined) popUp.replyTo = t.replyTo;
    return popUp;
  }

  /**
   * The caller's name arrived after the notification was decided: its history entry names them, an
   * `updated` event says so, and a pop-up still showing that very notification is replaced in place
   * (silently: it already rang). Privacy mode shows no names, so its pop-up stays as it is.
   */
  private nameLater(item: { text: NotificationText; history: HistoryItem }, naming: Promise<Contact | null> | undefined, p: Presentation): void {
    if (naming === undefined) return;
    void naming.then((c) => {
      if (c === null) return;
      const named = withContact(item.text, c);
      item.history.title = named.title;
      item.history.body = named.body;
      const update = this.decidedOf(named, item.history.shown, item.history.heldBecause);
      const sink = this.sink;
      if (sink === undefined || this.onScreen.get(named.resourceId) !== item.text || this.settings.privacy) {
        this.emit('updated', update);
        return;
      }
      this.enqueue(async () => {
        if (
          this.onScreen.get(named.resourceId) === item.text &&
          (await this.sinkCall('show', () => sink.show(this.popUpOf(named, { ...p, sound: false })))) === undefined
        ) {
          this.onScreen.set(named.resourceId, named);
        }
        this.emit('updated', update);
      });
    });
  }

  private announce(text: NotificationText, shown: boolean, held: string | undefined): { text: NotificationText; history: HistoryItem } {
    const history = this.record(text, shown, held);
    this.emit('notification', this.decidedOf(text, shown, held));
    return { text, history };
  }

  private decidedOf(text: NotificationText, shown: boolean, held: string | undefined): DecidedNotification {
    // Field by field, not `{ ...text, shown, heldBecause }`: spreading and then adding properties is a
    // V8 slow path (≈2 µs in Node 20), paid by every decision of a busy customer-wide view.
    const decided: DecidedNotification = {
      kind: text.kind,
      resourceId: text.resourceId,
      title: text.title,
      body: text.body,
      private: text.private,
      at: text.at,
      shown,
      heldBecause: held,
    };
    if (text.personal !== undefined) decided.personal = text.personal;
    if (text.resource !== undefined) decided.resource = text.resource;
    if (text.contact !== undefined) decided.contact = text.contact;
    if (text.replyTo !== undefined) decided.replyTo = text.replyTo;
    return decided;
  }

  private withdraw(resourceId: string, reason: WithdrawReason): void {
    const sink = this.sink;
    if (sink === undefined) {
      this.emit('withdrawn', { resourceId, reason });
      return;
    }
    // The missed-call decision comes right after this one, in the same turn: it replaces or closes the pop-up.
    if (reason === 'missed') this.becomingMissed.add(resourceId);
    this.enqueue(async () => {
      this.emit('withdrawn', { resourceId, reason });
      // A missed call whose decision never came (it always does today) still must not stay on screen as ringing.
      const close = reason !== 'missed' || this.becomingMissed.delete(resourceId);
      if (close && this.onScreen.delete(resourceId)) await this.sinkCall('withdraw', () => sink.withdraw(resourceId, reason));
    });
  }

  private enqueue(task: () => Promise<void>): void {
    this.delivery = this.delivery.then(task).catch((e: unknown) => this.log.error('notification delivery failed', { error: describeError(e) }));
  }

  /** Runs one sink call, bounded in time; resolves with the failure, or undefined when it worked. */
  private async sinkCall(what: 'show' | 'withdraw', call: () => Promise<void>): Promise<unknown> {
    const ms = this.opts.sinkTimeoutMs ?? SINK_TIMEOUT_MS;
    try {
      await within(Promise.resolve().then(call), ms, () => new Error(`the system did not answer within ${ms / 1000} s`));
      return undefined;
    } catch (e) {
      if (what === 'withdraw') this.log.warn('a pop-up could not be taken back', { error: describeError(e) });
      return e ?? new Error('unknown failure');
    }
  }

  /** A refusing OS is said loudly once per outage (until a pop-up shows again); history keeps everything and nothing crashes. */
  private reportUnavailable(e: unknown): void {
    if (this.sinkBroken) return;
    this.sinkBroken = true;
    const err = new NotifierError(
      'notifications_unavailable',
      `The system refused to show notifications (${describeError(e)}). Calls and messages are still recorded, but you will not see pop-ups until this is fixed.`,
    );
    // Emitted as an error: whoever shows errors shows it once.
    this.log.info(err.userMessage);
    this.emit('error', err);
  }

  private record(text: NotificationText, shown: boolean, heldBecause: string | undefined): HistoryItem {
    return this.history.add({
      kind: text.kind,
      resourceId: text.resourceId,
      title: text.title,
      body: text.body,
      at: text.at,
      shown,
      heldBecause,
      resource: text.resource,
      replyTo: text.replyTo,
      private: text.private,
    });
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
}
