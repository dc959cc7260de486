import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageBus, Message as DbusMessage, Variant as DbusVariant } from '@particle/dbus-next';

/**
 * A client of the desktop notification service (org.freedesktop.Notifications on the session
 * bus: GNOME Shell, KDE Plasma, xfce4-notifyd, dunst, mako …), spoken over D-Bus with
 * @particle/dbus-next. Every argument travels as a typed D-Bus value, so a pop-up's text can never
 * become an option or a command line; the id each Notify returns is what CloseNotification and a
 * replacement (replaces_id) need, which notify-send cannot give back.
 *
 * The library is loaded on first use: a `run --notify none` or a non-Linux machine never pays for it.
 */
const SERVICE = 'org.freedesktop.Notifications';
const PATH = '/org/freedesktop/Notifications';
const CALL_TIMEOUT_MS = 5_000;

type DbusModule = typeof import('@particle/dbus-next');

export interface NotifyRequest {
  appName: string;
  /** 0: a new pop-up; else the id of the one this replaces in place. */
  replacesId: number;
  /** An absolute path to an image, or '' for none. */
  appIcon: string;
  summary: string;
  body: string;
  /** Pairs of action key and label, as the spec lays them out. */
  actions: readonly string[];
  hints: Readonly<Record<string, HintValue>>;
  /** ms; 0 never expires, -1 the server's default. */
  expireTimeout: number;
}

export type HintValue = { type: 'byte'; value: number } | { type: 'string'; value: string } | { type: 'boolean'; value: boolean };

export interface ServerInfo {
  name: string;
  vendor: string;
  version: string;
  specVersion: string;
}

/** Why the server closed a pop-up (the spec's reasons). */
export type CloseReason = 'expired' | 'dismissed' | 'closed' | 'undefined';
const CLOSE_REASONS: readonly CloseReason[] = ['expired', 'dismissed', 'closed', 'undefined'];

export interface NotificationServiceEvents {
  /** The user clicked the pop-up ('default') or one of its action buttons. */
  onAction?(id: number, actionKey: string): void;
  onClosed?(id: number, reason: CloseReason): void;
  /** The bus connection ended (the session bus went away): further calls fail until a new connect(). */
  onDisconnected?(error: Error): void;
}

/** The session bus address: the environment's, else systemd's per-user socket. */
export function sessionBusAddress(env: NodeJS.ProcessEnv): string | undefined {
  const given = env.DBUS_SESSION_BUS_ADDRESS?.trim();
  if (given !== undefined && given !== '') return given;
  const runtime = env.XDG_RUNTIME_DIR?.trim();
  if (runtime !== undefined && runtime !== '' && existsSync(join(runtime, 'bus'))) return `unix:path=${join(runtime, 'bus')}`;
  return undefined;
}

function withTimeout<T>(what: string, p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the notification service did not answer ${what} within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** "org.freedesktop.DBus.Error.ServiceUnknown: The name … was not provided" → a sentence with a cure. */
function describeDbusError(e: unknown): Error {
  const type = e !== null && typeof e === 'object' && 'type' in e && typeof e.type === 'string' ? e.type : '';
  if (type === 'org.freedesktop.DBus.Error.ServiceUnknown' || type === 'org.freedesktop.DBus.Error.NameHasNoOwner') {
    return new Error('no notification daemon is running on this desktop session');
  }
  return e instanceof Error ? e : new Error(String(e));
}

export class NotificationService {
  private constructor(
    private readonly dbus: DbusModule,
    private readonly bus: MessageBus,
    /** Rejects when the connection ends, so no call waits for a reply that cannot come. */
    private readonly lost: Promise<never>,
    readonly capabilities: ReadonlySet<string>,
    readonly server: ServerInfo,
  ) {}

  /** Connects, asks the server what it can do, and subscribes to its signals. Rejects with a sentence when there is no bus or no daemon. */
  static async connect(env: NodeJS.ProcessEnv, events: NotificationServiceEvents = {}): Promise<NotificationService> {
    const address = sessionBusAddress(env);
    if (address === undefined) throw new Error('there is no desktop session bus (DBUS_SESSION_BUS_ADDRESS is not set)');
    const dbus = await import('@particle/dbus-next');
    let bus: MessageBus;
    try {
      bus = dbus.sessionBus({ busAddress: address });
    } catch (e) {
      throw new Error(`cannot reach the desktop session bus (${describeDbusError(e).message})`);
    }
    let failed: ((e: Error) => void) | undefined;
    const connectionLost = new Promise<never>((_, reject) => (failed = reject));
    connectionLost.catch(() => undefined);
    bus.on('error', (e: unknown) => {
      const err = describeDbusError(e);
      failed?.(err);
      events.onDisconnected?.(err);
    });
    const call = (member: string, signature = '', body: unknown[] = []): Promise<unknown[]> =>
      NotificationService.call(dbus, bus, connectionLost, member, signature, body);
    try {
      const [caps, info] = await Promise.all([
        call('GetCapabilities'),
        call('GetServerInformation'),
        NotificationService.watchSignals(dbus, bus, connectionLost),
      ]);
      const capabilities = new Set(Array.isArray(caps[0]) ? caps[0].filter((c): c is string => typeof c === 'string') : []);
      const s = (i: number): string => (typeof info[i] === 'string' ? info[i] : '');
      const service = new NotificationService(dbus, bus, connectionLost, capabilities, { name: s(0), vendor: s(1), version: s(2), specVersion: s(3) });
      bus.on('message', (m: DbusMessage) => service.onSignal(m, events));
      return service;
    } catch (e) {
      bus.disconnect();
      throw describeDbusError(e);
    }
  }

  /** Shows (or replaces) a pop-up; resolves with the id the server gave it. */
  async notify(r: NotifyRequest): Promise<number> {
    const hints: Record<string, DbusVariant> = {};
    for (const [key, h] of Object.entries(r.hints)) hints[key] = new this.dbus.Variant(h.type === 'byte' ? 'y' : h.type === 'string' ? 's' : 'b', h.value);
    const reply = await this.invoke('Notify', 'susssasa{sv}i', [r.appName, r.replacesId, r.appIcon, r.summary, r.body, [...r.actions], hints, r.expireTimeout]);
    const id = reply[0];
    if (typeof id !== 'number') throw new Error('the notification service gave no id for the pop-up');
    return id;
  }

  async close(id: number): Promise<void> {
    await this.invoke('CloseNotification', 'u', [id]);
  }

  dispose(): void {
    this.bus.disconnect();
  }

  private invoke(member: string, signature: string, body: unknown[]): Promise<unknown[]> {
    return NotificationService.call(this.dbus, this.bus, this.lost, member, signature, body);
  }

  private onSignal(m: DbusMessage, events: NotificationServiceEvents): void {
    if (m.type !== this.dbus.MessageType.SIGNAL || m.interface !== SERVICE) return;
    const body: unknown[] = Array.isArray(m.body) ? m.body : [];
    const [id, second] = body;
    if (typeof id !== 'number') return;
    if (m.member === 'ActionInvoked' && typeof second === 'string') events.onAction?.(id, second);
    if (m.member === 'NotificationClosed') events.onClosed?.(id, CLOSE_REASONS[(typeof second === 'number' ? second : 4) - 1] ?? 'undefined');
  }

  private static async call(
    dbus: DbusModule,
    bus: MessageBus,
    lost: Promise<never>,
    member: string,
    signature: string,
    body: unknown[],
    destination = SERVICE,
    path = PATH,
    iface = SERVICE,
  ): Promise<unknown[]> {
    const msg = new dbus.Message({ destination, path, interface: iface, member, signature, body });
    const pending = bus.call(msg).then(
      (reply) => (reply !== null && Array.isArray(reply.body) ? (reply.body as unknown[]) : []),
      (e: unknown) => {
        throw describeDbusError(e);
      },
    );
    return withTimeout(member, Promise.race([pending, lost]), CALL_TIMEOUT_MS);
  }

  private static async watchSignals(dbus: DbusModule, bus: MessageBus, lost: Promise<never>): Promise<void> {
    await NotificationService.call(
      dbus,
      bus,
      lost,
      'AddMatch',
      's',
      [`type='signal',interface='${SERVICE}',path='${PATH}'`],
      'org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus',
    );
  }
}

/**
 * Whether the desktop's notification server renders body markup, asked once (for senders that go
 * through another library, like Electron's libnotify). Unknown (no bus, no daemon yet) is
 * undefined: the caller picks the safe side for its daemon.
 */
export async function serverRendersMarkup(env: NodeJS.ProcessEnv): Promise<boolean | undefined> {
  try {
    const svc = await NotificationService.connect(env);
    svc.dispose();
    return svc.capabilities.has('body-markup');
  } catch {
    return undefined;
  }
}
