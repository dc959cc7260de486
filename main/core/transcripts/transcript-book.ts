import type { TranscriptSegment } from './transcript-records.js';

/**
 * The transcripts of recent calls, each kept in the order the words were spoken (atMicros: the
 * transcribe's start plus the offset), whatever order they arrived in, with every segment once
 * (the stream and the REST reads overlap, and the server may send a segment twice). Bounded: the
 * most recently heard calls, and the latest segments of each, so a desk left running all week
 * stays flat. Pinned calls (the desktop's: my own, as MyCalls knows them) are never forgotten for
 * others — a supervisor hears every call of the customer, and those must not push mine out; they
 * are bounded by whoever pins them, and forgotten like the rest once no longer pinned.
 */
export interface BookOptions {
  /** Calls kept besides the pinned ones. */
  maxCalls?: number;
  maxSegmentsPerCall?: number;
  pinned?: (key: TranscriptKey) => boolean;
}

const MAX_CALLS = 20;
const MAX_SEGMENTS = 2_000;

/** Segments whose call is not known are kept under their transcribe. */
export type TranscriptKey = { callId: string } | { transcribeId: string };

const keyOf = (k: TranscriptKey): string => ('callId' in k ? `call:${k.callId}` : `transcribe:${k.transcribeId}`);

interface Entry {
  key: TranscriptKey;
  segments: TranscriptSegment[];
  ids: Set<string>;
}

export class TranscriptBook {
  private readonly calls = new Map<string, Entry>();
  private readonly maxCalls: number;
  private readonly maxSegments: number;
  private readonly pinned: (key: TranscriptKey) => boolean;

  constructor(o: BookOptions = {}) {
    this.maxCalls = o.maxCalls ?? MAX_CALLS;
    this.maxSegments = o.maxSegmentsPerCall ?? MAX_SEGMENTS;
    this.pinned = o.pinned ?? (() => false);
  }

  /** True when the segment is new for that call; a copy of one already kept is false. */
  add(key: TranscriptKey, s: TranscriptSegment): boolean {
    const k = keyOf(key);
    let entry = this.calls.get(k);
    if (entry === undefined) {
      entry = { key, segments: [], ids: new Set() };
      if (!this.pinned(key)) this.makeRoom();
    } else {
      // Most recently heard last: the oldest call is the one forgotten first.
      this.calls.delete(k);
    }
    this.calls.set(k, entry);
    if (entry.ids.has(s.id)) return false;
    entry.ids.add(s.id);
    const list = entry.segments;
    // Nearly always appended: a late segment walks back only past the few spoken after it.
    let i = list.length;
    while (i > 0 && (list[i - 1]?.atMicros ?? 0) > s.atMicros) i--;
    list.splice(i, 0, s);
    if (list.length > this.maxSegments) {
      const dropped = list.shift();
      if (dropped !== undefined) entry.ids.delete(dropped.id);
    }
    return true;
  }

  /** The call's segments in spoken order (empty when none, or forgotten). */
  segments(key: TranscriptKey): readonly TranscriptSegment[] {
    return this.calls.get(keyOf(key))?.segments ?? [];
  }

  forget(key: TranscriptKey): void {
    this.calls.delete(keyOf(key));
  }

  /** Room for one more unpinned call: the least recently heard unpinned ones go. */
  private makeRoom(): void {
    const unpinned = [...this.calls].filter(([, e]) => !this.pinned(e.key));
    for (let i = 0; i <= unpinned.length - this.maxCalls; i++) this.calls.delete(unpinned[i]?.[0] ?? '');
  }
}
