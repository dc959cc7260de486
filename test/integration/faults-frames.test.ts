import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { makeCall, makeChatMessage, makeGroupcall, makeSms } from '../../emulator/fixtures.js';
import { seedAccount, startEmulator, type Account } from '../support/harness.js';
import { kinds, publishAll, ringFor, startDesk, type Desk } from '../support/desk.js';

/**
 * Fault catalogue, part 2: what the server sends (docs/FAULTS.md). A bad frame must cost exactly
 * that frame: the connection stays (no reconnect, no catch-up), the state built so far stays,
 * and the next good frame is handled as usual.
 */
let emu: VoipbinEmulator;
let acct: Account;
const desks: Desk[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu);
});
afterEach(async () => {
  for (const d of desks.splice(0)) {
    d.listener.stop();
    await d.center.dispose();
  }
  await emu.stop();
});

/** A desk with a call already ringing, so "loses nothing" can be checked on it afterwards. */
async function ringingDesk(): Promise<{ d: Desk; call: ReturnType<typeof ringFor> }> {
  const d = await startDesk(emu, acct.jwt);
  desks.push(d);
  const call = ringFor(acct);
  publishAll(emu, call.start());
  await d.rec.until('the call to ring', () => kinds(d).includes('incoming_call'));
  return { d, call };
}

/** The three properties, after the bad input: one connection throughout, state kept, next frame handled. */
async function stillFine(d: Desk, call: ReturnType<typeof ringFor>): Promise<void> {
  const next = makeSms({ customer_id: acct.customerId, text: 'the next good frame' });
  emu.sendRaw(JSON.stringify(next));
  publishAll(emu, call.answer(0));
  await d.rec.until('the answer and the next frame', () => d.withdrawn.length === 1 && d.rec.seen.event.some((e) => e.id === next.id));
  expect(d.withdrawn).toEqual([{ resourceId: call.groupcall.id, reason: 'answered' }]);
  expect(d.rec.states()).toEqual(['connecting', 'open', 'subscribed']);
  expect(d.rec.seen.catchup).toHaveLength(1);
  expect(emu.connections()).toHaveLength(1);
  expect(d.log.join('')).not.toMatch(/consumer failed/);
}

describe('fault catalogue: frames', () => {
  it('binary frame', async () => {
    const { d, call } = await ringingDesk();
    emu.sendRaw(Buffer.from([0x00, 0xff, 0xfe, 0x7b]), { binary: true });
    await stillFine(d, call);
    expect(d.log.join('')).toMatch(/ignored a binary frame/);
  });

  it('invalid JSON', async () => {
    const { d, call } = await ringingDesk();
    emu.sendRaw('{"id": "6d1c3b52-aaaa-4bbb-8ccc-000000000001", "status": "ringing",');
    emu.sendRaw('not json at all');
    emu.sendRaw('"a string"');
    await stillFine(d, call);
    expect(d.listener.stats.malformed).toBe(3);
    expect(d.log.join('')).toMatch(/not valid JSON/);
  });

  it('10 MB frame', async () => {
    const { d, call } = await ringingDesk();
    // Bigger than the 1 MiB we parse, smaller than the socket's 64 MiB hard limit; VoIPBIN sets no limit.
    const huge = JSON.stringify({ ...makeCall({ customer_id: acct.customerId }), metadata: { blob: 'x'.repeat(10 * 1024 * 1024) } });
    emu.sendRaw(huge);
    await stillFine(d, call);
    expect(d.log.join('')).toMatch(/ignored a 10\d\d\d KiB frame \(limit 1024 KiB\)/);
    expect(d.listener.stats.accepted).toBeGreaterThan(0);
  });

  it('unknown resource shapes', async () => {
    const { d, call } = await ringingDesk();
    const c = acct.customerId;
    const odd: unknown[] = [
      { id: '6d1c3b52-aaaa-4bbb-8ccc-000000000002', customer_id: c, shape: 'a resource type from the future' },
      { type: 'brand_new_event', data: { id: '6d1c3b52-aaaa-4bbb-8ccc-000000000003', customer_id: c } },
      // Known shapes with fields of the wrong type.
      {
        ...makeCall({ customer_id: c, owner_id: acct.agentId, direction: 'outgoing' }),
        source: null,
        destination: 'sip:2001',
        status: 42,
        tm_update: 'yesterday',
      },
      {
        ...makeCall({ customer_id: c, owner_id: acct.agentId, direction: 'outgoing' }),
        destination: { type: 'extension', target: '2001' },
        source: [1, 2],
        status: 'ringing',
        tm_ringing: { when: 'now' },
      },
      { ...makeGroupcall({ customer_id: c, owner_id: acct.agentId }), destinations: [null, 5, 'agent'], call_ids: 'not-a-list', source: 'nobody' },
      { ...makeGroupcall({ customer_id: c, owner_id: acct.agentId }), call_ids: [null, 7], answer_call_id: 12, status: 'hangup' },
      { ...makeSms({ customer_id: c }), targets: null, source: 'x', text: { nested: true } },
      { ...makeSms({ customer_id: c }), targets: [null, { destination: 'str' }], text: 12 },
      { ...makeChatMessage({ customer_id: c }), text: ['a'], owner_id: null },
      { id: 7, customer_id: c, status: ['ringing'] },
      { id: '6d1c3b52-aaaa-4bbb-8ccc-000000000004', customer_id: 12, conversation_id: 'x', direction: 'incoming', medias: 'none', source: 5 },
      {},
    ];
    for (const o of odd) emu.sendRaw(JSON.stringify(o));
    await stillFine(d, call);
    // Every one of them went through the whole pipeline without a consumer failing (checked above).
    expect(d.listener.stats.frames).toBeGreaterThanOrEqual(odd.length);
    // Odd fields degrade to plain words, never to "undefined" or "[object Object]" in a pop-up.
    for (const n of d.notes) {
      expect(n.title).toMatch(/^\S/);
      expect(`${n.title} ${n.body}`).not.toMatch(/undefined|null|NaN|\[object/);
    }
    expect(d.withdrawn).toHaveLength(1);
  });

  it('frames for another customer or agent', async () => {
    const { d, call } = await ringingDesk();
    const other = seedAccount(emu);
    // A server bug sends another customer's ringing call, and a colleague's call and chat reach us.
    const foreign = ringFor(other).start();
    for (const f of foreign) emu.sendRaw(JSON.stringify(f.data));
    const colleague = seedAccount(emu);
    const theirs = makeCall({
      customer_id: acct.customerId,
      owner_type: 'agent',
      owner_id: colleague.agentId,
      direction: 'outgoing',
      status: 'ringing',
      destination: { type: 'extension', target: '2999' },
    });
    emu.sendRaw(JSON.stringify(theirs));
    emu.sendRaw(JSON.stringify(makeGroupcall({ customer_id: acct.customerId, owner_id: colleague.agentId })));
    emu.sendRaw(JSON.stringify(makeChatMessage({ customer_id: acct.customerId, owner_id: acct.agentId, text: 'my own message, echoed' })));
    await stillFine(d, call);
    expect(d.listener.stats.foreign).toBe(foreign.length);
    expect(d.rec.seen.event.some((e) => e.data.customer_id === other.customerId)).toBe(false);
    // None of it rings for this agent or notifies them.
    expect(kinds(d)).toEqual(['incoming_call', 'inbound_message']);
    expect(d.log.join('').match(/another customer/g)).toHaveLength(1);
  });
});
