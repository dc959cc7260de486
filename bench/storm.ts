import { resolveApiUrl } from '../main/core/api/api-url.js';
import { parseCredential } from '../main/core/api/credentials.js';
import { decodeAgentToken } from '../main/core/account/identity.js';
import { Listener } from '../main/core/stream/listener.js';
import { createLogger } from '../main/core/platform/log.js';
import { NotificationCenter, type DecidedNotification, type NotificationSink } from '../main/core/notify/notification-center.js';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../shared/notification-settings.js';
import { InboundCall } from '../emulator/scenarios.js';
import type { BenchResult } from './report.js';
import { callCentre, sleep, until } from './support.js';

/**
 * 500 inbound calls within one second on a supervisor's customer-wide view: how many OS pop-ups
 * (bounded by storm control) and whether every call is recorded. Counts, not timings: in-process.
 */
export async function storm(o: { calls: number }): Promise<BenchResult> {
  const cc = await callCentre();
  const identity = decodeAgentToken(cc.token);
  const logger = createLogger({ level: 'silent' });
  const listener = new Listener({ endpoints: resolveApiUrl(cc.emu.url), credential: parseCredential(cc.token, 'token'), identity, topics: cc.topics, logger });
  let shown = 0;
  const popups: string[] = [];
  const sink: NotificationSink = {
    name: 'counting',
    show: (p) => {
      shown++;
      popups.push(p.title);
      return Promise.resolve();
    },
    withdraw: () => Promise.resolve(),
  };
  const settings = { ...DEFAULT_NOTIFICATION_SETTINGS, customerCalls: true };
  const center = new NotificationCenter({ identity, settings, sink, logger });
  const decided: DecidedNotification[] = [];
  center.on('notification', (n) => decided.push(n));
  listener.on('event', (e) => center.handleEvent(e));
  listener.on('catchup', (r) => center.handleCatchup(r));
  let subscribed = false;
  listener.on('subscribed', () => {
    subscribed = true;
  });
  listener.start();
  try {
    await until('subscribed', () => subscribed, 10_000);
    await sleep(300);
    const start = performance.now();
    for (let i = 0; i < o.calls; i++) {
      const due = start + (i / o.calls) * 1_000;
      if (due > performance.now()) await sleep(due - performance.now());
      const call = new InboundCall({
        customerId: cc.world.customerId,
        caller: { type: 'tel', target: `+1555${String(1_000_000 + i)}` },
        number: { type: 'tel', target: '+15551230000' },
      });
      for (const f of call.start()) cc.emu.publish(f.eventType, f.data);
    }
    const calls = (): number => decided.filter((n) => n.kind === 'incoming_call').length;
    await until('every call decided', () => calls() >= o.calls, 10_000);
    // Storm summaries come when their window closes.
    await sleep(settings.storm.windowMs + 500);
    const summaries = decided.filter((n) => n.kind === 'summary');
    const historyCalls = center.history.list().filter((h) => h.kind === 'incoming_call').length;
    const bound = Math.ceil(1_000 / settings.storm.windowMs + 1) * (settings.storm.maxPerWindow + 1);
    return {
      name: 'Storm',
      rows: [
        {
          metric: `${o.calls} inbound calls in 1 s → pop-ups shown`,
          result: `${shown} (${summaries.length} summar${summaries.length === 1 ? 'y' : 'ies'})`,
          target: `bounded (≤ ${bound})`,
          met: shown <= bound,
        },
        { metric: '… calls decided and announced', result: `${calls()}/${o.calls}`, target: 'all', met: calls() === o.calls },
        {
          metric: '… calls in the notification history',
          result: `${historyCalls}/${o.calls} (holds ${center.history.size} items)`,
          target: 'all',
          met: historyCalls === o.calls,
        },
      ],
      details: [
        `A supervisor with customer-wide calls on; ${o.calls} different callers ring the customer's number within one second`,
        "(call_created + call_ringing each, through the emulator's publish path). Storm control allows",
        `${settings.storm.maxPerWindow} pop-ups per ${settings.storm.windowMs / 1000} s window and sums up the rest in one pop-up when the window closes.`,
        'Every decision is announced (the `notification` JSON line; `shown: false, held_because: "storm"` for the held ones)',
        'and added to the bounded history (1,000 items; read ones make room first, so unread missed calls stay).',
        '',
        `Pop-ups shown: ${popups.map((p) => `"${p}"`).join(', ')}.`,
      ],
    };
  } finally {
    listener.stop();
    void center.dispose();
    await cc.emu.stop();
  }
}
