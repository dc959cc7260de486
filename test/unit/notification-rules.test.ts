import { describe, expect, it } from 'vitest';
import type { NotificationSink, PopUp } from '../../main/core/notify/notification-center.js';
import { decodeAgentToken, accessKeyIdentity } from '../../main/core/account/identity.js';
import { DEFAULT_NOTIFICATION_SETTINGS, pauseUntil } from '../../shared/notification-settings.js';
import { PipelineDesk as Desk } from '../support/pipeline-desk.js';
import { AgentRing, InboundCall, type Frame } from '../../emulator/scenarios.js';
import { makeSms, makeConversationMessage, makeChatMessage, makeTranscribe, makeTranscript, makeCall } from '../../emulator/fixtures.js';
import { fakeAgentJwt, agentPayload, AGENT_ID, CUSTOMER_ID, OTHER_ID } from '../support/jwt.js';

const agent = decodeAgentToken(fakeAgentJwt(agentPayload({ permission: 0x10 })));
const admin = decodeAgentToken(fakeAgentJwt(agentPayload({ permission: 0x30 })));
const JANE: { type: string; target: string; target_name?: string } = { type: 'tel', target: '+15550100', target_name: 'Jane Cooper' };
const DESK = { type: 'extension', target: '2001' };
const MOBILE = { type: 'tel', target: '+15550002001' };

const ring = (legTo = [DESK, MOBILE], caller = JANE): AgentRing => new AgentRing({ customerId: CUSTOMER_ID, agentId: AGENT_ID, caller, legTo });
const shuffle = <T>(xs: T[], seed: number): T[] =>
  xs
    .map((x, i) => [((i + 1) * seed) % 97, x] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, x]) => x);

describe('incoming calls for me', () => {
  it('one ringing offer (a groupcall and its legs) is exactly one pop-up, titled with the caller and where it rings', () => {
    const r = ring();
    const desk = new Desk().feed(r.start());
    expect(desk.kinds()).toEqual(['incoming_call']);
    expect(desk.notes[0]).toMatchObject({ resourceId: r.groupcall.id, title: 'Incoming call from Jane Cooper', body: 'Ringing for you', shown: true });
  });

  it('says which device rings when the leg is the first news', () => {
    const r = ring([DESK]);
    const [, legCreated, legRinging] = r.start();
    const desk = new Desk().feed([legCreated!, legRinging!]);
    expect(desk.notes[0]!.body).toBe('Ringing on extension 2001');
  });

  it.each([1, 3, 7, 11])('stays one pop-up whatever the frame order and duplication (seed %i)', (seed) => {
    const r = ring();
    const frames = r.start();
    const desk = new Desk().feed(shuffle([...frames, ...frames], seed));
    expect(desk.kinds()).toEqual(['incoming_call']);
  });

  it('falls back to the number when the caller has no name', () => {
    const desk = new Desk().feed(ring([DESK], { type: 'tel', target: '+15559876' }).start());
    expect(desk.notes[0]!.title).toBe('Incoming call from +15559876');
  });

  it('is withdrawn when answered here, and no missed call follows', () => {
    const r = ring();
    const desk = new Desk().feed(r.start()).feed(r.answer(0)).feed(r.hangup());
    expect(desk.kinds()).toEqual(['incoming_call']);
    expect(desk.withdrawn).toEqual([{ resourceId: r.groupcall.id, reason: 'answered' }]);
  });

  it('is withdrawn when answered elsewhere (another of my devices), frames out of order', () => {
    const r = ring();
    const desk = new Desk().feed(r.start());
    desk.feed(r.answer(1).reverse()).feed(r.hangup());
    expect(desk.withdrawn).toEqual([{ resourceId: r.groupcall.id, reason: 'answered' }]);
    expect(desk.kinds()).toEqual(['incoming_call']);
  });

  it.each(['noanswer', 'cancel', 'timeout'] as const)('ending unanswered (%s) withdraws it and leaves a missed call with the caller and time', (reason) => {
    const r = ring();
    const desk = new Desk().feed(r.start()).feed(r.giveUp(reason));
    expect(desk.withdrawn).toEqual([{ resourceId: r.groupcall.id, reason: 'missed' }]);
    expect(desk.kinds()).toEqual(['incoming_call', 'missed_call']);
    expect(desk.notes[1]).toMatchObject({ title: 'Missed call from Jane Cooper', resourceId: r.groupcall.id });
    expect(desk.notes[1]!.body).toMatch(/^at \d\d:\d\d$/);
    expect(desk.center.history.unreadCount('missed_call')).toBe(1);
  });

  it('a leg seen before its groupcall still makes one pop-up', () => {
    const r = ring([DESK]);
    const [created, legCreated, legRinging] = r.start();
    const desk = new Desk().feed([legCreated!, legRinging!, created!]);
    expect(desk.kinds()).toEqual(['incoming_call']);
    expect(desk.notes[0]!.resourceId).toBe(r.legs[0]!.id);
    desk.feed(r.giveUp());
    expect(desk.withdrawn).toEqual([{ resourceId: r.legs[0]!.id, reason: 'missed' }]);
  });

  it('nothing rings for a call whose first news is that it ended; unanswered, it is a missed call', () => {
    const r = ring();
    r.start();
    const desk = new Desk().feed(r.giveUp());
    expect(desk.kinds()).toEqual(['missed_call']);
    expect(desk.withdrawn).toEqual([]);
    const answered = ring();
    answered.start();
    answered.answer(0);
    expect(new Desk().feed(answered.hangup()).notes).toEqual([]);
  });

  it('ignores calls of other agents and outgoing calls I make', () => {
    const other = new AgentRing({ customerId: CUSTOMER_ID, agentId: OTHER_ID, caller: JANE, legTo: [{ type: 'extension', target: '3001' }] });
    const mine = makeCall({ customer_id: CUSTOMER_ID, owner_id: AGENT_ID, direction: 'incoming', status: 'ringing' });
    const desk = new Desk().feed(other.start()).feed([{ eventType: 'call_ringing', data: mine }]);
    expect(desk.notes).toEqual([]);
  });
});

describe('customer-wide view (admins and managers, when enabled)', () => {
  const inbound = (): InboundCall =>
    new InboundCall({ customerId: CUSTOMER_ID, caller: JANE, number: { type: 'tel', target: '+15550199', name: 'Sales line' } });

  it('pops up inbound PSTN calls and withdraws them when answered or abandoned, without missed calls', () => {
    const a = inbound();
    const b = inbound();
    const desk = new Desk(admin, { customerCalls: true }).feed(a.start()).feed(a.answer()).feed(b.start()).feed(b.giveUp());
    expect(desk.kinds()).toEqual(['incoming_call', 'incoming_call']);
    expect(desk.notes[0]).toMatchObject({ title: 'Incoming call from Jane Cooper', body: 'To Sales line' });
    expect(desk.withdrawn).toEqual([
      { resourceId: a.call.id, reason: 'answered' },
      { resourceId: b.call.id, reason: 'ended' },
    ]);
  });

  it('is off unless enabled, and never for a plain agent', () => {
    expect(new Desk(admin).feed(inbound().start()).notes).toEqual([]);
    expect(new Desk(agent, { customerCalls: true }).feed(inbound().start()).notes).toEqual([]);
  });

  it('gives way to my own pop-up when the call is routed to me', () => {
    const a = inbound();
    const r = ring([DESK]);
    const desk = new Desk(admin, { customerCalls: true }).feed(a.start()).feed(r.start());
    expect(desk.withdrawn).toEqual([{ resourceId: a.call.id, reason: 'routed' }]);
    expect(desk.kinds()).toEqual(['incoming_call', 'incoming_call']);
  });
});

describe('messages', () => {
  const frame = (eventType: string, data: Record<string, unknown>): Frame => ({ eventType, data });

  it('inbound SMS shows the sender and a preview; outbound does not pop up', () => {
    const long =
      'Hi, my order #4411 never arrived and I have been waiting for two weeks now, could someone please call me back as soon as possible? Thanks a lot!';
    const desk = new Desk(admin).feed([
      frame('message_created', makeSms({ customer_id: CUSTOMER_ID, source: { type: 'tel', target: '+15557654321' }, text: long })),
      frame('message_created', makeSms({ customer_id: CUSTOMER_ID, direction: 'outbound' })),
    ]);
    expect(desk.kinds()).toEqual(['inbound_message']);
    expect(desk.notes[0]!.title).toBe('SMS from +15557654321 to +15551230000');
    expect(desk.notes[0]!.body).toHaveLength(140);
    expect(desk.notes[0]!.body.endsWith('…')).toBe(true);
  });

  it('incoming conversation messages pop up, outgoing ones do not', () => {
    const desk = new Desk(admin).feed([
      frame(
        'conversation_message_created',
        makeConversationMessage({
          customer_id: CUSTOMER_ID,
          direction: 'incoming',
          text: 'Is the store open today?',
          source: { type: 'line', target: 'U123', target_name: 'Kim' },
        }),
      ),
      frame('conversation_message_created', makeConversationMessage({ customer_id: CUSTOMER_ID, direction: 'outgoing' })),
    ]);
    expect(desk.notes.map((n) => [n.kind, n.title, n.body])).toEqual([['inbound_message', 'Message from Kim', 'Is the store open today?']]);
  });

  it('team chat from someone else pops up; my own and system messages do not', () => {
    const desk = new Desk().feed([
      frame('chatmessage_created', makeChatMessage({ customer_id: CUSTOMER_ID, owner_id: OTHER_ID, text: 'Can you take the next VIP call?' })),
      frame('chatmessage_created', makeChatMessage({ customer_id: CUSTOMER_ID, owner_id: AGENT_ID, text: 'sure' })),
      frame('chatmessage_created', makeChatMessage({ customer_id: CUSTOMER_ID, owner_id: OTHER_ID, type: 'system', text: 'joined' })),
    ]);
    expect(desk.notes.map((n) => [n.kind, n.body])).toEqual([['chat_message', 'Can you take the next VIP call?']]);
  });

  it('an incoming conversation message and team chat from others say where an answer goes; SMS, access keys and odd ids do not', async () => {
    const conversationId = 'C0FFEE00-0000-4000-8000-00000000C0C0';
    const chatId = 'c0ffee00-0000-4000-8000-00000000c4a7';
    const shown: PopUp[] = [];
    const sink: NotificationSink = {
      name: 'recording',
      show: (p) => (shown.push(p), Promise.resolve()),
      withdraw: () => Promise.resolve(),
    };
    const desk = new Desk(agent, {}, sink).feed([
      frame('conversation_message_created', makeConversationMessage({ customer_id: CUSTOMER_ID, direction: 'incoming', conversation_id: conversationId })),
      frame('chatmessage_created', makeChatMessage({ customer_id: CUSTOMER_ID, owner_id: OTHER_ID, chat_id: chatId, text: 'Lunch?' })),
      frame('message_created', makeSms({ customer_id: CUSTOMER_ID })),
      // A frame's id becomes a request path when the agent answers: only a UUID is taken.
      frame('conversation_message_created', makeConversationMessage({ customer_id: CUSTOMER_ID, direction: 'incoming', conversation_id: '../../customer' })),
    ]);
    await desk.center.settled();
    expect(desk.notes.map((n) => n.replyTo)).toEqual([
      { kind: 'conversation', id: conversationId.toLowerCase() },
      { kind: 'chat', id: chatId },
      undefined,
      undefined,
    ]);
    // The pop-ups carry it too.
    expect(shown.map((p) => p.replyTo)).toEqual(desk.notes.filter((n) => n.shown).map((n) => n.replyTo));
    expect(desk.center.history.list().map((h) => h.replyTo)).toEqual([...desk.notes.map((n) => n.replyTo)].reverse());

    // An access key reads team chat but cannot write there (it has no agent).
    const key = new Desk(accessKeyIdentity({ id: CUSTOMER_ID })).feed([
      frame('chatmessage_created', makeChatMessage({ customer_id: CUSTOMER_ID, owner_id: OTHER_ID, chat_id: chatId, text: 'Lunch?' })),
    ]);
    expect(key.notes.map((n) => [n.kind, n.replyTo])).toEqual([['chat_message', undefined]]);
  });

  it('transcripts never pop up: a transcribe is one history line whatever its frames, its segments none, so they cannot push out the calls', () => {
    const r = ring();
    const desk = new Desk(admin).feed(r.start());
    const t = makeTranscribe({ customer_id: CUSTOMER_ID });
    const segments = Array.from({ length: 1_200 }, (_, i) =>
      frame('transcript_created', makeTranscript({ customer_id: CUSTOMER_ID, transcribe_id: t.id, message: `s${i}` })),
    );
    desk.feed([frame('transcribe_created', t), ...segments, frame('transcribe_progressing', t), frame('transcribe_done', { ...t, status: 'done' })]);
    expect(desk.notes.map((n) => n.kind)).toEqual(['incoming_call']);
    const history = desk.center.history.list();
    expect(history.map((h) => [h.kind, h.title])).toEqual([
      ['activity', 'transcribe'],
      ['incoming_call', 'Incoming call from Jane Cooper'],
    ]);
  });
});

describe('interruption policy', () => {
  const sms = (): Frame => ({ eventType: 'message_created', data: makeSms({ customer_id: CUSTOMER_ID }) });

  it('in quiet hours calls break through (urgent) and messages wait in history', () => {
    const desk = new Desk(admin, { quietHours: { enabled: true, start: '09:00', end: '17:00' } });
    desk.feed(ring().start()).feed([sms()]);
    expect(desk.notes.map((n) => [n.kind, n.shown, n.heldBecause])).toEqual([
      ['incoming_call', true, undefined],
      ['inbound_message', false, 'quiet hours'],
    ]);
  });

  it('quiet hours across midnight', () => {
    const desk = new Desk(admin, { quietHours: { enabled: true, start: '18:00', end: '08:00' } });
    desk.clock = new Date('2026-11-23T23:30:00').getTime();
    desk.feed([sms()]);
    desk.clock = new Date('2026-11-23T08:01:00').getTime();
    desk.feed([sms()]);
    expect(desk.notes.map((n) => n.shown)).toEqual([false, true]);
  });

  it('the pause switch holds messages, lets calls through unless told otherwise, and ends on time', () => {
    const start = new Date('2026-11-23T10:00:00');
    const paused = new Desk(admin, { pausedUntil: pauseUntil('1h', start) });
    paused.feed(ring().start()).feed([sms()]);
    paused.clock = start.getTime() + 61 * 60_000;
    paused.feed([sms()]);
    expect(paused.notes.map((n) => [n.kind, n.shown])).toEqual([
      ['incoming_call', true],
      ['inbound_message', false],
      ['inbound_message', true],
    ]);

    const strict = new Desk(admin, { pausedUntil: pauseUntil('resumed', start), callsBreakThroughDnd: false }).feed(ring().start());
    expect(strict.notes[0]).toMatchObject({ shown: false, heldBecause: 'paused' });
    expect(pauseUntil('tomorrow', start)).toBe(new Date('2026-11-24T08:00:00').getTime());
  });

  it('per-kind off keeps history only; sound follows the per-kind setting', async () => {
    const popups: PopUp[] = [];
    const sink: NotificationSink = {
      name: 'record',
      show: (p) => {
        popups.push(p);
        return Promise.resolve();
      },
      withdraw: () => Promise.resolve(),
    };
    const desk = new Desk(
      admin,
      {
        kinds: { ...DEFAULT_NOTIFICATION_SETTINGS.kinds, inbound_message: { enabled: false, sound: true }, incoming_call: { enabled: true, sound: false } },
      },
      sink,
    );
    desk.feed([sms()]).feed(ring().start());
    // With a sink, each line waits for the OS to take (or refuse) the pop-up.
    await desk.center.settled();
    expect(desk.notes.map((n) => [n.kind, n.shown, n.heldBecause])).toEqual([
      ['inbound_message', false, 'turned off'],
      ['incoming_call', true, undefined],
    ]);
    expect(popups.map((p) => [p.kind, p.sound, p.urgent])).toEqual([['incoming_call', false, true]]);
    expect(desk.center.history.size).toBe(2);
  });

  it('privacy mode hides numbers and message text in pop-ups', async () => {
    const popups: PopUp[] = [];
    const sink: NotificationSink = {
      name: 'record',
      show: (p) => {
        popups.push(p);
        return Promise.resolve();
      },
      withdraw: () => Promise.resolve(),
    };
    const desk = new Desk(admin, { privacy: true }, sink);
    desk
      .feed(ring([DESK], { type: 'tel', target: '+15559876' }).start())
      .feed(ring([DESK]).start())
      .feed([sms()]);
    await desk.center.settled();
    const text = JSON.stringify(popups);
    expect(text).not.toMatch(/\+1555|2001|Hello from VoIPBIN/);
    expect(popups.map((p) => p.title)).toEqual(['Incoming call from a caller', 'Incoming call from Jane Cooper', 'SMS from a customer']);
    expect(desk.notes[2]!.body).toBe('Hello from VoIPBIN');
  });
});

describe('storms', () => {
  it('shows a few, then one summary; nothing is lost from history', async () => {
    const desk = new Desk(admin, { customerCalls: true, storm: { maxPerWindow: 3, windowMs: 50 } });
    for (let i = 0; i < 12; i++) {
      desk.feed(
        new InboundCall({ customerId: CUSTOMER_ID, caller: { type: 'tel', target: `+1555000${i}` }, number: { type: 'tel', target: '+15550199' } }).start(),
      );
    }
    expect(desk.notes.filter((n) => n.shown)).toHaveLength(3);
    expect(desk.notes.filter((n) => n.heldBecause === 'storm')).toHaveLength(9);
    await new Promise((r) => setTimeout(r, 80));
    expect(desk.notes.at(-1)).toMatchObject({ kind: 'summary', title: '9 more calls', shown: true });
    expect(desk.center.history.list().filter((h) => h.kind === 'incoming_call')).toHaveLength(12);
    await desk.center.dispose();
  });
});

describe('catch-up after a gap', () => {
  it('re-rings calls still ringing, turns calls that ended meanwhile into missed entries, and says so once', () => {
    const before = ring([DESK], { type: 'tel', target: '+15551111' });
    const desk = new Desk().feed(before.start());
    // While asleep: the ringing call ends unanswered, another rings and ends, a third is ringing now.
    const ended = before.giveUp();
    const during = ring([DESK], { type: 'tel', target: '+15552222' });
    during.start();
    const duringEnd = during.giveUp();
    const now = ring([DESK], { type: 'tel', target: '+15553333' });
    const nowRinging = now.start();
    desk.catchup([...ended, ...duringEnd, ...nowRinging], Date.now() - 60_000);
    expect(desk.withdrawn).toEqual([{ resourceId: before.groupcall.id, reason: 'missed' }]);
    // Every decision is announced; only the still-ringing call and the summary pop up.
    expect(desk.notes.map((n) => [n.kind, n.shown, n.heldBecause])).toEqual([
      ['incoming_call', true, undefined],
      ['missed_call', false, 'while away'],
      ['missed_call', false, 'while away'],
      ['incoming_call', true, undefined],
      ['summary', true, undefined],
    ]);
    expect(desk.notes[3]!.title).toBe('Incoming call from +15553333');
    expect(desk.notes[4]).toMatchObject({ title: 'While you were away', body: '2 missed calls' });
    const missed = desk.center.history.list().filter((h) => h.kind === 'missed_call');
    expect(missed.map((m) => [m.title, m.shown, m.heldBecause])).toEqual([
      ['Missed call from +15552222', false, 'while away'],
      ['Missed call from +15551111', false, 'while away'],
    ]);
  });

  it('a ring seen live whose legs all ended during the gap is missed, though an agent never gets the groupcall over REST', () => {
    const r = ring();
    const desk = new Desk().feed(r.start());
    // Agents have no groupcall endpoint: the catch-up shows only the legs, ended.
    const legsOnly = r.giveUp('cancel').filter((f) => f.eventType.startsWith('call_'));
    desk.catchup(legsOnly, Date.now() - 60_000);
    expect(desk.withdrawn).toEqual([{ resourceId: r.groupcall.id, reason: 'missed' }]);
    expect(desk.notes.map((n) => [n.kind, n.shown, n.heldBecause])).toEqual([
      ['incoming_call', true, undefined],
      ['missed_call', false, 'while away'],
      ['summary', true, undefined],
    ]);
  });

  it('a linear ring that moved on to the next device during the gap keeps ringing', () => {
    const r = new AgentRing({ customerId: CUSTOMER_ID, agentId: AGENT_ID, caller: JANE, legTo: [DESK, MOBILE], ringMethod: 'linear' });
    const [groupcallCreated, desk0Created, , desk0Ringing, mobileRinging] = r.start();
    const desk = new Desk().feed([groupcallCreated!, desk0Created!, desk0Ringing!]);
    const desk0Ended = {
      eventType: 'call_hangup',
      data: { ...desk0Ringing!.data, status: 'hangup', hangup_reason: 'noanswer', tm_update: '2099-01-01T00:00:00.000000Z' },
    };
    desk.catchup([desk0Ended, mobileRinging!], Date.now() - 60_000);
    expect(desk.withdrawn).toEqual([]);
    expect(desk.kinds()).toEqual(['incoming_call']);
  });

  it('calls that ended before the gap began are not missed-while-away', () => {
    const old = ring([DESK]);
    old.start();
    const endedEarlier = old.giveUp();
    const desk = new Desk().catchup(endedEarlier, Date.now() + 60_000);
    expect(desk.notes).toEqual([]);
  });

  it('at start-up, old endings are not news: only calls ringing now pop up', () => {
    const old = ring([DESK]);
    old.start();
    const current = ring([DESK], { type: 'tel', target: '+15554444' });
    const desk = new Desk().catchup([...old.giveUp(), ...current.start()], undefined, 1);
    expect(desk.kinds()).toEqual(['incoming_call']);
    expect(desk.notes[0]!.title).toBe('Incoming call from +15554444');
  });
});

describe('delivery failures', () => {
  it('an OS that refuses notifications is reported once; history keeps everything', async () => {
    const sink: NotificationSink = { name: 'broken', show: () => Promise.reject(new Error('notify-send: no daemon')), withdraw: () => Promise.resolve() };
    const errors: string[] = [];
    const desk = new Desk(admin, {}, sink);
    desk.center.on('error', (e) => errors.push(e.code));
    desk.feed(ring().start()).feed([{ eventType: 'message_created', data: makeSms({ customer_id: CUSTOMER_ID }) }]);
    await new Promise((r) => setTimeout(r, 10));
    expect(errors).toEqual(['notifications_unavailable']);
    expect(desk.center.history.size).toBe(2);
  });

  it('history is a bounded ring with unread counts', () => {
    const desk = new Desk(accessKeyIdentity({ id: CUSTOMER_ID }));
    for (let i = 0; i < 1_100; i++) desk.feed([{ eventType: 'message_created', data: makeSms({ customer_id: CUSTOMER_ID }) }]);
    expect(desk.center.history.size).toBe(1_000);
    expect(desk.center.history.unreadCount()).toBe(1_000);
    desk.center.history.markRead();
    expect(desk.center.history.unreadCount()).toBe(0);
  });
});
