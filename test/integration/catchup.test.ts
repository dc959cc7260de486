import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { makeCall } from '../../emulator/fixtures.js';
import { listen, seedAccount, startEmulator, PERMISSION, type Account } from '../support/harness.js';
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

async function started(secret = acct.jwt): ReturnType<typeof listen> {
  const r = await listen(emu, secret);
  stoppers.push(r.listener);
  r.listener.start();
  return r;
}

const mine = (over: Parameters<typeof makeCall>[0] = {}): ReturnType<typeof makeCall> =>
  makeCall({ customer_id: acct.customerId, owner_type: 'agent', owner_id: acct.agentId, direction: 'outgoing', ...over });

describe('REST catch-up after (re)connect', () => {
  it('on start, learns calls already ringing; the same state arriving by frame is not reported twice', async () => {
    const ringing = mine({ status: 'ringing' });
    emu.upsertCall(ringing);
    emu.upsertCall(makeCall({ customer_id: acct.customerId, status: 'ringing' })); // not mine: agent listing excludes it
    const { rec } = await started();
    await rec.until('catch-up', () => rec.seen.catchup.length === 1);
    const report = rec.seen.catchup[0]!;
    expect(report.since).toBeUndefined();
    expect(report.accepted.map((e) => [e.id, e.status, e.source])).toEqual([[ringing.id, 'ringing', 'catchup']]);
    expect(emu.requests.some((r) => r.path === '/v1.0/service_agents/calls')).toBe(true);
    emu.publish('call_ringing', ringing);
    await new Promise((r) => setTimeout(r, 150));
    expect(rec.seen.event.filter((e) => e.id === ringing.id)).toHaveLength(1);
  });

  it('after a gap, reports what changed while disconnected, with the time the gap began', async () => {
    const call = mine({ status: 'ringing' });
    const { rec } = await started();
    await rec.subscribedTimes(1);
    emu.publish('call_ringing', call);
    await rec.until('ringing', () => rec.seen.event.some((e) => e.id === call.id));

    await emu.refuseConnections(true);
    const lostAt = Date.now();
    // While we are away the caller gives up; nobody tells the socket.
    emu.upsertCall({ ...call, status: 'hangup', hangup_reason: 'noanswer', tm_update: new Date().toISOString().replace('Z', '000Z') });
    await new Promise((r) => setTimeout(r, 300));
    await emu.refuseConnections(false);

    await rec.until('second catch-up', () => rec.seen.catchup.length === 2, 8_000);
    const report = rec.seen.catchup[1]!;
    expect(report.since).toBeGreaterThan(lostAt - 1_000);
    expect(report.since).toBeLessThanOrEqual(lostAt + 50);
    expect(report.accepted.map((e) => [e.id, e.status, e.source])).toEqual([[call.id, 'hangup', 'catchup']]);
  });

  it('an admin catches up on customer calls too; an access key on customer calls and groupcalls', async () => {
    const admin = emu.addAgent({ customerId: acct.customerId, username: 'boss', password: 'pw-pw-pw-pw', permission: PERMISSION.CustomerAdmin });
    const inbound = makeCall({ customer_id: acct.customerId, direction: 'incoming', status: 'ringing' });
    emu.upsertCall(inbound);
    const a = await started(emu.issueJwt(admin.id));
    await a.rec.until('catch-up', () => a.rec.seen.catchup.length === 1);
    expect(a.rec.seen.catchup[0]!.accepted.map((e) => e.id)).toContain(inbound.id);
    const k = await started(acct.accesskey);
    await k.rec.until('catch-up', () => k.rec.seen.catchup.length === 1);
    expect(k.rec.seen.catchup[0]!.accepted.map((e) => e.id)).toContain(inbound.id);
    expect(emu.requests.some((r) => r.path === '/v1.0/groupcalls' && r.headers.cookie !== undefined)).toBe(true);
  });

  it('a failing catch-up is reported but live events keep flowing', async () => {
    emu.failNextRest('/v1.0/service_agents/calls', 1, 503);
    const { rec } = await started();
    await rec.until('error', () => rec.seen.error.length === 1);
    expect(rec.seen.error[0]!.code).toBe('catchup_failed');
    expect(rec.seen.error[0]!.userMessage).toMatch(/Live events still arrive/);
    const call = mine({ status: 'ringing' });
    emu.publish('call_ringing', call);
    await rec.until('event', () => rec.seen.event.some((e) => e.id === call.id));
    expect(rec.states().at(-1)).toBe('subscribed');
  });

  it('a 401 during catch-up stops the stream: the next reconnect would fail anyway', async () => {
    emu.failNextRest('/v1.0/service_agents/calls', 1, 401);
    const { rec } = await started();
    await rec.until('stopped', () => rec.states().includes('stopped'));
    expect(rec.seen.state.at(-1)!.to).toMatchObject({ state: 'stopped', code: 'auth_failed' });
  });
});
