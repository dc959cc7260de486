import { describe, expect, it } from 'vitest';
import { EventOrdering, type OrderingVerdict } from '../../main/core/stream/event-ordering.js';
import { parseFrame } from '../../main/core/stream/frames.js';
import { makeCall, makeQueuecall } from '../../emulator/fixtures.js';

function judgeAll(frames: Record<string, unknown>[], ordering = new EventOrdering()): OrderingVerdict[] {
  return frames.map((f) => {
    const raw = JSON.stringify(f);
    const p = parseFrame(raw);
    if (!p.ok) throw new Error(p.reason);
    return ordering.judge(p.frame, raw);
  });
}

const at = (s: number): string => `2026-08-01T10:00:${String(s).padStart(2, '0')}.000000Z`;

describe('dedupe and ordering', () => {
  const id = '11111111-2222-4333-8444-555555555555';
  const call = (status: string, s: number): Record<string, unknown> => makeCall({ id, status: status as never, tm_update: at(s) });

  it('accepts each transition once and drops duplicates', () => {
    expect(
      judgeAll([call('dialing', 1), call('dialing', 1), call('ringing', 2), call('ringing', 2), call('progressing', 3), call('hangup', 9), call('hangup', 9)]),
    ).toEqual(['accepted', 'duplicate', 'accepted', 'duplicate', 'accepted', 'accepted', 'duplicate']);
  });

  it('drops frames that arrive after a later status (no ordering on the wire)', () => {
    expect(judgeAll([call('hangup', 9), call('ringing', 2), call('progressing', 3)])).toEqual(['accepted', 'stale', 'stale']);
  });

  it('orders same-status updates by tm_update', () => {
    expect(judgeAll([call('progressing', 5), call('progressing', 3), call('progressing', 6)])).toEqual(['accepted', 'stale', 'accepted']);
  });

  it('lets a queuecall go back to waiting after connecting, by time', () => {
    const q = (status: string, s: number): Record<string, unknown> => makeQueuecall({ id, status: status as never, tm_update: at(s) });
    expect(judgeAll([q('waiting', 1), q('connecting', 2), q('waiting', 3), q('connecting', 2), q('done', 9), q('waiting', 10)])).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'stale',
      'accepted',
      'stale',
    ]);
  });

  it('keeps different resources apart and dedupes id-less frames by content', () => {
    const other = makeCall({ status: 'ringing', tm_update: at(2) });
    expect(judgeAll([call('ringing', 2), other, { hello: 1 }, { hello: 1 }, { hello: 2 }])).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'duplicate',
      'accepted',
    ]);
  });

  it('without tm_update, dedupes a resource by its text, and a new status is news', () => {
    const base = { ...makeCall({ id }), tm_update: undefined, tm_create: undefined };
    const bare = (status: string, extra = {}): Record<string, unknown> => ({ ...base, status, ...extra });
    expect(judgeAll([bare('ringing'), bare('ringing'), bare('ringing', { note: 'x' }), bare('progressing')])).toEqual([
      'accepted',
      'duplicate',
      'accepted',
      'accepted',
    ]);
  });

  it('a resource of another kind under the same id is not judged against it, and does not count as an open call', () => {
    const ordering = new EventOrdering();
    const q = makeQueuecall({ id, status: 'waiting', tm_update: at(9) });
    expect(judgeAll([call('ringing', 2), q, call('ringing', 3)], ordering)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(ordering.lastStatus('call', id)).toBe('ringing');
    expect(ordering.lastStatus('queuecall', id)).toBeUndefined();
    judgeAll([q], ordering);
    expect(ordering.openIds('call')).toEqual([]);
    expect(ordering.openIds('queuecall')).toEqual([id]);
  });

  it('stays bounded: the oldest resources are forgotten', () => {
    const ordering = new EventOrdering({ maxResources: 100 });
    judgeAll(
      Array.from({ length: 1000 }, () => makeCall()),
      ordering,
    );
    expect(ordering.size).toBe(100);
  });

  it('knows which calls are still open', () => {
    const ordering = new EventOrdering();
    const open = makeCall({ status: 'ringing' });
    judgeAll([open, makeCall({ status: 'hangup' })], ordering);
    expect(ordering.openIds('call')).toEqual([open.id]);
  });
});
