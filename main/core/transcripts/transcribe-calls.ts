import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { RestClient } from '../api/index.js';
import { describeError, type Logger } from '../platform/index.js';
import { estimatedStart, placeSegment, readTranscribe, type TranscribeRef, type TranscriptSegment } from './transcript-records.js';

/**
 * Which call a transcribe belongs to, and when it started. A transcript segment names only its
 * transcribe (PROTOCOL.md §3.10): the call comes from the `transcribe_*` frame when one was heard,
 * else from `GET /v1.0/transcribes/{id}` (admins, managers, access keys), asked once per transcribe
 * with the answer cached. A failed lookup is remembered briefly, so a storm of segments from one
 * transcribe asks once, not once per segment. The start is what the segments' offsets count from
 * (transcript-records.ts); it is fixed the first time a segment is placed, so every segment of a
 * transcribe is placed from the same start and their order is their offsets' order.
 */
export interface TranscribeCallsOptions {
  rest: RestClient;
  logger: Logger;
}

const MAX_ENTRIES = 500;
const FAILED_TTL_MS = 30_000;
const TranscribeSchema = z.looseObject({ id: z.string() });

interface Known {
  /** null: asked, and it is not a call's (or could not be known just now). */
  callId: string | null;
  startedMicros: number | undefined;
}

export class TranscribeCalls {
  private readonly cache = new LRUCache<string, Known>({ max: MAX_ENTRIES });
  private readonly inFlight = new Map<string, Promise<string | null>>();
  /** Per transcribe, the start its segments were placed from (kept apart from the lookups, which may expire). */
  private readonly starts = new LRUCache<string, number>({ max: MAX_ENTRIES });
  /** Calls a transcribe is known of, so a window can wait for one. */
  private readonly transcribed = new LRUCache<string, true>({ max: MAX_ENTRIES });

  constructor(private readonly o: TranscribeCallsOptions) {}

  /** True when this transcribe was not known of before. */
  learn(ref: TranscribeRef): boolean {
    const before = this.cache.get(ref.id);
    this.cache.set(ref.id, { callId: ref.callId ?? null, startedMicros: ref.startedMicros ?? before?.startedMicros });
    if (ref.callId !== undefined) this.transcribed.set(ref.callId, true);
    return before?.callId !== (ref.callId ?? null);
  }

  /** The call now, if known without asking. */
  known(transcribeId: string): string | null | undefined {
    return this.cache.get(transcribeId)?.callId;
  }

  /** Whether a transcribe of this call is known. */
  hasTranscribe(callId: string): boolean {
    return this.transcribed.has(callId);
  }

  /** The segment in time: its transcribe's start plus its offset (the start fixed at the first segment placed). */
  place(s: TranscriptSegment): TranscriptSegment {
    if (s.offsetMicros === undefined) return s;
    let start = this.starts.get(s.transcribeId);
    if (start === undefined) {
      start = this.cache.get(s.transcribeId)?.startedMicros ?? estimatedStart(s);
      this.starts.set(s.transcribeId, start);
    }
    return placeSegment(s, start);
  }

  callOf(transcribeId: string): Promise<string | null> {
    const hit = this.cache.get(transcribeId);
    if (hit !== undefined) return Promise.resolve(hit.callId);
    const pending = this.inFlight.get(transcribeId);
    if (pending !== undefined) return pending;
    const asked = this.o.rest
      .get(`/transcribes/${transcribeId}`, TranscribeSchema)
      .then((row) => {
        const ref = readTranscribe(row);
        if (ref?.id !== transcribeId) {
          this.cache.set(transcribeId, { callId: null, startedMicros: undefined });
          return null;
        }
        this.learn(ref);
        return ref.callId ?? null;
      })
      .catch((e: unknown) => {
        this.o.logger.warn(`transcribe ${transcribeId}: its call is not known (${describeError(e)})`);
        this.cache.set(transcribeId, { callId: null, startedMicros: undefined }, { ttl: FAILED_TTL_MS });
        return null;
      })
      .finally(() => this.inFlight.delete(transcribeId));
    this.inFlight.set(transcribeId, asked);
    return asked;
  }
}
