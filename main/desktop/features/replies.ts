import type { Identity } from '../../core/account/index.js';
import type { HistoryItem } from '../../core/notify/index.js';
import { NotifierError, describeError, isNotifierError, type Clock, type ErrorCode, type Logger } from '../../core/platform/index.js';
import { checkReplyText, sendReply, type ReplyTarget } from '../../core/replies/index.js';
import type { ReplyDraftView, ReplyNoteView } from '../../../shared/ipc-contract.js';
import type { SessionManager, SignedIn } from '../session/session-manager.js';
import type { SettingsStore } from '../settings/settings-store.js';

/**
 * Answering a message from its pop-up: the OS's inline reply (macOS, Windows) sends at once; a
 * "Reply" action or a click opens the reply window on a draft. Each draft is a small state
 * machine — writing → sending → (gone | failed → writing …) — and holds the text in the main
 * process, saved as it is typed, so a closed window, a failed send or a crashed renderer loses
 * nothing. Nothing typed is ever overwritten or dropped either: an inline reply takes over only a
 * draft nobody has written in yet, and what cannot be kept as a draft (too many open, the message
 * gone) becomes a note in the reply window holding the text until the agent dismisses it.
 *
 * A draft answers as the sign-in that received the message. After signing out or in as someone
 * else, its text is still there to copy or discard — it is what the person typed — but not the
 * message it answers (that account's customers' words are not this sign-in's to read), and it is
 * not sent; an untouched one is not shown at all. Signing in as that account again brings it back
 * whole and sendable.
 */
export type DraftState = 'writing' | 'sending' | 'failed';

interface Draft {
  id: string;
  target: ReplyTarget;
  /** Who received the message (server and account): the same sign-in must send the answer. */
  account: string;
  /** That sign-in in words, for another sign-in's window. */
  receivedBy: string;
  /** The pop-up's words, plain and private (privacy mode shows the private ones). */
  about: { title: string; body: string; private: { title: string; body: string } };
  text: string;
  state: DraftState;
  error: string | null;
  /** When the agent last asked for this draft: the window comes to the front when it changes. */
  askedAt: number;
}

/** What the reply window must say that is not a draft, with whatever was typed ('' for none). */
interface Note {
  id: string;
  message: string;
  text: string;
  askedAt: number;
}

export interface Opened {
  opened: boolean;
  message: string;
  code?: ErrorCode;
}

export interface SendResult {
  sent: boolean;
  message: string;
  code?: ErrorCode;
}

export interface RepliesOptions {
  sessions: SessionManager;
  settings: SettingsStore;
  logger: Logger;
  clock: Clock;
  changed(): void;
}

/** Drafts kept at most. Only an untouched one (writing, no text) ever makes room for another. */
export const MAX_DRAFTS = 20;

const FULL = `${MAX_DRAFTS} replies are already open here, the most kept at once`;
const GONE = 'that message can no longer be answered here';

export class RepliesFeature {
  private readonly drafts = new Map<string, Draft>();
  private readonly notes: Note[] = [];
  private seq = 0;
  private lastAsk = 0;

  constructor(private readonly o: RepliesOptions) {}

  views(): ReplyDraftView[] {
    const privacy = this.o.settings.settings.notifications.privacy;
    const me = this.account();
    return [...this.drafts.values()]
      .filter((d) => d.account === me || !untouched(d))
      .map((d) => ({
        id: d.id,
        kind: d.target.kind,
        // Privacy mode hides who wrote and what, as the pop-up did; not what the agent is typing.
        ...(d.account !== me
          ? {
              title: `Message to ${d.receivedBy}`,
              quote: `It came to another sign-in (${d.receivedBy}): sign in with that account to read it and send your reply. Your text is kept here.`,
            }
          : { title: privacy ? d.about.private.title : d.about.title, quote: privacy ? d.about.private.body : d.about.body }),
        text: d.text,
        state: d.state,
        error: d.error,
        askedAt: d.askedAt,
      }));
  }

  noteViews(): ReplyNoteView[] {
    return this.notes.map((n) => ({ ...n }));
  }

  /** Whether a pop-up (by resource) can be answered: a click or the Reply action then opens a draft. */
  canReply(resourceId: string): boolean {
    return this.item(resourceId)?.replyTo !== undefined;
  }

  /** The Reply action or a click: the draft for that conversation (an existing one is reused, its text kept). */
  start(resourceId: string): Opened {
    const item = this.item(resourceId);
    const account = this.account();
    if (item?.replyTo === undefined || account === undefined) return { opened: false, message: `${capital(GONE)}.`, code: 'not_found' };
    const d = this.existing(item, item.replyTo, account, () => true) ?? this.create(item, item.replyTo, account);
    if (d === undefined) {
      const e = new NotifierError('too_many_replies', `${FULL}: send or discard one to answer another message.`);
      // Shown in the reply window too: the click must not seem to do nothing. Nothing was typed yet.
      this.note(e.userMessage, '');
      return { opened: false, message: e.userMessage, code: e.code };
    }
    d.askedAt = this.asked();
    this.o.changed();
    return { opened: true, message: '' };
  }

  /**
   * The OS's inline reply: sent at once. It takes over the conversation's draft only while nobody
   * has written in it (the window may hold text the agent means to send later, or be sending it);
   * otherwise it is a draft of its own. A failure keeps the text in that draft and brings the
   * reply window up; with no draft to hold it, the text goes into a note there.
   */
  async inline(resourceId: string, text: string): Promise<SendResult> {
    const item = this.item(resourceId);
    const account = this.account();
    if (item?.replyTo === undefined || account === undefined) {
      this.o.logger.warn('an inline reply arrived for a message no longer in the history');
      return this.refuseInline('not_found', `Your reply was not sent: ${GONE} (you signed out or in as someone else, or it left the history).`, text);
    }
    const d = this.existing(item, item.replyTo, account, untouched) ?? this.create(item, item.replyTo, account);
    if (d === undefined) return this.refuseInline('too_many_replies', `Your reply was not sent: ${FULL}. Send or discard one, then answer again.`, text);
    const r = await this.send(d.id, text);
    if (!r.sent) {
      d.askedAt = this.asked();
      this.o.changed();
    }
    return r;
  }

  /** What the window typed so far, kept here so closing the window loses nothing. */
  save(id: string, text: string): { saved: boolean } {
    const d = this.drafts.get(id);
    if (d === undefined || d.state === 'sending') return { saved: false };
    const shown = d.account === this.account() || !untouched(d);
    d.text = text;
    // A hidden draft (another sign-in's, nothing in it) that now holds text is shown again.
    if (!shown && !untouched(d)) this.o.changed();
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
      if (accountOf(signedIn, identity) !== d.account) {
        // Checked here, not by VoIPBIN: the new sign-in might well be allowed to post it, as the wrong person.
        throw new NotifierError('other_account', `This message came to another sign-in (${d.receivedBy}): sign in with that account to send your reply.`);
      }
    } catch (e) {
      return this.failed(d, isNotifierError(e) ? e : new NotifierError('bad_usage', describeError(e)));
    }
    d.state = 'sending';
    d.error = null;
    this.o.changed();
    try {
      await sendReply(signedIn.session.rest, identity, d.target, text);
    } catch (e) {
      // A ReplyError (a NotifierError) already says "Your reply was not sent: …" and why.
      const err = isNotifierError(e) ? e : new NotifierError('server_error', `Your reply was not sent: ${describeError(e)}`);
      this.o.logger.warn(`reply not sent: ${err.userMessage}`);
      return this.failed(d, err);
    }
    this.remove(d.id);
    this.o.logger.info(`reply sent to ${d.target.kind} ${d.target.id}`);
    return { sent: true, message: 'Sent.' };
  }

  /** The agent threw a draft (or a note) away. A draft being sent stays until it is sent or not. */
  discard(id: string): { drafts: number } {
    const note = this.notes.findIndex((n) => n.id === id);
    if (note >= 0) this.notes.splice(note, 1);
    else if (this.drafts.get(id)?.state !== 'sending') this.remove(id);
    this.o.changed();
    return { drafts: this.drafts.size };
  }

  private failed(d: Draft, e: NotifierError): SendResult {
    d.state = 'failed';
    d.error = e.userMessage;
    this.o.changed();
    return { sent: false, message: e.userMessage, code: e.code };
  }

  /** An inline reply with no draft to hold it: its text goes into a note the reply window shows. */
  private refuseInline(code: ErrorCode, message: string, text: string): SendResult {
    const e = new NotifierError(code, text.trim() === '' ? message : `${message} What you wrote is kept below.`);
    if (text.trim() !== '') this.note(e.userMessage, text);
    return { sent: false, message: e.userMessage, code: e.code };
  }

  private note(message: string, text: string): void {
    // A refused click says the same each time: the newest replaces it. Notes with text all stay.
    if (text === '') this.dropTextlessNotes();
    this.notes.push({ id: `n${++this.seq}`, message, text, askedAt: this.asked() });
    this.o.changed();
  }

  /**
   * When the agent asked, in wall-clock ms, but always after the previous ask: the reply window
   * comes up only for an askedAt newer than any it showed, so a clock set back (or two asks in one
   * millisecond) must not make a click do nothing.
   */
  private asked(): number {
    this.lastAsk = Math.max(this.o.clock.now(), this.lastAsk + 1);
    return this.lastAsk;
  }

  private remove(id: string): void {
    if (!this.drafts.delete(id)) return;
    // There is room again: "too many open" no longer holds (notes with text stay until dismissed).
    this.dropTextlessNotes();
    this.o.changed();
  }

  private dropTextlessNotes(): void {
    for (let i = this.notes.length - 1; i >= 0; i--) if (this.notes[i]?.text === '') this.notes.splice(i, 1);
  }

  /** The account's draft for that conversation that `fits`; it then answers the newest message. */
  private existing(item: HistoryItem, target: ReplyTarget, account: string, fits: (d: Draft) => boolean): Draft | undefined {
    for (const d of this.drafts.values()) {
      if (d.account === account && d.target.kind === target.kind && d.target.id === target.id && fits(d)) {
        d.about = this.about(item);
        return d;
      }
    }
    return undefined;
  }

  /** A new draft; at the limit the oldest untouched one makes room, and with none there is no new draft. */
  private create(item: HistoryItem, target: ReplyTarget, account: string): Draft | undefined {
    if (this.drafts.size >= MAX_DRAFTS) {
      // Map order is creation order: the first untouched is the oldest.
      const spare = [...this.drafts.values()].find(untouched);
      if (spare === undefined) return undefined;
      this.drafts.delete(spare.id);
    }
    const d: Draft = {
      id: `r${++this.seq}`,
      target,
      account,
      receivedBy: this.receivedBy(),
      about: this.about(item),
      text: '',
      state: 'writing',
      error: null,
      askedAt: 0,
    };
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
    const signedIn = this.o.sessions.current;
    const identity = signedIn?.session.identity;
    return signedIn === undefined || identity === undefined ? undefined : accountOf(signedIn, identity);
  }

  private receivedBy(): string {
    const id = this.o.sessions.current?.session.identity;
    // Name and username: two sign-ins of one person often share the name.
    if (id?.kind === 'agent') return id.name !== '' && id.username !== '' ? `${id.name} (${id.username})` : id.name || id.username || 'an agent';
    return id?.customerName === undefined ? 'an access key' : `the access key of ${id.customerName}`;
  }
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Nobody has written in it and it is not on its way: the only kind an inline reply takes over or the limit drops. */
function untouched(d: Draft): boolean {
  return d.state === 'writing' && d.text === '';
}

function accountOf(signedIn: SignedIn, id: Identity): string {
  const who = id.kind === 'agent' ? `agent:${id.customerId}:${id.agentId}` : `accesskey:${id.customerId}`;
  return `${signedIn.endpoints.root} ${who}`;
}
