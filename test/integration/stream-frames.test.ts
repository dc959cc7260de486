import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { makeCall, makeGroupcall } from '../../emulator/fixtures.js';
import { listen, seedAccount, startEmulator, memoryLogger, type Account } from '../support/harness.js';
import type { Listener } from '../../main/core/stream/listener.js';

let emu: VoipbinEmulator;
let acct: Account;
const stoppers: Listener[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu);
});
afterEach(async () => {
  for (const l of stoppers.splice(0)) l.stop();
  await emu.stop();
});

async function started(opts?: Parameters<typeof listen>[2]): ReturnType<typeof listen> {
  const r = await listen(emu, acct.jwt, { ...opts, stream: { ...opts?.stream } });
  stoppers.push(r.listener);
  r.listener.start();
  await r.rec.subscribedTimes(1);
  await r.rec.until('catch-up', () => r.rec.seen.catchup.length > 0);
  return r;
}

const at = (s: number): string => `2026-08-01T10:00:${String(s).padStart(2, '0')}.000000Z`;

describe('frames from the server', () => {
  it('a 3-part topic gets every event twice; the listener reports it once', async () => {
    const { listener, rec } = await started({ topics: [`agent_id:${acct.agentId}:call`] });
    const call = makeCall({ customer_id: acct.customerId, owner_type: 'agent', owner_id: acct.agentId, status: 'ringing', direction: 'outgoing' });
    expect(emu.publish('call_ringing', call)).toBe(2);
    emu.publish('call_ringing', call); // and an AMQP re-delivery for good measure
    await rec.until('the event', () => rec.seen.event.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(rec.seen.event.map((e) => [e.kind, e.id, e.status, e.source])).toEqual([['call', call.id, 'ringing', 'stream']]);
    expect(listener.stats).toMatchObject({ frames: 4, accepted: 1, duplicates: 3 });
  });

  it('late frames of a call that already moved on are dropped as stale', async () => {
    const { listener, rec } = await started();
    const base = { customer_id: acct.customerId, owner_type: 'agent' as const, owner_id: acct.agentId, direction: 'outgoing' as const };
    const call = makeCall({ ...base, status: 'hangup', hangup_reason: 'noanswer', tm_update: at(9) });
    emu.publish('call_hangup', call);
    emu.publish('call_ringing', { ...call, status: 'ringing', tm_update: at(2) });
    emu.publish('call_dialing', { ...call, status: 'dialing', tm_update: at(1) });
    await rec.until('stale frames counted', () => listener.stats.stale === 2);
    expect(rec.seen.event.map((e) => e.status)).toEqual(['hangup']);
  });

  it('malformed, binary, wrapped, foreign and huge frames: logged and skipped, the stream goes on', async () => {
    const { logger, lines } = memoryLogger();
    const { listener, rec } = await started({ logger });
    const groupcall = makeGroupcall({ customer_id: acct.customerId, owner_type: 'agent', owner_id: acct.agentId });
    emu.sendRaw('{"id": "oops",');
    emu.sendRaw('[1,2,3]');
    emu.sendRaw(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    emu.sendRaw(JSON.stringify({ ...makeCall(), customer_id: '0b7e4d5c-0000-4000-8000-00000000dead' }));
    emu.sendRaw(JSON.stringify({ id: 'x'.repeat(10), blob: 'y'.repeat(2 * 1024 * 1024) }));
    emu.sendRaw(JSON.stringify({ type: 'groupcall_created', data: groupcall }));
    emu.sendRaw(JSON.stringify({ id: '6d1c3b52-aaaa-4bbb-8ccc-000000000001', customer_id: acct.customerId, shape: 'new resource type' }));
    await rec.until('two events', () => rec.seen.event.length === 2);
    expect(rec.seen.event[0]).toMatchObject({ kind: 'groupcall', eventType: 'groupcall_created', id: groupcall.id });
    expect(rec.seen.event[1]).toMatchObject({ kind: 'unknown' });
    expect(listener.stats).toMatchObject({ malformed: 2, foreign: 1 });
    const log = lines.join('');
    expect(log).toMatch(/not valid JSON/);
    expect(log).toMatch(/binary frame/);
    expect(log).toMatch(/2048 KiB frame/);
    expect(log).toMatch(/another customer/);
    expect(rec.states().at(-1)).toBe('subscribed');
    expect(emu.connections().filter((c) => !c.closed)).toHaveLength(1);
  });
});
