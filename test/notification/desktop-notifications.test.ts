import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { AgentRing, publishAll } from '../../emulator/scenarios.js';
import { seedAccount, startEmulator, type Account } from '../support/harness.js';
import { CliProcess } from '../support/cli-process.js';
import { DesktopSession, missingDesktopTools } from '../support/desktop-session.js';

/** Real OS notifications: the headless command → the freedesktop service over D-Bus → dunst. */
const missing = missingDesktopTools();
if (missing.length > 0 && process.env.CI === 'true') {
  throw new Error(`the notification suite needs ${missing.join(', ')} (installed by .ci/run)`);
}

let emu: VoipbinEmulator;
let acct: Account;
let desktop: DesktopSession | undefined;
const procs: CliProcess[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu);
});
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  desktop?.stop();
  desktop = undefined;
  await emu.stop();
});

function runNotifier(env: Record<string, string>): CliProcess {
  const p = new CliProcess(['run', '--json', '--notify', 'native', '--api-url', emu.url], { ...env, VOIPBIN_TOKEN: acct.jwt });
  procs.push(p);
  return p;
}

const jane = { type: 'tel', target: '+15550100', target_name: 'Jane Cooper' };

describe.runIf(missing.length === 0)('desktop notifications over D-Bus', () => {
  it('an incoming call reaches the notification daemon as a critical, persistent pop-up, and a missed call replaces it in place', async () => {
    desktop = await DesktopSession.start();
    const p = runNotifier(desktop.env);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    const ring = new AgentRing({ customerId: acct.customerId, agentId: acct.agentId, caller: jane, legTo: [{ type: 'extension', target: '2001' }] });
    publishAll(emu, ring.start());

    const call = await desktop.waitForNotify((c) => c.summary === 'Incoming call from Jane Cooper' && c.id !== undefined);
    expect(call.body).toBe('Ringing for you');
    expect(call.appName).toBe('VoIPBIN Notifier');
    expect(call.appIcon).toMatch(/assets\/icons\/128x128\.png$/);
    expect(call.expireTimeout).toBe(0);
    expect(call.hints).toMatch(/"urgency"\s+variant\s+byte 2/);
    expect(call.hints).toMatch(/"category"\s+variant\s+string "call.incoming"/);

    publishAll(emu, ring.giveUp('noanswer'));
    const missed = await desktop.waitForNotify((c) => c.summary === 'Missed call from Jane Cooper');
    expect(missed.body).toMatch(/^at \d\d:\d\d$/);
    expect(missed.replacesId).toBe(call.id);
    await p.until('withdrawn', (ls) => ls.some((l) => l.type === 'notification_withdrawn'));
    await desktop.waitForDisplayed(1);
    expect(desktop.closeCalls()).toEqual([]);
    expect(JSON.stringify(p.lines().filter((l) => l.type === 'error'))).toBe('[]');
  });

  it('a call answered elsewhere is closed by the id the daemon gave it: no ringing pop-up stays on screen', async () => {
    desktop = await DesktopSession.start();
    const p = runNotifier(desktop.env);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    const ring = new AgentRing({
      customerId: acct.customerId,
      agentId: acct.agentId,
      caller: jane,
      legTo: [
        { type: 'extension', target: '2001' },
        { type: 'tel', target: '+15550002001' },
      ],
    });
    publishAll(emu, ring.start());
    const call = await desktop.waitForNotify((c) => c.summary === 'Incoming call from Jane Cooper' && c.id !== undefined);
    await desktop.waitForDisplayed(1);
    publishAll(emu, ring.answer(1));
    await p.until('withdrawn', (ls) => ls.some((l) => l.type === 'notification_withdrawn' && l.reason === 'answered'));
    await desktop.waitForDisplayed(0);
    expect(desktop.closeCalls()).toEqual([call.id]);
  });

  it('stopping the notifier while a call rings closes the ringing pop-up: nobody could close it later', async () => {
    desktop = await DesktopSession.start();
    const p = runNotifier(desktop.env);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    publishAll(
      emu,
      new AgentRing({ customerId: acct.customerId, agentId: acct.agentId, caller: jane, legTo: [{ type: 'extension', target: '2001' }] }).start(),
    );
    const call = await desktop.waitForNotify((c) => c.summary === 'Incoming call from Jane Cooper' && c.id !== undefined);
    await desktop.waitForDisplayed(1);
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(desktop.closeCalls()).toEqual([call.id]);
    expect(desktop.displayed()).toBe(0);
  });

  it('with no notification daemon it says so once, loudly, and keeps recording', async () => {
    desktop = await DesktopSession.start({ daemon: false });
    const p = runNotifier(desktop.env);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    for (let i = 0; i < 3; i++) {
      publishAll(
        emu,
        new AgentRing({
          customerId: acct.customerId,
          agentId: acct.agentId,
          caller: { type: 'tel', target: `+1555000${i}` },
          legTo: [{ type: 'extension', target: '2001' }],
        }).start(),
      );
    }
    await p.until('three notifications and the error', (ls) => ls.filter((l) => l.type === 'notification').length === 3 && ls.some((l) => l.type === 'error'));
    await new Promise((r) => setTimeout(r, 300));
    const errors = p.lines().filter((l) => l.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'notifications_unavailable',
      message: expect.stringMatching(
        /no notification daemon is running on this desktop session: start a notification daemon .*, or run with --notify none to only print\).*still recorded/,
      ) as unknown,
    });
    // The lines say what happened: nothing reached the screen.
    expect(
      p
        .lines()
        .filter((l) => l.type === 'notification')
        .map((l) => [l.shown, l.held_because]),
    ).toEqual([
      [false, 'notifications unavailable'],
      [false, 'notifications unavailable'],
      [false, 'notifications unavailable'],
    ]);
    expect(p.lines().at(-1)?.type).not.toBe('state');
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
  });

  it('call pop-ups carry "Open in console" and "Dismiss" where the server draws actions; a click opens the call, Dismiss closes it', async () => {
    desktop = await DesktopSession.start();
    // The browser is the one thing outside this machine's reach: a stand-in xdg-open records what it was asked to open.
    const bin = mkdtempSync(join(tmpdir(), 'vbn-browser-'));
    const opened = join(bin, 'opened.txt');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${opened}'\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const p = new CliProcess(['run', '--json', '--notify', 'native', '--api-url', emu.url, '--console-url', 'https://console.acme.example/#/{type}/{id}'], {
      ...desktop.env,
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      VOIPBIN_TOKEN: acct.jwt,
    });
    procs.push(p);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    const ring = new AgentRing({ customerId: acct.customerId, agentId: acct.agentId, caller: jane, legTo: [{ type: 'extension', target: '2001' }] });
    publishAll(emu, ring.start());
    const call = await desktop.waitForNotify((c) => c.summary === 'Incoming call from Jane Cooper' && c.id !== undefined);
    expect(call.actions).toEqual(['default', 'Open in console', 'console', 'Open in console', 'dismiss', 'Dismiss']);
    await desktop.waitForDisplayed(1);

    // dunst's own "click": the pop-up's default action, signalled by the daemon.
    expect(spawnSync('dunstctl', ['action', '0'], { env: { ...process.env, ...desktop.env } }).status).toBe(0);
    await p.until('the action line', (ls) => ls.some((l) => l.type === 'notification_action'));
    const action = p.lines().find((l) => l.type === 'notification_action')!;
    expect(action).toMatchObject({
      action: 'open_in_console',
      url: expect.stringMatching(/^https:\/\/console\.acme\.example\/#\/groupcalls\/[0-9a-f-]{36}$/) as unknown,
    });
    await waitForFile(opened);
    expect(readFileSync(opened, 'utf8')).toBe(`${String(action.url)}\n`);

    // "Dismiss", as the daemon reports a button press: the pop-up is closed by its id.
    const shown = desktop
      .notifyCalls()
      .filter((c) => c.summary === 'Incoming call from Jane Cooper' && c.id !== undefined)
      .at(-1)!;
    expect(pressButton(desktop, shown.id, 'dismiss')).toBe(0);
    await p.until('the dismiss line', (ls) => ls.some((l) => l.type === 'notification_action' && l.action === 'dismiss'));
    await desktop.waitForDisplayed(0);
    expect(desktop.closeCalls()).toContain(shown.id);
  });

  it("the busy trap's reminder is a pop-up with a Set Available button: pressed, I am available and the pop-up goes; the command's stop takes an unused one away", async () => {
    desktop = await DesktopSession.start();
    const p = new CliProcess(['run', '--json', '--notify', 'native', '--wrap-up', '0', '--api-url', emu.url], { ...desktop.env, VOIPBIN_TOKEN: acct.jwt });
    procs.push(p);
    await p.until('subscribed, my status read', (ls) => ls.some((l) => l.type === 'subscribed') && ls.some((l) => l.type === 'presence'));
    const trap = (): void => {
      const ring = new AgentRing({ customerId: acct.customerId, agentId: acct.agentId, caller: jane, legTo: [{ type: 'extension', target: '2001' }] });
      publishAll(emu, [...ring.start(), ...ring.answer(0), ...ring.hangup()]);
    };
    const reminderCalls = (): ReturnType<DesktopSession['notifyCalls']> =>
      desktop!.notifyCalls().filter((c) => c.summary === 'You are still Busy — queue calls cannot reach you' && c.id !== undefined);
    trap();
    await waitUntil('the reminder', () => reminderCalls().length === 1);
    const reminder = reminderCalls()[0]!;
    expect(reminder.body).toBe('Set yourself Available: voipbin-notifier status available');
    expect(reminder.actions).toEqual(['set-available', 'Set Available', 'dismiss', 'Dismiss']);
    // It stays until it is used or no longer true, and using its button does not take it away (it goes once the status is set).
    expect(reminder.expireTimeout).toBe(0);
    expect(reminder.hints).toMatch(/"resident"\s+variant\s+boolean true/);
    await desktop.waitForDisplayed(1);
    if (process.env.SCREENSHOTS !== undefined) {
      mkdirSync(process.env.SCREENSHOTS, { recursive: true });
      await new Promise((r) => setTimeout(r, 300));
      desktop.screenshot(join(process.env.SCREENSHOTS, 'busy-reminder-dunst.png'), '480x200+780+0');
    }

    // The button, as the daemon reports a press: I am set available, and the reminder goes.
    expect(pressButton(desktop, reminder.id, 'set-available')).toBe(0);
    await p.until('available, set by me', (ls) => ls.some((l) => l.type === 'presence' && l.status === 'available' && l.changed_by === 'me'));
    expect(
      p
        .lines()
        .filter((l) => l.type === 'notification_action')
        .map((l) => l.action),
    ).toEqual(['set_available']);
    expect(emu.requests.filter((r) => r.method === 'PUT' && r.path === '/v1.0/service_agents/me/status').map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { status: 'available' },
    ]);
    await waitUntil('the reminder closed', () => desktop!.closeCalls().includes(reminder.id!));

    // Trapped again and left alone: stopping the command takes the reminder away (its button would act for nobody).
    trap();
    await waitUntil('a second reminder', () => reminderCalls().length === 2);
    const second = reminderCalls().at(-1)!;
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(desktop.closeCalls()).toContain(second.id);
  });
});

/** A button press as the daemon reports one (ActionInvoked on the session bus); gdbus's exit status. */
function pressButton(d: DesktopSession, id: number | undefined, key: string): number | null {
  const args = ['emit', '--session', '--object-path', '/org/freedesktop/Notifications', '--signal', 'org.freedesktop.Notifications.ActionInvoked'];
  return spawnSync('gdbus', [...args, String(id), key], { env: { ...process.env, ...d.env } }).status;
}

async function waitUntil(what: string, ok: () => boolean, timeoutMs = 8_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function waitForFile(path: string): Promise<void> {
  return waitUntil(`${path} to be written`, () => existsSync(path), 5_000);
}
