import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { listen, seedAccount, startEmulator, FAST_STREAM, memoryLogger, type Account } from '../support/harness.js';
import { EventStream } from '../../main/core/stream/event-stream.js';
import { resolveApiUrl } from '../../main/core/api/api-url.js';
import { parseCredential } from '../../main/core/api/credentials.js';
import { createLogger } from '../../main/core/platform/log.js';
import type { Listener } from '../../main/core/stream/listener.js';
import { Recorder } from '../support/harness.js';
import { setTimeout as sleep } from 'node:timers/promises';

let emu: VoipbinEmulator;
let acct: Account;
const stoppers: (() => void)[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu);
});
afterEach(async () => {
  for (const s of stoppers.splice(0)) s();
  await emu.stop();
});

async function started(secret: string, opts?: Parameters<typeof listen>[2]): Promise<{ listener: Listener; rec: Recorder }> {
  const r = await listen(emu, secret, opts);
  stoppers.push(() => r.listener.stop());
  r.listener.start();
  return r;
}

const live = (): number => emu.connections().filter((c) => !c.closed).length;

describe('staying connected', () => {
  it('an abrupt TCP drop (no close frame) is followed by a reconnect and the same subscriptions', async () => {
    const { rec } = await started(acct.jwt);
    await rec.subscribedTimes(1);
    const before = emu.connections()[0]!;
    emu.dropAll();
    await rec.subscribedTimes(2);
    const after = emu.connections().find((c) => !c.closed)!;
    expect(after.id).not.toBe(before.id);
    expect(after.topics).toEqual(before.topics);
    expect(rec.states()).toEqual(['connecting', 'open', 'subscribed', 'reconnecting', 'connecting', 'open', 'subscribed']);
    const second = rec.seen.subscribed[1]!;
    expect(second.connection).toBe(2);
    expect(second.gapSince).toBeTypeOf('number');
    // Each connection subscribed exactly once, after it opened.
    const subscribes = emu.clientMessages.filter((m) => m.text.includes('"subscribe"'));
    expect(subscribes.map((m) => m.connId)).toEqual([before.id, after.id]);
  });

  it('a server restart loop never turns into a tight loop, and recovers when the server stays up', async () => {
    const { rec } = await started(acct.jwt);
    await rec.subscribedTimes(1);
    for (let i = 2; i <= 4; i++) {
      emu.dropAll();
      await rec.subscribedTimes(i);
    }
    await emu.refuseConnections(true);
    emu.dropAll();
    await new Promise((r) => setTimeout(r, 1_200));
    const attempts = emu.upgrades.length;
    // With a 400 ms cap, 1.2 s of refusals allow only a handful of attempts, not hundreds.
    const reconnecting = rec.seen.state.filter((s) => s.to.state === 'reconnecting').map((s) => (s.to.state === 'reconnecting' ? s.to.delayMs : -1));
    expect(reconnecting.every((d) => d >= 0 && d <= FAST_STREAM.backoff.capMs)).toBe(true);
    expect(rec.seen.state.filter((s) => s.to.state === 'connecting').length).toBeLessThan(40);
    await emu.refuseConnections(false);
    await rec.subscribedTimes(5);
    expect(emu.upgrades.length).toBeGreaterThan(attempts);
    expect(live()).toBe(1);
  });

  it('a silent server (half-open socket) is detected by the watchdog and replaced', async () => {
    const { logger, lines } = memoryLogger();
    const { rec } = await started(acct.jwt, { logger });
    await rec.subscribedTimes(1);
    const t0 = Date.now();
    emu.goSilent();
    await rec.subscribedTimes(2, 5_000);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(FAST_STREAM.watchdogMs - 50);
    const reconnect = rec.seen.state.find((s) => s.to.state === 'reconnecting')!.to;
    expect(reconnect.state === 'reconnecting' && reconnect.reason).toMatch(/keepalive/);
    expect(lines.join('')).toMatch(/nothing from VoIPBIN for \d+ s/);
  });

  it('server pings alone keep a quiet connection alive', async () => {
    const { rec } = await started(acct.jwt);
    await rec.subscribedTimes(1);
    await new Promise((r) => setTimeout(r, FAST_STREAM.watchdogMs * 2.5));
    expect(rec.states()).toEqual(['connecting', 'open', 'subscribed']);
  });

  it('a wall-clock jump (the machine slept) is found at the next server ping instead of waiting for the watchdog', async () => {
    let offset = 0;
    const { rec } = await started(acct.jwt, { stream: { watchdogMs: 30_000, now: () => Date.now() + offset } });
    await rec.subscribedTimes(1);
    const t0 = Date.now();
    offset += 120_000;
    await rec.subscribedTimes(2, 5_000);
    expect(Date.now() - t0).toBeLessThan(3_000);
    const reconnect = rec.seen.state.find((s) => s.to.state === 'reconnecting')!.to;
    expect(reconnect.state === 'reconnecting' && reconnect.reason).toMatch(/asleep/);
    expect(rec.seen.subscribed[1]!.gapSince).toBeLessThan(Date.now() + offset);
  });

  it('a sleep that killed the socket (no ping comes any more) is found at the watchdog deadline, as a sleep', async () => {
    let offset = 0;
    const { rec } = await started(acct.jwt, { stream: { ...FAST_STREAM, now: () => Date.now() + offset } });
    await rec.subscribedTimes(1);
    emu.goSilent();
    const t0 = Date.now();
    offset += 120_000;
    await rec.subscribedTimes(2, 5_000);
    // Found at the silence deadline (the 1 s watchdog here): there is no tick of its own.
    expect(Date.now() - t0).toBeLessThan(FAST_STREAM.watchdogMs + 1_500);
    const reconnect = rec.seen.state.find((s) => s.to.state === 'reconnecting')!.to;
    // The clock is read before the silence is judged: a sleep, so the catch-up reaches back to it.
    expect(reconnect.state === 'reconnecting' && reconnect.reason).toMatch(/asleep/);
    expect(rec.seen.subscribed[1]!.gapSince).toBeLessThan(Date.now() + offset - 60_000);
  });

  it('a sleep told from outside is acted on once: the clock read at the next pings does not find it again', async () => {
    let offset = 0;
    const { listener, rec } = await started(acct.jwt, { stream: { now: () => Date.now() + offset } });
    await rec.subscribedTimes(1);
    offset += 120_000;
    listener.wokeUp(Date.now() + offset - 120_000);
    await rec.subscribedTimes(2, 2_000);
    // Several of the emulator's 200 ms pings later, still the one reconnect.
    await sleep(1_200);
    expect(rec.seen.subscribed).toHaveLength(2);
    expect(rec.seen.state.filter((s) => s.to.state === 'reconnecting').map((s) => s.to.state === 'reconnecting' && s.to.reason)).toEqual([
      'the computer woke from sleep',
    ]);
  });

  it('a wake-up told from outside reconnects at once, the gap counted from when the machine went to sleep', async () => {
    const { listener, rec } = await started(acct.jwt);
    await rec.subscribedTimes(1);
    const sleptAt = Date.now() - 60_000;
    listener.wokeUp(sleptAt);
    await rec.subscribedTimes(2, 2_000);
    const reconnect = rec.seen.state.find((s) => s.to.state === 'reconnecting')!.to;
    expect(reconnect.state === 'reconnecting' && reconnect.reason).toBe('the computer woke from sleep');
    expect(rec.seen.subscribed[1]!.gapSince).toBe(sleptAt);
  });

  it('reconnectNow (resume, network online) replaces the socket immediately', async () => {
    const { listener, rec } = await started(acct.jwt);
    await rec.subscribedTimes(1);
    const t0 = Date.now();
    listener.reconnectNow('network came back');
    await rec.subscribedTimes(2);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(live()).toBe(1);
  });
});

describe('a topic the server refuses', () => {
  it('is found by probing one topic at a time and quarantined instead of looping', async () => {
    const endpoints = resolveApiUrl(emu.url);
    const other = seedAccount(emu);
    const good1 = `agent_id:${acct.agentId}:call:call_`;
    const bad = `agent_id:${other.agentId}:call:call_`; // someone else's agent id: the server drops us
    const good2 = `agent_id:${acct.agentId}:groupcall:groupcall_`;
    const stream = new EventStream({
      endpoints,
      credential: parseCredential(acct.jwt, 'token'),
      topics: [good1, bad, good2],
      logger: createLogger({ level: 'silent' }),
      ...FAST_STREAM,
    });
    stoppers.push(() => stream.stop());
    const rec = new Recorder(stream as never);
    stream.start();
    await rec.until('subscribed', () => rec.seen.subscribed.length > 0, 8_000);
    expect(rec.seen.quarantined).toEqual([{ topic: bad, reason: expect.stringMatching(/closes the connection/) as unknown }]);
    expect(rec.seen.error.map((e) => e.code)).toEqual(['invalid_topic']);
    expect(rec.seen.error[0]!.userMessage).toContain(bad);
    expect(rec.seen.subscribed[0]!.topics).toEqual([good1, good2]);
    expect(stream.topics).toEqual([good1, good2]);
    expect(emu.connections().find((c) => !c.closed)!.topics).toEqual([good1, good2]);
    // bulk attempt + two probes that both die on the bad topic + the good connection
    expect(emu.upgrades.length).toBeLessThanOrEqual(4);
    expect(emu.droppedForInvalidTopic.every((d) => d.topic === bad)).toBe(true);
  });

  it('stops with a clear reason when every topic is refused', async () => {
    const other = seedAccount(emu);
    const stream = new EventStream({
      endpoints: resolveApiUrl(emu.url),
      credential: parseCredential(acct.jwt, 'token'),
      topics: [`agent_id:${other.agentId}:call:call_`],
      logger: createLogger({ level: 'silent' }),
      ...FAST_STREAM,
    });
    stoppers.push(() => stream.stop());
    const rec = new Recorder(stream as never);
    stream.start();
    await rec.until('stopped', () => rec.states().includes('stopped'), 8_000);
    expect(rec.seen.state.at(-1)!.to).toMatchObject({ state: 'stopped', code: 'invalid_topic' });
    expect(rec.seen.error.at(-1)!.userMessage).toMatch(/refused every topic/);
  });
});
