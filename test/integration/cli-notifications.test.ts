import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { AgentRing, InboundCall, publishAll } from '../../emulator/scenarios.js';
import { makeSms } from '../../emulator/fixtures.js';
import { seedAccount, startEmulator, PERMISSION, type Account } from '../support/harness.js';
import { CliProcess, runCli, type JsonLine } from '../support/cli-process.js';

let emu: VoipbinEmulator;
let acct: Account;
const procs: CliProcess[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu, PERMISSION.CustomerAgent | PERMISSION.CustomerManager);
});
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  await emu.stop();
});

const notes = (ls: JsonLine[]): JsonLine[] => ls.filter((l) => l.type === 'notification' || l.type === 'notification_withdrawn');
const jane = { type: 'tel', target: '+15550100', target_name: 'Jane Cooper' };

describe('emulator → headless command → notification lines', () => {
  it('a call answered, a call missed, an SMS, and a call missed while disconnected', async () => {
    const p = new CliProcess(['run', '--json', '--notify', 'none', '--api-url', emu.url], { VOIPBIN_TOKEN: acct.jwt });
    procs.push(p);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    const ring = (who = jane): AgentRing =>
      new AgentRing({
        customerId: acct.customerId,
        agentId: acct.agentId,
        caller: who,
        legTo: [
          { type: 'extension', target: '2001' },
          { type: 'tel', target: '+15550002001' },
        ],
      });

    const answered = ring();
    publishAll(emu, [...answered.start(), ...answered.answer(1), ...answered.hangup()]);
    const missed = ring({ type: 'tel', target: '+15550111', target_name: 'Carlos Diaz' });
    publishAll(emu, [...missed.start(), ...missed.giveUp('noanswer')]);
    emu.publish('message_created', makeSms({ customer_id: acct.customerId, text: 'Please call me back' }));
    await p.until('five lines', (ls) => notes(ls).length >= 6);
    expect(notes(p.lines())).toEqual([
      {
        type: 'notification',
        kind: 'incoming_call',
        resource_id: answered.groupcall.id,
        title: 'Incoming call from Jane Cooper',
        body: 'Ringing for you',
        shown: true,
      },
      { type: 'notification_withdrawn', resource_id: answered.groupcall.id, reason: 'answered' },
      {
        type: 'notification',
        kind: 'incoming_call',
        resource_id: missed.groupcall.id,
        title: 'Incoming call from Carlos Diaz',
        body: 'Ringing for you',
        shown: true,
      },
      { type: 'notification_withdrawn', resource_id: missed.groupcall.id, reason: 'missed' },
      {
        type: 'notification',
        kind: 'missed_call',
        resource_id: missed.groupcall.id,
        title: 'Missed call from Carlos Diaz',
        body: expect.stringMatching(/^at \d\d:\d\d$/) as unknown,
        shown: true,
      },
      {
        type: 'notification',
        kind: 'inbound_message',
        resource_id: expect.any(String) as unknown,
        title: 'SMS from +15557654321 to +15551230000',
        body: 'Please call me back',
        shown: true,
      },
    ]);

    // Offline: a call rings and ends. Nothing may ring for it afterwards; it is a missed call and a summary.
    await emu.refuseConnections(true);
    const away = ring({ type: 'tel', target: '+15550133', target_name: 'Dana Whitfield' });
    publishAll(emu, [...away.start(), ...away.giveUp('cancel')]);
    await emu.refuseConnections(false);
    await p.until('summary', (ls) => ls.some((l) => l.kind === 'summary'));
    const after = notes(p.lines()).slice(6);
    expect(after).toEqual([
      {
        type: 'notification',
        kind: 'missed_call',
        resource_id: expect.any(String) as unknown,
        title: 'Missed call from Dana Whitfield',
        body: expect.any(String) as unknown,
        shown: false,
        held_because: 'while away',
      },
      { type: 'notification', kind: 'summary', resource_id: 'away:2', title: 'While you were away', body: '1 missed call', shown: true },
    ]);
  });

  it('--customer-calls subscribes to the customer-wide calls, so a manager hears of inbound calls live', async () => {
    const p = new CliProcess(['run', '--json', '--notify', 'none', '--customer-calls', '--api-url', emu.url], { VOIPBIN_TOKEN: acct.jwt });
    procs.push(p);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    expect(p.lines().find((l) => l.type === 'subscribed')!.topics).toContain(`customer_id:${acct.customerId}:call:call_`);
    const call = new InboundCall({ customerId: acct.customerId, caller: jane, number: { type: 'tel', target: '+15550199' } });
    publishAll(emu, call.start());
    await p.until('the pop-up', (ls) => notes(ls).length > 0);
    expect(notes(p.lines())[0]).toMatchObject({ kind: 'incoming_call', resource_id: call.call.id, title: 'Incoming call from Jane Cooper', shown: true });
  });

  it('--privacy and --notify are validated', async () => {
    const bad = await runCli(['run', '--json', '--notify', 'loud', '--api-url', emu.url], { VOIPBIN_TOKEN: acct.jwt });
    expect(bad.code).toBe(2);
    expect(bad.lines[0]).toMatchObject({ type: 'error', code: 'bad_usage' });
  });
});

describe('voipbin-notifier demo', () => {
  it('plays the scripted day with real notification decisions and exits cleanly', async () => {
    const r = await runCli(['demo', '--json', '--notify', 'none', '--speed', '25', '--once']);
    expect(r.code, r.stderr).toBe(0);
    const seen = notes(r.lines).map((l) => (l.type === 'notification' ? `${String(l.kind)}:${String(l.title)}` : `withdrawn:${String(l.reason)}`));
    expect(seen).toEqual([
      'incoming_call:Incoming call from Jane Cooper',
      'withdrawn:answered',
      'incoming_call:Incoming call from Carlos Diaz',
      'withdrawn:missed',
      'missed_call:Missed call from Carlos Diaz',
      'incoming_call:Incoming call from Priya Shah',
      'withdrawn:answered',
      'inbound_message:SMS from +15550142 to +15550199',
      'chat_message:Sam Lee in Support team',
      'missed_call:Missed call from Dana Whitfield',
      'summary:While you were away',
      'incoming_call:Incoming call from Omar Haddad',
      'withdrawn:answered',
    ]);
    expect(r.lines.filter((l) => l.type === 'demo').length).toBeGreaterThan(5);
    expect(r.lines.at(-1)).toMatchObject({ type: 'state', state: 'stopped' });

    // Callers found in the customer's VoIPBIN contacts: Jane's company, the texter's name.
    expect(
      r.lines.filter((l) => l.type === 'notification_updated').map((l) => [l.kind, l.title, l.body, (l.contact as { company?: unknown } | undefined)?.company]),
    ).toEqual([
      ['incoming_call', 'Incoming call from Jane Cooper', 'Cooper Logistics, Operations lead · Ringing for you', 'Cooper Logistics'],
      [
        'inbound_message',
        'SMS from Maria Lopez to +15550199',
        "Lopez Bakery · Hi! My order #4411 hasn't arrived yet. Could someone call me back?",
        'Lopez Bakery',
      ],
    ]);
    // The busy trap: busy once Jane's call is answered, still busy after it, reminded after the wrap-up, then set available.
    const trap = r.lines.filter((l) => l.type === 'presence' || l.type === 'presence_reminder').map((l) => `${l.type}:${String(l.status)}`);
    expect(trap.slice(0, 5)).toEqual(['presence:available', 'presence:ringing', 'presence:busy', 'presence_reminder:busy', 'presence:available']);
  });

  it('in human mode shows the story and the notifications, not every raw event', async () => {
    const r = await runCli(['demo', '--notify', 'none', '--speed', '25', '--once']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/▶ Jane Cooper calls/);
    expect(r.stdout).toMatch(/🔔 Incoming call from Jane Cooper — Ringing for you/);
    expect(r.stdout).toMatch(/🔔 Missed call from Carlos Diaz/);
    expect(r.stdout).toMatch(/🔔 While you were away — 1 missed call/);
    expect(r.stdout).not.toMatch(/\bcall {9}ringing\b|groupcall {4}progressing/);
  });

  it('stops on Ctrl-C mid-script with exit code 0', async () => {
    const p = new CliProcess(['demo', '--json', '--notify', 'none']);
    procs.push(p);
    await p.until('first call', (ls) => ls.some((l) => l.type === 'notification'), 10_000);
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.lines().at(-1)).toMatchObject({ type: 'state', state: 'stopped' });
  });
});
