import { displayText, parseVoipbinTime } from '../platform/index.js';
import { isUuid } from '../../../shared/topics.js';

/**
 * Transcribe and transcript records as VoIPBIN sends them (PROTOCOL.md §3.10), in frames and in
 * REST answers alike, every field type-checked. What a caller said is someone else's text: one
 * plain line, bounded, never markup or a control sequence (displayText).
 *
 * When words were said. `tm_transcript` is not a wall-clock time: it is the time since the
 * transcription started, written as a date in year 1. transcribe-manager's streaming handler
 * stamps each segment `time.Time{}.Add(now − start)` (bin-transcribe-manager/pkg/streaminghandler/
 * gcp.go, aws.go), its model says "0000-00-00 00:00:00.00000 points [to the] beginning of the
 * transcribe create time" (models/transcript/transcript.go), VoIPBIN's docs show
 * "0001-01-01 00:01:04.441160", and the 2026-09-16 redesign (VOIP-1528,
 * docs/plans/2026-09-16-tm-transcript-offset-redesign.md) replaces it with `offset_ms`, "offset in
 * milliseconds from the start of the transcription". Both are read; a segment is placed at its
 * transcribe's start (its `tm_create`) plus the offset, so within a transcribe the words are in
 * offset order. `tm_create` is when the server stored the segment (the list order), used when
 * there is no offset.
 */
export type TranscriptDirection = 'in' | 'out' | 'both';

/** Who spoke, once it is known which call the transcribe is of (speakerOf). */
export type Speaker = 'caller' | 'agent' | 'both';

/** Who speaks, in words: the command's lines and the desktop's copied transcript say it alike. */
export const SPEAKER_NAMES: Readonly<Record<Speaker, string>> = { caller: 'Caller', agent: 'Agent', both: 'Call' };

/** What a line says in privacy mode instead of the words (the command; the desktop hides the lines). */
export const HIDDEN_WORDS = 'Hidden (privacy mode)';

export interface TranscriptSegment {
  id: string;
  transcribeId: string;
  /** As VoIPBIN says it, relative to the call transcribed: `in` came into VoIPBIN from that call's far end. */
  direction: TranscriptDirection;
  text: string;
  /** Microseconds since the transcription started (offset_ms, or tm_transcript in year 1); undefined when neither says. */
  offsetMicros: number | undefined;
  /** When the server stored it (tm_create), epoch µs. */
  createdMicros: number;
  /** Wall-clock ms the words were spoken: the transcribe's start + offset once placed (placeSegment), else tm_create. */
  at: number;
  /** The same in microseconds, the spoken order. */
  atMicros: number;
}

/** What a transcribe says about where its words come from. */
export interface TranscribeRef {
  id: string;
  /** The call it transcribes; undefined for recordings and conferences. */
  callId: string | undefined;
  status: string | undefined;
  /** When the transcription started (its tm_create), epoch µs: what offsets count from. */
  startedMicros: number | undefined;
}

/** Long enough for a spoken paragraph; a segment is one utterance. */
export const SEGMENT_MAX = 1_000;

const DIRECTIONS: readonly TranscriptDirection[] = ['in', 'out', 'both'];
/** Speech has no control characters: any in a segment is someone's doing, and goes (as a space). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g;
/** Year 1 (Go's zero time plus the offset) or the legacy "0000-00-00", RFC 3339 or with a space. */
const OFFSET_STAMP = /^(?:0001-01-(\d{2})|0000-00-00)[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z?$/;
/** Longer than any call: an offset past this is not one. */
const MAX_OFFSET_MICROS = 7 * 24 * 3600 * 1_000_000;

function spokenText(v: unknown): string {
  return typeof v === 'string' ? displayText(v.replace(CONTROLS, ' '), SEGMENT_MAX) : '';
}

function uuidField(d: Record<string, unknown>, key: string): string | undefined {
  const v = d[key];
  return typeof v === 'string' && isUuid(v) ? v.toLowerCase() : undefined;
}

/** The offset a segment gives, in µs: `offset_ms` (newer servers) or `tm_transcript` in year 1. */
export function readOffset(d: Record<string, unknown>): number | undefined {
  const ms = d.offset_ms;
  if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 && ms * 1000 <= MAX_OFFSET_MICROS) return Math.round(ms * 1000);
  const stamp = d.tm_transcript;
  if (typeof stamp !== 'string') return undefined;
  const m = OFFSET_STAMP.exec(stamp.trim());
  if (m === null) return undefined;
  const [, day, h, mi, s, frac] = m;
  const seconds = (Number(day ?? '01') - 1) * 86_400 + Number(h) * 3600 + Number(mi) * 60 + Number(s);
  const micros = seconds * 1_000_000 + (frac === undefined ? 0 : Number(frac.padEnd(6, '0').slice(0, 6)));
  // Exactly zero is the zero value, not a time: a whole-recording transcript's placeholder
  // ("0000-00-00 00:00:00.00000"), or what the DATETIME column gave back for every segment before
  // offset_ms (VOIP-1528). Words are never recognised before any sound was heard.
  return Number.isFinite(micros) && micros > 0 && micros <= MAX_OFFSET_MICROS ? micros : undefined;
}

/** `receivedMicros`: when it reached us, for a segment without a usable tm_create. */
export function readTranscript(d: Record<string, unknown>, receivedMicros = Date.now() * 1000): TranscriptSegment | undefined {
  const id = uuidField(d, 'id');
  const transcribeId = uuidField(d, 'transcribe_id');
  if (id === undefined || transcribeId === undefined) return undefined;
  const dir = d.direction;
  const direction = typeof dir === 'string' && (DIRECTIONS as readonly string[]).includes(dir) ? (dir as TranscriptDirection) : 'both';
  const created = parseVoipbinTime(d.tm_create) ?? receivedMicros;
  return {
    id,
    transcribeId,
    direction,
    text: spokenText(d.message),
    offsetMicros: readOffset(d),
    createdMicros: created,
    at: Math.floor(created / 1000),
    atMicros: created,
  };
}

/** The segment placed in time: `startMicros` (its transcribe's start) plus its offset. */
export function placeSegment(s: TranscriptSegment, startMicros: number): TranscriptSegment {
  if (s.offsetMicros === undefined) return s;
  const atMicros = startMicros + s.offsetMicros;
  return { ...s, at: Math.floor(atMicros / 1000), atMicros };
}

/** Where a transcribe's offsets count from when its own start is not known: this segment's store time less its offset. */
export function estimatedStart(s: TranscriptSegment): number {
  return s.createdMicros - (s.offsetMicros ?? 0);
}

/**
 * Who said it. `direction` is relative to the call transcribed (PROTOCOL.md §3.10; VoIPBIN's
 * transcribe docs: `in` is speech coming into VoIPBIN from that call's far end, `out` what
 * VoIPBIN sends to it). On the customer's call `in` is the caller; on the agent's own leg — a
 * call from VoIPBIN to the agent's phone — `in` is the agent.
 */
export function speakerOf(direction: TranscriptDirection, agentLeg: boolean): Speaker {
  if (direction === 'both') return 'both';
  return (direction === 'in') !== agentLeg ? 'caller' : 'agent';
}

export function readTranscribe(d: Record<string, unknown>): TranscribeRef | undefined {
  const id = uuidField(d, 'id');
  if (id === undefined) return undefined;
  return {
    id,
    callId: d.reference_type === 'call' ? uuidField(d, 'reference_id') : undefined,
    status: typeof d.status === 'string' ? d.status : undefined,
    startedMicros: parseVoipbinTime(d.tm_create),
  };
}
