import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ApiEndpoints, Credential, RestClient } from '../../core/api/index.js';
import type { Identity } from '../../core/account/index.js';
import type { NotificationSink } from '../../core/notify/index.js';
import { NotifierError, isNotifierError, type Logger } from '../../core/platform/index.js';
import { NotifierSession, SessionPresence, SessionTranscripts, type PresenceOptions, type SessionTranscriptsOptions } from '../../core/session/index.js';
import { isTrapped } from '../../core/presence/index.js';
import { ReminderPopUp } from './reminder-pop-up.js';
import type { ListenerOptions, StateDetail } from '../../core/stream/index.js';
import { withoutWords } from '../../core/transcripts/index.js';
import type { NotificationSettings } from '../../../shared/notification-settings.js';
import { FreedesktopSink } from '../sinks/freedesktop-sink.js';
import { NodeNotifierSink } from '../sinks/node-notifier-sink.js';
import { openInBrowser } from '../sinks/open-in-browser.js';
import { DEFAULT_CONSOLE_URL_TEMPLATE, consoleUrlFor } from '../../../shared/console-link.js';
import type { Output } from '../output/run-output.js';
import { stdoutLines } from '../output/terminal.js';
import { followLogindSleep } from './wake-signal.js';

/**
 * The core's notifier session wired for a terminal: its state, events and decisions become
 * output lines, and OS pop-ups go to the platform's sink. Shared by `run` and `demo`, so the
 * demo shows exactly what the real command does.
 */
export interface HeadlessNotifierOptions {
  endpoints: ApiEndpoints;
  credential: Credential;
  /** Known (a JWT); else read from the server (an access key), with retries. */
  identity?: Identity | undefined;
  topics: (identity: Identity) => readonly string[];
  settings: (identity: Identity) => NotificationSettings;
  rest: RestClient;
  log: Logger;
  out: Output;
  notify: 'native' | 'none';
  stream?: ListenerOptions['stream'];
  /** Where "Open in console" leads (shared/console-link.ts); the hosted console by default. */
  consoleUrlTemplate?: string;
  /** The agent's status, followed (core/session/session-presence.ts): wrap-up and back-to-available; false: not followed. */
  presence?: Omit<PresenceOptions, 'logger'> | false;
  /** Live transcripts (opt-in: they are sensitive), printed as `transcript` lines. */
  transcripts?: Omit<SessionTranscriptsOptions, 'logger'> | undefined;
  /** `transcripts`: only the connection and the transcripts are printed, not events or notifications. */
  transcriptsOnly?: boolean;
  /** Privacy mode (`run --privacy`): transcript lines say who spoke and when, never the words. */
  hideTranscriptWords?: boolean;
}

export interface HeadlessNotifier {
  session: NotifierSession;
  presence: SessionPresence | undefined;
  transcripts: SessionTranscripts | undefined;
  /** Resolves with the final state once the session stops and everything it held is released. */
  stopped: Promise<Extract<StateDetail, { state: 'stopped' }>>;
}

/** The app icon beside the built command (dist/main/cli/commands → assets/), if the package has it. */
const ICON = fileURLToPath(new URL('../../../../assets/icons/128x128.png', import.meta.url));

type OwnedSink = NotificationSink & { dispose?(): Promise<void> };

/** Linux desktops: the freedesktop service itself; macOS and Windows: node-notifier's helpers. */
function nativeSink(o: HeadlessNotifierOptions, setAvailable: () => void): OwnedSink {
  if (process.platform === 'darwin' || process.platform === 'win32') return new NodeNotifierSink();
  const template = o.consoleUrlTemplate ?? DEFAULT_CONSOLE_URL_TEMPLATE;
  return new FreedesktopSink({
    icon: existsSync(ICON) ? ICON : undefined,
    openConsole: (resource) => {
      // Built from the checked template and the call's id checked as a UUID: nothing from an event picks the URL.
      const url = consoleUrlFor(template, resource.kind, resource.id);
      if (url === undefined) return;
      o.out.action({ resourceId: resource.id, action: 'open_in_console', url });
      openInBrowser(url, (m) => o.log.warn(m));
    },
    onAction: (a) => {
      if (a.action === 'dismiss') o.out.action(a);
      if (a.action === 'set_available') {
        o.out.action(a);
        setAvailable();
      }
    },
  });
}

/** Stopping must not hang on a desktop (or a socket) that stopped answering. */
const RELEASE_MS = 1_500;

export function startHeadlessNotifier(o: HeadlessNotifierOptions): HeadlessNotifier {
  const sink =
    o.notify === 'native'
      ? nativeSink(o, () => {
          // A press on a pop-up no longer true: on a call, "available" would put me back in the queues mid-call.
          if (reminder?.live !== true || presence?.onCall === true) {
            reminder?.withdraw();
            return;
          }
          // The presence line (changed_by me) says it worked; a refusal is an error line, and the reminder stays (it is resident).
          presence
            ?.set('available')
            .catch((e: unknown) =>
              o.out.error(isNotifierError(e) ? e : new NotifierError('network', 'Could not set your status to available.', {}, { cause: e })),
            );
        })
      : undefined;
  const session = new NotifierSession({
    endpoints: o.endpoints,
    credential: o.credential,
    identity: o.identity,
    rest: o.rest,
    topics: o.topics,
    settings: o.settings,
    sink,
    logger: o.log,
    stream: o.stream,
  });
  // The stopped line is the last one: it is said once everything the session held is released,
  // after the decisions still on their way (a team chat message waiting for its sender's name).
  let stoppedLine: { to: StateDetail; at: number } | undefined;
  session.on('state', (s) => {
    if (s.to.state === 'stopped') stoppedLine ??= { to: s.to, at: s.at };
    else o.out.state(s.to, s.at);
  });
  session.on('subscribed', (s) => o.out.subscribed(s.topics, s.connection));
  session.on('error', (e) => o.out.error(e));
  if (o.transcriptsOnly !== true) {
    session.on('event', (e) => o.out.event(e));
    session.on('catchup', (r) => o.out.catchup(r));
    session.on('notification', (n) => o.out.notification(n));
    session.on('withdrawn', (w) => o.out.withdrawn(w));
    session.on('updated', (n) => o.out.updated(n));
    session.on('notificationsUnavailable', (e) => o.out.error(e));
  }
  session.on('expiry', (n) => {
    o.out.tokenExpiry(n);
    o.log.info(n.message);
  });
  session.on('identity', (identity) => {
    o.log.info(
      identity.kind === 'agent'
        ? `signed in as agent ${identity.username || identity.agentId} (customer ${identity.customerId})`
        : `using an access key for customer ${identity.customerName ?? identity.customerId}`,
    );
  });
  const presence = o.presence === false ? undefined : new SessionPresence(session, { ...o.presence, logger: o.log });
  const reminder = sink === undefined ? undefined : new ReminderPopUp(sink, o.log);
  presence?.on('presence', (p) => {
    o.out.presence(p);
    // "You are still Busy" is no longer true once my status is anything else (available, or away chosen elsewhere).
    if (!isTrapped(p.status)) reminder?.withdraw();
  });
  presence?.on('reminder', (r) => {
    o.out.presenceReminder(r);
    reminder?.show(r);
  });
  presence?.on('error', (e) => o.out.error(e));
  presence?.on('off', (message) => {
    o.out.presenceOff(message);
    o.log.info(message);
  });
  const transcripts = o.transcripts === undefined ? undefined : new SessionTranscripts(session, { ...o.transcripts, logger: o.log });
  transcripts?.on('transcript', (t) => o.out.transcript(o.hideTranscriptWords === true ? withoutWords(t) : t));
  // A slow reader of our stdout holds the socket, never our memory (output/line-writer.ts).
  const offFlow = stdoutLines.onFlow((congested) => {
    o.log.debug(congested ? 'stdout is full: reading from VoIPBIN paused' : 'stdout drained: reading again');
    session.setReadingPaused(congested);
  });
  if (stdoutLines.isCongested) session.setReadingPaused(true);
  const stopSleepWatch = followLogindSleep(session, o.log);
  const stopped = session.stopped.then(async (final) => {
    offFlow();
    stopSleepWatch();
    presence?.dispose();
    transcripts?.dispose();
    // The last lines are out and no ringing pop-up (nor the reminder's button) outlives the notifier that could close it.
    const release = (reminder?.end() ?? Promise.resolve()).then(() => session.dispose()).then(() => sink?.dispose?.());
    await Promise.race([release, new Promise<void>((r) => setTimeout(r, RELEASE_MS).unref())]).catch(() => undefined);
    const line = stoppedLine ?? { to: final, at: Date.now() };
    o.out.state(line.to, line.at);
    return final;
  });
  session.start();
  return { session, presence, transcripts, stopped };
}
