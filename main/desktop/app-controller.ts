import { resolveApiUrl, type ApiEndpoints, credentialSecret, parseCredential, type Credential, RestClient } from '../core/api/index.js';
import { login, type CredentialStore, canSeeCustomerScope, decodeAgentToken, expiringCredential, resolveIdentity, topicAuthority, type Identity, verifiedIdentity, expiryStage, watchTokenExpiry, type ExpiryNotice, type ExpiryWatch } from '../core/account/index.js';
import { Backoff, NotifierError, describeError, isNotifierError, type Logger, TypedEmitter, redactor, systemClock } from '../core/platform/index.js';
import { Listener, type ListenerOptions, defaultTopics, resolveTopics } from '../core/stream/index.js';
import { NotificationCenter, type NotificationSink, type PopUp, type HistoryItem } from '../core/notify/index.js';
import type { Lookup, CustomerSnapshot } from '../core/webhook/index.js';
import { Permission, hasCustomerScope, permissionWords } from '../../shared/permissions.js';
import { pauseUntil, type NotificationSettings } from '../../shared/notification-settings.js';
import { checkConsoleTemplate, consoleUrlFor, isAllowedConsoleUrl, type ConsoleResource } from '../../shared/console-link.js';
import { topicWarnings, validateTopic } from '../../shared/topics.js';
import { describeTopic, topicPresets } from '../../shared/topic-labels.js';
import type {
  AccountView, AppPreferences, AppState, ConnectionStateName, ExpiryStageName, HistoryItemView, PauseChoiceName, RingingCallView, SignInRequest,
  SubscriptionsView, WebhookTestResult, WebhookView,
} from '../../shared/ipc-contract.js';
import type { ProtectionDecision } from './session/credential-protection.js';
import { diagnosticsText } from './features/diagnostics.js';
import { NotReceivingGuard, type GuardClock } from './features/not-receiving-guard.js';
import type { SettingsStore } from './settings/settings-store.js';
import { expandTopicTemplates } from './settings/provisioning.js';
import { disableWebhook, getWebhook, setWebhook, testWebhook, webhookSecret, type WebhookContext } from './features/webhook.js';
import type { TrayHost } from './shell/tray-host.js';

/**
 * The desktop app without Electron: one signed-in session (listener + notification center), the
 * stores, the not-receiving guard, and every action the tray and the settings window can take.
 * It owns the connection, so the connection lives with every window closed; Electron adapters
 * only translate OS events in and AppState out.
 */

/** What the controller needs from the desktop; the Electron adapters implement it. */
export interface DesktopPort {
  copyToClipboard(text: string): Promise<void>;
  openExternal(url: string): Promise<void>;
  /** Resolves to "" on success or an error sentence (Electron's shell.openPath contract). */
  openPath(path: string): Promise<string>;
  setAutostart(enabled: boolean): Promise<void>;
  readonly autostartSupported: boolean;
  /** Ends the app (stops the connection first, via the app's own quit path). */
  quit(): void;
}

export type SystemEvent = 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen' | 'online' | 'offline';

export interface AppControllerOptions {
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
  now?: () => number;
  clock?: GuardClock;
  /** Stream timing (tests shorten it). */
  stream?: ListenerOptions['stream'];
  guardGraceMs?: number;
  /** Name resolution for webhook URL checks (tests). */
  lookup?: Lookup;
  /** Why the machine's provisioning file was ignored (core/provisioning.ts), to show once. */
  provisioningProblem?: string | undefined;
}

export interface AppControllerEvents {
  state: AppState;
}

interface Session {
  endpoints: ApiEndpoints;
  credential: Credential;
  identity: Identity;
  username: string | undefined;
  rest: RestClient;
  center: NotificationCenter;
  listener: Listener | undefined;
  expiry: ExpiryWatch | undefined;
  expiryStage: ExpiryStageName;
  offs: (() => void)[];
  retryTimer: unknown;
  ended: boolean;
  /** The account as the webhook panel last showed it (the basis of its next edit). */
  webhookShown: { snapshot: CustomerSnapshot | undefined };
}

const RESOURCE_KINDS_KEPT = 5_000;
const RECENT_IN_STATE = 10;
const ERRORS_KEPT = 20;
const RETRYABLE = new Set(['network', 'server_error', 'rate_limited', 'bad_response']);

function sameWho(a: Identity, b: Identity): boolean {
  if (a.kind !== b.kind || a.customerId !== b.customerId) return false;
  return a.kind !== 'agent' || (b.kind === 'agent' && a.agentId === b.agentId);
}

export class AppController extends TypedEmitter<AppControllerEvents> {
  private readonly o: AppControllerOptions;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly clock: GuardClock;
  private readonly guard: NotReceivingGuard;
  private readonly sink: NotificationSink | undefined;
  private session: Session | undefined;
  private connState: ConnectionStateName = 'signed_out';
  private since: number;
  private lastEventAt: number | null = null;
  private reconnects = 0;
  private retryAt: number | null = null;
  private reason: string | null = null;
  private lastError: AppState['connection']['lastError'] = null;
  private quarantined: string[] = [];
  private online = true;
  private suspended = false;
  private downSince: number;
  private stopped: { code: string; message: string } | undefined;
  private notificationsBlocked: string | undefined;
  private tokenExpired = false;
  private notice: string | null = null;
  /** Ringing calls the agent took out of the call window. */
  private readonly dismissedCalls = new Set<string>();
  /** Until the desktop adapter has asked, assume the tray is there (macOS, Windows, most Linux desktops). */
  private trayHost: TrayHost = { status: 'available', why: 'not asked yet', advice: null };
  private readonly recentErrors: { at: number; code: string; message: string }[] = [];
  private readonly resourceKinds = new Map<string, ConsoleResource>();
  private publishTimer: unknown;
  private pauseTimer: unknown;
  private testSeq = 0;

  constructor(opts: AppControllerOptions) {
    super((e) => opts.logger.error('app state consumer failed', { error: describeError(e) }));
    this.o = opts;
    this.log = opts.logger.child({ component: 'app' });
    this.clock = opts.clock ?? systemClock;
    this.now = opts.now ?? (() => this.clock.now());
    this.since = this.now();
    this.downSince = this.since;
    this.sink = opts.sink === undefined ? undefined : this.observed(opts.sink);
    this.guard = new NotReceivingGuard({
      changed: () => this.schedulePublish(),
      raised: (alert) => {
        this.log.error(`not receiving calls: ${alert.message}`);
        // Straight to the OS: pause and quiet hours must not hide this one.
        void this.sink?.show({ kind: 'summary', resourceId: 'not-receiving', title: alert.title, body: alert.message, sound: true, urgent: true, at: this.now() }).catch(() => undefined);
      },
    }, this.clock, opts.guardGraceMs);
  }

  // ---------- lifecycle ----------

  /** Loads settings and the saved sign-in, and connects if there is one. */
  async start(): Promise<void> {
    const loaded = await this.o.settings.load();
    if (this.o.provisioningProblem !== undefined) {
      this.notice = this.o.provisioningProblem;
      this.log.warn(this.o.provisioningProblem);
    }
    if (loaded.notice !== undefined) {
      this.notice = loaded.notice;
      this.log.warn(loaded.notice);
    }
    if (this.o.port.autostartSupported) {
      await this.o.port.setAutostart(loaded.settings.autostart).catch((e: unknown) => this.log.warn(`start at login: ${describeError(e)}`));
    }
    let stored;
    try {
      stored = await this.o.credentials.load();
    } catch (e) {
      this.notice = isNotifierError(e) ? e.userMessage : describeError(e);
      this.log.warn(this.notice);
    }
    if (stored !== undefined) {
      try {
        this.beginSession(resolveApiUrl(stored.apiUrl), stored.credential, stored.username, undefined);
      } catch (e) {
        this.notice = `The saved sign-in could not be used: ${describeError(e)} Sign in again.`;
        this.log.warn(this.notice);
      }
    }
    this.schedulePausedRefresh();
    this.publishNow();
  }

  /** Quit: close the socket, keep the saved sign-in. */
  stop(): void {
    this.endSession('the app is quitting');
    this.guard.dispose();
    if (this.publishTimer !== undefined) this.clock.clearTimeout(this.publishTimer);
    if (this.pauseTimer !== undefined) this.clock.clearTimeout(this.pauseTimer);
  }

  /** Power and network changes from the OS feed the connection's state machine. */
  systemEvent(e: SystemEvent): void {
    this.log.info(`system: ${e}`);
    const listener = this.session?.listener;
    switch (e) {
      case 'suspend':
        this.suspended = true;
        break;
      case 'resume':
        this.suspended = false;
        this.downSince = Math.max(this.downSince, this.now());
        // The socket is suspect after sleep: don't wait for the watchdog. Catch-up follows the new subscription.
        listener?.reconnectNow('the computer woke from sleep');
        break;
      case 'unlock-screen':
        if (listener !== undefined && listener.state !== 'subscribed') listener.reconnectNow('the screen was unlocked');
        break;
      case 'lock-screen':
        break;
      case 'online':
        if (!this.online) {
          this.online = true;
          listener?.reconnectNow('the network is back');
        }
        break;
      case 'offline':
        this.online = false;
        break;
    }
    this.schedulePublish();
  }

  // ---------- state ----------

  get state(): AppState {
    const s = this.session;
    const settings = this.o.settings.settings;
    return {
      version: this.o.version,
      account: s === undefined ? { signedIn: false, apiUrl: settings.apiUrl } : this.accountView(s),
      connection: {
        state: this.connState,
        since: this.since,
        lastEventAt: this.lastEventAt,
        reconnects: this.reconnects,
        retryAt: this.connState === 'reconnecting' ? this.retryAt : null,
        lastError: this.lastError,
        reason: this.connState === 'subscribed' ? null : this.reason,
        topics: s?.listener?.topics.length ?? 0,
        quarantined: [...this.quarantined],
        online: this.online,
        suspended: this.suspended,
      },
      alert: this.guard.alert,
      pausedUntil: settings.notifications.pausedUntil,
      unread: s?.center.history.unreadCount() ?? 0,
      recent: (s?.center.history.list(RECENT_IN_STATE * 3) ?? []).filter((h) => h.kind !== 'activity').slice(0, RECENT_IN_STATE).map((h) => this.historyView(h)),
      ringing: this.ringingViews(),
      storage: { protection: this.o.protection.protection, warning: this.o.protection.warning ?? null },
      desktop: { tray: this.trayHost.status, advice: this.trayHost.status === 'missing' ? this.trayHost.advice : null },
      notice: this.notice,
      locked: [...this.o.settings.locked],
    };
  }

  private topicOptions(): { customerCalls: boolean } {
    return { customerCalls: this.o.settings.settings.notifications.customerCalls };
  }

  /** The saved topic filters for this identity; provisioned templates get its ids filled in. */
  private savedTopics(identity: Identity): string[] | undefined {
    const t = this.o.settings.settings.topics;
    if (t === null) return undefined;
    return expandTopicTemplates(t, { agentId: identity.kind === 'agent' ? identity.agentId : undefined, customerId: identity.customerId });
  }

  private accountView(s: Session): AccountView {
    const id = s.identity;
    const customerAdmin = id.kind === 'accesskey' || (id.permission & (Permission.CustomerAdmin | Permission.ProjectSuperAdmin)) !== 0;
    const secret = credentialSecret(s.credential);
    const hint = `${s.credential.kind === 'jwt' ? 'agent token' : 'access key'} ••••${secret.slice(-4)}`;
    if (id.kind === 'agent') {
      return {
        signedIn: true, kind: 'agent', displayName: id.name || id.username || id.agentId, username: s.username ?? (id.username || null),
        agentId: id.agentId, customerId: id.customerId, customerName: null, permissions: permissionWords(id.permission),
        customerAdmin, customerScope: hasCustomerScope(id.permission), expiresAt: id.expiresAt?.getTime() ?? null,
        expiry: s.expiryStage, apiUrl: s.endpoints.root, credentialHint: hint,
      };
    }
    return {
      signedIn: true, kind: 'accesskey', displayName: id.customerName ?? 'Access key', username: null, agentId: null,
      customerId: id.customerId, customerName: id.customerName ?? null, permissions: ['customer admin (access key)'],
      customerAdmin, customerScope: canSeeCustomerScope(id), expiresAt: id.expiresAt?.getTime() ?? null,
      expiry: id.expiresAt === undefined ? 'never' : s.expiryStage, apiUrl: s.endpoints.root, credentialHint: hint,
    };
  }

  private ringingViews(): RingingCallView[] {
    const s = this.session;
    const settings = this.o.settings.settings.notifications;
    if (s === undefined || !settings.callWindow || !settings.kinds.incoming_call.enabled) return [];
    const ringing = s.center.ringingForMe();
    // Forget dismissals of calls that stopped ringing, so the set stays as small as what rings.
    for (const id of this.dismissedCalls) if (!ringing.some((r) => r.resourceId === id)) this.dismissedCalls.delete(id);
    return ringing.filter((r) => !this.dismissedCalls.has(r.resourceId)).map((r) => {
      const text = settings.privacy ? r.private : r;
      const resource = this.resourceKinds.get(r.resourceId);
      return {
        id: r.resourceId, title: text.title, body: text.body, startedAt: r.at,
        openable: resource !== undefined && consoleUrlFor(this.o.settings.settings.consoleUrlTemplate, resource, r.resourceId) !== undefined,
      };
    });
  }

  async openRingingCall(id: string): Promise<{ opened: boolean; message: string }> {
    const resource = this.resourceKinds.get(id);
    if (resource === undefined || !this.ringingViews().some((r) => r.id === id)) return { opened: false, message: 'That call is no longer ringing.' };
    return this.open(consoleUrlFor(this.o.settings.settings.consoleUrlTemplate, resource, id));
  }

  dismissRingingCall(id: string): { ringing: number } {
    this.dismissedCalls.add(id);
    this.publishNow();
    return { ringing: this.ringingViews().length };
  }

  private historyView(h: HistoryItem): HistoryItemView {
    return {
      seq: h.seq, kind: h.kind, title: h.title, body: h.body, at: h.at, shown: h.shown,
      heldBecause: h.heldBecause ?? null, read: h.read, openable: this.consoleUrl(h) !== undefined,
    };
  }

  /** Coalesces bursts (a storm of events) into one push to the window and the tray. */
  private schedulePublish(): void {
    if (this.publishTimer !== undefined) return;
    this.publishTimer = this.clock.setTimeout(() => {
      this.publishTimer = undefined;
      this.publishNow();
    }, 50);
  }

  private publishNow(): void {
    this.guard.update({
      signedIn: this.session !== undefined,
      streamUp: this.connState === 'subscribed',
      downSince: this.downSince,
      suspended: this.suspended,
      online: this.online,
      tokenExpired: this.tokenExpired,
      stopped: this.stopped,
      notificationsBlocked: this.notificationsBlocked,
    });
    this.emit('state', this.state);
  }

  // ---------- account ----------

  async signIn(req: SignInRequest): Promise<AppState> {
    const endpoints = resolveApiUrl(req.apiUrl === '' ? undefined : req.apiUrl);
    let credential: Credential;
    let identity: Identity;
    let username: string | undefined;
    if (req.method === 'password') {
      const r = await login(endpoints, req.username, req.password);
      credential = { kind: 'jwt', token: r.token };
      identity = r.identity;
      username = r.username;
    } else {
      credential = parseCredential(req.secret, 'token');
      identity = await verifiedIdentity(credential, new RestClient({ endpoints, credential }), this.now());
    }
    const previous = this.session?.identity;
    this.endSession('signing in again');
    await this.o.credentials.save({ apiUrl: endpoints.root, credential, username, savedAt: new Date(this.now()) });
    await this.o.settings.update((s) => ({
      ...s,
      apiUrl: endpoints.root,
      // Topic filters name an agent and a customer: someone else's would be refused.
      topics: previous !== undefined && sameWho(previous, identity) ? s.topics : null,
    }));
    this.notice = null;
    this.log.info(identity.kind === 'agent' ? `signed in as agent ${identity.agentId}` : `signed in with an access key for customer ${identity.customerId}`);
    this.beginSession(endpoints, credential, username, identity);
    this.publishNow();
    return this.state;
  }

  async signOut(): Promise<AppState> {
    this.endSession('signed out');
    await this.o.credentials.clear();
    this.log.info('signed out');
    this.publishNow();
    return this.state;
  }

  reconnect(): AppState {
    const listener = this.session?.listener;
    if (listener === undefined) throw new NotifierError('credentials_missing', 'Sign in first.');
    if (listener.state === 'stopped') {
      this.stopped = undefined;
      listener.start();
    } else {
      listener.reconnectNow('asked to reconnect now');
    }
    this.publishNow();
    return this.state;
  }

  private beginSession(endpoints: ApiEndpoints, credential: Credential, username: string | undefined, known: Identity | undefined): void {
    const rest = new RestClient({ endpoints, credential });
    redactor.add(credentialSecret(credential));
    // A JWT names its agent; an access key needs GET /customer, which may wait for the network.
    const identity = known ?? (credential.kind === 'jwt' ? decodeAgentToken(credential.token) : undefined);
    // Until GET /customer answers, an access key's session has no customer: nothing can match it.
    const initial: Identity = identity ?? { kind: 'accesskey', customerId: '', customerName: undefined, permission: Permission.CustomerAdmin, expiresAt: undefined };
    const session: Session = {
      endpoints, credential, username, rest, identity: initial, center: this.newCenter(initial),
      listener: undefined, expiry: undefined, expiryStage: 'never', offs: [], retryTimer: undefined, ended: false, webhookShown: { snapshot: undefined },
    };
    this.session = session;
    this.resetConnection('starting');
    if (identity === undefined) {
      void this.resolveThenConnect(session, new Backoff());
      return;
    }
    this.connect(session);
  }

  private async resolveThenConnect(session: Session, backoff: Backoff): Promise<void> {
    try {
      const identity = await resolveIdentity(session.credential, session.rest);
      if (session.ended) return;
      session.identity = identity;
      void session.center.dispose();
      session.center = this.newCenter(identity);
      this.connect(session);
    } catch (e) {
      if (session.ended) return;
      const err = isNotifierError(e) ? e : new NotifierError('network', describeError(e));
      this.noteError(err);
      if (!RETRYABLE.has(err.code)) {
        this.connState = 'stopped';
        this.reason = err.userMessage;
        this.stopped = { code: err.code, message: err.userMessage };
        this.publishNow();
        return;
      }
      const step = backoff.next('retryAfterMs' in err && typeof err.retryAfterMs === 'number' ? err.retryAfterMs : 0);
      this.connState = 'reconnecting';
      this.reason = err.userMessage;
      this.retryAt = this.now() + step.delayMs;
      session.retryTimer = this.clock.setTimeout(() => void this.resolveThenConnect(session, backoff), step.delayMs);
      this.publishNow();
    }
  }

  private newCenter(identity: Identity): NotificationCenter {
    return new NotificationCenter({ identity, settings: this.o.settings.settings.notifications, sink: this.sink, logger: this.o.logger });
  }

  private connect(session: Session): void {
    const identity = session.identity;
    let topics: string[];
    try {
      topics = resolveTopics(identity, this.savedTopics(identity), this.topicOptions());
    } catch (e) {
      topics = defaultTopics(identity, this.topicOptions());
      this.notice = `Your topic filters do not fit this sign-in, so the defaults are used: ${describeError(e)}`;
    }
    if (identity.expiresAt !== undefined) {
      session.expiryStage = expiryStage(identity.expiresAt, this.now());
      session.expiry = watchTokenExpiry(identity.expiresAt, (n) => this.onExpiry(session, n), { clock: this.clock, what: expiringCredential(identity) });
    }
    if (session.ended) return;
    if (this.tokenExpired) {
      // The server would refuse the upgrade; say why instead of retrying into a wall.
      this.connState = 'stopped';
      this.stopped = { code: 'auth_failed', message: 'Your VoIPBIN sign-in has expired. Sign in again to keep receiving calls.' };
      this.reason = this.stopped.message;
      return;
    }
    const listener = new Listener({
      endpoints: session.endpoints, credential: session.credential, identity, topics, logger: this.o.logger, rest: session.rest, stream: this.o.stream,
    });
    session.listener = listener;
    const center = session.center;
    session.offs.push(
      listener.on('state', (s) => {
        const was = this.connState;
        this.connState = s.to.state === 'idle' ? 'starting' : s.to.state;
        this.since = s.at;
        if (s.to.state === 'reconnecting') {
          this.reconnects += 1;
          this.retryAt = s.at + s.to.delayMs;
          this.reason = s.to.reason;
        }
        if (s.to.state === 'stopped') this.reason = s.to.reason;
        if (s.to.state === 'subscribed') this.stopped = undefined;
        if (was === 'subscribed' && s.to.state !== 'subscribed') this.downSince = s.at;
        if (s.to.state === 'stopped' && !session.ended) {
          this.stopped = { code: s.to.code ?? 'stopped', message: s.to.reason };
          void center.dispose();
        }
        this.schedulePublish();
      }),
      listener.on('error', (e) => {
        this.noteError(e);
        this.schedulePublish();
      }),
      listener.on('quarantined', (q) => {
        this.quarantined.push(q.topic);
        this.schedulePublish();
      }),
      listener.on('event', (e) => {
        this.lastEventAt = e.receivedAt;
        this.rememberKind(e.kind, e.id);
        center.handleEvent(e);
        this.schedulePublish();
      }),
      listener.on('catchup', (r) => {
        for (const e of r.accepted) this.rememberKind(e.kind, e.id);
        center.handleCatchup(r);
        this.schedulePublish();
      }),
      center.on('notification', () => this.schedulePublish()),
      center.on('withdrawn', () => this.schedulePublish()),
    );
    listener.start();
  }

  private onExpiry(session: Session, n: ExpiryNotice): void {
    if (session.ended) return;
    session.expiryStage = n.severity;
    this.log.warn(n.message);
    if (n.severity === 'expired') {
      this.tokenExpired = true;
    } else {
      const key = session.identity.kind === 'accesskey';
      const title = n.severity === 'critical' ? (key ? 'Your access key expires soon' : 'Sign in again soon') : (key ? 'Your access key expires tomorrow' : 'Your sign-in expires tomorrow');
      void this.sink?.show({ kind: 'summary', resourceId: 'token-expiry', title, body: n.message, sound: n.severity === 'critical', urgent: false, at: this.now() }).catch(() => undefined);
    }
    this.schedulePublish();
  }

  private endSession(reason: string): void {
    const s = this.session;
    if (s === undefined) return;
    s.ended = true;
    if (s.retryTimer !== undefined) this.clock.clearTimeout(s.retryTimer);
    s.expiry?.stop();
    s.listener?.stop(reason);
    for (const off of s.offs) off();
    void s.center.dispose();
    this.session = undefined;
    this.resetConnection('signed_out');
  }

  private resetConnection(state: ConnectionStateName): void {
    this.connState = state;
    this.since = this.now();
    this.downSince = this.since;
    this.lastEventAt = null;
    this.reconnects = 0;
    this.retryAt = null;
    this.reason = null;
    this.lastError = null;
    this.quarantined = [];
    this.stopped = undefined;
    this.tokenExpired = false;
  }

  private noteError(e: NotifierError): void {
    const at = this.now();
    this.lastError = { code: e.code, message: e.userMessage, at };
    this.recentErrors.unshift({ at, code: e.code, message: e.userMessage });
    this.recentErrors.length = Math.min(this.recentErrors.length, ERRORS_KEPT);
  }

  private requireSession(): Session {
    if (this.session === undefined) throw new NotifierError('credentials_missing', 'Sign in first.');
    return this.session;
  }

  // ---------- subscriptions ----------

  subscriptions(): SubscriptionsView {
    const s = this.session;
    const settings = this.o.settings.settings;
    if (s === undefined || s.identity.customerId === '') {
      return { authority: null, usingDefaults: settings.topics === null, active: [], defaults: [], presets: [], quarantined: [] };
    }
    const who = topicAuthority(s.identity);
    const row = (topic: string): SubscriptionsView['active'][number] => {
      const v = validateTopic(topic, who);
      return { topic, label: describeTopic(topic, who), warnings: v.ok ? topicWarnings(v.topic) : [v.reason] };
    };
    const defaults = defaultTopics(s.identity, this.topicOptions());
    let active: readonly string[];
    try {
      active = s.listener?.topics ?? resolveTopics(s.identity, this.savedTopics(s.identity), this.topicOptions());
    } catch {
      active = defaults;
    }
    return {
      authority: who,
      usingDefaults: settings.topics === null,
      active: active.map(row),
      defaults: defaults.map(row),
      presets: topicPresets(who).map((p) => ({ id: p.id, label: p.label, topics: p.topics, unavailable: p.unavailable ?? null })),
      quarantined: [...this.quarantined],
    };
  }

  /** null: back to the defaults. Validated again here with the core's rules, whatever the window checked. */
  async setSubscriptions(topics: string[] | null): Promise<SubscriptionsView> {
    const s = this.requireSession();
    if (topics !== null && topics.length === 0) {
      throw new NotifierError('bad_usage', 'Keep at least one topic (with none, no call can reach you), or go back to the defaults.');
    }
    const effective = resolveTopics(s.identity, topics ?? undefined, this.topicOptions());
    await this.o.settings.update((st) => ({ ...st, topics: topics === null ? null : effective }));
    this.quarantined = [];
    if (s.listener !== undefined) {
      s.listener.setTopics(effective);
      if (s.listener.state === 'stopped') {
        this.stopped = undefined;
        s.listener.start();
      }
    }
    this.publishNow();
    return this.subscriptions();
  }

  // ---------- notifications ----------

  get notificationSettings(): NotificationSettings {
    return this.o.settings.settings.notifications;
  }

  async setNotificationSettings(next: NotificationSettings): Promise<NotificationSettings> {
    const before = this.o.settings.settings;
    const saved = await this.o.settings.update((s) => ({ ...s, notifications: next }));
    this.session?.center.updateSettings(saved.notifications);
    // Customer-wide calls need their topic: without it the switch would change nothing live.
    const s = this.session;
    if (s?.listener !== undefined && before.topics === null && before.notifications.customerCalls !== saved.notifications.customerCalls) {
      s.listener.setTopics(defaultTopics(s.identity, this.topicOptions()));
    }
    this.schedulePausedRefresh();
    this.publishNow();
    return saved.notifications;
  }

  async pause(choice: PauseChoiceName): Promise<NotificationSettings> {
    const until = choice === 'resume' ? null : choice === 'until_resumed' ? 'indefinite' : pauseUntil(choice, new Date(this.now()));
    this.log.info(choice === 'resume' ? 'notifications resumed' : `notifications paused (${choice})`);
    return this.setNotificationSettings({ ...this.notificationSettings, pausedUntil: until });
  }

  /** A timed pause ends by itself: refresh the tray and window when it does. */
  private schedulePausedRefresh(): void {
    if (this.pauseTimer !== undefined) this.clock.clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    const until = this.notificationSettings.pausedUntil;
    if (typeof until === 'number' && until > this.now()) {
      this.pauseTimer = this.clock.setTimeout(() => this.publishNow(), Math.min(until - this.now() + 100, 2 ** 31 - 1));
    }
  }

  async sendTestNotification(): Promise<{ shown: boolean; message: string }> {
    if (this.sink === undefined) return { shown: false, message: 'This build has no way to show notifications.' };
    const paused = this.notificationSettings.pausedUntil;
    try {
      await this.sink.show({
        kind: 'incoming_call', resourceId: `test:${++this.testSeq}`,
        title: 'Test: incoming call from Jane Cooper',
        body: 'This is how a call rings. Calls also ring while notifications are paused.',
        sound: this.notificationSettings.kinds.incoming_call.sound, urgent: this.notificationSettings.callsBreakThroughDnd, at: this.now(),
      });
    } catch (e) {
      return { shown: false, message: `The system refused to show it: ${describeError(e)}. Allow notifications for VoIPBIN Notifier in the system settings.` };
    } finally {
      this.publishNow();
    }
    return {
      shown: true,
      message: paused !== null
        ? 'Sent. Notifications are paused, but calls still break through. If nothing appeared, check the system notification settings.'
        : 'Sent. If nothing appeared, check the system notification settings and Do Not Disturb.',
    };
  }

  history(limit: number): HistoryItemView[] {
    return (this.session?.center.history.list(limit) ?? []).map((h) => this.historyView(h));
  }

  markRead(seq?: number): { unread: number } {
    const center = this.session?.center;
    center?.history.markRead(seq);
    this.publishNow();
    return { unread: center?.history.unreadCount() ?? 0 };
  }

  async openHistoryItem(seq: number): Promise<{ opened: boolean; message: string }> {
    const item = this.session?.center.history.list().find((h) => h.seq === seq);
    if (item === undefined) return { opened: false, message: 'That notification is no longer in the history.' };
    this.markRead(seq);
    return this.open(this.consoleUrl(item));
  }

  /** A click on a pop-up: the newest history entry for that resource. */
  /** A voipbin-notifier://call/<id> link: the call in the console. */
  async openCall(callId: string): Promise<{ opened: boolean; message: string }> {
    return this.open(consoleUrlFor(this.o.settings.settings.consoleUrlTemplate, 'call', callId));
  }

  async openResource(resourceId: string): Promise<{ opened: boolean; message: string }> {
    const item = this.session?.center.history.list().find((h) => h.resourceId === resourceId);
    if (item === undefined) return { opened: false, message: 'Nothing to open.' };
    this.markRead(item.seq);
    return this.open(this.consoleUrl(item));
  }

  private async open(url: string | undefined): Promise<{ opened: boolean; message: string }> {
    const template = this.o.settings.settings.consoleUrlTemplate;
    if (url === undefined) return { opened: false, message: 'Only calls open in the VoIPBIN console.' };
    if (!isAllowedConsoleUrl(url, template)) return { opened: false, message: 'Refused to open a link outside the configured console.' };
    try {
      // Only after the check above: a URL of the configured console's origin, built by consoleUrlFor
      // from the template and a call id checked as a UUID — never a URL taken from an event or a link.
      await this.o.port.openExternal(url);
      return { opened: true, message: `Opened ${url}` };
    } catch (e) {
      return { opened: false, message: `Could not open the browser: ${describeError(e)}` };
    }
  }

  private rememberKind(kind: string, id: string | undefined): void {
    if (id === undefined || (kind !== 'call' && kind !== 'groupcall')) return;
    if (this.resourceKinds.has(id)) return;
    this.resourceKinds.set(id, kind);
    if (this.resourceKinds.size > RESOURCE_KINDS_KEPT) {
      const oldest = this.resourceKinds.keys().next().value;
      if (oldest !== undefined) this.resourceKinds.delete(oldest);
    }
  }

  private consoleUrl(h: HistoryItem): string | undefined {
    if (h.kind !== 'incoming_call' && h.kind !== 'missed_call') return undefined;
    const resource = this.resourceKinds.get(h.resourceId);
    if (resource === undefined) return undefined;
    return consoleUrlFor(this.o.settings.settings.consoleUrlTemplate, resource, h.resourceId);
  }

  // ---------- webhook ----------

  private webhookContext(): WebhookContext {
    const s = this.requireSession();
    const view = this.accountView(s);
    if (!view.signedIn || !view.customerAdmin) {
      throw new NotifierError('forbidden', `The account webhook needs the customer admin permission; this sign-in has: ${view.signedIn ? view.permissions.join(', ') : 'none'}.`);
    }
    return { rest: s.rest, credential: s.credential, canEdit: true, agentId: s.identity.kind === 'agent' ? s.identity.agentId : undefined, lookup: this.o.lookup, shown: s.webhookShown };
  }

  async webhook(): Promise<WebhookView> {
    return getWebhook(this.webhookContext());
  }

  async setWebhook(change: { method: 'POST' | 'PUT' | 'GET' | 'DELETE'; uri: string }): Promise<WebhookView> {
    const v = await setWebhook(this.webhookContext(), change);
    this.log.info(`webhook set to ${v.method} ${v.uri}`);
    return v;
  }

  async disableWebhook(): Promise<WebhookView> {
    const v = await disableWebhook(this.webhookContext());
    this.log.info('webhook disabled');
    return v;
  }

  /** The secret goes from the server to the clipboard without passing through the window. */
  async copyWebhookSecret(): Promise<{ copied: boolean; message: string }> {
    const secret = await webhookSecret(this.webhookContext());
    if (secret === undefined) return { copied: false, message: 'The account has no signing secret.' };
    await this.o.port.copyToClipboard(secret);
    return { copied: true, message: 'The signing secret is on the clipboard.' };
  }

  async testWebhook(req: { event: string; uri?: string | undefined }): Promise<WebhookTestResult> {
    return testWebhook(this.webhookContext(), req);
  }

  // ---------- preferences, diagnostics ----------

  get preferences(): AppPreferences {
    const s = this.o.settings.settings;
    return { autostart: s.autostart, autostartSupported: this.o.port.autostartSupported, consoleUrlTemplate: s.consoleUrlTemplate, logFolder: this.o.logFolder };
  }

  async setPreferences(change: { autostart?: boolean | undefined; consoleUrlTemplate?: string | undefined }): Promise<AppPreferences> {
    if (change.consoleUrlTemplate !== undefined) {
      const v = checkConsoleTemplate(change.consoleUrlTemplate);
      if (!v.ok) throw new NotifierError('bad_usage', `Console link: ${v.reason}.`);
    }
    if (change.autostart !== undefined && this.o.port.autostartSupported) await this.o.port.setAutostart(change.autostart);
    await this.o.settings.update((s) => ({
      ...s,
      ...(change.autostart !== undefined ? { autostart: change.autostart } : {}),
      ...(change.consoleUrlTemplate !== undefined ? { consoleUrlTemplate: change.consoleUrlTemplate.trim() } : {}),
    }));
    this.publishNow();
    return this.preferences;
  }

  diagnostics(): string {
    return diagnosticsText({
      state: this.state,
      settings: this.notificationSettings,
      topics: this.session?.listener?.topics ?? [],
      stats: this.session?.listener?.stats,
      environment: this.o.environment ?? {},
      recentErrors: this.recentErrors,
      logFolder: this.o.logFolder,
      now: this.now(),
    });
  }

  async copyDiagnostics(): Promise<{ copied: boolean; message: string }> {
    await this.o.port.copyToClipboard(this.diagnostics());
    return { copied: true, message: 'Diagnostics are on the clipboard (no tokens or secrets). Paste them into your support request.' };
  }

  async openLogFolder(): Promise<{ opened: boolean; message: string }> {
    const error = await this.o.port.openPath(this.o.logFolder);
    return error === '' ? { opened: true, message: `Opened ${this.o.logFolder}` } : { opened: false, message: `Could not open ${this.o.logFolder}: ${error}` };
  }

  /** The desktop adapter says whether the tray icon can be seen; the window explains when not. */
  setTrayHost(host: TrayHost): void {
    const changed = host.status !== this.trayHost.status;
    this.trayHost = host;
    if (!changed) return;
    if (host.status === 'missing') this.log.warn(`no tray icon on this desktop: ${host.why}`);
    else this.log.info(`tray: ${host.status} (${host.why})`);
    this.publishNow();
  }

  quit(): { quitting: boolean } {
    this.o.port.quit();
    return { quitting: true };
  }

  // ---------- delivery ----------

  /** Every pop-up's fate feeds the guard: a refusing OS means calls ring unseen. */
  private observed(inner: NotificationSink): NotificationSink {
    return {
      name: inner.name,
      show: async (p: PopUp) => {
        try {
          await inner.show(p);
          if (this.notificationsBlocked !== undefined) {
            this.notificationsBlocked = undefined;
            this.schedulePublish();
          }
        } catch (e) {
          this.notificationsBlocked = describeError(e);
          this.noteError(new NotifierError('notifications_unavailable', `The system refused a notification: ${describeError(e)}`));
          this.schedulePublish();
          throw e;
        }
      },
      withdraw: (id, reason) => inner.withdraw(id, reason),
    };
  }
}
