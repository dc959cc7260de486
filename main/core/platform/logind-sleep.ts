import { existsSync } from 'node:fs';
import type { MessageBus, Message as DbusMessage } from '@particle/dbus-next';

/**
 * Sleep and wake as systemd-logind tells them (PrepareForSleep on the system bus: true before a
 * suspend, false after the wake-up). Without it, the only way a process learns it slept is to read
 * the wall clock often (core/stream/liveness.ts), which is what woke an idle command sixty times a
 * minute. Linux only; where there is no system bus or no logind, the caller keeps reading the clock.
 *
 * Only logind may tell us: the match names its well-known name as the sender, which on a system bus
 * only root can own, so no other program on the machine can make us reconnect.
 */
const LOGIND = 'org.freedesktop.login1';
const MANAGER = 'org.freedesktop.login1.Manager';
const CALL_TIMEOUT_MS = 3_000;

export interface SleepEvents {
  /** The machine is about to sleep (wall ms). */
  sleeping(at: number): void;
  /** The machine woke; `sleptAt`: when it went to sleep, if that was told. */
  woke(sleptAt: number | undefined): void;
  /** logind or the bus went away: wake-ups are no longer told. */
  lost(reason: string): void;
}

export interface SleepWatch {
  dispose(): void;
}

/** The system bus's address: the environment's, else the standard socket if it exists. */
export function systemBusAddress(env: NodeJS.ProcessEnv): string | undefined {
  const given = env.DBUS_SYSTEM_BUS_ADDRESS?.trim();
  if (given !== undefined && given !== '') return given;
  for (const path of ['/run/dbus/system_bus_socket', '/var/run/dbus/system_bus_socket']) if (existsSync(path)) return `unix:path=${path}`;
  return undefined;
}

/** Resolves with the watch, or with why sleep cannot be told here (no bus, no logind). */
export async function watchLogindSleep(env: NodeJS.ProcessEnv, events: SleepEvents, now: () => number = Date.now): Promise<SleepWatch | string> {
  if (process.platform !== 'linux') return 'sleep is told by logind on Linux only';
  const address = systemBusAddress(env);
  if (address === undefined) return 'there is no system bus';
  const dbus = await import('@particle/dbus-next');
  let bus: MessageBus;
  try {
    bus = dbus.sessionBus({ busAddress: address });
  } catch (e) {
    return `the system bus cannot be reached (${e instanceof Error ? e.message : String(e)})`;
  }
  let open = true;
  let watching = false;
  const close = (reason: string): void => {
    if (!open) return;
    open = false;
    disconnect(bus);
    if (watching) events.lost(reason);
  };
  // At once: a bus that cannot be reached says so with an 'error' event, which unheard would end the process.
  let failed: ((e: Error) => void) | undefined;
  const broken = new Promise<never>((_, reject) => (failed = reject));
  broken.catch(() => undefined);
  bus.on('error', (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    failed?.(err);
    close(`the system bus connection ended (${err.message})`);
  });
  const call = async (member: string, signature: string, body: unknown[]): Promise<unknown[]> => {
    const msg = new dbus.Message({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member,
      signature,
      body,
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the system bus did not answer ${member}`)), CALL_TIMEOUT_MS);
    });
    try {
      const reply = await Promise.race([bus.call(msg), timeout, broken]);
      return reply !== null && Array.isArray(reply.body) ? (reply.body as unknown[]) : [];
    } finally {
      clearTimeout(timer);
    }
  };
  let sleptAt: number | undefined;
  // Signals sent to us directly pass every match rule: only logind's own connection is believed.
  let logind: string;
  try {
    // Matches first, then the owner check: a logind that starts in between is seen either way.
    await call('AddMatch', 's', [`type='signal',sender='${LOGIND}',interface='${MANAGER}',member='PrepareForSleep',path='/org/freedesktop/login1'`]);
    await call('AddMatch', 's', [`type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',arg0='${LOGIND}'`]);
    const [owned] = await call('NameHasOwner', 's', [LOGIND]);
    const [owner] = owned === true ? await call('GetNameOwner', 's', [LOGIND]) : [];
    if (typeof owner !== 'string' || owner === '') {
      open = false;
      disconnect(bus);
      return 'logind is not running';
    }
    logind = owner;
  } catch (e) {
    if (open) {
      open = false;
      disconnect(bus);
    }
    return `the system bus cannot be asked about logind (${e instanceof Error ? e.message : String(e)})`;
  }
  watching = true;
  bus.on('message', (m: DbusMessage) => {
    if (m.type !== dbus.MessageType.SIGNAL) return;
    const body: unknown[] = Array.isArray(m.body) ? m.body : [];
    if (m.sender === logind && m.interface === MANAGER && m.member === 'PrepareForSleep' && typeof body[0] === 'boolean') {
      if (body[0]) {
        sleptAt = now();
        events.sleeping(sleptAt);
      } else {
        events.woke(sleptAt);
        sleptAt = undefined;
      }
      return;
    }
    if (m.sender !== 'org.freedesktop.DBus' || m.member !== 'NameOwnerChanged' || body[0] !== LOGIND || typeof body[2] !== 'string') return;
    // logind restarted: its new connection is the one to believe.
    if (body[2] === '') close('logind stopped');
    else logind = body[2];
  });
  return {
    dispose: () => {
      if (!open) return;
      open = false;
      disconnect(bus);
    },
  };
}

/** A connection that already failed may throw on disconnect; it is gone either way. */
function disconnect(bus: MessageBus): void {
  try {
    bus.disconnect();
  } catch {
    // Nothing left to release.
  }
}
