import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { makeCall, makeSms } from '../../emulator/fixtures.js';
import { InboundCall } from '../../emulator/scenarios.js';
import { FAST_STREAM, PERMISSION, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { kinds, publishAll, ringFor, startDesk, type Desk } from '../support/desk.js';

/**
 * Fault catalogue, part 1: the connection and the server (docs/FAULTS.md). Each scenario checks
 * three things: the listener keeps running (or stops with a clear reason where it must), loses
 * nothing it had (subscriptions, ordering and offer state, history), and recovers when the
 * fault ends.
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

async function desk(secret = acct.jwt, o: Parameters<typeof startDesk>[2] = {}): Promise<Desk> {
  const d = await startDesk(emu, secret, o);
  desks.push(d);
  return d;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const liveConn = (): ReturnType<VoipbinEmulator['connections']>[number] | undefined => emu.connections().find((c) => !c.closed);
const DANA = { type: 'tel', target: '+15550133', target_name: 'Dana Whitfield' };

/** Nothing in the pipeline threw: a throwing consumer is caught and logged as "consumer failed". */
function healthy(d: Desk): void {
  expect(d.log.join('')).not.toMatch(/consumer failed/);
  expect(d.rec.states()).not.toContain('stopped');
}

describe('fault catalogue: connection and server', () => {
  it('abrupt TCP reset', async () => {
    const d = await desk();
    const call = ringFor(acct);
    const ringing = call.start();
    publishAll(emu, ringing);
    await d.rec.until('the call to ring', () => kinds(d).includes('incoming_call'));
    const before = liveConn()!;

    emu.resetAll();
    await d.rec.subscribedTimes(2);
    // Keeps running: one reconnect, no stop.
    expect(d.rec.states().slice(3)).toEqual(['reconnecting', 'connecting', 'open', 'subscribed']);
    // Loses nothing: the same subscriptions, and the ringing call is still known (a re-sent frame is a duplicate).
    expect(liveConn()!.topics).toEqual(before.topics);
    publishAll(emu, ringing);
    // Recovers: the answer that follows withdraws the pop-up it had raised before the reset.
    publishAll(emu, call.answer(0));
    await d.rec.until('the pop-up to be withdrawn', () => d.withdrawn.length === 1);
    expect(d.withdrawn).toEqual([{ resourceId: call.groupcall.id, reason: 'answered' }]);
    expect(kinds(d)).toEqual(['incoming_call']);
    expect(d.center.history.list().map((h) => h.kind)).toEqual(['incoming_call']);
    healthy(d);
  });

  it('half-open socket', async () => {
    const d = await desk();
    const first = ringFor(acct);
    publishAll(emu, first.start());
    await d.rec.until('the call to ring', () => kinds(d).includes('incoming_call'));

    emu.goSilent();
    // While nothing reaches us: the first call is answered on the mobile, another rings and gives up.
    publishAll(emu, first.answer(1));
    const away = ringFor(acct, DANA);
    publishAll(emu, [...away.start(), ...away.giveUp('cancel')]);

    await d.rec.subscribedTimes(2, 5_000);
    const lost = d.rec.seen.state.find((s) => s.to.state === 'reconnecting')!.to;
    expect(lost.state === 'reconnecting' && lost.reason).toMatch(/keepalive/);
    await d.rec.until('the catch-up after the gap', () => d.rec.seen.catchup.length === 2);
    // Loses nothing: the offer raised before the silence is withdrawn as answered; the call missed
    // meanwhile is recorded and summed up, never rung late.
    expect(d.withdrawn).toEqual([{ resourceId: first.groupcall.id, reason: 'answered' }]);
    expect(kinds(d)).toEqual(['incoming_call', 'missed_call(while away)', 'summary']);
    // Recovers: live frames flow on the new connection.
    const next = ringFor(acct, { type: 'tel', target: '+15550144', target_name: 'Omar Haddad' });
    publishAll(emu, next.start());
    await d.rec.until('the next call to ring', () => kinds(d).filter((k) => k === 'incoming_call').length === 2);
    healthy(d);
  });

  it('server restart loop', async () => {
    const d = await desk();
    const call = ringFor(acct);
    publishAll(emu, call.start());
    await d.rec.until('the call to ring', () => kinds(d).includes('incoming_call'));
    const topics = liveConn()!.topics;

    for (let i = 2; i <= 4; i++) {
      emu.dropAll();
      await d.rec.subscribedTimes(i);
    }
    await emu.refuseConnections(true);
    const downSince = d.rec.seen.state.length;
    // While the server is down the caller gives up.
    publishAll(emu, call.giveUp('cancel'));
    await sleep(1_200);
    // Keeps running without a tight loop: every delay within the policy, a handful of attempts.
    const down = d.rec.seen.state.slice(downSince);
    expect(down.every((s) => s.to.state !== 'reconnecting' || (s.to.delayMs >= 0 && s.to.delayMs <= FAST_STREAM.backoff.capMs))).toBe(true);
    expect(down.filter((s) => s.to.state === 'connecting').length).toBeLessThan(15);
    await emu.refuseConnections(false);

    await d.rec.subscribedTimes(5, 5_000);
    await d.rec.until('the catch-up after the outage', () => d.rec.seen.catchup.some((c) => c.connection === 5));
    // Loses nothing: same subscriptions; the call that ended during the outage is a missed call, and
    // its pop-up is taken back rather than left ringing.
    expect(liveConn()!.topics).toEqual(topics);
    expect(d.withdrawn).toEqual([{ resourceId: call.groupcall.id, reason: 'missed' }]);
    expect(kinds(d)).toEqual(['incoming_call', 'missed_call(while away)', 'summary']);
    expect(emu.connections().filter((c) => !c.closed)).toHaveLength(1);
    healthy(d);
  });

  it('401 mid-life (token revoked)', async () => {
    const key = emu.addAccessKey(acct.customerId);
    const d = await desk(key);
    emu.publish('message_created', makeSms({ customer_id: acct.customerId, text: 'before the revocation' }));
    await d.rec.until('the SMS', () => d.notes.length === 1);

    emu.revokeAccessKey(key);
    emu.dropAll();
    // Must stop: retrying a revoked credential only burns the customer's rate limit.
    await d.rec.until('stopped', () => d.rec.states().includes('stopped'));
    expect(d.rec.seen.state.at(-1)!.to).toMatchObject({ state: 'stopped', code: 'auth_failed' });
    // A revoked access key is replaced, not signed in again.
    expect(d.rec.seen.error.at(-1)!.userMessage).toMatch(/rejected the access key .*Create a new access key in the VoIPBIN console/);
    const upgrades = emu.upgrades.length;
    await sleep(600);
    expect(emu.upgrades).toHaveLength(upgrades);
    // Loses nothing: what was received stays in the history.
    expect(d.center.history.list().map((h) => h.body)).toEqual(['before the revocation']);
    expect(d.listener.stats.accepted).toBe(1);
    // Recovers once the user signs in again (a new key): a fresh listener subscribes and receives.
    const again = await desk(emu.addAccessKey(acct.customerId));
    emu.publish('message_created', makeSms({ customer_id: acct.customerId, text: 'after signing in again' }));
    await again.rec.until('the SMS', () => again.notes.length === 1);
  });

  it('403 frozen', async () => {
    const manager = emu.addAgent({
      customerId: acct.customerId,
      username: 'mgr',
      password: 'pw-pw-pw-pw',
      permission: PERMISSION.CustomerAgent | PERMISSION.CustomerManager,
    });
    const d = await desk(emu.issueJwt(manager.id));
    const sms = makeSms({ customer_id: acct.customerId, text: 'before the freeze' });
    emu.publish('message_created', sms);
    await d.rec.until('the SMS', () => d.notes.length === 1);
    const topics = liveConn()!.topics;

    emu.setCustomerStatus(acct.customerId, 'frozen');
    emu.dropAll();
    // Must stop, and say why: nothing the app can do unfreezes the account.
    await d.rec.until('stopped', () => d.rec.states().includes('stopped'));
    expect(d.rec.seen.state.at(-1)!.to).toMatchObject({ state: 'stopped', code: 'account_frozen' });
    expect(d.rec.seen.error.at(-1)!.userMessage).toMatch(/frozen/);
    const upgrades = emu.upgrades.length;
    await sleep(400);
    expect(emu.upgrades).toHaveLength(upgrades);

    // Recovers when the account is active again and the user retries: same subscriptions, and what
    // it knew is still known (the same SMS again is a duplicate, not a second notification).
    emu.setCustomerStatus(acct.customerId, 'active');
    d.listener.start();
    await d.rec.subscribedTimes(2);
    expect(liveConn()!.topics).toEqual(topics);
    emu.publish('message_created', sms);
    emu.publish('message_created', makeSms({ customer_id: acct.customerId, text: 'after the account is active again' }));
    await d.rec.until('the new SMS', () => d.notes.length === 2);
    expect(d.notes.map((n) => n.body)).toEqual(['before the freeze', 'after the account is active again']);
  });

  it('429 with Retry-After', async () => {
    const d = await desk();
    const call = ringFor(acct);
    publishAll(emu, call.start());
    await d.rec.until('the call to ring', () => kinds(d).includes('incoming_call'));
    const before = emu.upgrades.length;

    emu.failNextUpgrades(1, { status: 429, retryAfterSec: 1 });
    emu.dropAll();
    await d.rec.subscribedTimes(2, 5_000);
    // Keeps running, says it was rate limited, and waited at least as long as the server asked.
    expect(d.rec.seen.error.map((e) => e.code)).toEqual(['rate_limited']);
    const waits = d.rec.seen.state.filter((s) => s.to.state === 'reconnecting').map((s) => (s.to.state === 'reconnecting' ? s.to.delayMs : 0));
    expect(waits.at(-1)).toBeGreaterThanOrEqual(1_000);
    const [refused, accepted] = emu.upgrades.slice(before);
    expect(refused!.status).toBe(429);
    expect(accepted!.status).toBe(101);
    expect(accepted!.at.getTime() - refused!.at.getTime()).toBeGreaterThanOrEqual(950);
    // Loses nothing and recovers: the ringing call is still known and its end is handled.
    publishAll(emu, call.giveUp('cancel'));
    await d.rec.until('missed', () => kinds(d).includes('missed_call'));
    expect(d.withdrawn).toEqual([{ resourceId: call.groupcall.id, reason: 'missed' }]);
    healthy(d);
  });

  it('invalid topic disconnect', async () => {
    const d = await desk();
    const good = d.listener.topics;
    const other = seedAccount(emu);
    const bad = `agent_id:${other.agentId}:call:call_`;
    // A topic the server refuses (someone else's agent id) is added while connected.
    d.listener.setTopics([...good, bad]);
    await d.rec.until('quarantine', () => d.rec.seen.quarantined.length === 1, 8_000);
    await d.rec.until('subscribed again', () => d.rec.states().at(-1) === 'subscribed', 8_000);
    // Keeps running without the bad topic, and says which topic and why.
    expect(d.rec.seen.quarantined[0]!.topic).toBe(bad);
    expect(d.rec.seen.error.find((e) => e.code === 'invalid_topic')!.userMessage).toContain(bad);
    // Loses nothing: every good topic is subscribed again.
    expect(d.listener.topics).toEqual(good);
    expect(liveConn()!.topics).toEqual(good);
    // Recovers: events on the good topics arrive.
    const call = ringFor(acct);
    publishAll(emu, call.start());
    await d.rec.until('the call to ring', () => kinds(d).includes('incoming_call'));
    healthy(d);
  });

  it('clock jump / system sleep (injected clock)', async () => {
    let offset = 0;
    const now = (): number => Date.now() + offset;
    const manager = emu.addAgent({
      customerId: acct.customerId,
      username: 'sup',
      password: 'pw-pw-pw-pw',
      permission: PERMISSION.CustomerAgent | PERMISSION.CustomerManager,
      addresses: [
        { type: 'extension', target: '2001' },
        { type: 'tel', target: '+15550002001' },
      ],
    });
    const me = { ...acct, agentId: manager.id };
    const d = await desk(emu.issueJwt(manager.id), {
      topics: [`agent_id:${manager.id}:call:call_`, `agent_id:${manager.id}:groupcall:groupcall_`, `customer_id:${acct.customerId}:call:call_`],
      stream: { watchdogMs: 30_000, now },
      now,
      settings: { customerCalls: true },
    });
    const inbound = (i: number): InboundCall =>
      new InboundCall({ customerId: acct.customerId, caller: { type: 'tel', target: `+1555000${i}` }, number: { type: 'tel', target: '+15550199' } });
    // Fill this storm window (3 pop-ups per 2 s).
    for (let i = 0; i < 3; i++) publishAll(emu, inbound(i).start());
    await d.rec.until('three pop-ups', () => d.popups.length === 3);

    // The clock is set back an hour (NTP, a time zone fix): no reconnect, and pop-ups are not held
    // until the clock catches up.
    offset -= 60 * 60_000;
    publishAll(emu, inbound(3).start());
    await d.rec.until('a fourth pop-up', () => d.popups.length === 4);
    // Past the server's next pings (every 200 ms here), at which the stream reads the clock.
    await sleep(1_300);
    expect(d.rec.seen.subscribed).toHaveLength(1);

    // The machine sleeps two minutes (the wall clock jumps ahead): reconnect at once and catch up.
    const ringing = ringFor(me);
    publishAll(emu, ringing.start());
    await d.rec.until('the call to ring', () => d.notes.some((n) => n.kind === 'incoming_call' && n.resourceId === ringing.groupcall.id));
    const sleptAt = now();
    offset += 120_000;
    publishAll(emu, ringing.giveUp('noanswer'));
    await d.rec.subscribedTimes(2, 5_000);
    const reconnect = d.rec.seen.state.find((s) => s.to.state === 'reconnecting')!.to;
    expect(reconnect.state === 'reconnecting' && reconnect.reason).toMatch(/asleep/);
    await d.rec.until('the catch-up', () => d.rec.seen.catchup.length === 2);
    expect(d.rec.seen.catchup[1]!.since).toBeLessThanOrEqual(sleptAt + 2_000);
    // Loses nothing: the ringing pop-up is taken back as missed, once.
    await d.rec.until('missed', () => d.withdrawn.some((w) => w.resourceId === ringing.groupcall.id));
    expect(d.withdrawn.filter((w) => w.resourceId === ringing.groupcall.id)).toEqual([{ resourceId: ringing.groupcall.id, reason: 'missed' }]);
    expect(d.notes.filter((n) => n.kind === 'missed_call')).toHaveLength(1);
    healthy(d);
  });

  it('REST catch-up failing while WS works', async () => {
    const ringing = makeCall({
      customer_id: acct.customerId,
      owner_type: 'agent',
      owner_id: acct.agentId,
      direction: 'outgoing',
      status: 'ringing',
      source: DANA,
      destination: { type: 'extension', target: '2001' },
    });
    emu.upsertCall(ringing);
    emu.failNextRest('/v1.0/service_agents/calls', 3, 503);
    const d = await desk();
    // Keeps running: the failure is said once, live events arrive meanwhile.
    expect(d.rec.seen.error.map((e) => e.code)).toEqual(['catchup_failed']);
    expect(d.rec.seen.error[0]!.userMessage).toMatch(/Live events still arrive/);
    emu.publish('message_created', makeSms({ customer_id: acct.customerId }));
    const live = ringFor(acct);
    publishAll(emu, live.start());
    await d.rec.until('the live call', () => d.notes.some((n) => n.resourceId === live.groupcall.id));
    // Recovers when REST answers again (retried in the background, no reconnect needed): the call
    // that was ringing before we started is found and pops up.
    await d.rec.until('a catch-up', () => d.rec.seen.catchup.length === 1, 5_000);
    expect(d.rec.seen.catchup[0]!.accepted.map((e) => e.id)).toEqual([ringing.id]);
    await d.rec.until('the earlier call to ring', () => d.notes.some((n) => n.kind === 'incoming_call' && n.resourceId === ringing.id));
    expect(d.rec.seen.subscribed).toHaveLength(1);
    expect(d.rec.seen.error).toHaveLength(1);
    healthy(d);
  });
});
