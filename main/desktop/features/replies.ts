import type { Identity } from '../../core/account/index.js';
import type { HistoryItem } from '../../core/notify/index.js';
import { NotifierError, describeError, isNotifierError, type Clock, type Logger } from '../../core/platform/index.js';
import { ReplyError, checkReplyText, sendReply, type ReplyTarget } from '../../core/replies/index.js';
import type { ReplyDraftView } from '../../../shared/ipc-contract.js';
import type { SessionManager } from '../session/session-manager.js';
import type { SettingsStore } from '../settings/settings-store.js';

/**
 * Answering a message from its pop-up: the OS's inline reply (macOS, Windows) sends at once; a
 * "Reply" action or a click opens the reply window on a draft. Each draft is a small state
 * machine — writing → sending → (gone | failed → writing …) — and holds the text in the main
 * process, saved as it is typed, so a closed window, a failed send or a crashed renderer loses
 * nothing. A draft answers as the account that received the message: after a sign-in as someone
 * else it is kept but not sent.
 */
export type DraftState = 'writing' | 'sending' | 'failed';

interface Draft {
  id: string;
  target: ReplyTarget;
  /** Who received the message: the same sign-in must send the answer. */
  account: string;
  /** The pop-up's words, plain and private (privacy mode shows the private ones). */
  about: { title: string; body: string; private: { title: string; body: string } };
  text: string;
  state: DraftState;
  error: string | null;
  /** When the agent last asked for this draft: the window comes to the front when it changes. */
  askedAt: number;
}

export interface Opened {
  opened: boolean;
  message: string;
}

export interface SendResult {
  sent: boolean;
  message: string;
}

export interface RepliesOptions {
  sessions: SessionManager;
  settings: SettingsStore;
  logger: Logger;
  clock: Clock;
  changed(): void;
}

/** Drafts kept at most: each is something typed, so the oldest sent-or-empty one goes first. */
const MAX_DRAFTS = 20;

export class RepliesFeature {
  private readonly drafts = new Map<string, Draft>();
  private seq = 0;

  constructor(private readonly o: RepliesOptions) {}

  views(): ReplyDraftView[] {
    const privacy = this.o.settings.settings.notifications.privacy;
    return [...this.drafts.values()].map((d) => ({
      id: d.id,
      kind: d.target.kind,
      // Privacy mode hides who wrote and what, as the pop-up did; not what the agent is typing.
      title: privacy ? d.about.private.title : d.about.title,
      quote: privacy ? d.about.private.body : d.about.body,
      text: d.text,
      state: d.state,
      error: d.error,
      askedAt: d.askedAt,
    }));
  }

  /** Whether a pop-up (by resource) can be answered: a click or the Reply action then opens a draft. */
  canReply(resourceId: string): boolean {
    return this.item(resourceId)?.replyTo !== undefined;
  }

  /** The Reply action or a click: the draft for that conversation (an existing one is reused, its text kept). */
  start(resourceId: string): Opened {
    const item = this.item(resourceId);
    const account = this.account();
    if (item?.replyTo === undefined || account === undefined) return { opened: false, message: 'That message can no longer be answered here.' };
    const d = this.draftFor(item, item.replyTo, account);
    d.askedAt = this.o.clock.now();
    this.o.changed();
    return { opened: true, message: '' };
  }

  /** The OS's inline reply: sent at once; a failure keeps the text in a draft and brings the reply window up. */
  async inline(resourceId: string, text: string): Promise<SendResult> {
    const item = this.item(resourceId);
    const account = this.account();
    if (item?.replyTo === undefined || account === undefined) {
      this.o.logger.warn('an inline reply arrived for a message no longer in the history');
      return { sent: false, message: 'That message can no longer be answered here.' };
    }
    const d = this.draftFor(item, item.replyTo, account);
    d.text = text;
    const r = await this.send(d.id, text);
    if (!r.sent) {
      d.askedAt = this.o.clock.now();
      this.o.changed();
    }
    return r;
  }

  /** What the window typed so far, kept here so closing the window loses nothing. */
  save(id: string, text: string): { saved: boolean } {
    const d = this.drafts.get(id);
    if (d === undefined || d.state === 'sending') return { saved: false };
    d.text = text;
    return { saved: true };
  }

  async send(id: string, text: string): Promise<SendResult> {
    const d = this.drafts.get(id);
    if (d === undefined) return { sent: false, message: 'That reply is no longer open.' };
    if (d.state === 'sending') return { sent: false, message: 'Already sending.' };
    d.text = text;
    const signedIn = this.o.sessions.current;
    const identity = signedIn?.session.identity;
    try {
      checkReplyText(text);
      if (signedIn === undefined || identity === undefined) throw new NotifierError('credentials_missing', 'Sign in first: your text is kept here.');
      if (accountOf(identity) !== d.account) {
        throw new NotifierError('forbidden', 'This message came to another sign-in: sign in with that account to send it. Your text is kept here.');
      }
    } catch (e) {
      return this.failed(d, isNotifierError(e) ? e.userMessage : describeError(e));
    }
    d.state = 'sending';
    d.error = null;
    this.o.changed();
    try {
      await sendReply(signedIn.session.rest, identity, d.target, text);
    } catch (e) {
      const message = e instanceof ReplyError || isNotifierError(e) ? e.userMessage : `Your reply was not sent: ${describeError(e)}`;
      this.o.logger.warn(`reply not sent: ${message}`);
      return this.failed(d, message);
    }
    this.drafts.delete(d.id);
    this.o.logger.info(`reply sent to ${d.target.kind} ${d.target.id}`);
    this.o.changed();
    return { sent: true, message: 'Sent.' };
  }

  /** The agent threw the draft away (or sent it elsewhere). */
  discard(id: string): { drafts: number } {
    if (this.drafts.get(id)?.state !== 'sending') this.drafts.delete(id);
    this.o.changed();
    return { drafts: this.drafts.size };
  }

  private failed(d: Draft, message: string): SendResult {
    d.state = 'failed';
    d.error = message;
    this.o.changed();
    return { sent: false, message };
  }

  private draftFor(item: HistoryItem, target: ReplyTarget, account: string): Draft {
    for (const d of this.drafts.values()) {
      if (d.account === account && d.target.kind === target.kind && d.target.id === target.id) {
        // The newest message is what the agent answers: shown above the same, kept text.
        d.about = this.about(item);
        return d;
      }
    }
    if (this.drafts.size >= MAX_DRAFTS) {
      const oldest = [...this.drafts.values()].find((d) => d.state !== 'sending' && d.text.trim() === '') ?? [...this.drafts.values()][0];
      if (oldest !== undefined) this.drafts.delete(oldest.id);
    }
    const d: Draft = { id: `r${++this.seq}`, target, account, about: this.about(item), text: '', state: 'writing', error: null, askedAt: 0 };
    this.drafts.set(d.id, d);
    return d;
  }

  private about(item: HistoryItem): Draft['about'] {
    return { title: item.title, body: item.body, private: item.private ?? { title: 'A message', body: 'Message hidden (privacy mode)' } };
  }

  private item(resourceId: string): HistoryItem | undefined {
    return this.o.sessions.current?.session.center?.history.list().find((h) => h.resourceId === resourceId);
  }

  private account(): string | undefined {
    const identity = this.o.sessions.current?.session.identity;
    return identity === undefined ? undefined : accountOf(identity);
  }
}

function accountOf(id: Identity): string {
  return id.kind === 'agent' ? `agent:${id.customerId}:${id.agentId}` : `accesskey:${id.customerId}`;
}
