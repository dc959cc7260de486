import type { CredentialStore } from '../core/account/index.js';
import type { NotificationSink } from '../core/notify/index.js';
import { NotifierError, TypedEmitter, describeError, isNotifierError, systemClock, type Clock, type Logger } from '../core/platform/index.js';
import type { SettableStatus } from '../core/presence/index.js';
import type { ListenerOptions } from '../core/stream/index.js';
import type { Lookup } from '../core/webhook/index.js';
import type { AppState, SignInRequest } from '../../shared/ipc-contract.js';
import { ConsoleLinks, type Opened } from './features/console.js';
import { DiagnosticsFeature } from './features/diagnostics.js';
import { NotReceivingGuard } from './features/not-receiving-guard.js';
import { AwayOnLock } from './features/away-on-lock.js';
import { NotificationsFeature, WatchedSink } from './features/notifications.js';
import { PreferencesFeature } from './features/preferences.js';
import { LiveTranscripts } from './features/live-transcripts.js';
import { RepliesFeature, type Opened as ReplyOpened } from './features/replies.js';
import { RingingCalls } from './features/ringing-calls.js';
import { SubscriptionsFeature } from './features/subscriptions.js';
import { WebhookFeature } from './features/webhook.js';
import type { ProtectionDecision } from './session/credential-protection.js';
import { MachineConditions, type SystemEvent } from './session/machine-conditions.js';
import { SessionManager } from './session/session-manager.js';
import type { SettingsStore } from './settings/settings-store.js';
import type { DesktopPort } from './shell/desktop-port.js';
import type { TrayHost } from './shell/tray-host.js';
import { appState } from './state/app-state.js';
import { guardInput } from './state/guard-input.js';

/**
 * The desktop app without Electron: it puts the pieces together and runs them from start to
 * quit — the sign-in and its session (which own the connection, so it lives with every window
 * closed), the features the tray and the windows use, and the not-receiving guard. Every change
 * anywhere ends in one place, `changed()`, which pushes one fresh AppState; Electron adapters only
 * translate OS events in and that state out.
 */
export type { DesktopPort } from './shell/desktop-port.js';
export type { SystemEvent } from './session/machine-conditions.js';

export interface DesktopAppOptions {
  version: string;
  credentials: CredentialStore;
  protection: ProtectionDecision;
  settings: SettingsStore;
  /** OS pop-ups; undefined records decisions only. */
  sink: NotificationSink | undefined;
  logger: Logger;
  logFolder: string;
  port: DesktopPort;
  /** Shown in diagnostics: platform, versions. */
  environment?: Readonly<Record<string, string>>;
  clock?: Clock;
  /** Stream timing (tests shorten it). */
  stream?: ListenerOptions['stream'];
  /** After a call, how long the agent may stay busy before the reminder (core/presence; 60 s by default). */
  wrapUpMs?: number;
  guardGraceMs?: number;
  /** Name resolution for webhook URL checks (tests). */
  lookup?: Lookup;
  /** Why the machine's provisioning file was ignored (settings/provisioning.ts), to show once. */
  provisioningProblem?: string | undefined;
}

export interface DesktopAppEvents {
  state: AppState;
}

/** Bursts (a storm of events) become one push to the windows and the tray. */
const PUBLISH_AFTER_MS = 50;

export class DesktopApp extends TypedEmitter<DesktopAppEvents> {
  readonly sessions: SessionManager;
  readonly notifications: NotificationsFeature;
  private readonly awayOnLock: AwayOnLock;
  readonly subscriptions: SubscriptionsFeature;
  readonly ringing: RingingCalls;
  readonly replies: RepliesFeature;
  readonly transcripts: LiveTranscripts;
  readonly webhook: WebhookFeature;
  readonly preferences: PreferencesFeature;
  readonly diagnostics: DiagnosticsFeature;
  private readonly guard: NotReceivingGuard;
  private readonly sink: WatchedSink | undefined;
  private readonly links: ConsoleLinks;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly machine = new MachineConditions();
  private notice: string | null = null;
  /** Until the desktop adapter has asked, assume the tray is there (macOS, Windows, most Linux desktops). */
  private trayHost: TrayHost = { status: 'available', why: 'not asked yet', advice: null };
  private publishTimer: unknown;
  /** After stop() nothing is published: the tray and windows are being torn down. */
  private stopping = false;
  private readonly offs: (() => void)[] = [];

  constructor(private readonly o: DesktopAppOptions) {
    super((e) => o.logger.error('app state consumer failed', { error: describeError(e) }));
    this.clock = o.clock ?? systemClock;
    this.log = o.logger.child({ component: 'app' });
    const changed = (): void => this.changed();
    this.sink = o.sink === undefined ? undefined : new WatchedSink(o.sink, changed, (e) => this.sessions.noteError(e));
    this.sessions = new SessionManager({
      credentials: o.credentials,
      settings: o.settings,
      sink: this.sink,
      logger: o.logger,
      clock: this.clock,
      stream: o.stream,
      wrapUpMs: o.wrapUpMs,
      changed,
      notice: (message) => this.setNotice(message),
    });
    const links = new ConsoleLinks(
      () => o.settings.settings.consoleUrlTemplate,
      (url) => o.port.openExternal(url),
    );
    this.links = links;
    this.awayOnLock = new AwayOnLock({ sessions: this.sessions, settings: o.settings, logger: this.log, clock: this.clock, changed });
    this.notifications = new NotificationsFeature({
      settings: o.settings,
      sessions: this.sessions,
      sink: this.sink,
      links,
      hasTranscript: (item) => this.transcripts.hasTranscript(item),
      logger: this.log,
      clock: this.clock,
      changed,
    });
    this.subscriptions = new SubscriptionsFeature(o.settings, this.sessions);
    this.ringing = new RingingCalls(o.settings, this.sessions, links, changed);
    this.transcripts = new LiveTranscripts(o.settings, this.sessions, (text) => o.port.copyToClipboard(text), changed);
    this.replies = new RepliesFeature({ sessions: this.sessions, settings: o.settings, logger: this.log, clock: this.clock, changed });
    this.webhook = new WebhookFeature(this.sessions, (text) => o.port.copyToClipboard(text), o.lookup, this.log);
    this.preferences = new PreferencesFeature(o.settings, o.port, o.logFolder);
    this.diagnostics = new DiagnosticsFeature(
      () => ({
        state: this.state,
        settings: o.settings.settings.notifications,
        topics: this.sessions.current?.session.listener?.topics ?? [],
        stats: this.sessions.current?.session.listener?.stats,
        environment: o.environment ?? {},
        recentErrors: this.sessions.status.recentErrors,
        logFolder: o.logFolder,
        now: this.clock.now(),
      }),
      o.port,
      o.logFolder,
    );
    this.guard = new NotReceivingGuard(
      {
        changed,
        raised: (alert) => {
          // Said as a pop-up already, by the busy trap's reminder (core/presence): once is enough.
          if (alert.reason === 'not_available') {
            this.log.info(alert.title);
            return;
          }
          this.log.error(`not receiving calls: ${alert.message}`);
          // Straight to the OS: pause and quiet hours must not hide this one.
          void this.sink
            ?.show({ kind: 'summary', resourceId: 'not-receiving', title: alert.title, body: alert.message, sound: true, urgent: true, at: this.clock.now() })
            .catch(() => undefined);
        },
      },
      this.clock,
      o.guardGraceMs,
    );
    this.offs.push(o.settings.on('changed', changed));
  }

  get state(): AppState {
    return appState({
      version: this.o.version,
      signedIn: this.sessions.current,
      status: this.sessions.status,
      settings: this.o.settings.settings,
      online: this.machine.online,
      suspended: this.machine.suspended,
      alert: this.guard.alert,
      unread: this.notifications.unread,
      recent: this.notifications.recent(),
      ringing: this.ringing.views(),
      replies: this.replies.views(),
      replyNotes: this.replies.noteViews(),
      liveCall: this.transcripts.view(),
      protection: this.o.protection,
      desktop: { tray: this.trayHost.status, advice: this.trayHost.status === 'missing' ? this.trayHost.advice : null },
      notice: this.notice,
      locked: this.o.settings.locked,
    });
  }

  /** Loads settings and the saved sign-in, and connects if there is one. */
  async start(): Promise<void> {
    const loaded = await this.o.settings.load();
    this.setNotice(this.o.provisioningProblem ?? null);
    if (loaded.notice !== undefined) this.setNotice(loaded.notice);
    if (this.o.port.autostartSupported) {
      await this.o.port.setAutostart(loaded.settings.autostart).catch((e: unknown) => this.log.warn(`start at login: ${describeError(e)}`));
    }
    await this.sessions.restore();
    this.notifications.schedulePauseEnd();
    this.publish();
  }

  /** Quit: the socket closed and the last pop-up handed over; the saved sign-in stays. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const off of this.offs.splice(0)) off();
    this.notifications.dispose();
    this.awayOnLock.dispose();
    this.subscriptions.dispose();
    this.guard.dispose();
    await this.sessions.dispose();
    // Cleared after the session is gone: its last state changes asked for a publish too.
    if (this.publishTimer !== undefined) this.clock.clearTimeout(this.publishTimer);
    this.publishTimer = undefined;
    this.o.settings.dispose();
  }

  /** Power and network changes from the OS feed the connection; resolves once away-on-lock has set the status (or could not). */
  systemEvent(e: SystemEvent): Promise<void> {
    this.log.info(`system: ${e}`);
    const session = this.sessions.current?.session;
    if (e === 'resume') this.sessions.status.resumed();
    const why = this.machine.apply(e, session?.detail.state === 'subscribed', this.clock.now());
    // A wake-up told as such: the catch-up reaches back to the suspend, and the stream does not find the same sleep again at its next clock reading.
    if (e === 'resume') session?.wokeUp(this.machine.sleptAt);
    else if (why !== undefined) session?.reconnectNow(why);
    const away = this.awayOnLock.systemEvent(e);
    this.changed();
    return away;
  }

  /** The desktop adapter says whether the tray icon can be seen; the window explains when not. */
  setTrayHost(host: TrayHost): void {
    if (host.status === this.trayHost.status) {
      this.trayHost = host;
      return;
    }
    this.trayHost = host;
    if (host.status === 'missing') this.log.warn(`no tray icon on this desktop: ${host.why}`);
    else this.log.info(`tray: ${host.status} (${host.why})`);
    this.changed();
  }

  /** The busy trap's reminder button: available, unless the reminder is no longer true (then it only goes). */
  async reminderPressed(): Promise<{ ok: boolean }> {
    if (!this.sessions.reminderPressed()) return { ok: true };
    return this.setStatus('available');
  }

  /** The person chose a status (tray menu): set on the server; a failure becomes the window's notice. */
  async setStatus(status: SettableStatus): Promise<{ ok: boolean }> {
    const presence = this.sessions.current?.presence;
    try {
      if (presence === undefined) throw new NotifierError('presence_unavailable', 'Sign in first to set your status.');
      await presence.set(status);
      this.changed();
      return { ok: true };
    } catch (e) {
      const message = isNotifierError(e) ? e.userMessage : describeError(e);
      this.setNotice(`Your status could not be set to ${status}: ${message}`);
      return { ok: false };
    }
  }

  async signIn(req: SignInRequest): Promise<AppState> {
    await this.sessions.signIn(req);
    return this.state;
  }

  async signOut(): Promise<AppState> {
    await this.sessions.signOut();
    return this.state;
  }

  async reconnect(): Promise<AppState> {
    await this.sessions.reconnect();
    return this.state;
  }

  /**
   * A click on a pop-up: a message that can be answered opens its reply (the reply window), a
   * call opens in the console. When nothing opened, clickOpensSettings (shell/window-policy.ts)
   * tells the caller whether the settings window is to show instead.
   */
  async clicked(resourceId: string): Promise<ReplyOpened> {
    if (this.replies.canReply(resourceId)) return this.replies.start(resourceId);
    return this.notifications.openResource(resourceId);
  }

  /** A voipbin-notifier://call/<id> link: the call in the console. */
  openCall(callId: string): Promise<Opened> {
    return this.links.open({ kind: 'call', id: callId });
  }

  quit(): { quitting: boolean } {
    this.o.port.quit();
    return { quitting: true };
  }

  /** The one publish path: whatever changed, one fresh AppState goes out shortly after. */
  private changed(): void {
    if (this.stopping || this.publishTimer !== undefined) return;
    this.publishTimer = this.clock.setTimeout(() => {
      this.publishTimer = undefined;
      this.publish();
    }, PUBLISH_AFTER_MS);
  }

  private publish(): void {
    this.guard.update(guardInput(this.sessions.current, this.sessions.status, this.machine, this.sink?.blocked));
    this.emit('state', this.state);
  }

  private setNotice(message: string | null): void {
    if (message === this.notice) return;
    this.notice = message;
    if (message !== null) this.log.warn(message);
    this.changed();
  }
}
