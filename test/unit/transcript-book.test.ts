import { describe, expect, it } from 'vitest';
import { MyCalls, TranscriptBook, readOffset, readTranscribe, readTranscript, speakerOf, type TranscriptSegment } from '../../main/core/transcripts/index.js';
import type { ResourceEvent } from '../../main/core/stream/index.js';
import { makeCall, makeTranscribe, makeTranscript, transcriptOffset } from '../../emulator/fixtures.js';

const seg = (id: string, second: number): TranscriptSegment => ({
  id,
  transcribeId: 't',
  direction: 'in',
  text: id,
  offsetMicros: second * 1_000_000,
  createdMicros: second * 1_000_000,
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

  it('never forget a pinned call for others, however many are heard after it; unpinned, it goes like the rest', () => {
    const pins = new Set(['mine']);
    const book = new TranscriptBook({ maxCalls: 2, pinned: (k) => 'callId' in k && pins.has(k.callId) });
    book.add({ callId: 'mine' }, seg('m', 1));
    for (let i = 0; i < 25; i++) book.add({ callId: `other${i}` }, seg(`o${i}`, i));
    expect(book.segments({ callId: 'mine' }).map((s) => s.id)).toEqual(['m']);
    // Two others besides the pinned one.
    expect(book.segments({ callId: 'other24' })).toHaveLength(1);
    expect(book.segments({ callId: 'other23' })).toHaveLength(1);
    expect(book.segments({ callId: 'other22' })).toEqual([]);
    pins.clear();
    book.add({ callId: 'next' }, seg('n', 1));
    expect(book.segments({ callId: 'mine' })).toEqual([]);
  });
});

describe('transcript records', () => {
  it('read every field type-checked: odd values read as absent, never as a crash', () => {
    const t = makeTranscribe({ reference_id: 'C0FFEE00-0000-4000-8000-0000000000CA', tm_create: '2026-12-03T12:03:00Z' });
    expect(readTranscribe(t)).toEqual({
      id: t.id,
      callId: 'c0ffee00-0000-4000-8000-0000000000ca',
      status: 'progressing',
      startedMicros: Date.UTC(2026, 11, 3, 12, 3) * 1000,
    });
    expect(readTranscribe({ ...t, reference_type: 'recording' })?.callId).toBeUndefined();
    expect(readTranscribe({ ...t, reference_id: '../../calls' })?.callId).toBeUndefined();
    expect(readTranscribe({ id: 42 })).toBeUndefined();

    const s = makeTranscript({ message: 'Hi', direction: 'out', tm_transcript: transcriptOffset(4_250), tm_create: '2026-12-03T12:03:05.1Z' });
    expect(readTranscript(s)).toMatchObject({
      id: s.id,
      transcribeId: s.transcribe_id,
      direction: 'out',
      text: 'Hi',
      offsetMicros: 4_250_000,
      createdMicros: Date.UTC(2026, 11, 3, 12, 3, 5, 100) * 1000,
      // Not placed yet: when it was stored.
      at: Date.UTC(2026, 11, 3, 12, 3, 5, 100),
    });
    expect(readTranscript({ ...s, direction: 'sideways', message: 7 })).toMatchObject({ direction: 'both', text: '' });
    expect(readTranscript({ ...s, transcribe_id: null })).toBeUndefined();
    expect(readTranscript({ ...s, message: 'x'.repeat(5_000) })?.text).toHaveLength(1_000);
  });

  it('tm_transcript is an offset from the start of the transcription, in every form the server has written it; offset_ms too', () => {
    // What the emulator writes is what the server writes.
    expect(transcriptOffset(64_441.16)).toBe('0001-01-01T00:01:04.44116Z');
    expect(readOffset({ tm_transcript: '0001-01-01T00:01:04.44116Z' })).toBe(64_441_160);
    // The docs' and the older string model's "2006-01-02 15:04:05.00000" layout.
    expect(readOffset({ tm_transcript: '0001-01-01 00:01:04.441160' })).toBe(64_441_160);
    expect(readOffset({ tm_transcript: '0001-01-02T00:00:01Z' })).toBe(86_401_000_000);
    // Newer servers (VOIP-1528): milliseconds, and they win.
    expect(readOffset({ offset_ms: 3500, tm_transcript: '0001-01-01T00:01:04Z' })).toBe(3_500_000);
    expect(readOffset({ offset_ms: 0 })).toBe(0);
    // The zero value (a recording's placeholder, the DATETIME bug) and wall-clock times are no offset.
    expect(readOffset({ tm_transcript: '0000-00-00 00:00:00.00000' })).toBeUndefined();
    expect(readOffset({ tm_transcript: '0001-01-01T00:00:00Z' })).toBeUndefined();
    expect(readOffset({ tm_transcript: '2026-12-03T12:03:04Z' })).toBeUndefined();
    expect(readOffset({ offset_ms: -1 })).toBeUndefined();
    expect(readOffset({ offset_ms: '12' })).toBeUndefined();
  });

  it('direction is relative to the call transcribed: on the agent\u2019s own leg, "in" is the agent', () => {
    expect([speakerOf('in', false), speakerOf('out', false), speakerOf('both', false)]).toEqual(['caller', 'agent', 'both']);
    expect([speakerOf('in', true), speakerOf('out', true), speakerOf('both', true)]).toEqual(['agent', 'caller', 'both']);
  });
});

describe('my calls', () => {
  const ME = '7e1f0000-0000-4000-8000-000000000001';
  const event = (data: Record<string, unknown>): ResourceEvent => ({
    kind: 'call',
    id: data.id as string,
    status: data.status as string,
    updatedAt: undefined,
    eventType: undefined,
    data,
    source: 'stream',
    receivedAt: 1,
  });

  it('name the other party: the caller on a leg that rang me, the one I call on a call I make', () => {
    const calls = new MyCalls(ME);
    const rang = makeCall({
      owner_id: ME,
      status: 'progressing',
      direction: 'outgoing',
      source: { type: 'tel', target: '+15550100', target_name: 'Jane Cooper' },
      destination: { type: 'extension', target: '2001' },
      master_call_id: '7e1f0000-0000-4000-8000-0000000000aa',
    });
    const toMobile = makeCall({
      owner_id: ME,
      status: 'progressing',
      direction: 'outgoing',
      source: { type: 'tel', target: '+15550111' },
      destination: { type: 'tel', target: '+15550002001' },
      master_call_id: '7e1f0000-0000-4000-8000-0000000000ab',
    });
    const placed = makeCall({
      owner_id: ME,
      status: 'progressing',
      direction: 'outgoing',
      source: { type: 'tel', target: '+15559990000' },
      destination: { type: 'tel', target: '+15550199', target_name: 'Sam Lee' },
    });
    const fromMyPhone = makeCall({
      owner_id: ME,
      status: 'progressing',
      direction: 'incoming',
      source: { type: 'extension', target: '2001' },
      destination: { type: 'tel', target: '+15550123' },
    });
    for (const c of [rang, toMobile, placed, fromMyPhone]) calls.handle(event(c));
    expect([rang, toMobile, placed, fromMyPhone].map((c) => [calls.byLeg(c.id)?.party, calls.byLeg(c.id)?.privateParty])).toEqual([
      ['Jane Cooper', 'Jane Cooper'],
      ['+15550111', 'a caller'],
      ['Sam Lee', 'Sam Lee'],
      ['+15550123', 'a customer'],
    ]);
    expect(calls.byReference('7e1f0000-0000-4000-8000-0000000000AA')?.legId).toBe(rang.id);
    expect(calls.end(rang.id, 2)).toBe(true);
    expect(calls.end(rang.id, 3)).toBe(false);
  });

  it('the call I am on is the latest answered, not the latest learnt: a call listed late that was answered earlier stays behind', () => {
    const calls = new MyCalls(ME);
    const live = makeCall({ owner_id: ME, status: 'progressing' });
    calls.handle({ ...event(live), receivedAt: Date.UTC(2026, 11, 3, 12, 5) });
    // The listing at subscribe answered after the live frame, with a call answered at 12:00.
    const older = makeCall({ owner_id: ME, status: 'progressing', tm_progressing: '2026-12-03T12:00:00Z' });
    calls.handle({ ...event(older), source: 'catchup', receivedAt: Date.UTC(2026, 11, 3, 12, 5, 1) });
    expect(calls.current()?.legId).toBe(live.id);
    expect(calls.byLeg(older.id)?.answeredAt).toBe(Date.UTC(2026, 11, 3, 12));
    calls.end(live.id, 0);
    expect(calls.current()?.legId).toBe(older.id);
  });

  it('take only UUID ids: a call id goes into REST queries and the call window', () => {
    const calls = new MyCalls(ME);
    for (const id of ['../../me', '00000000-0000-0000-0000-000000000000', '']) {
      expect(calls.handle(event(makeCall({ id, owner_id: ME, status: 'progressing' })))).toBe(false);
    }
    expect(calls.current()).toBeUndefined();
    const ok = makeCall({ id: '7E1F0000-0000-4000-8000-0000000000CC', owner_id: ME, status: 'progressing' });
    expect(calls.handle(event(ok))).toBe(true);
    expect(calls.current()?.legId).toBe('7e1f0000-0000-4000-8000-0000000000cc');
  });
});
