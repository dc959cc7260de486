import { displayText, parseVoipbinTime } from '../platform/index.js';
import { isUuid } from '../../../shared/topics.js';

/**
 * Transcribe and transcript records as VoIPBIN sends them (PROTOCOL.md §3.10), in frames and in
 * REST answers alike, every field type-checked. What a caller said is someone else's text: one
 * plain line, bounded, never markup or a control sequence (displayText).
 */
export type TranscriptDirection = 'in' | 'out' | 'both';

/** Who speaks, in words: the command's lines and the desktop's copied transcript say it alike. */
export const SPEAKER_NAMES: Readonly<Record<TranscriptDirection, string>> = { in: 'Caller', out: 'Agent', both: 'Call' };

export interface TranscriptSegment {
  id: string;
  transcribeId: string;
  /** in: the caller, out: the agent, both: not told apart. */
  direction: TranscriptDirection;
  text: string;
  /** Wall-clock ms the words were spoken (tm_transcript, else tm_create). */
  at: number;
  /** Microseconds, for ordering segments spoken within one millisecond. */
  atMicros: number;
}

/** What a transcribe says about where its words come from. */
export interface TranscribeRef {
  id: string;
  /** The call it transcribes; undefined for recordings and conferences. */
  callId: string | undefined;
  status: string | undefined;
}

/** Long enough for a spoken paragraph; a segment is one utterance. */
export const SEGMENT_MAX = 1_000;

const DIRECTIONS: readonly TranscriptDirection[] = ['in', 'out', 'both'];
/** Speech has no control characters: any in a segment is someone's doing, and goes (as a space). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g;

function spokenText(v: unknown): string {
  return typeof v === 'string' ? displayText(v.replace(CONTROLS, ' '), SEGMENT_MAX) : '';
}

function uuidField(d: Record<string, unknown>, key: string): string | undefined {
  const v = d[key];
  return typeof v === 'string' && isUuid(v) ? v.toLowerCase() : undefined;
}

export function readTranscript(d: Record<string, unknown>): TranscriptSegment | undefined {
  const id = uuidField(d, 'id');
  const transcribeId = uuidField(d, 'transcribe_id');
  if (id === undefined || transcribeId === undefined) return undefined;
  const dir = d.direction;
  const direction = typeof dir === 'string' && (DIRECTIONS as readonly string[]).includes(dir) ? (dir as TranscriptDirection) : 'both';
  const micros = parseVoipbinTime(d.tm_transcript) ?? parseVoipbinTime(d.tm_create) ?? 0;
  return { id, transcribeId, direction, text: spokenText(d.message), at: Math.floor(micros / 1000), atMicros: micros };
}

export function readTranscribe(d: Record<string, unknown>): TranscribeRef | undefined {
  const id = uuidField(d, 'id');
  if (id === undefined) return undefined;
  return {
    id,
    callId: d.reference_type === 'call' ? uuidField(d, 'reference_id') : undefined,
    status: typeof d.status === 'string' ? d.status : undefined,
  };
}
