import { describe, expect, it } from 'vitest';
import { CallOffers } from '../../main/core/notify/call-offers.js';
import { parseFrame } from '../../main/core/stream/frames.js';
import { decodeAgentToken } from '../../main/core/account/identity.js';
import type { ResourceEvent } from '../../main/core/stream/events.js';
import { NotificationHistory } from '../../main/core/notify/history.js';
import { RecentFrames } from '../../main/core/stream/recent-frames.js';
import { StormGuard } from '../../main/core/notify/storm-guard.js';
import { InboundCall } from '../../emulator/scenarios.js';
import { agentPayload, CUSTOMER_ID, fakeAgentJwt } from '../support/jwt.js';

/** What weeks of uptime and busy customer-wide views need: bounded state that stays correct. */
const admin = decodeAgentToken(fakeAgentJwt(agentPayload({ permission: 0x30 })));

function event(data: Record<string, unknown>, receivedAt = Date.now()): ResourceEvent {
  const p = parseFrame(JSON.stringify(data));
  if (!p.ok) throw new Error(p.reason);
  return { ...p.frame, source: 'stream', receivedAt };
}

const inbound = (i: number): InboundCall =>
  new InboundCall({ customerId: CUSTOMER_ID, caller: { type: 'tel', target: `+1555${String(1_000_000 + i)}` }, number: { type: 'tel', target: '+15550199' } });

describe('call offers stay bounded', () => {
  it('keeps at most 2,000 offers however many calls ring, and still rings the newest', () => {
    const offers = new CallOffers(admin);
    let rings = 0;
    for (let i = 0; i < 5_000; i++) {
      const [, ringing] = inbound(i).start();
      rings += offers.handle(event(ringing!.data), 'live', true).filter((d) => d.type === 'ring').length;
      expect(offers.size).toBeLessThanOrEqual(2_001);
    }
    expect(rings).toBe(5_000);
    expect(offers.size).toBeLessThanOrEqual(2_001);
  });

  it('forgets ended offers after 10 minutes; a wall clock set back breaks nothing', () => {
    let now = Date.parse('2026-11-23T10:00:00Z');
    const offers = new CallOffers(admin, () => now);
    const call = inbound(1);
    const [, ringing] = call.start();
    offers.handle(event(ringing!.data), 'live', true);
    offers.handle(event(call.giveUp()[0]!.data), 'live', true);
    expect(offers.size).toBe(1);
    now += 11 * 60_000;
    offers.handle(event(inbound(2).start()[1]!.data), 'live', true);
    expect(offers.size).toBe(1);
    now -= 60 * 60_000;
    const later = inbound(3);
    expect(offers.handle(event(later.start()[1]!.data), 'live', true).map((d) => d.type)).toEqual(['ring']);
    expect(offers.handle(event(later.answer()[0]!.data), 'live', true).map((d) => d.type)).toEqual(['withdraw']);
  });
});

describe('notification history', () => {
  const add = (h: NotificationHistory, kind: 'missed_call' | 'incoming_call' | 'summary', id: string): void => {
    h.add({ kind, resourceId: id, title: id, body: '', at: 0, shown: false, heldBecause: undefined });
  };

  it('is bounded, newest first', () => {
    const h = new NotificationHistory(5);
    for (let i = 0; i < 12; i++) add(h, 'incoming_call', `c${i}`);
    expect(h.size).toBe(5);
    expect(h.list().map((i) => i.resourceId)).toEqual(['c11', 'c10', 'c9', 'c8', 'c7']);
    expect(h.list(2).map((i) => i.resourceId)).toEqual(['c11', 'c10']);
  });

  it('stays in order through thousands of items, read and unread mixed, and after marking read', () => {
    const h = new NotificationHistory(100);
    for (let i = 0; i < 5_000; i++) add(h, i % 7 === 0 ? 'missed_call' : 'incoming_call', `x${i}`);
    const seqs = h.list().map((i) => i.seq);
    expect(seqs).toHaveLength(100);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    // Unread missed calls are kept before anything read: 715 came, so every place holds one of them.
    expect(h.unreadCount('missed_call')).toBe(100);
    h.markRead();
    for (let i = 0; i < 300; i++) add(h, 'incoming_call', `y${i}`);
    expect(h.list().map((i) => i.resourceId)).toEqual(Array.from({ length: 100 }, (_, k) => `y${299 - k}`));
    expect(h.unreadCount()).toBe(0);
  });

  it('a storm of customer-wide calls does not push out the unread missed calls', () => {
    const h = new NotificationHistory(5);
    add(h, 'missed_call', 'm1');
    add(h, 'incoming_call', 'c0');
    add(h, 'missed_call', 'm2');
    for (let i = 1; i <= 20; i++) add(h, 'incoming_call', `c${i}`);
    expect(h.list().map((i) => i.resourceId)).toEqual(['c20', 'c19', 'c18', 'm2', 'm1']);
    expect(h.unreadCount('missed_call')).toBe(2);
    // Once read, they may go like the rest.
    h.markRead();
    add(h, 'summary', 's');
    expect(h.list().map((i) => i.resourceId)).toEqual(['s', 'c20', 'c19', 'c18', 'm2']);
  });

  it('when everything is unread, the oldest goes', () => {
    const h = new NotificationHistory(3);
    for (let i = 0; i < 5; i++) add(h, 'missed_call', `m${i}`);
    expect(h.list().map((i) => i.resourceId)).toEqual(['m4', 'm3', 'm2']);
    expect(h.unreadCount()).toBe(3);
  });
});

describe('storm guard and the wall clock', () => {
  it('a clock set back starts a new window instead of holding pop-ups until it catches up', () => {
    let now = Date.parse('2026-11-23T10:00:00Z');
    const summaries: number[] = [];
    const guard = new StormGuard(
      { maxPerWindow: 2, windowMs: 2_000 },
      (held) => summaries.push([...held.values()].reduce((a, b) => a + b, 0)),
      () => now,
    );
    expect([guard.admit('incoming_call'), guard.admit('incoming_call'), guard.admit('incoming_call')]).toEqual([true, true, false]);
    now -= 60 * 60_000;
    expect(guard.admit('incoming_call')).toBe(true);
    guard.flush();
    expect(summaries).toEqual([1]);
    guard.dispose();
  });
});

describe('recent frames (exact copies skip parsing)', () => {
  it('remembers the last N texts, by content', () => {
    const r = new RecentFrames(3);
    for (const t of ['aaa', 'bbb', 'abc']) r.add(t);
    expect(['aaa', 'bbb', 'abc', 'ccc'].map((t) => r.has(t))).toEqual([true, true, true, false]);
    r.add('ddd');
    expect(r.has('aaa')).toBe(false);
    expect(r.has('ddd')).toBe(true);
    expect(r.size).toBe(3);
    r.add('x');
    r.add('y');
    r.add('z');
    expect(['bbb', 'abc', 'ddd', 'x', 'y', 'z'].map((t) => r.has(t))).toEqual([false, false, false, true, true, true]);
  });

  it('tells apart texts that differ only where the key does not look (same length, same sampled characters)', () => {
    const r = new RecentFrames(8);
    const base = `{"id":"${'a'.repeat(36)}","status":"ringing","name":"${'x'.repeat(60)}"}`;
    // Position 2 is never sampled: the two share a key, and only the full comparison tells them apart.
    const other = `${base.slice(0, 2)}J${base.slice(3)}`;
    r.add(base);
    expect(r.has(base)).toBe(true);
    expect(r.has(other)).toBe(false);
    r.add(other);
    expect([r.has(base), r.has(other), r.size]).toEqual([true, true, 2]);
  });

  it('holds the same text twice without losing track when one copy is evicted', () => {
    const r = new RecentFrames(2);
    r.add('same');
    r.add('same');
    r.add('other');
    expect(r.has('same')).toBe(true);
    r.add('more');
    expect(r.has('same')).toBe(false);
    expect(r.size).toBe(2);
  });
});
