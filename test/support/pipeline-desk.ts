import {
  NotificationCenter,
  type DecidedNotification,
  type NotificationSink,
  type PopUp,
  type Withdrawal,
} from '../../main/core/notify/notification-center.js';
import { EventOrdering } from '../../main/core/stream/event-ordering.js';
import { parseFrame } from '../../main/core/stream/frames.js';
import { decodeAgentToken, type Identity } from '../../main/core/account/identity.js';
import type { ResourceEvent } from '../../main/core/stream/events.js';
import { createLogger } from '../../main/core/platform/log.js';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings } from '../../shared/notification-settings.js';
import type { Frame } from '../../emulator/scenarios.js';
import { fakeAgentJwt, agentPayload } from './jwt.js';

const agent = decodeAgentToken(fakeAgentJwt(agentPayload({ permission: 0x10 })));

/** The real pipeline after the socket: parse, dedupe/order, then the notification center. */
export class PipelineDesk {
  readonly notes: DecidedNotification[] = [];
  readonly withdrawn: Withdrawal[] = [];
  readonly popups: PopUp[] = [];
  readonly center: NotificationCenter;
  private readonly ordering = new EventOrdering();
  clock = new Date('2026-11-23T10:00:00').getTime();

  constructor(identity: Identity = agent, settings: Partial<NotificationSettings> = {}, sink?: NotificationSink) {
    this.center = new NotificationCenter({
      identity,
      settings: { ...DEFAULT_NOTIFICATION_SETTINGS, ...settings },
      sink,
      logger: createLogger({ level: 'silent' }),
      now: () => this.clock,
    });
    this.center.on('notification', (n) => this.notes.push(n));
    this.center.on('withdrawn', (w) => this.withdrawn.push(w));
  }

  toEvent(f: Frame, source: ResourceEvent['source'] = 'stream'): ResourceEvent | undefined {
    const raw = JSON.stringify(f.data);
    const p = parseFrame(raw);
    if (!p.ok || this.ordering.judge(p.frame, raw) !== 'accepted') return undefined;
    return { ...p.frame, source, receivedAt: this.clock };
  }

  feed(frames: Frame[]): this {
    for (const f of frames) {
      const e = this.toEvent(f);
      if (e !== undefined) this.center.handleEvent(e);
    }
    return this;
  }

  catchup(frames: Frame[], since: number | undefined, connection = 2): this {
    const accepted = frames.map((f) => this.toEvent(f, 'catchup')).filter((e): e is ResourceEvent => e !== undefined);
    this.center.handleCatchup({ connection, since, fetched: frames.length, accepted, missing: [] });
    return this;
  }

  kinds(): string[] {
    return this.notes.map((n) => n.kind);
  }
}
