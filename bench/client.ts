import WebSocket from 'ws';
import { resolveApiUrl } from '../main/core/api/api-url.js';
import { authHeaders, parseCredential } from '../main/core/api/credentials.js';
import { resolveIdentity } from '../main/core/account/identity.js';
import { Listener } from '../main/core/stream/listener.js';
import { createLogger } from '../main/core/platform/log.js';
import { NotificationCenter, type NotificationSink } from '../main/core/notify/notification-center.js';
import { RestClient } from '../main/core/api/rest-client.js';
import { resolveTopics } from '../main/core/stream/subscriptions.js';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../shared/notification-settings.js';
import type { ClientConfig, ClientReply, ParentCommand } from './protocol.js';

/**
 * The measured side of the throughput and latency benchmarks, in its own process so it has a core
 * to itself and the emulator's work never counts against it.
 *  - bare: a `ws` client that only counts frames — the ceiling;
 *  - pipeline: the core as the tray and the command run it — EventStream → Listener (parse,
 *    classify, dedupe, order) → NotificationCenter (call offers, messages, policy, storm, history).
 * Talks to the parent over IPC (bench/protocol.ts). Times are process.hrtime (CLOCK_MONOTONIC),
 * which is the same clock in every process of the machine.
 */
const config = JSON.parse(process.argv[2] ?? '{}') as ClientConfig;
const send = (m: ClientReply): void => {
  process.send?.(m);
};
const now = (): bigint => process.hrtime.bigint();

function runBare(): void {
  const endpoints = resolveApiUrl(config.url);
  const ws = new WebSocket(endpoints.websocket, {
    headers: authHeaders(parseCredential(config.token, 'token')),
    perMessageDeflate: false,
    maxPayload: 64 * 1024 * 1024,
  });
  let count = 0;
  let expected = Infinity;
  let tag = '';
  ws.on('open', () => send({ type: 'ready' }));
  ws.on('message', () => {
    count++;
    if (count === expected) send({ type: 'done', tag, endNs: now().toString(), frames: count });
  });
  ws.on('close', () => process.exit(0));
  process.on('message', (m: ParentCommand) => {
    if (m.cmd === 'expect') {
      count = 0;
      expected = m.count;
      tag = m.tag;
      send({ type: 'armed', tag });
    } else if (m.cmd === 'exit') {
      ws.terminate();
      process.exit(0);
    }
  });
}

async function runPipeline(): Promise<void> {
  const endpoints = resolveApiUrl(config.url);
  const credential = parseCredential(config.token, 'token');
  const rest = new RestClient({ endpoints, credential });
  const identity = await resolveIdentity(credential, rest);
  const logger = createLogger({ level: 'warn' });
  const scale = config.boundsScale ?? 1;
  const listener = new Listener({
    endpoints,
    credential,
    identity,
    topics: resolveTopics(identity, config.topics),
    logger,
    rest,
    maxResources: 20_000 * scale,
  });
  let shown = 0;
  const sink: NotificationSink = {
    name: 'counting',
    show: () => {
      shown++;
      return Promise.resolve();
    },
    withdraw: () => Promise.resolve(),
  };
  const center = new NotificationCenter({
    identity,
    settings: { ...DEFAULT_NOTIFICATION_SETTINGS, customerCalls: true },
    sink,
    logger,
    historySize: 1_000 * scale,
    maxCallOffers: 2_000 * scale,
  });
  let decided = 0;
  const latencies: number[] = [];
  // With a sink, a decision is announced once the sink took it (later, not within handleEvent):
  // each resource's last send time waits here for its notification. Bounded like the app's state.
  const sentAt = new Map<string, bigint>();
  center.on('notification', (n) => {
    decided++;
    const sent = sentAt.get(n.resourceId);
    if (sent === undefined) return;
    sentAt.delete(n.resourceId);
    latencies.push(Number(now() - sent) / 1_000);
  });
  let sentinel = '';
  let tag = '';
  listener.on('event', (e) => {
    const sent = e.data.bench_sent_ns;
    if (config.latency === true && typeof sent === 'string' && e.id !== undefined) {
      // Frame sent (stamped by the server just before publishing) → notification decided.
      sentAt.delete(e.id);
      sentAt.set(e.id, BigInt(sent));
      if (sentAt.size > 20_000) sentAt.delete(sentAt.keys().next().value ?? '');
    }
    center.handleEvent(e);
    if (e.id === sentinel) {
      const s = listener.stats;
      send({
        type: 'done',
        tag,
        endNs: now().toString(),
        frames: s.frames,
        accepted: s.accepted,
        duplicates: s.duplicates,
        decided,
        shown,
        history: center.history.size,
      });
    }
  });
  listener.on('catchup', (r) => center.handleCatchup(r));
  let ready = false;
  listener.on('subscribed', () => {
    if (!ready) send({ type: 'ready' });
    ready = true;
  });
  let exiting = false;
  listener.on('state', (s) => {
    // Stopped on its own (a fatal refusal): the parent sees the exit instead of waiting forever.
    if (s.to.state === 'stopped' && !exiting) process.exit(1);
  });
  process.on('message', (m: ParentCommand) => {
    if (m.cmd === 'expect') {
      sentinel = m.sentinelId;
      tag = m.tag;
      send({ type: 'armed', tag });
    } else if (m.cmd === 'latency') {
      send({ type: 'latency', samplesUs: latencies.splice(0) });
    } else if (m.cmd === 'heap') {
      // Started with --expose-gc: what is really kept, after a full collection.
      (globalThis as { gc?: () => void }).gc?.();
      const mem = process.memoryUsage();
      send({ type: 'heap', heapUsed: mem.heapUsed, rss: mem.rss });
    } else if (m.cmd === 'exit') {
      exiting = true;
      listener.stop('benchmark over');
      void center.dispose();
      setTimeout(() => process.exit(0), 50);
    }
  });
  listener.start();
}

if (config.mode === 'bare') runBare();
else void runPipeline();
