import { describe, expect, it } from 'vitest';
import { NotificationCenter, type NotificationSink, type PopUp } from '../../main/core/notify/notification-center.js';
import { decodeAgentToken } from '../../main/core/account/identity.js';
import { silentLogger } from '../../main/core/platform/log.js';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../shared/notification-settings.js';
import { AgentRing } from '../../emulator/scenarios.js';
import { makeSms } from '../../emulator/fixtures.js';
import { PipelineDesk as Desk } from '../support/pipeline-desk.js';
import { fakeAgentJwt, agentPayload, AGENT_ID, CUSTOMER_ID } from '../support/jwt.js';

/**
 * How decisions reach the sink: a line says shown:true only once the OS took the pop-up, in
 * the order the decisions were made, and a withdrawal reaches the sink after the show it undoes.
 */
const admin = decodeAgentToken(fakeAgentJwt(agentPayload({ permission: 0x30 })));
const JANE = { type: 'tel', target: '+15550100', target_name: 'Jane Cooper' };
const ring = (): AgentRing => new AgentRing({ customerId: CUSTOMER_ID, agentId: AGENT_ID, caller: JANE, legTo: [{ type: 'extension', target: '2001' }] });
const sms = { eventType: 'message_created', data: makeSms({ customer_id: CUSTOMER_ID }) };

type Call = ['show', string, string] | ['withdraw', string];

/** A sink that answers after `delayMs`, refusing the pop-ups `refuse` picks. */
function slowSink(calls: Call[], delayMs: number, refuse: (p: PopUp) => boolean = () => false): NotificationSink {
  const later = (): Promise<void> => new Promise((r) => setTimeout(r, delayMs));
  return {
    name: 'slow',
    show: async (p) => {
      await later();
      if (refuse(p)) throw new Error('Failed to execute child process "notify-send" (E2BIG)');
      calls.push(['show', p.resourceId, p.title]);
    },
    withdraw: async (id) => {
      await later();
      calls.push(['withdraw', id]);
    },
  };
}

describe('delivery to the OS', () => {
  it('a pop-up the OS refuses is announced shown:false, said once as notifications_unavailable, and kept in history', async () => {
    const calls: Call[] = [];
    const desk = new Desk(
      admin,
      {},
      slowSink(calls, 1, () => true),
    );
    const errors: string[] = [];
    desk.center.on('error', (e) => errors.push(e.code));
    desk.feed(ring().start()).feed([sms]).feed(ring().start());
    await desk.center.settled();
    expect(desk.notes.map((n) => [n.kind, n.shown, n.heldBecause])).toEqual([
      ['incoming_call', false, 'notifications unavailable'],
      ['inbound_message', false, 'notifications unavailable'],
      ['incoming_call', false, 'notifications unavailable'],
    ]);
    expect(errors).toEqual(['notifications_unavailable']);
    expect(desk.center.history.list().map((h) => h.shown)).toEqual([false, false, false]);
  });

  it('the outage is said again only after a pop-up showed in between; a withdrawal that works does not end it', async () => {
    const calls: Call[] = [];
    let refusing = false;
    const desk = new Desk(
      admin,
      {},
      slowSink(calls, 1, () => refusing),
    );
    const errors: string[] = [];
    desk.center.on('error', (e) => errors.push(e.code));
    const step = async (frames: ReturnType<AgentRing['start']>): Promise<void> => {
      desk.feed(frames);
      await desk.center.settled();
    };
    const first = ring();
    await step(first.start());
    refusing = true;
    await step(ring().start());
    expect(errors).toHaveLength(1);
    // Taking the first pop-up back works, but proves nothing about showing new ones.
    await step(first.answer(0));
    expect(calls.at(-1)).toEqual(['withdraw', first.groupcall.id]);
    await step(ring().start());
    expect(errors).toHaveLength(1);
    refusing = false;
    await step(ring().start());
    refusing = true;
    await step(ring().start());
    expect(errors).toHaveLength(2);
  });

  it('lines keep the decision order while the sink is slow, and a withdrawal follows its show', async () => {
    const calls: Call[] = [];
    const desk = new Desk(admin, {}, slowSink(calls, 20));
    const lines: string[] = [];
    desk.center.on('notification', (n) => lines.push(`notification ${n.kind} ${String(n.shown)}`));
    desk.center.on('withdrawn', (w) => lines.push(`withdrawn ${w.reason}`));
    const r = ring();
    // Answered before the OS has even taken the pop-up.
    desk.feed(r.start()).feed(r.answer(0)).feed([sms]);
    expect(lines).toEqual([]);
    await desk.center.settled();
    expect(lines).toEqual(['notification incoming_call true', 'withdrawn answered', 'notification inbound_message true']);
    expect(calls.map((c) => c[0])).toEqual(['show', 'withdraw', 'show']);
  });

  it('a missed call replaces its ringing pop-up in place; when the missed call is not shown, the ringing one is closed', async () => {
    const calls: Call[] = [];
    const r = ring();
    const desk = new Desk(admin, {}, slowSink(calls, 1));
    desk.feed(r.start()).feed(r.giveUp('noanswer'));
    await desk.center.settled();
    expect(calls).toEqual([
      ['show', r.groupcall.id, 'Incoming call from Jane Cooper'],
      ['show', r.groupcall.id, 'Missed call from Jane Cooper'],
    ]);

    const quiet: Call[] = [];
    const q = ring();
    const off = new Desk(admin, { kinds: { ...DEFAULT_NOTIFICATION_SETTINGS.kinds, missed_call: { enabled: false, sound: false } } }, slowSink(quiet, 1));
    off.feed(q.start()).feed(q.giveUp('noanswer'));
    await off.center.settled();
    expect(quiet).toEqual([
      ['show', q.groupcall.id, 'Incoming call from Jane Cooper'],
      ['withdraw', q.groupcall.id],
    ]);
    expect(off.withdrawn).toEqual([{ resourceId: q.groupcall.id, reason: 'missed' }]);
  });

  it('a sink that never answers holds nothing up for good: the pop-up counts as not shown, the next one is tried', async () => {
    let hang = true;
    const shown: string[] = [];
    const sink: NotificationSink = {
      name: 'hung',
      show: (p) => {
        if (hang) return new Promise<void>(() => undefined);
        shown.push(p.title);
        return Promise.resolve();
      },
      withdraw: () => Promise.resolve(),
    };
    const center = new NotificationCenter({ identity: admin, settings: DEFAULT_NOTIFICATION_SETTINGS, sink, logger: silentLogger(), sinkTimeoutMs: 50 });
    const notes: [string, boolean, string | undefined][] = [];
    const errors: string[] = [];
    center.on('notification', (n) => notes.push([n.kind, n.shown, n.heldBecause]));
    center.on('error', (e) => errors.push(e.userMessage));
    const desk = new Desk(admin);
    const feed = (frames: ReturnType<AgentRing['start']>): void => {
      for (const f of frames) {
        const e = desk.toEvent(f);
        if (e !== undefined) center.handleEvent(e);
      }
    };
    feed(ring().start());
    await center.settled();
    hang = false;
    feed(ring().start());
    await center.settled();
    expect(notes).toEqual([
      ['incoming_call', false, 'notifications unavailable'],
      ['incoming_call', true, undefined],
    ]);
    expect(errors).toEqual([expect.stringMatching(/did not answer within 0\.05 s/)]);
    expect(shown).toEqual(['Incoming call from Jane Cooper']);
  });
});
