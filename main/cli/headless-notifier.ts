import type { ApiEndpoints } from '../core/api-url.js';
import type { Credential } from '../core/credentials.js';
import type { Identity } from '../core/identity.js';
import { Listener, type ListenerOptions } from '../core/listener.js';
import type { Logger } from '../core/log.js';
import type { RestClient } from '../core/rest-client.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NotificationCenter, type NotificationSink } from '../core/notification-center.js';
import { FreedesktopSink } from '../core/freedesktop-sink.js';
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

/** The app icon beside the built command (dist/main/cli → assets/), if the package has it. */
const ICON = fileURLToPath(new URL('../../../assets/icons/128x128.png', import.meta.url));

type OwnedSink = NotificationSink & { dispose?(): Promise<void> };

/** Linux desktops: the freedesktop service itself; macOS and Windows: node-notifier's helpers. */
function nativeSink(): OwnedSink {
  if (process.platform === 'darwin' || process.platform === 'win32') return new NodeNotifierSink();
  return new FreedesktopSink({ icon: existsSync(ICON) ? ICON : undefined });
}

/** Stopping must not hang on a desktop that stopped answering. */
const SINK_CLOSE_MS = 2_000;

export function startHeadlessNotifier(o: HeadlessNotifierOptions): HeadlessNotifier {
  const sink = o.notify === 'native' ? nativeSink() : undefined;
  const listener = new Listener({
    endpoints: o.endpoints, credential: o.credential, identity: o.identity, topics: o.topics, logger: o.log, rest: o.rest, stream: o.stream,
  });
  const center = new NotificationCenter({
    identity: o.identity,
    settings: o.settings,
    sink,
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
      const final = s.to;
      // The last lines are out and no ringing pop-up outlives the notifier that could close it.
      const closing = center.dispose().then(() => sink?.dispose?.());
      const bounded = new Promise<void>((r) => setTimeout(r, SINK_CLOSE_MS).unref());
      void Promise.race([closing, bounded]).catch(() => undefined).then(() => resolve(final));
    });
  });
  listener.start();
  return { listener, center, stopped };
}
