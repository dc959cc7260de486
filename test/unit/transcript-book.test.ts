import { describe, expect, it } from 'vitest';
import { TranscriptBook, readTranscribe, readTranscript, type TranscriptSegment } from '../../main/core/transcripts/index.js';
import { makeTranscribe, makeTranscript } from '../../emulator/fixtures.js';

const seg = (id: string, second: number): TranscriptSegment => ({
  id,
  transcribeId: 't',
  direction: 'in',
  text: id,
  at: second * 1000,
  atMicros: second * 1_000_000,
});

describe('transcripts of a call', () => {
  it('keep the spoken order whatever the arrival order, each segment once', () => {
    const book = new TranscriptBook();
    const call = { callId: 'c1' };
    expect([seg('b', 2), seg('d', 4), seg('a', 1), seg('c', 3), seg('b', 2)].map((s) => book.add(call, s))).toEqual([true, true, true, true, false]);
    expect(book.segments(call).map((s) => s.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(book.segments({ callId: 'other' })).toEqual([]);
  });

  it('stay bounded: the latest segments of the most recently heard calls', () => {
    const book = new TranscriptBook({ maxCalls: 2, maxSegmentsPerCall: 3 });
    for (let i = 0; i < 5; i++) book.add({ callId: 'c1' }, seg(`s${i}`, i));
    expect(book.segments({ callId: 'c1' }).map((s) => s.id)).toEqual(['s2', 's3', 's4']);
    book.add({ callId: 'c2' }, seg('x', 1));
    book.add({ callId: 'c1' }, seg('s5', 5));
    book.add({ transcribeId: 't9' }, seg('y', 1));
    // c2 was heard least recently: forgotten first.
    expect(book.segments({ callId: 'c2' })).toEqual([]);
    expect(book.segments({ callId: 'c1' })).toHaveLength(3);
  });
});

describe('transcript records', () => {
  it('read every field type-checked: odd values read as absent, never as a crash', () => {
    const t = makeTranscribe({ reference_id: 'C0FFEE00-0000-4000-8000-0000000000CA' });
    expect(readTranscribe(t)).toEqual({ id: t.id, callId: 'c0ffee00-0000-4000-8000-0000000000ca', status: 'progressing' });
    expect(readTranscribe({ ...t, reference_type: 'recording' })?.callId).toBeUndefined();
    expect(readTranscribe({ ...t, reference_id: '../../calls' })?.callId).toBeUndefined();
    expect(readTranscribe({ id: 42 })).toBeUndefined();

    const s = makeTranscript({ message: 'Hi', direction: 'out', tm_transcript: '2026-12-03T12:03:04.250000Z' });
    expect(readTranscript(s)).toMatchObject({
      id: s.id,
      transcribeId: s.transcribe_id,
      direction: 'out',
      text: 'Hi',
      at: Date.UTC(2026, 11, 3, 12, 3, 4, 250),
    });
    expect(readTranscript({ ...s, direction: 'sideways', message: 7 })).toMatchObject({ direction: 'both', text: '' });
    expect(readTranscript({ ...s, transcribe_id: null })).toBeUndefined();
    expect(readTranscript({ ...s, message: 'x'.repeat(5_000) })?.text).toHaveLength(1_000);
  });
});
