import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { RestClient } from '../api/index.js';
import { describeError, type Logger } from '../platform/index.js';
import { readTranscribe, type TranscribeRef } from './transcript-records.js';

/**
 * Which call a transcribe belongs to. A transcript segment names only its transcribe
 * (PROTOCOL.md §3.10): the call comes from the `transcribe_*` frame when one was heard, else from
 * `GET /v1.0/transcribes/{id}` (admins, managers, access keys), asked once per transcribe with
 * the answer cached. A failed lookup is remembered briefly, so a storm of segments from one
 * transcribe asks once, not once per segment.
 */
export interface TranscribeCallsOptions {
  rest: RestClient;
  logger: Logger;
}

const MAX_ENTRIES = 500;
const FAILED_TTL_MS = 30_000;
const TranscribeSchema = z.looseObject({ id: z.string() });

export class TranscribeCalls {
  /** null: asked, and it is not a call's (or could not be known just now). */
  private readonly cache = new LRUCache<string, { callId: string | null }>({ max: MAX_ENTRIES });
  private readonly inFlight = new Map<string, Promise<string | null>>();

  constructor(private readonly o: TranscribeCallsOptions) {}

  learn(ref: TranscribeRef): void {
    this.cache.set(ref.id, { callId: ref.callId ?? null });
  }

  /** The call now, if known without asking. */
  known(transcribeId: string): string | null | undefined {
    return this.cache.get(transcribeId)?.callId;
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
        const callId = ref?.id === transcribeId ? (ref.callId ?? null) : null;
        this.cache.set(transcribeId, { callId });
        return callId;
      })
      .catch((e: unknown) => {
        this.o.logger.warn(`transcribe ${transcribeId}: its call is not known (${describeError(e)})`);
        this.cache.set(transcribeId, { callId: null }, { ttl: FAILED_TTL_MS });
        return null;
      })
      .finally(() => this.inFlight.delete(transcribeId));
    this.inFlight.set(transcribeId, asked);
    return asked;
  }
}
