import type { HistoryItem } from './history.js';
import type { ResourceEvent } from '../stream/index.js';

/**
 * The history's "activity" lines: what never pops up but shows what happened around a call — one
 * per recording frame, and one per transcribe whatever its frames (created, progressing, done).
 * Transcript segments and speech events get none: a transcribed call sends several a second, and
 * with live transcripts on they would push out the call and message entries that "Copy transcript"
 * and "Reply" need (core/transcripts keeps the words, in memory).
 */
const MAX_TRANSCRIBES = 200;

export class ActivityLines {
  /** Transcribes already given their line, oldest first. */
  private readonly transcribes = new Set<string>();

  lineFor(e: ResourceEvent): Omit<HistoryItem, 'seq' | 'read'> | undefined {
    if (e.kind !== 'recording' && !(e.kind === 'transcribe' && this.firstOfTranscribe(e.id))) return undefined;
    return { kind: 'activity', resourceId: e.id ?? '', title: e.kind, body: e.status ?? '', at: e.receivedAt, shown: false, heldBecause: undefined };
  }

  private firstOfTranscribe(id: string | undefined): boolean {
    if (id === undefined || this.transcribes.has(id)) return false;
    this.transcribes.add(id);
    if (this.transcribes.size > MAX_TRANSCRIBES) this.transcribes.delete(this.transcribes.values().next().value ?? '');
    return true;
  }
}
