import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { makeTranscribe, makeTranscript, transcriptOffset } from '../../emulator/fixtures.js';
import { AgentRing, publishAll } from '../../emulator/scenarios.js';
import { PERMISSION, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { CliProcess, type JsonLine } from '../support/cli-process.js';

/**
 * `voipbin-notifier transcripts` and `run --transcripts` against the emulator: customer-scope
 * sign-ins hear segments live and tie them to calls through the transcribe (its frame, else REST);
 * an agent-only token reads its own call's transcript while the call is in progress, and stops —
 * at the hangup frame, or at the catch-up that recovers a hangup missed while offline. Segments
 * carry offsets from their transcribe's start, as the server writes them (`tm_transcript` in
 * year 1), and are placed from there.
 */
let emu: VoipbinEmulator;
const procs: CliProcess[] = [];
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  for (const p of procs.splice(0)) p.kill('SIGKILL');
  await emu.stop();
});

function start(args: string[], acct: Account, json = true): CliProcess {
  const p = new CliProcess([...args, ...(json ? ['--json'] : []), '--api-url', emu.url], { VOIPBIN_TOKEN: acct.jwt });
  procs.push(p);
  return p;
}

async function untilOut(p: CliProcess, what: string, pred: (stdout: string) => boolean): Promise<void> {
  const start = Date.now();
  while (!pred(p.stdout)) {
    if (Date.now() - start > 8_000) throw new Error(`timed out waiting for ${what}\nstdout:\n${p.stdout}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const transcripts = (ls: JsonLine[]): JsonLine[] => ls.filter((l) => l.type === 'transcript');
const texts = (ls: JsonLine[]): unknown[] => transcripts(ls).map((l) => l.text);
/** When the transcription started; segments say how long after it they were spoken. */
const START = '2026-12-03T12:03:00Z';
const offset = (s: number): string => transcriptOffset(s * 1000);
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(what: string, pred: () => boolean): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > 8_000) throw new Error(`timed out waiting for ${what}`);
    await pause(20);
  }
}
const ring = (a: Account, target = '+15550100'): AgentRing =>
  new AgentRing({ customerId: a.customerId, agentId: a.agentId, caller: { type: 'tel', target }, legTo: [{ type: 'extension', target: '2001' }] });

describe('live transcripts', () => {
  it('customer scope: segments as they come, tied to their call by the transcribe, each once, placed at its start plus their offset', async () => {
    const admin = seedAccount(emu, PERMISSION.CustomerAdmin);
    const p = start(['transcripts'], admin);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    const subscribed = p.lines().find((l) => l.type === 'subscribed');
    // 4-part prefixes only, never `*`, and not the interim speech events; my own calls (which leg is mine).
    expect(subscribed?.topics).toEqual([
      `customer_id:${admin.customerId}:transcript:transcript_created`,
      `customer_id:${admin.customerId}:transcribe:transcribe_created`,
      `customer_id:${admin.customerId}:transcribe:transcribe_progressing`,
      `customer_id:${admin.customerId}:transcribe:transcribe_done`,
      `agent_id:${admin.agentId}:call:call_`,
    ]);
    const call = '5e4a0680-804e-11ec-8477-2fea5968d85b';
    const t = makeTranscribe({ customer_id: admin.customerId, reference_id: call, tm_create: START });
    emu.publish('transcribe_created', t);
    const seg = (s: number, direction: 'in' | 'out', message: string): ReturnType<typeof makeTranscript> =>
      makeTranscript({ customer_id: admin.customerId, transcribe_id: t.id, direction, message, tm_transcript: offset(s) });
    const hi = seg(4, 'in', 'Hi, my order has not arrived');
    const late = seg(3, 'in', 'Hello?');
    const answer = seg(6.5, 'out', 'Let me check that for you');
    emu.publish('transcript_created', hi);
    emu.publish('transcript_created', hi);
    emu.publish('transcript_created', answer);
    emu.publish('transcript_created', late);
    await p.until('three segments', (ls) => transcripts(ls).length === 3);
    const line = (s: ReturnType<typeof seg>, at: string, speaker: string, offsetMs: number): JsonLine => ({
      type: 'transcript',
      call_id: call,
      transcribe_id: t.id,
      id: s.id,
      direction: s.direction,
      text: s.message,
      at,
      speaker,
      offset_ms: offsetMs,
    });
    // Stored now (tm_create), spoken at the transcribe's start plus the offset.
    expect(transcripts(p.lines())).toEqual([
      line(hi, '2026-12-03T12:03:04.000Z', 'caller', 4000),
      line(answer, '2026-12-03T12:03:06.500Z', 'agent', 6500),
      line(late, '2026-12-03T12:03:03.000Z', 'caller', 3000),
    ]);
    // Nothing but the connection and the transcripts: no events, no notifications.
    expect(new Set(p.lines().map((l) => l.type))).toEqual(new Set(['state', 'subscribed', 'transcript']));
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.lines().at(-1)).toMatchObject({ type: 'state', state: 'stopped', reason: 'interrupted' });
  });

  it('a segment whose transcribe frame was missed asks REST once for its call and start; a caller cannot write to the terminal', async () => {
    const admin = seedAccount(emu, PERMISSION.CustomerAdmin);
    const call = 'c0ffee00-0000-4000-8000-0000000000ca';
    const t = makeTranscribe({ customer_id: admin.customerId, reference_id: call, tm_create: START });
    emu.addTranscribe(t);
    const p = start(['transcripts'], admin);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    for (let i = 0; i < 5; i++) {
      emu.publish(
        'transcript_created',
        makeTranscript({ customer_id: admin.customerId, transcribe_id: t.id, message: `part ${i}`, tm_transcript: offset(10 + i) }),
      );
    }
    await p.until('five segments', (ls) => transcripts(ls).length === 5);
    expect(texts(p.lines())).toEqual(['part 0', 'part 1', 'part 2', 'part 3', 'part 4']);
    expect(new Set(transcripts(p.lines()).map((l) => l.call_id))).toEqual(new Set([call]));
    expect(transcripts(p.lines())[0]?.at).toBe('2026-12-03T12:03:10.000Z');
    expect(emu.requests.filter((r) => r.path === `/v1.0/transcribes/${t.id}`)).toHaveLength(1);

    // Said by a caller (or sent by anyone who can start a transcribe): one plain line, no control character.
    emu.publish(
      'transcript_created',
      makeTranscript({
        customer_id: admin.customerId,
        transcribe_id: t.id,
        message: 'line one\n\u001b[31mred\u001b[0m\r\u202eevil',
        tm_transcript: offset(20),
      }),
    );
    const human = start(['transcripts'], admin, false);
    await untilOut(human, 'listening', (s) => s.includes('listening'));
    emu.publish(
      'transcript_created',
      makeTranscript({
        customer_id: admin.customerId,
        transcribe_id: t.id,
        direction: 'out',
        message: 'ok\n\u001b]0;pwned\u0007done',
        tm_transcript: offset(21),
      }),
    );
    await p.until('hostile segments', (ls) => transcripts(ls).length === 7);
    // The escape characters go; what is left of the sequences is shown as the text it is.
    expect(texts(p.lines()).slice(5)).toEqual(['line one [31mred [0m evil', 'ok ]0;pwned done']);
    await untilOut(human, 'the segment', (s) => s.includes('done'));
    const out = human.stdout;
    expect(out).toContain(`── call ${call}`);
    expect(out).toMatch(/\d\d:\d\d:\d\d {2}Agent {3}ok/);
    expect(out.includes('\u001b') || out.includes('\u0007')).toBe(false);
  });

  it('human lines name the call again whenever the next line is of another call (two calls at once)', async () => {
    const admin = seedAccount(emu, PERMISSION.CustomerAdmin);
    const human = start(['transcripts'], admin, false);
    await untilOut(human, 'listening', (s) => s.includes('listening'));
    const a = makeTranscribe({ customer_id: admin.customerId, tm_create: START });
    const b = makeTranscribe({ customer_id: admin.customerId, tm_create: START });
    emu.publish('transcribe_created', a);
    emu.publish('transcribe_created', b);
    const say = (t: typeof a, message: string, s: number): void => {
      emu.publish('transcript_created', makeTranscript({ customer_id: admin.customerId, transcribe_id: t.id, message, tm_transcript: offset(s) }));
    };
    say(a, 'first of a', 1);
    await untilOut(human, 'a', (s) => s.includes('first of a'));
    say(a, 'second of a', 2);
    await untilOut(human, 'a again', (s) => s.includes('second of a'));
    say(b, 'first of b', 1);
    await untilOut(human, 'b', (s) => s.includes('first of b'));
    say(a, 'third of a', 3);
    await untilOut(human, 'a once more', (s) => s.includes('third of a'));
    const lines = human.stdout.split('\n').filter((l) => l.startsWith('──') || l.includes(' of '));
    expect(lines.map((l) => l.replace(/^\d\d:\d\d:\d\d {2}Caller {2}/, ''))).toEqual([
      `── call ${a.reference_id}`,
      'first of a',
      'second of a',
      `── call ${b.reference_id}`,
      'first of b',
      `── call ${a.reference_id}`,
      'third of a',
    ]);
  });

  it('an agent-only token reads its own call while it is in progress: from the answer, one last read after hangup, then no more requests', async () => {
    const agent = seedAccount(emu);
    const p = start(['transcripts'], agent);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    expect(p.lines().find((l) => l.type === 'subscribed')?.topics).toEqual([`agent_id:${agent.agentId}:call:call_`]);
    const reads = (): number => emu.requests.filter((r) => r.path === '/v1.0/service_agents/transcribes').length;
    const r = ring(agent);
    publishAll(emu, r.start());
    await pause(300);
    // Ringing is not talking: nothing is read yet.
    expect(reads()).toBe(0);

    const customerCall = r.legs[0]!.master_call_id;
    const t = makeTranscribe({ customer_id: agent.customerId, reference_id: customerCall });
    // A transcribe of my own leg: there `in` is what came from my phone — me.
    const onMyLeg = makeTranscribe({ customer_id: agent.customerId, reference_id: r.legs[0]!.id });
    emu.publish('transcribe_created', t);
    emu.publish('transcribe_created', onMyLeg);
    publishAll(emu, r.answer(0));
    emu.publish(
      'transcript_created',
      makeTranscript({ customer_id: agent.customerId, transcribe_id: t.id, direction: 'in', message: 'Hi there', tm_transcript: offset(30) }),
    );
    await p.until('the first segment', (ls) => transcripts(ls).length === 1, 8_000);
    expect(transcripts(p.lines())[0]).toMatchObject({ call_id: customerCall, transcribe_id: t.id, direction: 'in', text: 'Hi there', speaker: 'caller' });
    emu.publish(
      'transcript_created',
      makeTranscript({ customer_id: agent.customerId, transcribe_id: onMyLeg.id, direction: 'in', message: 'How can I help?', tm_transcript: offset(31) }),
    );
    await p.until('the second segment', (ls) => transcripts(ls).length === 2, 8_000);
    expect(transcripts(p.lines())[1]).toMatchObject({ call_id: r.legs[0]!.id, direction: 'in', speaker: 'agent' });

    // Said just before hangup: the last read brings it.
    emu.publish(
      'transcript_created',
      makeTranscript({ customer_id: agent.customerId, transcribe_id: t.id, direction: 'in', message: 'Thanks, bye', tm_transcript: offset(40) }),
    );
    publishAll(emu, r.hangup());
    await p.until('the last segment', (ls) => transcripts(ls).length === 3, 8_000);
    expect(texts(p.lines())).toEqual(['Hi there', 'How can I help?', 'Thanks, bye']);
    expect(transcripts(p.lines()).map((l) => l.speaker)).toEqual(['caller', 'agent', 'caller']);
    await pause(500);
    const after = reads();
    await pause(4_500);
    expect(reads()).toBe(after);
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
  });

  it('calls that ended while offline end their poll: a hangup the catch-up recovers, a call the server no longer has', async () => {
    const agent = seedAccount(emu);
    const p = start(['transcripts'], agent);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    const reads = (): number => emu.requests.filter((r) => r.path === '/v1.0/service_agents/transcribes').length;
    const hungUp = ring(agent);
    const deleted = ring(agent, '+15550111');
    for (const r of [hungUp, deleted]) {
      const t = makeTranscribe({ customer_id: agent.customerId, reference_id: r.legs[0]!.master_call_id });
      emu.publish('transcribe_created', t);
      publishAll(emu, [...r.start(), ...r.answer(0)]);
      emu.publish('transcript_created', makeTranscript({ customer_id: agent.customerId, transcribe_id: t.id, message: 'Hello?', tm_transcript: offset(1) }));
    }
    await p.until('both segments', (ls) => transcripts(ls).length === 2, 8_000);

    // Offline; meanwhile one call ends and the other is deleted, and no frame says so.
    await emu.refuseConnections(true);
    for (const f of hungUp.hangup()) if (f.eventType.startsWith('call_')) emu.upsertCall(f.data);
    emu.publish('call_deleted', deleted.legs[0]!);
    await pause(300);
    await emu.refuseConnections(false);
    await p.until('subscribed again', (ls) => ls.filter((l) => l.type === 'subscribed').length === 2, 8_000);
    await until('the deleted call asked for', () => emu.requests.some((r) => r.path === `/v1.0/service_agents/calls/${deleted.legs[0]!.id}`));
    // One last read after the catch-up, then nothing more (it used to go on for hours).
    await pause(2_500);
    const after = reads();
    await pause(4_500);
    expect(reads()).toBe(after);
  });

  it('--call: that call whether given as my leg or the customer call, found in progress at start; Ctrl-C mid-call ends it cleanly (exit 0)', async () => {
    const agent = seedAccount(emu);
    const r = ring(agent);
    // Answered before the command starts: no frame will say so, my calls do.
    publishAll(emu, [...r.start(), ...r.answer(0)]);
    const customerCall = r.legs[0]!.master_call_id;
    const leg = r.legs[0]!.id;
    const t = makeTranscribe({ customer_id: agent.customerId, reference_id: customerCall });
    const onLeg = makeTranscribe({ customer_id: agent.customerId, reference_id: leg });
    const other = makeTranscribe({ customer_id: agent.customerId });
    for (const x of [t, onLeg, other]) emu.publish('transcribe_created', x);
    emu.publish('transcript_created', makeTranscript({ customer_id: agent.customerId, transcribe_id: t.id, message: 'the caller', tm_transcript: offset(50) }));
    emu.publish('transcript_created', makeTranscript({ customer_id: agent.customerId, transcribe_id: onLeg.id, message: 'my leg', tm_transcript: offset(51) }));
    emu.publish(
      'transcript_created',
      makeTranscript({ customer_id: agent.customerId, transcribe_id: other.id, message: 'not this call', tm_transcript: offset(52) }),
    );
    for (const id of [customerCall.toUpperCase(), leg]) {
      const p = start(['transcripts', '--call', id], agent);
      await p.until('both segments', (ls) => transcripts(ls).length === 2, 8_000);
      await pause(2_500);
      expect(texts(p.lines()).sort()).toEqual(['my leg', 'the caller']);
      p.kill('SIGINT');
      expect(await p.exited).toBe(0);
      expect(p.lines().at(-1)).toMatchObject({ type: 'state', state: 'stopped', reason: 'interrupted' });
    }

    const bad = new CliProcess(['transcripts', '--call', 'not-a-call', '--json', '--api-url', emu.url], { VOIPBIN_TOKEN: agent.jwt });
    procs.push(bad);
    expect(await bad.exited).toBe(2);
  });

  it('an admin\u2019s --call by leg shows the customer call\u2019s transcript: my own leg (and who speaks on it), or another agent\u2019s', async () => {
    const admin = seedAccount(emu, PERMISSION.CustomerAdmin);
    const colleague = emu.addAgent({ customerId: admin.customerId, username: 'bob', password: 'x', name: 'Bob', permission: PERMISSION.CustomerAgent });
    const mine = ring(admin);
    const theirs = new AgentRing({
      customerId: admin.customerId,
      agentId: colleague.id,
      caller: { type: 'tel', target: '+15550111' },
      legTo: [{ type: 'extension', target: '2002' }],
    });
    // Both answered before the command starts: no call frame will name the customer's call.
    publishAll(emu, [...mine.start(), ...mine.answer(0), ...theirs.start(), ...theirs.answer(0)]);
    const follow = async (leg: string): Promise<CliProcess> => {
      const p = start(['transcripts', '--call', leg], admin);
      await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
      await until('the leg read', () => emu.requests.some((r) => r.path === `/v1.0/calls/${leg}`));
      await pause(300);
      return p;
    };
    const mineP = await follow(mine.legs[0]!.id);
    const theirsP = await follow(theirs.legs[0]!.id);
    const onCustomerCall = makeTranscribe({ customer_id: admin.customerId, reference_id: mine.legs[0]!.master_call_id, tm_create: START });
    const onMyLeg = makeTranscribe({ customer_id: admin.customerId, reference_id: mine.legs[0]!.id, tm_create: START });
    const onTheirCall = makeTranscribe({ customer_id: admin.customerId, reference_id: theirs.legs[0]!.master_call_id, tm_create: START });
    for (const t of [onCustomerCall, onMyLeg, onTheirCall]) emu.publish('transcribe_created', t);
    const say = (t: typeof onMyLeg, message: string, s: number): void => {
      emu.publish(
        'transcript_created',
        makeTranscript({ customer_id: admin.customerId, transcribe_id: t.id, direction: 'in', message, tm_transcript: offset(s) }),
      );
    };
    say(onCustomerCall, 'my caller', 1);
    say(onMyLeg, 'me', 2);
    say(onTheirCall, 'their caller', 3);
    await mineP.until('my call', (ls) => transcripts(ls).length === 2);
    await theirsP.until('their call', (ls) => transcripts(ls).length === 1);
    await pause(300);
    expect(transcripts(mineP.lines()).map((l) => [l.text, l.call_id, l.speaker])).toEqual([
      ['my caller', mine.legs[0]!.master_call_id, 'caller'],
      // On my own leg, `in` came from my phone: me.
      ['me', mine.legs[0]!.id, 'agent'],
    ]);
    expect(transcripts(theirsP.lines()).map((l) => [l.text, l.call_id])).toEqual([['their caller', theirs.legs[0]!.master_call_id]]);
    for (const p of [mineP, theirsP]) {
      p.kill('SIGINT');
      expect(await p.exited).toBe(0);
    }
  });

  it('--call of a call already over: its status read once, its transcript read once, then no poll', async () => {
    const agent = seedAccount(emu);
    const r = ring(agent);
    publishAll(emu, [...r.start(), ...r.answer(0), ...r.hangup()]);
    const t = makeTranscribe({ customer_id: agent.customerId, reference_id: r.legs[0]!.master_call_id, status: 'done' });
    emu.publish('transcribe_done', t);
    emu.publish('transcript_created', makeTranscript({ customer_id: agent.customerId, transcribe_id: t.id, message: 'Goodbye', tm_transcript: offset(9) }));
    const reads = (): number => emu.requests.filter((x) => x.path === '/v1.0/service_agents/transcribes').length;
    const p = start(['transcripts', '--call', r.legs[0]!.id], agent);
    await p.until('its transcript', (ls) => transcripts(ls).length === 1, 8_000);
    expect(transcripts(p.lines())[0]).toMatchObject({ text: 'Goodbye', call_id: t.reference_id });
    expect(emu.requests.filter((x) => x.path === `/v1.0/service_agents/calls/${r.legs[0]!.id}`)).toHaveLength(1);
    await pause(500);
    const after = reads();
    await pause(4_500);
    expect(reads()).toBe(after);
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
  });

  it('Ctrl-C at any point ends it cleanly (exit 0): while a transcribe lookup, or an agent token\u2019s read, gets no answer', async () => {
    const admin = seedAccount(emu, PERMISSION.CustomerAdmin);
    const t = makeTranscribe({ customer_id: admin.customerId });
    emu.addTranscribe(t);
    emu.holdRest(`/v1.0/transcribes/${t.id}`);
    const looking = start(['transcripts'], admin);
    await looking.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    emu.publish('transcript_created', makeTranscript({ customer_id: admin.customerId, transcribe_id: t.id, message: 'whose call?' }));
    await until('the lookup held', () => emu.heldRequests.some((r) => r.path === `/v1.0/transcribes/${t.id}`));

    const agent = seedAccount(emu);
    emu.holdRest('/v1.0/service_agents/transcribes');
    const reading = start(['transcripts'], agent);
    await reading.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    const call = ring(agent);
    publishAll(emu, [...call.start(), ...call.answer(0)]);
    await until('the read held', () => emu.heldRequests.some((r) => r.path === '/v1.0/service_agents/transcribes'));

    for (const p of [looking, reading]) {
      p.kill('SIGINT');
      expect(await p.exited).toBe(0);
      expect(p.lines().at(-1)).toMatchObject({ type: 'state', state: 'stopped', reason: 'interrupted' });
      expect(transcripts(p.lines())).toEqual([]);
    }
  });

  it('run prints transcript lines only with --transcripts, and with --privacy never their words', async () => {
    const admin = seedAccount(emu, PERMISSION.CustomerAdmin);
    const plain = start(['run', '--notify', 'none'], admin);
    const withThem = start(['run', '--notify', 'none', '--transcripts'], admin);
    const hidden = start(['run', '--notify', 'none', '--transcripts', '--privacy'], admin);
    const hiddenHuman = start(['run', '--notify', 'none', '--transcripts', '--privacy'], admin, false);
    for (const p of [plain, withThem, hidden]) await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    await untilOut(hiddenHuman, 'listening', (s) => s.includes('listening'));
    const t = makeTranscribe({ customer_id: admin.customerId });
    emu.publish('transcribe_created', t);
    emu.publish('transcript_created', makeTranscript({ customer_id: admin.customerId, transcribe_id: t.id, message: 'My card number is 4111' }));
    await withThem.until('the segment', (ls) => transcripts(ls).length === 1);
    expect(transcripts(withThem.lines())[0]).toMatchObject({ call_id: t.reference_id, text: 'My card number is 4111' });
    await hidden.until('the segment', (ls) => transcripts(ls).length === 1);
    expect(transcripts(hidden.lines())[0]).toMatchObject({ call_id: t.reference_id, speaker: 'caller', text: 'Hidden (privacy mode)', hidden: true });
    expect(hidden.stdout).not.toContain('4111');
    await untilOut(hiddenHuman, 'the line', (s) => s.includes('Hidden (privacy mode)'));
    expect(hiddenHuman.stdout).not.toContain('4111');
    await pause(300);
    expect(transcripts(plain.lines())).toEqual([]);
    expect(plain.lines().find((l) => l.type === 'subscribed')?.topics).not.toContain(`customer_id:${admin.customerId}:transcript:transcript_created`);
  });
});
