import type { VoipbinEmulator } from '../../emulator/index.js';
import { AgentRing, type Frame } from '../../emulator/scenarios.js';
import type { Listener, ListenerOptions } from '../../main/core/stream/listener.js';
import type { Logger } from '../../main/core/platform/log.js';
import {
  NotificationCenter,
  type DecidedNotification,
  type NotificationSink,
  type PopUp,
  type Withdrawal,
} from '../../main/core/notify/notification-center.js';
import type { NotifierError } from '../../main/core/platform/errors.js';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings } from '../../shared/notification-settings.js';
import { listen, memoryLogger, type Account, type Recorder } from './harness.js';

/**
 * An agent's desk as the headless command wires it: listener → notification center → a sink,
 * with everything recorded, so a fault test can check what the agent saw, what the history kept
 * and what was logged (a consumer that throws is logged as "consumer failed").
 */
export interface Desk {
  listener: Listener;
  rec: Recorder;
  center: NotificationCenter;
  notes: DecidedNotification[];
  withdrawn: Withdrawal[];
  popups: PopUp[];
  centerErrors: NotifierError[];
  log: string[];
}

export interface DeskOptions {
  topics?: string[];
  stream?: ListenerOptions['stream'];
  settings?: Partial<NotificationSettings>;
  sink?: NotificationSink;
  /** The notification center's clock (storm windows, offer ages). */
  now?: () => number;
  catchupRetry?: ListenerOptions['catchupRetry'];
  logger?: { logger: Logger; lines: string[] };
}

export async function startDesk(emu: VoipbinEmulator, secret: string, o: DeskOptions = {}): Promise<Desk> {
  const { logger, lines } = o.logger ?? memoryLogger();
  const { listener, rec } = await listen(emu, secret, { topics: o.topics, stream: o.stream, logger, catchupRetry: o.catchupRetry });
  const popups: PopUp[] = [];
  const sink: NotificationSink = o.sink ?? {
    name: 'record',
    show: (p) => {
      popups.push(p);
      return Promise.resolve();
    },
    withdraw: () => Promise.resolve(),
  };
  const center = new NotificationCenter({
    identity: listener.identity,
    settings: { ...DEFAULT_NOTIFICATION_SETTINGS, ...o.settings },
    sink,
    logger,
    now: o.now,
  });
  const desk: Desk = { listener, rec, center, notes: [], withdrawn: [], popups, centerErrors: [], log: lines };
  listener.on('event', (e) => center.handleEvent(e));
  listener.on('catchup', (r) => center.handleCatchup(r));
  listener.on('state', (s) => {
    if (s.to.state === 'stopped') void center.dispose();
  });
  center.on('notification', (n) => desk.notes.push(n));
  center.on('withdrawn', (w) => desk.withdrawn.push(w));
  center.on('error', (e) => desk.centerErrors.push(e));
  listener.start();
  await rec.subscribedTimes(1);
  await rec.until('first catch-up', () => rec.seen.catchup.length > 0 || rec.seen.error.some((e) => e.code === 'catchup_failed'));
  return desk;
}

/** A call ringing for the account's agent on both of its addresses. */
export function ringFor(acct: Account, caller = { type: 'tel', target: '+15550100', target_name: 'Jane Cooper' }): AgentRing {
  return new AgentRing({
    customerId: acct.customerId,
    agentId: acct.agentId,
    caller,
    legTo: [
      { type: 'extension', target: '2001' },
      { type: 'tel', target: '+15550002001' },
    ],
  });
}

export function publishAll(emu: VoipbinEmulator, frames: readonly Frame[]): void {
  for (const f of frames) emu.publish(f.eventType, f.data);
}

export const kinds = (d: Desk): string[] => d.notes.map((n) => `${n.kind}${n.shown ? '' : `(${n.heldBecause ?? 'held'})`}`);
