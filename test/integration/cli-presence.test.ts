import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { AgentRing, publishAll } from '../../emulator/scenarios.js';
import { PERMISSION, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { CliProcess, type JsonLine } from '../support/cli-process.js';
import { makeCall } from '../../emulator/fixtures.js';

/**
 * `run` follows the agent's status (PROTOCOL.md §11.2): agent-manager makes an agent busy when a
 * call is answered and never sets it back, and queues ring only available agents. Over loopback
 * against the emulator, which does exactly that.
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

function run(acct: Account, args: string[], env: Record<string, string> = { VOIPBIN_TOKEN: acct.jwt }): CliProcess {
  const p = new CliProcess(['run', '--json', '--notify', 'none', '--api-url', emu.url, ...args], env);
  procs.push(p);
  return p;
}

const ringOf = (acct: Account): AgentRing =>
  new AgentRing({
    customerId: acct.customerId,
    agentId: acct.agentId,
    caller: { type: 'tel', target: '+15550100' },
    legTo: [
      { type: 'extension', target: '2001' },
      { type: 'tel', target: '+15550002001' },
    ],
  });

const presence = (ls: JsonLine[]): JsonLine[] => ls.filter((l) => l.type === 'presence');
const reminders = (ls: JsonLine[]): JsonLine[] => ls.filter((l) => l.type === 'presence_reminder');
const puts = (): unknown[] =>
  emu.requests.filter((r) => r.method === 'PUT' && r.path === '/v1.0/service_agents/me/status').map((r) => JSON.parse(r.body) as unknown);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Another device or the console, setting my status: not this process. */
async function setElsewhere(acct: Account, status: string): Promise<void> {
  const res = await fetch(`${emu.url}/v1.0/service_agents/me/status`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${acct.jwt}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ status }),
  });
  expect(res.status).toBe(200);
}

async function statusOnServer(acct: Account): Promise<unknown> {
  const res = await fetch(`${emu.url}/v1.0/service_agents/me`, { headers: { Authorization: `Bearer ${acct.jwt}` } });
  return ((await res.json()) as { status?: unknown }).status;
}

async function subscribed(p: CliProcess): Promise<void> {
  await p.until('subscribed and my status read', (ls) => ls.some((l) => l.type === 'subscribed') && presence(ls).length >= 1);
}

describe('run: presence and the busy trap', () => {
  it('reads my status once subscribed, learns busy after my answered call ends, and reminds me once after the wrap-up', async () => {
    const acct = seedAccount(emu);
    const p = run(acct, ['--wrap-up', '0.3']);
    await subscribed(p);
    expect(presence(p.lines())[0]).toMatchObject({ status: 'available', previous: null, changed_by: 'server', receiving_queue_calls: true });
    const ring = ringOf(acct);
    publishAll(emu, ring.start());
    publishAll(emu, ring.answer(0));
    // The other leg hangs up when I answer on the first: I am still talking, nothing is said yet.
    await sleep(600);
    expect(reminders(p.lines())).toEqual([]);
    publishAll(emu, ring.hangup());
    await p.until('the reminder', (ls) => reminders(ls).length === 1);
    const lines = p.lines();
    expect(presence(lines).slice(1)).toEqual([
      { type: 'presence', status: 'busy', previous: 'available', changed_by: 'server', at: expect.any(String) as unknown, receiving_queue_calls: false },
    ]);
    expect(reminders(lines)[0]).toEqual({
      type: 'presence_reminder',
      status: 'busy',
      call_ended_at: expect.any(String) as unknown,
      wrap_up_s: 0.3,
      message: 'You are still Busy — queue calls cannot reach you',
    });
    // Once per call: no second reminder while nothing new happens, and nothing was set for me.
    await sleep(800);
    expect(reminders(p.lines())).toHaveLength(1);
    expect(puts()).toEqual([]);
  });

  it('a late hangup of a leg that was never open (rung elsewhere, cancelled) does not start the wrap-up again', async () => {
    const acct = seedAccount(emu);
    const p = run(acct, ['--wrap-up', '3']);
    await subscribed(p);
    const ring = ringOf(acct);
    publishAll(emu, [...ring.start(), ...ring.answer(0), ...ring.hangup()]);
    await p.until('busy', (ls) => presence(ls).some((l) => l.status === 'busy'));
    const endedBy = Date.now();
    await sleep(1_000);
    // Still inside the wrap-up (3 s): the late leg can only pass if it did not start it again.
    expect(reminders(p.lines())).toEqual([]);
    const late = Date.now();
    emu.publish(
      'call_hungup',
      makeCall({ customer_id: acct.customerId, owner_type: 'agent', owner_id: acct.agentId, direction: 'outgoing', status: 'hangup', hangup_reason: 'cancel' }),
    );
    await p.until('the reminder', (ls) => reminders(ls).length === 1);
    // Reminded for the call that ended, at its own wrap-up: not held back by the late leg.
    expect(Date.parse(String(reminders(p.lines())[0]!.call_ended_at))).toBeLessThanOrEqual(endedBy);
    expect(Date.parse(String(reminders(p.lines())[0]!.call_ended_at))).toBeLessThan(late);
  });

  it('--back-to-available sets available after the wrap-up, said as changed_by auto; a missed call (left ringing) too', async () => {
    const acct = seedAccount(emu);
    const p = run(acct, ['--wrap-up', '0', '--back-to-available']);
    await subscribed(p);
    const ring = ringOf(acct);
    publishAll(emu, [...ring.start(), ...ring.answer(1), ...ring.hangup()]);
    await p.until('set back', (ls) => presence(ls).some((l) => l.changed_by === 'auto'));
    expect(presence(p.lines()).map((l) => [l.status, l.changed_by])).toEqual([
      ['available', 'server'],
      ['busy', 'server'],
      ['available', 'auto'],
    ]);
    expect(await statusOnServer(acct)).toBe('available');
    // A call nobody answered leaves the agent "ringing" (agent-manager never resets it): the same trap.
    const missed = ringOf(acct);
    publishAll(emu, [...missed.start(), ...missed.giveUp('cancel')]);
    await p.until('ringing, then set back again', (ls) => presence(ls).filter((l) => l.changed_by === 'auto').length === 2);
    expect(
      presence(p.lines())
        .slice(3)
        .map((l) => [l.status, l.changed_by]),
    ).toEqual([
      ['ringing', 'server'],
      ['available', 'auto'],
    ]);
    expect(reminders(p.lines())).toEqual([]);
    expect(puts()).toEqual([{ status: 'available' }, { status: 'available' }]);
  });

  it('a status changed elsewhere during the wrap-up is never overridden (an admin hears every change as it happens)', async () => {
    const acct = seedAccount(emu, PERMISSION.CustomerAdmin);
    const p = run(acct, ['--wrap-up', '1', '--back-to-available']);
    await subscribed(p);
    const ring = ringOf(acct);
    publishAll(emu, [...ring.start(), ...ring.answer(0), ...ring.hangup()]);
    await p.until('busy', (ls) => presence(ls).some((l) => l.status === 'busy'));
    // Within the wrap-up, the agent chooses (in the console): away for a moment, then busy on purpose.
    await setElsewhere(acct, 'away');
    await setElsewhere(acct, 'busy');
    await p.until('the reminder', (ls) => reminders(ls).length === 1, 6_000);
    const seen = presence(p.lines()).map((l) => l.status);
    expect(seen).toEqual(expect.arrayContaining(['ringing', 'busy', 'away']));
    // Reminded, not overridden: only the choices made elsewhere were sent.
    expect(puts()).toEqual([{ status: 'away' }, { status: 'busy' }]);
    expect(await statusOnServer(acct)).toBe('busy');
    expect(presence(p.lines()).some((l) => l.changed_by === 'auto')).toBe(false);
  });

  it('the next call ringing during the wrap-up ends it: no reminder while I am on that call', async () => {
    const acct = seedAccount(emu);
    const p = run(acct, ['--wrap-up', '0.5', '--back-to-available']);
    await subscribed(p);
    const first = ringOf(acct);
    publishAll(emu, [...first.start(), ...first.answer(0), ...first.hangup()]);
    await p.until('busy', (ls) => presence(ls).some((l) => l.status === 'busy'));
    const next = ringOf(acct);
    publishAll(emu, [...next.start(), ...next.answer(0)]);
    await sleep(1_200);
    expect(reminders(p.lines())).toEqual([]);
    expect(puts()).toEqual([]);
    publishAll(emu, next.hangup());
    await p.until('set back after the second call', (ls) => presence(ls).some((l) => l.changed_by === 'auto'));
  });

  it('an access key has no agent: presence is off, said once, and nothing is read or set', async () => {
    const acct = seedAccount(emu);
    const p = run(acct, [], { VOIPBIN_ACCESSKEY: acct.accesskey });
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    await sleep(300);
    const off = p.lines().filter((l) => l.type === 'presence_off');
    expect(off).toEqual([{ type: 'presence_off', message: expect.stringContaining('sign in as the agent') as unknown }]);
    expect(emu.requests.some((r) => r.path.startsWith('/v1.0/service_agents/me'))).toBe(false);
  });

  it('--wrap-up takes 0 to 3600 seconds; anything else is exit 2 before connecting', async () => {
    const acct = seedAccount(emu);
    for (const bad of ['-1', 'soon', '3601']) {
      const p = run(acct, ['--wrap-up', bad]);
      expect(await p.exited).toBe(2);
      expect(p.lines()[0]).toMatchObject({ type: 'error', code: 'bad_usage', message: expect.stringContaining('0 to 3600') as unknown });
    }
    expect(emu.requests).toEqual([]);
  });

  it('human mode says the status in words and the reminder with what to type', async () => {
    const acct = seedAccount(emu);
    const p = new CliProcess(['run', '--notify', 'none', '--api-url', emu.url, '--wrap-up', '0'], { VOIPBIN_TOKEN: acct.jwt });
    procs.push(p);
    const waitFor = async (re: RegExp): Promise<void> => {
      const start = Date.now();
      while (!re.test(p.stdout)) {
        if (Date.now() - start > 8_000) throw new Error(`timed out waiting for ${re}\n${p.stdout}\n${p.stderr}`);
        await sleep(20);
      }
    };
    await waitFor(/status: Available — queue calls can reach you\n/);
    const ring = ringOf(acct);
    publishAll(emu, [...ring.start(), ...ring.answer(0), ...ring.hangup()]);
    await waitFor(/⚠ You are still Busy — queue calls cannot reach you: "voipbin-notifier status available"\n/);
    expect(p.stdout).toMatch(/status: Busy — queue calls cannot reach you \(was Available\)\n/);
  });
});
