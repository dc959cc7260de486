import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { AgentRing, publishAll } from '../../emulator/scenarios.js';
import { makeSms } from '../../emulator/fixtures.js';
import { resolveApiUrl } from '../../main/core/api/api-url.js';
import { parseCredential } from '../../main/core/api/credentials.js';
import { RestClient } from '../../main/core/api/rest-client.js';
import { resolveIdentity } from '../../main/core/account/identity.js';
import { ContactDirectory } from '../../main/core/contacts/contact-directory.js';
import { NotificationCenter, type DecidedNotification, type NotificationSink, type PopUp } from '../../main/core/notify/notification-center.js';
import type { ResourceEvent } from '../../main/core/stream/events.js';
import { parseFrame } from '../../main/core/stream/frames.js';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../shared/notification-settings.js';
import { PERMISSION, memoryLogger, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { CliProcess, type JsonLine } from '../support/cli-process.js';

/**
 * The caller's name from VoIPBIN contacts (PROTOCOL.md §11.3), over loopback against the
 * emulator's contact-manager: found, not found (404), failing (500), slower than the pop-up's
 * budget, cached, and written by someone hostile.
 */
let emu: VoipbinEmulator;
const procs: CliProcess[] = [];
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  await emu.stop();
});

const JANE = '+15550100';
const ring = (a: Account, number = JANE): AgentRing =>
  new AgentRing({ customerId: a.customerId, agentId: a.agentId, caller: { type: 'tel', target: number }, legTo: [{ type: 'extension', target: '2001' }] });
const lookups = (path = '/v1.0/service_agents/contacts/lookup'): (string | undefined)[] =>
  emu.requests.filter((r) => r.path === path).map((r) => r.query.phone);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function run(a: Account, env: Record<string, string> = { VOIPBIN_TOKEN: a.jwt }): CliProcess {
  const p = new CliProcess(['run', '--json', '--notify', 'none', '--api-url', emu.url], env);
  procs.push(p);
  return p;
}
const calls = (ls: JsonLine[], type = 'notification'): JsonLine[] =>
  ls.filter((l) => l.type === type && (l.kind === 'incoming_call' || type !== 'notification'));

describe('caller ID from VoIPBIN contacts', () => {
  it('run: the pop-up line comes at once with the number, then notification_updated names the contact; the next call from them is named at once', async () => {
    const a = seedAccount(emu);
    const id = emu.addContact({ customerId: a.customerId, displayName: 'Jane Cooper', company: 'Acme Corp', jobTitle: 'Head of IT', phones: ['+1 555-0100'] });
    const p = run(a);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'catchup'));
    publishAll(emu, ring(a).start());
    await p.until('named', (ls) => calls(ls, 'notification_updated').length === 1);
    const first = calls(p.lines())[0];
    expect(first).toMatchObject({ title: `Incoming call from ${JANE}`, shown: true });
    expect(first?.contact).toBeUndefined();
    expect(calls(p.lines(), 'notification_updated')[0]).toEqual({
      type: 'notification_updated',
      kind: 'incoming_call',
      resource_id: first?.resource_id,
      title: 'Incoming call from Jane Cooper',
      body: 'Acme Corp, Head of IT · Ringing for you',
      contact: { id, display_name: 'Jane Cooper', company: 'Acme Corp' },
    });
    const again = ring(a);
    publishAll(emu, [...again.start()]);
    await p.until('second call', (ls) => calls(ls).length === 2);
    expect(calls(p.lines())[1]).toMatchObject({ title: 'Incoming call from Jane Cooper', contact: { id, display_name: 'Jane Cooper', company: 'Acme Corp' } });
    // One request for the number, in E.164, on the agent's own endpoint.
    expect(lookups()).toEqual([JANE]);
  });

  it('a number that is no contact (404) stays a number and is not asked again; a failing service (500) never holds the pop-up', async () => {
    const a = seedAccount(emu);
    const p = run(a);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'catchup'));
    publishAll(emu, ring(a, '+15550111').start());
    await p.until('pop-up', (ls) => calls(ls).length === 1);
    await sleep(300);
    publishAll(emu, ring(a, '+15550111').start());
    emu.failNextRest('/v1.0/service_agents/contacts/lookup', 5, 500);
    publishAll(emu, ring(a, '+15550122').start());
    await p.until('three pop-ups', (ls) => calls(ls).length === 3);
    await sleep(300);
    expect(calls(p.lines()).map((l) => l.title)).toEqual(['Incoming call from +15550111', 'Incoming call from +15550111', 'Incoming call from +15550122']);
    expect(calls(p.lines(), 'notification_updated')).toEqual([]);
    expect(lookups()).toEqual(['+15550111', '+15550122']);
    expect(p.stderr).toMatch(/could not look the caller up in contacts/);
  });

  it('an access key asks /contacts/lookup, and an SMS from a contact is named too', async () => {
    const a = seedAccount(emu);
    emu.addContact({ customerId: a.customerId, firstName: 'Priya', lastName: 'Shah', phones: ['+15550142'] });
    const p = run(a, { VOIPBIN_ACCESSKEY: a.accesskey });
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'catchup'));
    emu.publish('message_created', makeSms({ customer_id: a.customerId, source: { type: 'tel', target: '+15550142' }, text: 'Hello' }));
    await p.until('named', (ls) => ls.some((l) => l.type === 'notification_updated'));
    expect(p.lines().find((l) => l.type === 'notification_updated')).toMatchObject({
      kind: 'inbound_message',
      title: expect.stringMatching(/^SMS from Priya Shah/) as unknown,
    });
    expect(lookups('/v1.0/contacts/lookup')).toEqual(['+15550142']);
    expect(lookups()).toEqual([]);
  });
});

describe('the pop-up and its budget', () => {
  async function center(
    a: Account,
    sink: NotificationSink,
    privacy = false,
  ): Promise<{ c: NotificationCenter; updates: DecidedNotification[]; decided: DecidedNotification[] }> {
    const endpoints = resolveApiUrl(emu.url);
    const credential = parseCredential(a.jwt, 'token');
    const rest = new RestClient({ endpoints, credential });
    const identity = await resolveIdentity(credential, rest);
    const { logger } = memoryLogger();
    const c = new NotificationCenter({
      identity,
      settings: { ...DEFAULT_NOTIFICATION_SETTINGS, privacy },
      sink,
      logger,
      contacts: new ContactDirectory({ rest, identity, logger }),
    });
    const updates: DecidedNotification[] = [];
    const decided: DecidedNotification[] = [];
    c.on('updated', (n) => updates.push(n));
    c.on('notification', (n) => decided.push(n));
    return { c, updates, decided };
  }
  const recording = (): NotificationSink & { shown: PopUp[] } => {
    const shown: PopUp[] = [];
    return { name: 'rec', shown, show: (p) => (shown.push(p), Promise.resolve()), withdraw: () => Promise.resolve() };
  };
  const events = (a: Account, r: AgentRing): ResourceEvent[] =>
    r.start().map((f) => {
      const p = parseFrame(JSON.stringify(f.data));
      if (!p.ok) throw new Error(p.reason);
      return { ...p.frame, source: 'stream', receivedAt: Date.now() };
    });

  it('a contact found within the budget names the one pop-up; a slower one shows the number first, then replaces it in place, silently', async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAgent);
    emu.addContact({ customerId: a.customerId, displayName: 'Jane Cooper', phones: [JANE] });
    emu.addContact({ customerId: a.customerId, displayName: 'Carlos Diaz', phones: ['+15550111'] });
    const sink = recording();
    const { c, updates, decided } = await center(a, sink);
    for (const e of events(a, ring(a))) c.handleEvent(e);
    await c.settled();
    expect(sink.shown.map((p) => p.title)).toEqual(['Incoming call from Jane Cooper']);
    expect(decided.at(-1)?.contact?.name).toBe('Jane Cooper');

    // The contacts service answers after 1.5 s: far past the pop-up's budget.
    emu.delayRest('/v1.0/service_agents/contacts/lookup', 1_500);
    for (const e of events(a, ring(a, '+15550111'))) c.handleEvent(e);
    await emu.waitFor(() => sink.shown.length === 2);
    // Shown with the number after its budget, long before the server answered.
    expect(sink.shown[1]).toMatchObject({ title: 'Incoming call from +15550111', sound: true });
    expect(updates).toEqual([]);
    await emu.waitFor(() => updates.length === 1, 5_000);
    await c.settled();
    expect(sink.shown[2]).toMatchObject({ resourceId: sink.shown[1]?.resourceId, title: 'Incoming call from Carlos Diaz', sound: false });
    expect(c.history.list()[0]).toMatchObject({ title: 'Incoming call from Carlos Diaz' });
    await c.dispose();
  });

  it('privacy mode: no name on screen, before or after the lookup; a hostile contact name stays text', async () => {
    const a = seedAccount(emu);
    emu.addContact({ customerId: a.customerId, displayName: '$& <b>Boss</b>\u001b[2J\u202e', phones: [JANE] });
    const sink = recording();
    const { c, decided } = await center(a, sink, true);
    for (const e of events(a, ring(a))) c.handleEvent(e);
    await c.settled();
    expect(sink.shown.map((p) => p.title)).toEqual(['Incoming call from a caller']);
    const title = decided.at(-1)?.title ?? '';
    // The name as plain text: "$&" not expanded, markup not interpreted here, controls gone.
    expect(title).toBe('Incoming call from $& <b>Boss</b> [2J');
    await c.dispose();
  });
});

describe('the contacts cache', () => {
  it('keeps a contact for 10 minutes, "not a contact" for 2 and a failing service for 30 s, then asks again; one request per number in flight', async () => {
    const a = seedAccount(emu);
    emu.addContact({ customerId: a.customerId, displayName: 'Jane Cooper', phones: [JANE] });
    const endpoints = resolveApiUrl(emu.url);
    const credential = parseCredential(a.jwt, 'token');
    const rest = new RestClient({ endpoints, credential });
    const identity = await resolveIdentity(credential, rest);
    let t = 1_000_000_000;
    const dir = new ContactDirectory({ rest, identity, logger: memoryLogger().logger, now: () => t });
    const asked = (phone: string): number => lookups().filter((p) => p === phone).length;
    const minutes = (m: number): void => {
      t += m * 60_000;
    };

    // Asked twice at once: one request, one answer for both.
    const [first, second] = await Promise.all([dir.lookUp(JANE), dir.lookUp(JANE)]);
    expect([first?.name, second?.name, asked(JANE)]).toEqual(['Jane Cooper', 'Jane Cooper', 1]);
    minutes(9.5);
    expect([dir.known(JANE)?.name, (await dir.lookUp(JANE))?.name, asked(JANE)]).toEqual(['Jane Cooper', 'Jane Cooper', 1]);
    minutes(1);
    expect(dir.known(JANE)).toBeUndefined();
    expect([(await dir.lookUp(JANE))?.name, asked(JANE)]).toEqual(['Jane Cooper', 2]);

    // No contact (404): known as none for 2 minutes.
    expect(await dir.lookUp('+15550111')).toBeNull();
    minutes(1.5);
    expect([dir.known('+15550111'), await dir.lookUp('+15550111'), asked('+15550111')]).toEqual([null, null, 1]);
    minutes(1);
    expect(dir.known('+15550111')).toBeUndefined();
    await dir.lookUp('+15550111');
    expect(asked('+15550111')).toBe(2);

    // A failing service (500): not asked again for 30 s.
    emu.failNextRest('/v1.0/service_agents/contacts/lookup', 1, 500);
    expect(await dir.lookUp('+15550122')).toBeNull();
    t += 20_000;
    expect([dir.known('+15550122'), asked('+15550122')]).toEqual([null, 1]);
    t += 15_000;
    expect(dir.known('+15550122')).toBeUndefined();
    await dir.lookUp('+15550122');
    expect(asked('+15550122')).toBe(2);
  });
});
