import type { ApiEndpoints } from '../core/api-url.js';
import type { Credential } from '../core/credentials.js';
import type { Identity } from '../core/identity.js';
import { Listener, type ListenerOptions } from '../core/listener.js';
import type { Logger } from '../core/log.js';
import type { RestClient } from '../core/rest-client.js';
import { NotificationCenter } from '../core/notification-center.js';
import { NodeNotifierSink } from '../core/node-notifier-sink.js';
import type { StateDetail } from '../core/connection-state.js';
import type { NotificationSettings } from '../../shared/notification-settings.js';
import type { Output } from './output.js';

/**
 * The core wired for a terminal: listener → notification center (→ OS pop-ups) → output lines.
 * Shared by `run` and `demo`, so the demo shows exactly what the real command does.
 */
export interface HeadlessNotifierOptions {
  endpoints: ApiEndpoints;
  credential: Credential;
  identity: Identity;
  topics: readonly string[];
  rest: RestClient;
  log: Logger;
  out: Output;
  notify: 'native' | 'none';
  settings: NotificationSettings;
  stream?: ListenerOptions['stream'];
}

export interface HeadlessNotifier {
  listener: Listener;
  center: NotificationCenter;
  /** Resolves with the final state once the listener stops (by request or for a fatal reason). */
  stopped: Promise<Extract<StateDetail, { state: 'stopped' }>>;
}

export function startHeadlessNotifier(o: HeadlessNotifierOptions): HeadlessNotifier {
  const listener = new Listener({
    endpoints: o.endpoints, credential: o.credential, identity: o.identity, topics: o.topics, logger: o.log, rest: o.rest, stream: o.stream,
  });
  const center = new NotificationCenter({
    identity: o.identity,
    settings: o.settings,
    sink: o.notify === 'native' ? new NodeNotifierSink() : undefined,
    logger: o.log,
  });
  listener.on('state', (s) => o.out.state(s.to, s.at));
  listener.on('subscribed', (s) => o.out.subscribed(s.topics, s.connection));
  listener.on('event', (e) => {
    o.out.event(e);
    center.handleEvent(e);
  });
  listener.on('catchup', (r) => {
    o.out.catchup(r);
    center.handleCatchup(r);
  });
  listener.on('error', (e) => o.out.error(e));
  center.on('notification', (n) => o.out.notification(n));
  center.on('withdrawn', (w) => o.out.withdrawn(w));
  center.on('error', (e) => o.out.error(e));
  const stopped = new Promise<Extract<StateDetail, { state: 'stopped' }>>((resolve) => {
    listener.on('state', (s) => {
      if (s.to.state !== 'stopped') return;
      center.dispose();
      resolve(s.to);
    });
  });
  listener.start();
  return { listener, center, stopped };
}
