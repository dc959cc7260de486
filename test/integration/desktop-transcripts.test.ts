import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { makeTranscribe, makeTranscript, transcriptOffset } from '../../emulator/fixtures.js';
import { AgentRing, publishAll } from '../../emulator/scenarios.js';
import type { DesktopApp } from '../../main/desktop/desktop-app.js';
import type { TranscriptBook } from '../../main/core/transcripts/index.js';
import { PERMISSION, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { desktopController, saveSignIn, untilState, type Controller } from '../support/desktop-app.js';

/**
 * Live transcripts in the desktop app against the emulator: off by default; on (and with the call
 * window on), the call window's state carries my call in progress once VoIPBIN transcribes it, and
 * its transcript — kept however many other calls a supervisor hears; privacy hides the words and
 * copies nothing, "Copy transcript" copies it, and after the call the history entry keeps it for
 * the session (never on disk). A call that ended while offline takes the window down.
 */
let emu: VoipbinEmulator;
let dir: string;
let app: DesktopApp | undefined;
beforeEach(async () => {
  emu = await startEmulator();
  dir = await mkdtemp(join(tmpdir(), 'vbn-transcripts-'));
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await emu.stop();
  await rm(dir, { recursive: true, force: true });
});

async function signedIn(a: Account): Promise<Controller> {
  await saveSignIn(dir, emu.url, a, a.jwt);
  const ctl = desktopController(dir);
  app = ctl.c;
  await ctl.c.start();
  await untilState(ctl.c, 'subscribed', (s) => s.connection.state === 'subscribed');
  return ctl;
}

const topics = (c: DesktopApp): readonly string[] => c.sessions.current?.session.listener?.topics ?? [];
/** The server side has the transcript topics: frames published from now on reach the app. */
const onTranscriptTopics = (a: Account): Promise<void> =>
  emu.waitFor(() => emu.connections().some((x) => !x.closed && x.topics.includes(`customer_id:${a.customerId}:transcript:transcript_created`)));

describe('live transcripts on the desktop', () => {
  it('off by default: no transcript topics, nothing shown; turned on, my call and what is said, in spoken order', async () => {
    // An admin hears transcripts on the socket (customer scope).
    const a = seedAccount(emu, PERMISSION.CustomerAdmin);
    const { c, clipboard } = await signedIn(a);
    expect(c.notifications.settings.liveTranscripts).toBe(false);
    expect(topics(c).some((t) => t.includes(':transcript:'))).toBe(false);

    await c.notifications.update({ liveTranscripts: true });
    await untilState(c, 'the transcript topics', () => topics(c).includes(`customer_id:${a.customerId}:transcript:transcript_created`));
    await untilState(c, 'subscribed again', (s) => s.connection.state === 'subscribed');

    const ring = new AgentRing({
      customerId: a.customerId,
      agentId: a.agentId,
      caller: { type: 'tel', target: '+15550100', target_name: 'Jane Cooper' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(emu, ring.start());
    await untilState(c, 'ringing', (s) => s.ringing.length === 1);
    expect(c.state.liveCall).toBeNull();
    publishAll(emu, ring.answer(0));
    await untilState(c, 'answered', () => c.sessions.current?.transcripts.follower?.myCalls?.current() !== undefined);
    // Answered, but nobody transcribes it (yet): no window kept up for it.
    await new Promise((r) => setTimeout(r, 200));
    expect(c.state.liveCall).toBeNull();

    const t = makeTranscribe({ customer_id: a.customerId, reference_id: ring.legs[0]!.master_call_id, tm_create: '2026-12-03T12:03:00Z' });
    emu.publish('transcribe_created', t);
    await untilState(c, 'transcribed', (s) => s.liveCall !== null);
    expect(c.state.liveCall).toMatchObject({ title: 'On a call with Jane Cooper', hidden: false, lines: [], count: 0 });
    const said = (s: number, direction: 'in' | 'out', message: string): void => {
      emu.publish(
        'transcript_created',
        makeTranscript({ customer_id: a.customerId, transcribe_id: t.id, direction, message, tm_transcript: transcriptOffset(s * 1000) }),
      );
    };
    said(4, 'in', 'Hi, my order has not arrived');
    said(6, 'out', 'Let me check that for you');
    said(3, 'in', 'Hello?');
    await untilState(c, 'three lines', (s) => s.liveCall?.count === 3);
    expect(c.state.liveCall?.lines.map((l) => [l.speaker, l.text, l.at])).toEqual([
      ['caller', 'Hello?', Date.UTC(2026, 11, 3, 12, 3, 3)],
      ['caller', 'Hi, my order has not arrived', Date.UTC(2026, 11, 3, 12, 3, 4)],
      ['agent', 'Let me check that for you', Date.UTC(2026, 11, 3, 12, 3, 6)],
    ]);
    // Transcripts of other people's calls (customer scope hears them all) are not mine, and never
    // push mine out of memory, however many there are.
    const others = Array.from({ length: 25 }, () => makeTranscribe({ customer_id: a.customerId }));
    others.forEach((other, i) => {
      emu.publish('transcribe_created', other);
      emu.publish('transcript_created', makeTranscript({ customer_id: a.customerId, transcribe_id: other.id, message: `not yours ${i}` }));
    });
    const book = (): TranscriptBook | undefined => c.sessions.current?.transcripts.follower?.book;
    await untilState(c, 'the others heard', () => book()?.segments({ callId: others.at(-1)!.reference_id }).length === 1);
    expect(c.state.liveCall?.count).toBe(3);
    expect(await c.transcripts.copyLive(c.state.liveCall!.id)).toMatchObject({ copied: true, message: 'Copied 3 lines of the transcript.' });
    clipboard.text = '';

    // The call window turned off: no live transcript window either.
    await c.notifications.update({ callWindow: false });
    expect(c.state.liveCall).toBeNull();
    await c.notifications.update({ callWindow: true });
    expect(c.state.liveCall?.count).toBe(3);

    // Privacy mode: no words reach the window, and none (nor the number) reach the clipboard.
    await c.notifications.update({ privacy: true });
    expect(c.state.liveCall).toMatchObject({ hidden: true, lines: [], count: 3 });
    expect(JSON.stringify(c.state)).not.toContain('order has not arrived');
    const refused = await c.transcripts.copyLive(c.state.liveCall!.id);
    expect(refused.copied).toBe(false);
    expect(refused.message).toMatch(/privacy mode/);
    expect(clipboard.text).toBe('');
    await c.notifications.update({ privacy: false });

    expect(await c.transcripts.copyLive(c.state.liveCall!.id)).toEqual({ copied: true, message: 'Copied 3 lines of the transcript.' });
    expect(clipboard.text).toMatch(
      /^Call with Jane Cooper, .*\n\d\d:\d\d:\d\d {2}Caller: Hello\?\n\d\d:\d\d:\d\d {2}Caller: Hi, my order has not arrived\n\d\d:\d\d:\d\d {2}Agent: Let me check that for you\n$/,
    );

    // After the call: gone from the call window, kept by the history entry of the call that rang.
    publishAll(emu, ring.hangup());
    await untilState(c, 'the call over', (s) => s.liveCall === null);
    const entry = c.notifications.history(50).find((h) => h.kind === 'incoming_call');
    expect(entry?.transcript).toBe(true);
    clipboard.text = '';
    expect(await c.transcripts.copyFromHistory(c.notifications.historyItem(entry!.seq))).toMatchObject({ copied: true });
    expect(clipboard.text).toContain('Agent: Let me check that for you');
    // Never written to disk.
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).not.toContain('Let me check');

    // Turned off: the topics go, and nothing is followed.
    await c.notifications.update({ liveTranscripts: false });
    await untilState(c, 'the topics gone', () => !topics(c).some((t) => t.includes(':transcript:')));
    expect(c.sessions.current?.transcripts.follower).toBeUndefined();
  });

  it('closing the call window on my call keeps the transcript going but stops showing it; the next call shows again', async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAdmin);
    const { c } = await signedIn(a);
    await c.notifications.update({ liveTranscripts: true });
    await onTranscriptTopics(a);
    const transcribed = (r: AgentRing): void => {
      emu.publish('transcribe_created', makeTranscribe({ customer_id: a.customerId, reference_id: r.legs[0]!.master_call_id }));
    };
    const ring = new AgentRing({
      customerId: a.customerId,
      agentId: a.agentId,
      caller: { type: 'tel', target: '+15550100' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(emu, [...ring.start(), ...ring.answer(0)]);
    transcribed(ring);
    await untilState(c, 'on the call', (s) => s.liveCall !== null);
    c.transcripts.dismiss(c.state.liveCall!.id);
    await untilState(c, 'not shown', (s) => s.liveCall === null);
    publishAll(emu, ring.hangup());
    const next = new AgentRing({
      customerId: a.customerId,
      agentId: a.agentId,
      caller: { type: 'tel', target: '+15550111' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(emu, [...next.start(), ...next.answer(0)]);
    transcribed(next);
    await untilState(c, 'the next call', (s) => s.liveCall?.id === next.legs[0]!.id);
  });

  it('turned on during a call already answered, the window finds it (an admin\u2019s own call, listed at once)', async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAdmin);
    const { c } = await signedIn(a);
    const ring = new AgentRing({
      customerId: a.customerId,
      agentId: a.agentId,
      caller: { type: 'tel', target: '+15550100', target_name: 'Jane Cooper' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(emu, ring.start());
    await untilState(c, 'ringing', (s) => s.ringing.length === 1);
    publishAll(emu, ring.answer(0));
    await untilState(c, 'answered', (s) => s.ringing.length === 0);
    await c.notifications.update({ liveTranscripts: true });
    await onTranscriptTopics(a);
    await untilState(c, 'my call known', () => c.sessions.current?.transcripts.follower?.myCalls?.current()?.legId === ring.legs[0]!.id);
    emu.publish('transcribe_created', makeTranscribe({ customer_id: a.customerId, reference_id: ring.legs[0]!.master_call_id }));
    await untilState(c, 'the window', (s) => s.liveCall?.id === ring.legs[0]!.id);
    expect(c.state.liveCall?.title).toBe('On a call with Jane Cooper');
  });

  it('an agent-only token: its call read from the answer, lines in the window; hangup or turning it off stops the reads', async () => {
    const a = seedAccount(emu);
    const { c } = await signedIn(a);
    await c.notifications.update({ liveTranscripts: true });
    await untilState(c, 'following', () => c.sessions.current?.transcripts.follower !== undefined);
    // No transcript topics: an agent token could not hear them (it would be disconnected for asking).
    expect(topics(c).some((t) => t.startsWith('customer_id:'))).toBe(false);
    const reads = (): number => emu.requests.filter((r) => r.path === '/v1.0/service_agents/transcribes').length;
    const call = (target: string): AgentRing =>
      new AgentRing({ customerId: a.customerId, agentId: a.agentId, caller: { type: 'tel', target }, legTo: [{ type: 'extension', target: '2001' }] });

    const first = call('+15550100');
    const t = makeTranscribe({ customer_id: a.customerId, reference_id: first.legs[0]!.master_call_id });
    emu.publish('transcribe_created', t);
    emu.publish('transcript_created', makeTranscript({ customer_id: a.customerId, transcribe_id: t.id, direction: 'in', message: 'Hello?' }));
    publishAll(emu, first.start());
    await new Promise((r) => setTimeout(r, 300));
    expect(reads()).toBe(0);
    publishAll(emu, first.answer(0));
    await untilState(c, 'the line', (s) => s.liveCall?.lines.length === 1, 8_000);
    expect(c.state.liveCall?.lines.map((l) => [l.speaker, l.text])).toEqual([['caller', 'Hello?']]);
    publishAll(emu, first.hangup());
    await untilState(c, 'the window down', (s) => s.liveCall === null);
    await untilState(c, 'the poll over', () => c.sessions.current?.transcripts.follower?.polling === false, 8_000);
    const afterHangup = reads();
    await new Promise((r) => setTimeout(r, 4_500));
    expect(reads()).toBe(afterHangup);

    const second = call('+15550111');
    publishAll(emu, [...second.start(), ...second.answer(0)]);
    await untilState(c, 'polling again', () => c.sessions.current?.transcripts.follower?.polling === true);
    await c.notifications.update({ liveTranscripts: false });
    expect(c.sessions.current?.transcripts.follower).toBeUndefined();
    const afterOff = reads();
    await new Promise((r) => setTimeout(r, 4_500));
    expect(reads()).toBe(afterOff);
  });

  it('a call of mine that ended while offline — gone from the server — takes the window down after the catch-up', async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAdmin);
    const { c } = await signedIn(a);
    await c.notifications.update({ liveTranscripts: true });
    await onTranscriptTopics(a);
    const ring = new AgentRing({
      customerId: a.customerId,
      agentId: a.agentId,
      caller: { type: 'tel', target: '+15550100' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(emu, [...ring.start(), ...ring.answer(0)]);
    emu.publish('transcribe_created', makeTranscribe({ customer_id: a.customerId, reference_id: ring.legs[0]!.master_call_id }));
    await untilState(c, 'on the call', (s) => s.liveCall !== null);

    await emu.refuseConnections(true);
    await untilState(c, 'offline', (s) => s.connection.state !== 'subscribed');
    // Deleted meanwhile: no hangup will ever be listed or sent.
    emu.publish('call_deleted', ring.legs[0]!);
    await emu.refuseConnections(false);
    await untilState(c, 'the window down', (s) => s.connection.state === 'subscribed' && s.liveCall === null, 8_000);
  });
});
