import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { makeTranscribe, makeTranscript } from '../../emulator/fixtures.js';
import { AgentRing, publishAll } from '../../emulator/scenarios.js';
import { PERMISSION, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { CliProcess, type JsonLine } from '../support/cli-process.js';

/**
 * `voipbin-notifier transcripts` and `run --transcripts` against the emulator: customer-scope
 * sign-ins hear segments live and tie them to calls through the transcribe (its frame, else REST);
 * an agent-only token reads its own call's transcript while the call is in progress, and stops.
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

function start(args: string[], acct: Account): CliProcess {
  const p = new CliProcess([...args, '--json', '--api-url', emu.url], { VOIPBIN_TOKEN: acct.jwt });
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
const at = (s: number): string => new Date(Date.UTC(2026, 11, 3, 12, 3, s)).toISOString().replace('Z', '000Z');

describe('live transcripts', () => {
  it('customer scope: segments as they come, tied to their call by the transcribe, each once, copies and late ones included', async () => {
    const admin = seedAccount(emu, PERMISSION.CustomerAdmin);
    const p = start(['transcripts'], admin);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    const subscribed = p.lines().find((l) => l.type === 'subscribed');
    // 4-part prefixes only, never `*`, and not the interim speech events.
    expect(subscribed?.topics).toEqual([
      `customer_id:${admin.customerId}:transcript:transcript_created`,
      `customer_id:${admin.customerId}:transcribe:transcribe_created`,
      `customer_id:${admin.customerId}:transcribe:transcribe_progressing`,
      `customer_id:${admin.customerId}:transcribe:transcribe_done`,
    ]);
    const call = '5e4a0680-804e-11ec-8477-2fea5968d85b';
    const t = makeTranscribe({ customer_id: admin.customerId, reference_id: call });
    emu.publish('transcribe_created', t);
    const seg = (s: number, direction: 'in' | 'out', message: string): ReturnType<typeof makeTranscript> =>
      makeTranscript({ customer_id: admin.customerId, transcribe_id: t.id, direction, message, tm_transcript: at(s) });
    const hi = seg(4, 'in', 'Hi, my order has not arrived');
    const late = seg(3, 'in', 'Hello?');
    const answer = seg(6, 'out', 'Let me check that for you');
    emu.publish('transcript_created', hi);
    emu.publish('transcript_created', hi);
    emu.publish('transcript_created', answer);
    emu.publish('transcript_created', late);
    await p.until('three segments', (ls) => transcripts(ls).length === 3);
    expect(transcripts(p.lines())).toEqual([
      {
        type: 'transcript',
        call_id: call,
        transcribe_id: t.id,
        id: hi.id,
        direction: 'in',
        text: 'Hi, my order has not arrived',
        at: '2026-12-03T12:03:04.000Z',
      },
      {
        type: 'transcript',
        call_id: call,
        transcribe_id: t.id,
        id: answer.id,
        direction: 'out',
        text: 'Let me check that for you',
        at: '2026-12-03T12:03:06.000Z',
      },
      { type: 'transcript', call_id: call, transcribe_id: t.id, id: late.id, direction: 'in', text: 'Hello?', at: '2026-12-03T12:03:03.000Z' },
    ]);
    // Nothing but the connection and the transcripts: no events, no notifications.
    expect(new Set(p.lines().map((l) => l.type))).toEqual(new Set(['state', 'subscribed', 'transcript']));
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.lines().at(-1)).toMatchObject({ type: 'state', state: 'stopped', reason: 'interrupted' });
  });

  it('a segment whose transcribe frame was missed asks REST once for its call; a caller cannot write to the terminal', async () => {
    const admin = seedAccount(emu, PERMISSION.CustomerAdmin);
    const call = 'c0ffee00-0000-4000-8000-0000000000ca';
    const t = makeTranscribe({ customer_id: admin.customerId, reference_id: call });
    emu.addTranscribe(t);
    const p = start(['transcripts'], admin);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    for (let i = 0; i < 5; i++) {
      emu.publish(
        'transcript_created',
        makeTranscript({ customer_id: admin.customerId, transcribe_id: t.id, message: `part ${i}`, tm_transcript: at(10 + i) }),
      );
    }
    await p.until('five segments', (ls) => transcripts(ls).length === 5);
    expect(texts(p.lines())).toEqual(['part 0', 'part 1', 'part 2', 'part 3', 'part 4']);
    expect(new Set(transcripts(p.lines()).map((l) => l.call_id))).toEqual(new Set([call]));
    expect(emu.requests.filter((r) => r.path === `/v1.0/transcribes/${t.id}`)).toHaveLength(1);

    // Said by a caller (or sent by anyone who can start a transcribe): one plain line, no control character.
    emu.publish(
      'transcript_created',
      makeTranscript({ customer_id: admin.customerId, transcribe_id: t.id, message: 'line one\n\u001b[31mred\u001b[0m\r\u202eevil', tm_transcript: at(20) }),
    );
    const human = new CliProcess(['transcripts', '--api-url', emu.url], { VOIPBIN_TOKEN: admin.jwt });
    procs.push(human);
    await untilOut(human, 'listening', (s) => s.includes('listening'));
    emu.publish(
      'transcript_created',
      makeTranscript({ customer_id: admin.customerId, transcribe_id: t.id, direction: 'out', message: 'ok\n\u001b]0;pwned\u0007done', tm_transcript: at(21) }),
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

  it('an agent-only token reads its own call while it is in progress: from the answer, one last read after hangup, then no more requests', async () => {
    const agent = seedAccount(emu);
    const p = start(['transcripts'], agent);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    expect(p.lines().find((l) => l.type === 'subscribed')?.topics).toEqual([`agent_id:${agent.agentId}:call:call_`]);
    const reads = (): number => emu.requests.filter((r) => r.path === '/v1.0/service_agents/transcribes').length;
    const ring = new AgentRing({
      customerId: agent.customerId,
      agentId: agent.agentId,
      caller: { type: 'tel', target: '+15550100' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(emu, ring.start());
    await new Promise((r) => setTimeout(r, 300));
    // Ringing is not talking: nothing is read yet.
    expect(reads()).toBe(0);

    const customerCall = ring.legs[0]!.master_call_id;
    const t = makeTranscribe({ customer_id: agent.customerId, reference_id: customerCall });
    emu.publish('transcribe_created', t);
    publishAll(emu, ring.answer(0));
    emu.publish(
      'transcript_created',
      makeTranscript({ customer_id: agent.customerId, transcribe_id: t.id, direction: 'in', message: 'Hi there', tm_transcript: at(30) }),
    );
    await p.until('the first segment', (ls) => transcripts(ls).length === 1, 8_000);
    expect(transcripts(p.lines())[0]).toMatchObject({ call_id: customerCall, transcribe_id: t.id, direction: 'in', text: 'Hi there' });
    emu.publish(
      'transcript_created',
      makeTranscript({ customer_id: agent.customerId, transcribe_id: t.id, direction: 'out', message: 'How can I help?', tm_transcript: at(31) }),
    );
    await p.until('the second segment', (ls) => transcripts(ls).length === 2, 8_000);

    // Said just before hangup: the last read brings it.
    emu.publish(
      'transcript_created',
      makeTranscript({ customer_id: agent.customerId, transcribe_id: t.id, direction: 'in', message: 'Thanks, bye', tm_transcript: at(40) }),
    );
    publishAll(emu, ring.hangup());
    await p.until('the last segment', (ls) => transcripts(ls).length === 3, 8_000);
    expect(texts(p.lines())).toEqual(['Hi there', 'How can I help?', 'Thanks, bye']);
    await new Promise((r) => setTimeout(r, 500));
    const after = reads();
    await new Promise((r) => setTimeout(r, 4_500));
    expect(reads()).toBe(after);
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
  });

  it('--call: only that call, found in progress when the command starts; Ctrl-C mid-call ends it cleanly (exit 0)', async () => {
    const agent = seedAccount(emu);
    const ring = new AgentRing({
      customerId: agent.customerId,
      agentId: agent.agentId,
      caller: { type: 'tel', target: '+15550100' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    // Answered before the command starts: no frame will say so, the list of my calls does.
    publishAll(emu, [...ring.start(), ...ring.answer(0)]);
    const mine = ring.legs[0]!.master_call_id;
    const t = makeTranscribe({ customer_id: agent.customerId, reference_id: mine });
    const other = makeTranscribe({ customer_id: agent.customerId, reference_id: ring.legs[0]!.id });
    emu.publish('transcribe_created', t);
    emu.publish('transcribe_created', other);
    emu.publish('transcript_created', makeTranscript({ customer_id: agent.customerId, transcribe_id: t.id, message: 'mine', tm_transcript: at(50) }));
    emu.publish(
      'transcript_created',
      makeTranscript({ customer_id: agent.customerId, transcribe_id: other.id, message: 'not this call', tm_transcript: at(51) }),
    );
    const p = start(['transcripts', '--call', mine.toUpperCase()], agent);
    await p.until('the segment', (ls) => transcripts(ls).length === 1, 8_000);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(texts(p.lines())).toEqual(['mine']);
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.lines().at(-1)).toMatchObject({ type: 'state', state: 'stopped', reason: 'interrupted' });

    const bad = new CliProcess(['transcripts', '--call', 'not-a-call', '--json', '--api-url', emu.url], { VOIPBIN_TOKEN: agent.jwt });
    procs.push(bad);
    expect(await bad.exited).toBe(2);
  });

  it('run prints transcript lines only with --transcripts', async () => {
    const admin = seedAccount(emu, PERMISSION.CustomerAdmin);
    const plain = start(['run', '--notify', 'none'], admin);
    const withThem = start(['run', '--notify', 'none', '--transcripts'], admin);
    await plain.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    await withThem.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    const t = makeTranscribe({ customer_id: admin.customerId });
    emu.publish('transcribe_created', t);
    emu.publish('transcript_created', makeTranscript({ customer_id: admin.customerId, transcribe_id: t.id, message: 'Hello' }));
    await withThem.until('the segment', (ls) => transcripts(ls).length === 1);
    expect(transcripts(withThem.lines())[0]).toMatchObject({ call_id: t.reference_id, text: 'Hello' });
    await new Promise((r) => setTimeout(r, 300));
    expect(transcripts(plain.lines())).toEqual([]);
    expect(plain.lines().find((l) => l.type === 'subscribed')?.topics).not.toContain(`customer_id:${admin.customerId}:transcript:transcript_created`);
  });
});
