import { z } from 'zod';
import type { RestClient } from '../api/index.js';
import { canSeeCustomerScope, type Identity } from '../account/index.js';
import { TypedEmitter, describeError, type Clock, type Logger } from '../platform/index.js';
import type { ResourceEvent } from '../stream/index.js';
import { TranscribeCalls } from './transcribe-calls.js';
import { TranscriptBook } from './transcript-book.js';
import { TranscriptPoller } from './transcript-poller.js';
import { readTranscribe, readTranscript, type TranscriptSegment } from './transcript-records.js';
import { MyCalls, type MyCall } from './my-calls.js';
const CallRow = z.looseObject({ id: z.string(), status: z.string().optional(), owner_id: z.string().optional() });

/** A call as REST listed it, as if it had arrived as a frame. */
function callEvent(c: z.infer<typeof CallRow>): ResourceEvent {
  return { kind: 'call', id: c.id, status: c.status, updatedAt: undefined, eventType: undefined, data: c, source: 'catchup', receivedAt: Date.now() };
}

/**
 * Live transcripts, from wherever this sign-in can get them (PROTOCOL.md §2.5): customer-scope
 * sign-ins hear `transcribe_*` and `transcript_created` frames and tie each segment to its call
 * (core/transcripts/transcribe-calls.ts); agent-only tokens hear neither, so while a call of
 * theirs is in progress its transcript is read over REST (transcript-poller.ts). Either way each
 * segment is told once (TranscriptBook), in the order it arrived, its call named once.
 */
export interface TranscriptHeard {
  /** The call transcribed; null when it could not be known (a recording's, or the lookup failed). */
  callId: string | null;
  transcribeId: string;
  segment: TranscriptSegment;
  /** The first segment heard of this call (a human listing names the call then). */
  firstOfCall: boolean;
}

export interface TranscriptFollowerEvents {
  transcript: TranscriptHeard;
  /** A call of mine was answered or ended. */
  call: MyCall;
}

export interface TranscriptFollowerOptions {
  rest: RestClient;
  identity: Identity;
  logger: Logger;
  /** Only this call's segments are told (`transcripts --call`). */
  onlyCall?: string | undefined;
  pollMs?: number | undefined;
  clock?: Clock | undefined;
}

export class TranscriptFollower extends TypedEmitter<TranscriptFollowerEvents> {
  readonly book = new TranscriptBook();
  /** Agents: the calls I speak on, whose transcripts the desktop shows. */
  readonly myCalls: MyCalls | undefined;
  private readonly calls: TranscribeCalls;
  private readonly poller: TranscriptPoller | undefined;
  /** Per transcribe, the segments waiting for its call to be known: told in the order they came. */
  private readonly queue = new Map<string, Promise<void>>();
  private readonly onlyCall: string | undefined;

  constructor(private readonly o: TranscriptFollowerOptions) {
    super((e) => o.logger.error('transcript consumer failed', { error: describeError(e) }));
    this.calls = new TranscribeCalls({ rest: o.rest, logger: o.logger });
    this.onlyCall = o.onlyCall?.toLowerCase();
    this.myCalls = o.identity.kind === 'agent' ? new MyCalls(o.identity.agentId) : undefined;
    const agentOnly = o.identity.kind === 'agent' && !canSeeCustomerScope(o.identity);
    this.poller = agentOnly
      ? new TranscriptPoller({
          rest: o.rest,
          logger: o.logger,
          pollMs: o.pollMs,
          clock: o.clock,
          found: (p) => {
            for (const s of p.segments) this.tell(p.callId, s);
          },
        })
      : undefined;
  }

  /** Every accepted event of the session: transcribes, transcripts, and (agent tokens) my calls. */
  handle(e: ResourceEvent): void {
    if (this.myCalls?.handle(e) === true && e.id !== undefined) {
      const c = this.myCalls.byLeg(e.id);
      if (c !== undefined) {
        // Answered until hung up: an agent token reads the call it speaks on, and the customer's call it is a leg of.
        if (c.endedAt === undefined) this.poller?.follow(c.legId, c.masterId === undefined ? [] : [c.masterId]);
        else this.poller?.ended(c.legId);
        this.emit('call', c);
      }
    }
    if (e.kind === 'transcribe') {
      const ref = readTranscribe(e.data);
      if (ref !== undefined) this.calls.learn(ref);
    } else if (e.kind === 'transcript') {
      const s = readTranscript(e.data);
      if (s !== undefined) this.heard(s);
    }
  }

  /**
   * Subscribed (again): an agent token looks for calls of mine already in progress — answered
   * before the command started, or while it was offline — and, for `--call`, follows that call.
   */
  resume(): void {
    const poller = this.poller;
    if (poller === undefined || this.o.identity.kind !== 'agent') return;
    if (this.onlyCall !== undefined) poller.follow(this.onlyCall, []);
    const me = this.o.identity.agentId;
    void this.o.rest
      .list('/service_agents/calls', CallRow, { maxPages: 1, pageSize: 20 })
      .then((calls) => {
        for (const c of calls) {
          if (c.status === 'progressing' && c.owner_id === me) this.handle(callEvent(c));
        }
      })
      .catch((e: unknown) => this.o.logger.warn(`transcripts: could not list my calls (${describeError(e)})`));
  }

  /** A call's transcript so far, in spoken order: its own leg's and the customer's call's. */
  transcriptOf(c: MyCall): TranscriptSegment[] {
    const all = MyCalls.references(c).flatMap((id) => this.book.segments({ callId: id }));
    return all.sort((a, b) => a.atMicros - b.atMicros);
  }

  /** Whether an agent token is reading transcripts of a call in progress now. */
  get polling(): boolean {
    return (this.poller?.following ?? 0) > 0;
  }

  dispose(): void {
    this.poller?.dispose();
    this.queue.clear();
  }

  private heard(s: TranscriptSegment): void {
    const known = this.calls.known(s.transcribeId);
    const before = this.queue.get(s.transcribeId);
    if (known !== undefined && before === undefined) {
      this.tell(known, s);
      return;
    }
    const next = (before ?? Promise.resolve())
      .then(() => this.calls.callOf(s.transcribeId))
      .then((callId) => this.tell(callId, s))
      .finally(() => {
        if (this.queue.get(s.transcribeId) === next) this.queue.delete(s.transcribeId);
      });
    this.queue.set(s.transcribeId, next);
  }

  private tell(callId: string | null, s: TranscriptSegment): void {
    if (this.onlyCall !== undefined && callId !== this.onlyCall) return;
    const key = callId === null ? { transcribeId: s.transcribeId } : { callId };
    const first = this.book.segments(key).length === 0;
    if (!this.book.add(key, s)) return;
    this.emit('transcript', { callId, transcribeId: s.transcribeId, segment: s, firstOfCall: first });
  }
}
