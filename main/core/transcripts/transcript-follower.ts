import { z } from 'zod';
import type { RestClient } from '../api/index.js';
import { canSeeCustomerScope, type Identity } from '../account/index.js';
import { TypedEmitter, describeError, isNotifierError, type Clock, type Logger } from '../platform/index.js';
import type { CatchupReport, ResourceEvent } from '../stream/index.js';
import { TranscribeCalls } from './transcribe-calls.js';
import { TranscriptBook } from './transcript-book.js';
import { TranscriptPoller } from './transcript-poller.js';
import { HIDDEN_WORDS, readTranscribe, readTranscript, speakerOf, type Speaker, type TranscribeRef, type TranscriptSegment } from './transcript-records.js';
import { MyCalls, type MyCall } from './my-calls.js';
import { isUuid } from '../../../shared/topics.js';

const CallRow = z.looseObject({ id: z.string(), status: z.string().optional(), owner_id: z.string().optional(), master_call_id: z.string().optional() });
type CallRow = z.infer<typeof CallRow>;

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
/** A call id from a REST row: a UUID (not the nil one, VoIPBIN's "none"), lower case; else none. */
const uuidOf = (v: unknown): string | undefined => (typeof v === 'string' && isUuid(v) && v !== NIL_UUID ? v.toLowerCase() : undefined);

/** A call as REST listed it, as if it had arrived as a frame. */
function callEvent(c: CallRow): ResourceEvent {
  return { kind: 'call', id: c.id, status: c.status, updatedAt: undefined, eventType: undefined, data: c, source: 'catchup', receivedAt: Date.now() };
}

/**
 * Live transcripts, from wherever this sign-in can get them (PROTOCOL.md §2.5): customer-scope
 * sign-ins hear `transcribe_*` and `transcript_created` frames and tie each segment to its call
 * (core/transcripts/transcribe-calls.ts); agent-only tokens hear neither, so while a call of
 * theirs is in progress its transcript is read over REST (transcript-poller.ts). Either way each
 * segment is told once (TranscriptBook), in the order it arrived, its call named once, placed in
 * time from its transcribe's start, and said by the caller or the agent depending on which call
 * the transcribe is of (speakerOf). A call of mine ends by its hangup frame, by a catch-up after a
 * gap (its hangup, or the call gone from the server), or by a listing of my calls at (re)subscribe
 * — whichever comes first stops the poll.
 */
export interface TranscriptHeard {
  /** The call transcribed; null when it could not be known (a recording's, or the lookup failed). */
  callId: string | null;
  transcribeId: string;
  segment: TranscriptSegment;
  /** Who said it (`direction` read against the call transcribed: the customer's, or my own leg). */
  speaker: Speaker;
  /** The first segment heard of this call. */
  firstOfCall: boolean;
  /** Privacy mode: the words were taken out (withoutWords). */
  hidden?: boolean;
}

/** The same segment with its words taken out (privacy mode hides them as it hides message text). */
export function withoutWords(t: TranscriptHeard): TranscriptHeard {
  return { ...t, segment: { ...t.segment, text: HIDDEN_WORDS }, hidden: true };
}

/** A line of a call's transcript: the segment and who said it. */
export interface SpokenLine {
  segment: TranscriptSegment;
  speaker: Speaker;
}

export interface TranscriptFollowerEvents {
  transcript: TranscriptHeard;
  /** A call of mine was answered or ended. */
  call: MyCall;
  /** A transcribe of a call of mine became known (the call window waits for one). */
  transcribe: TranscribeRef;
}

export interface TranscriptFollowerOptions {
  rest: RestClient;
  identity: Identity;
  logger: Logger;
  /** Only this call's segments are told (`transcripts --call`): my leg's id or the customer's call's. */
  onlyCall?: string | undefined;
  pollMs?: number | undefined;
  clock?: Clock | undefined;
}

export class TranscriptFollower extends TypedEmitter<TranscriptFollowerEvents> {
  readonly book: TranscriptBook;
  /** Agents: the calls I speak on, whose transcripts the desktop shows. */
  readonly myCalls: MyCalls | undefined;
  private readonly calls: TranscribeCalls;
  private readonly poller: TranscriptPoller | undefined;
  /** Per transcribe, the segments waiting for its call to be known: told in the order they came. */
  private readonly queue = new Map<string, Promise<void>>();
  private readonly onlyCall: string | undefined;
  /** `--call`: the ids a transcribe of that call may reference (it, and my leg of it or the customer's call). */
  private readonly onlyRefs = new Set<string>();
  /** `--call`: its status was read (once); ended calls already read once. */
  private onlyChecked = false;
  private readonly readEndedOnce = new Set<string>();
  private disposed = false;

  constructor(private readonly o: TranscriptFollowerOptions) {
    super((e) => o.logger.error('transcript consumer failed', { error: describeError(e) }));
    this.calls = new TranscribeCalls({ rest: o.rest, logger: o.logger });
    this.onlyCall = o.onlyCall?.toLowerCase();
    if (this.onlyCall !== undefined) this.onlyRefs.add(this.onlyCall);
    const myCalls = o.identity.kind === 'agent' ? new MyCalls(o.identity.agentId) : undefined;
    this.myCalls = myCalls;
    // My calls are never pushed out by the others a supervisor hears.
    this.book = new TranscriptBook({ pinned: (k) => 'callId' in k && myCalls?.byReference(k.callId) !== undefined });
    const agentOnly = o.identity.kind === 'agent' && !canSeeCustomerScope(o.identity);
    this.poller = agentOnly
      ? new TranscriptPoller({
          rest: o.rest,
          logger: o.logger,
          pollMs: o.pollMs,
          clock: o.clock,
          learned: (t) => this.learned(t),
          found: (p) => {
            for (const s of p.segments) this.tell(p.callId, this.calls.place(s));
          },
        })
      : undefined;
  }

  /** Every accepted event of the session: transcribes, transcripts, and (agent tokens) my calls. */
  handle(e: ResourceEvent): void {
    if (this.disposed) return;
    if (this.myCalls?.handle(e) === true && e.id !== undefined) this.callChanged(e.id);
    if (e.kind === 'transcribe') {
      const ref = readTranscribe(e.data);
      if (ref !== undefined) this.learned(ref);
    } else if (e.kind === 'transcript') {
      const s = readTranscript(e.data, e.receivedAt * 1000);
      if (s !== undefined) this.heard(s);
    }
  }

  /**
   * A catch-up after a (re)connect. What changed during the gap (a hangup missed) comes as events
   * already (`source: 'catchup'`, through handle()); what it alone says is which calls the server
   * no longer has at all (deleted meanwhile: 404) — a call of mine among them is over.
   */
  catchup(r: CatchupReport): void {
    for (const id of r.missing) if (!this.disposed && this.myCalls?.end(id, Date.now()) === true) this.callChanged(id);
  }

  /**
   * Subscribed (again): an agent (any: an admin's own calls are theirs too) lists my calls —
   * answered before the command started, before transcripts were turned on or while it was
   * offline, and hung up meanwhile — and, for `--call`, that call is read once.
   */
  resume(): void {
    if (this.disposed) return;
    if (this.onlyCall !== undefined && !this.onlyChecked) this.checkOnlyCall(this.onlyCall);
    if (this.o.identity.kind !== 'agent') return;
    const me = this.o.identity.agentId;
    void this.o.rest
      .list('/service_agents/calls', CallRow, { maxPages: 1, pageSize: 20 })
      .then((calls) => {
        for (const c of calls) if (c.owner_id === me) this.listed(c);
      })
      .catch((e: unknown) => this.o.logger.warn(`transcripts: could not list my calls (${describeError(e)})`));
  }

  /** A call's transcript so far, in spoken order: the customer's call's and its own leg's. */
  transcriptOf(c: MyCall): SpokenLine[] {
    const lines = MyCalls.references(c).flatMap((id) =>
      this.book.segments({ callId: id }).map((segment) => ({ segment, speaker: speakerOf(segment.direction, id === c.legId) })),
    );
    return lines.sort((a, b) => a.segment.atMicros - b.segment.atMicros);
  }

  /** Whether VoIPBIN transcribes this call of mine: a transcribe of it, or a segment, is known. */
  transcribed(c: MyCall): boolean {
    return MyCalls.references(c).some((id) => this.calls.hasTranscribe(id) || this.book.segments({ callId: id }).length > 0);
  }

  /** Whether an agent token is reading transcripts of a call in progress now. */
  get polling(): boolean {
    return (this.poller?.following ?? 0) > 0;
  }

  dispose(): void {
    this.disposed = true;
    this.poller?.dispose();
    this.queue.clear();
  }

  private callChanged(legId: string): void {
    const c = this.myCalls?.byLeg(legId);
    if (c === undefined) return;
    // Answered until hung up: an agent token reads the call it speaks on, and the customer's call it is a leg of.
    const refs = MyCalls.references(c);
    const wanted = this.wanted(c.legId, c.masterId);
    if (wanted && this.onlyCall !== undefined) for (const r of refs) this.onlyRefs.add(r);
    if (c.endedAt !== undefined) this.poller?.ended(c.legId);
    else if (wanted) this.poller?.follow(c.legId, refs);
    this.emit('call', c);
  }

  private wanted(legId: string, masterId: string | undefined): boolean {
    return this.onlyCall === undefined || this.onlyCall === legId || this.onlyCall === masterId;
  }

  /** A call of mine as REST lists it: news like a frame, or (`--call`) an ended one read once. */
  private listed(c: CallRow): void {
    const id = uuidOf(c.id);
    if (this.disposed || id === undefined) return;
    const master = uuidOf(c.master_call_id);
    if (this.onlyCall !== undefined && c.status === 'hangup' && this.myCalls?.byLeg(id) === undefined && this.wanted(id, master)) {
      this.readEnded(id, master);
      return;
    }
    this.handle(callEvent(c));
  }

  /** Over before we came: one read brings its transcript (agent tokens), then it is dropped. */
  private readEnded(id: string, master: string | undefined): void {
    if (this.readEndedOnce.has(id)) return;
    this.readEndedOnce.add(id);
    const refs = master === undefined ? [id] : [id, master];
    for (const r of refs) this.onlyRefs.add(r);
    this.poller?.follow(id, refs);
    this.poller?.ended(id);
  }

  /**
   * `--call ID`: is it a call of mine, and still going on? An agent token reads its own calls
   * only: a customer's call (not mine) is found by my leg of it. A customer-scope sign-in reads
   * any call of the customer, and a leg names the customer's call it belongs to
   * (`master_call_id`), which is what a transcribe usually references: `--call <leg>` shows
   * that call's transcript too, whoever's leg it is.
   */
  private checkOnlyCall(id: string): void {
    const customer = canSeeCustomerScope(this.o.identity);
    void this.o.rest
      .get(`${customer ? '/calls' : '/service_agents/calls'}/${encodeURIComponent(id)}`, CallRow)
      .then((row) => {
        this.onlyChecked = true;
        if (this.disposed || uuidOf(row.id) !== id) return;
        const master = uuidOf(row.master_call_id);
        if (customer && master !== undefined) this.onlyRefs.add(master);
        if (this.o.identity.kind === 'agent' && row.owner_id === this.o.identity.agentId) this.listed(row);
      })
      .catch((e: unknown) => {
        if (isNotifierError(e) && e.code === 'not_found') {
          this.onlyChecked = true;
          this.o.logger.info(
            customer
              ? `transcripts: VoIPBIN has no call ${id}; following the transcribes that name it`
              : `transcripts: ${id} is not a call of mine; following my leg of it, if I am on it`,
          );
        } else {
          this.o.logger.warn(`transcripts: could not read call ${id} (${describeError(e)})`);
        }
      });
  }

  private learned(ref: TranscribeRef): void {
    if (this.disposed) return;
    const news = this.calls.learn(ref);
    if (news && ref.callId !== undefined && this.myCalls?.byReference(ref.callId) !== undefined) this.emit('transcribe', ref);
  }

  private heard(s: TranscriptSegment): void {
    const known = this.calls.known(s.transcribeId);
    const before = this.queue.get(s.transcribeId);
    if (known !== undefined && before === undefined) {
      this.tell(known, this.calls.place(s));
      return;
    }
    const next = (before ?? Promise.resolve())
      .then(() => this.calls.callOf(s.transcribeId))
      .then((callId) => this.tell(callId, this.calls.place(s)))
      .finally(() => {
        if (this.queue.get(s.transcribeId) === next) this.queue.delete(s.transcribeId);
      });
    this.queue.set(s.transcribeId, next);
  }

  private tell(callId: string | null, s: TranscriptSegment): void {
    // A lookup or a read that ends after dispose() tells no one.
    if (this.disposed) return;
    if (this.onlyCall !== undefined && !this.isOnly(callId)) return;
    const key = callId === null ? { transcribeId: s.transcribeId } : { callId };
    const first = this.book.segments(key).length === 0;
    if (!this.book.add(key, s)) return;
    const agentLeg = callId !== null && this.myCalls?.byLeg(callId) !== undefined;
    this.emit('transcript', { callId, transcribeId: s.transcribeId, segment: s, speaker: speakerOf(s.direction, agentLeg), firstOfCall: first });
  }

  /** `--call`: that call, or the other reference of my call it names (my leg or the customer's call). */
  private isOnly(callId: string | null): boolean {
    if (callId === null) return false;
    if (this.onlyRefs.has(callId)) return true;
    const mine = this.myCalls?.byReference(callId);
    return mine !== undefined && this.wanted(mine.legId, mine.masterId);
  }
}
