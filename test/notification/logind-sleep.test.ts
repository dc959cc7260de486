import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageBus } from '@particle/dbus-next';
import { seedAccount, startEmulator, type Account } from '../support/harness.js';
import { CliProcess } from '../support/cli-process.js';
import { DesktopSession, missingDesktopTools } from '../support/desktop-session.js';
import type { VoipbinEmulator } from '../../emulator/index.js';

/**
 * `run` learns of sleep and wake-ups from logind (PrepareForSleep on the system bus) instead of
 * reading the wall clock every second. A real private bus stands in for the system bus, and a real
 * bus connection that owns org.freedesktop.login1 stands in for logind; the command is the built one.
 */
const missing = missingDesktopTools();
if (missing.length > 0 && process.env.CI === 'true') throw new Error(`the logind tests need ${missing.join(', ')} (installed by .ci/run)`);

const LOGIND = 'org.freedesktop.login1';
let desktop: DesktopSession;
let emu: VoipbinEmulator;
let acct: Account;
const buses: MessageBus[] = [];
const procs: CliProcess[] = [];

beforeEach(async () => {
  desktop = await DesktopSession.start({ daemon: false });
  emu = await startEmulator();
  acct = seedAccount(emu);
});
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  for (const b of buses.splice(0)) b.disconnect();
  desktop.stop();
  await emu.stop();
});

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function connect(): Promise<{ bus: MessageBus; dbus: typeof import('@particle/dbus-next') }> {
  const dbus = await import('@particle/dbus-next');
  const bus = dbus.sessionBus({ busAddress: desktop.env.DBUS_SESSION_BUS_ADDRESS });
  buses.push(bus);
  return { bus, dbus };
}

/** A stand-in for systemd-logind: owns its name and says PrepareForSleep. */
async function fakeLogind(): Promise<{ prepareForSleep(sleeping: boolean, destination?: string): void; bus: MessageBus }> {
  const dbus = await import('@particle/dbus-next');
  const bus = dbus.sessionBus({ busAddress: desktop.env.DBUS_SESSION_BUS_ADDRESS });
  buses.push(bus);
  await bus.requestName(LOGIND, 0);
  return { bus, prepareForSleep: (sleeping, destination) => sendPrepareForSleep(dbus, bus, sleeping, destination) };
}

function sendPrepareForSleep(dbus: typeof import('@particle/dbus-next'), bus: MessageBus, sleeping: boolean, destination?: string): void {
  bus.send(
    new dbus.Message({
      type: dbus.MessageType.SIGNAL,
      path: '/org/freedesktop/login1',
      interface: 'org.freedesktop.login1.Manager',
      member: 'PrepareForSleep',
      signature: 'b',
      body: [sleeping],
      ...(destination !== undefined ? { destination } : {}),
    }),
  );
}

function run(systemBus = desktop.env.DBUS_SESSION_BUS_ADDRESS): CliProcess {
  const p = new CliProcess(['run', '--json', '--notify', 'none', '--api-url', emu.url, '--log-level', 'debug'], {
    VOIPBIN_TOKEN: acct.jwt,
    DBUS_SYSTEM_BUS_ADDRESS: systemBus,
  });
  procs.push(p);
  return p;
}

const reconnects = (p: CliProcess): unknown[] => p.lines().filter((l) => l.type === 'state' && l.state === 'reconnecting');

describe.runIf(missing.length === 0)('run and logind', () => {
  it('a wake-up told by logind reconnects at once, and the catch-up reaches back to when the machine went to sleep', async () => {
    const logind = await fakeLogind();
    const p = run();
    await p.until('subscribed and caught up', (ls) => ls.some((l) => l.type === 'catchup'));
    await p.until('the logind watch', () => p.stderr.includes('sleep and wake-ups are told by logind'));
    const before = Date.now();
    logind.prepareForSleep(true);
    await p.until('going to sleep', () => p.stderr.includes('logind: the computer is going to sleep'));
    logind.prepareForSleep(false);
    await p.until('a second catch-up', (ls) => ls.filter((l) => l.type === 'catchup').length === 2);
    expect(reconnects(p)).toEqual([expect.objectContaining({ reason: 'the computer woke from sleep' })]);
    const since = Date.parse(String(p.lines().filter((l) => l.type === 'catchup')[1]?.since));
    expect(since).toBeGreaterThanOrEqual(before - 1_000);
    expect(since).toBeLessThanOrEqual(Date.now());
  });

  it('only logind is believed: the same signal from any other program, broadcast or sent to us, changes nothing', async () => {
    await fakeLogind();
    const p = run();
    await p.until('the logind watch', () => p.stderr.includes('sleep and wake-ups are told by logind'));
    await p.until('caught up', (ls) => ls.some((l) => l.type === 'catchup'));
    const { bus, dbus } = await connect();
    const names = await bus.call(
      new dbus.Message({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'ListNames' }),
    );
    const unique = ((names?.body[0] as string[] | undefined) ?? []).filter((n) => n.startsWith(':'));
    sendPrepareForSleep(dbus, bus, true);
    sendPrepareForSleep(dbus, bus, false);
    for (const n of unique) sendPrepareForSleep(dbus, bus, false, n);
    await settle(1_500);
    expect(p.stderr).not.toContain('woke from sleep');
    expect(reconnects(p)).toEqual([]);
  });

  it('when logind goes away, the command says so and finds sleep from the clock only; with no logind at all it never relied on it', async () => {
    const logind = await fakeLogind();
    const p = run();
    await p.until('the logind watch', () => p.stderr.includes('sleep and wake-ups are told by logind'));
    logind.bus.disconnect();
    await p.until('the fallback', () => p.stderr.includes('logind stopped: sleep is found from the clock only'));

    const alone = run();
    await alone.until('the answer', () => alone.stderr.includes('sleep is found from the clock (logind is not running)'));
    await alone.until('caught up', (ls) => ls.some((l) => l.type === 'catchup'));
  });

  it('a system bus that cannot be reached is not a reason to stop listening: the clock is read instead', async () => {
    const p = run('unix:path=/nonexistent/system_bus_socket');
    await p.until('caught up', (ls) => ls.some((l) => l.type === 'catchup'));
    await p.until('the answer', () => /sleep is found from the clock \(the system bus cannot be asked about logind \(.*ENOENT/.test(p.stderr));
    await settle(500);
    expect(p.child.exitCode).toBeNull();
    expect(reconnects(p)).toEqual([]);
  });
});
