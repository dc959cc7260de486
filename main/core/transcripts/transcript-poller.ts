import { z } from 'zod';
import type { RestClient } from '../api/index.js';
import { BLOCKED_ACCOUNT, describeError, isNotifierError, systemClock, type Clock, type Logger } from '../platform/index.js';
import { readTranscribe, readTranscript, type TranscribeRef, type TranscriptSegment } from './transcript-records.js';

/**
 * Transcripts for an agent-only token, which cannot hear them on the WebSocket (PROTOCOL.md §2.5):
 * while a call of mine is in progress, every ~2 s, `GET /service_agents/transcribes?reference_type=call&reference_id=…`
 * for the call and the customer's call it is a leg of, then `GET /service_agents/transcripts?transcribe_id=…`
 * for each, newest first down to the first segment already read. After hangup one last read, then
 * nothing: an idle desk makes no requests. One read at a time; a refused sign-in (401, 403, or a
 * blocked account's 403 — ACCOUNT_FROZEN, _EXPIRED, _DELETED, PROTOCOL.md §11.1) stops it.
 * A segment counts as read only once the whole read of its transcribe succeeded and was handed
 * on: a page that fails halfway leaves it to be read again, never skipped for good.
 */
export interface PolledSegments {
  /** The call the transcribe is of. */
  callId: string;
  transcribeId: string;
  segments: TranscriptSegment[];
}

export interface TranscriptPollerOptions {
  rest: RestClient;
  logger: Logger;
  found(p: PolledSegments): void;
  /** Each transcribe of a followed call, as read (its call, its start), before its segments. */
  learned?(t: TranscribeRef): void;
  pollMs?: number;
  clock?: Clock;
}

const POLL_MS = 2_000;
const MAX_PAGES = 10;
/** Calls followed at once at most: a lost hangup must not keep a poll going for good. */
const MAX_CALLS = 8;
const Row = z.looseObject({ id: z.string() });
/** After hangup, a read that keeps failing is given up on after this many tries. */
const MAX_FAILURES_AFTER_END = 3;
/** Longer than any call: a followed call whose hangup was never heard is dropped then. */
const MAX_FOLLOW_MS = 4 * 60 * 60_000;

interface Followed {
  /** The call ids a transcribe of this call may reference: my leg and the customer's call. */
  references: string[];
  /** Seen segment ids, per transcribe: paging stops at the first page with nothing new. */
  seen: Map<string, Set<string>>;
  ended: boolean;
  /** When it was first followed (wall-clock ms). */
  since: number;
  failuresAfterEnd: number;
}

export class TranscriptPoller {
  private readonly calls = new Map<string, Followed>();
  private timer: unknown;
  private reading = false;
  private stopped = false;
  private readonly clock: Clock;

  constructor(private readonly o: TranscriptPollerOptions) {
    this.clock = o.clock ?? systemClock;
  }

  /** A call of mine was answered: follow it (and the call it is a leg of); followed already, the references are added. */
  follow(callId: string, references: readonly string[]): void {
    if (this.stopped) return;
    const known = this.calls.get(callId);
    if (known !== undefined) {
      known.ended = false;
      for (const r of references) if (!known.references.includes(r)) known.references.push(r);
      return;
    }
    if (this.calls.size >= MAX_CALLS) this.calls.delete(this.calls.keys().next().value ?? '');
    this.calls.set(callId, { references: [...new Set([callId, ...references])], seen: new Map(), ended: false, since: this.clock.now(), failuresAfterEnd: 0 });
    this.schedule(0);
  }

  /** It hung up: one last read brings what was said at the end, then it is dropped. */
  ended(callId: string): void {
    const c = this.calls.get(callId);
    if (c === undefined) return;
    c.ended = true;
    this.schedule(0);
  }

  get following(): number {
    return this.calls.size;
  }

  dispose(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.calls.clear();
  }

  private schedule(ms: number): void {
    if (this.stopped || this.calls.size === 0) return;
    if (this.timer !== undefined) {
      if (ms > 0) return;
      this.clock.clearTimeout(this.timer);
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.read();
    }, ms);
  }

  private async read(): Promise<void> {
    if (this.reading) {
      this.schedule(this.o.pollMs ?? POLL_MS);
      return;
    }
    this.reading = true;
    try {
      for (const [id, c] of [...this.calls]) {
        const last = c.ended;
        const ok = await this.readCallSafely(c);
        if (this.stopped || this.calls.size === 0) return;
        // Dropped after its last read, or when it cannot be read after the end, or (a hangup
        // lost in a gap) once no call could still be going on: a poll never runs for good.
        const done = (last && (ok || ++c.failuresAfterEnd >= MAX_FAILURES_AFTER_END)) || this.clock.now() - c.since > MAX_FOLLOW_MS;
        if (done && this.calls.get(id) === c) this.calls.delete(id);
      }
    } finally {
      this.reading = false;
    }
    this.schedule(this.o.pollMs ?? POLL_MS);
  }

  /**
   * False when the read failed (said in the log). A refused sign-in stops every poll: retrying
   * cannot cure it, and the socket that would bring the hangup is refused too, so a poll left
   * running would ask every 2 s until its four hours are up.
   */
  private async readCallSafely(c: Followed): Promise<boolean> {
    try {
      await this.readOnce(c);
      return true;
    } catch (e) {
      if (isNotifierError(e) && (e.code === 'auth_failed' || e.code === 'forbidden' || BLOCKED_ACCOUNT.has(e.code))) {
        this.o.logger.warn(`transcripts: stopped reading (${e.userMessage})`);
        this.calls.clear();
        return false;
      }
      this.o.logger.warn(`transcripts: could not read (${describeError(e)}); trying again`);
      return false;
    }
  }

  private async readOnce(c: Followed): Promise<void> {
    for (const ref of c.references) {
      const query = `reference_type=call&reference_id=${encodeURIComponent(ref)}`;
      const transcribes = await this.o.rest.list(`/service_agents/transcribes?${query}`, Row, { maxPages: 2 });
      for (const row of transcribes) {
        const t = readTranscribe(row);
        if (t?.callId === undefined) continue;
        this.o.learned?.(t);
        let seen = c.seen.get(t.id);
        if (seen === undefined) c.seen.set(t.id, (seen = new Set()));
        const fresh = await this.newSegments(t.id, seen);
        if (this.stopped) return;
        if (fresh.length > 0) this.o.found({ callId: t.callId, transcribeId: t.id, segments: fresh });
        // Only now read: had a later page failed, these would be asked for again next time.
        for (const s of fresh) seen.add(s.id);
      }
    }
  }

  /**
   * Listed newest created first: every segment created since the last read comes before the
   * first one already seen, so the read stops there (a late one spoken earlier is created later).
   * `seen` is only looked at here; a page moving under the read (one created meanwhile) may list
   * a segment twice, told once.
   */
  private async newSegments(transcribeId: string, seen: ReadonlySet<string>): Promise<TranscriptSegment[]> {
    const fresh: TranscriptSegment[] = [];
    const here = new Set<string>();
    await this.o.rest.list(`/service_agents/transcripts?transcribe_id=${encodeURIComponent(transcribeId)}`, Row, {
      maxPages: MAX_PAGES,
      stop: (row) => {
        const s = readTranscript(row);
        if (s === undefined || s.transcribeId !== transcribeId) return false;
        if (seen.has(s.id)) return true;
        if (!here.has(s.id)) {
          here.add(s.id);
          fresh.push(s);
        }
        return false;
      },
    });
    return fresh.reverse();
  }
}
