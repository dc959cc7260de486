import { z } from 'zod';
import { LOCKABLE_SETTINGS } from './provisioning-locks.js';
import { AGENT_STATUSES, SETTABLE_STATUSES } from './agent-status.js';
import { NotificationSettingsPatchSchema, NotificationSettingsSchema } from './notification-settings.js';
import { WEBHOOK_METHOD_NAMES, type Channel } from './ipc-channels.js';

export { CHANNEL_NAMES, STATE_EVENT, WEBHOOK_METHOD_NAMES, isChannel, type Channel } from './ipc-channels.js';

/**
 * The one contract between the settings window and the main process: channel names and a zod
 * schema for every request, response and event. The main process validates every request with
 * it before acting; the preload exposes nothing but `invoke` on these channels and `onState`.
 * Nothing here carries a token, password-at-rest or webhook secret back to the window.
 */

// ---------- state pushed to the window and the tray ----------

export const ExpiryStageSchema = z.enum(['ok', 'warning', 'critical', 'expired', 'never']);
export type ExpiryStageName = z.infer<typeof ExpiryStageSchema>;

export const AccountViewSchema = z.discriminatedUnion('signedIn', [
  z.object({ signedIn: z.literal(false), apiUrl: z.string() }),
  z.object({
    signedIn: z.literal(true),
    kind: z.enum(['agent', 'accesskey']),
    /** "Alex Morgan", or the customer's name for an access key. */
    displayName: z.string(),
    username: z.string().nullable(),
    agentId: z.string().nullable(),
    customerId: z.string(),
    customerName: z.string().nullable(),
    permissions: z.array(z.string()),
    customerAdmin: z.boolean(),
    customerScope: z.boolean(),
    expiresAt: z.number().nullable(),
    expiry: ExpiryStageSchema,
    apiUrl: z.string(),
    /** e.g. "agent token ••••a1b2": enough to tell two sign-ins apart, useless to an attacker. */
    credentialHint: z.string(),
  }),
]);
export type AccountView = z.infer<typeof AccountViewSchema>;

export const ConnectionStateNameSchema = z.enum(['signed_out', 'starting', 'connecting', 'open', 'subscribed', 'reconnecting', 'stopped']);
export type ConnectionStateName = z.infer<typeof ConnectionStateNameSchema>;

export const ConnectionViewSchema = z.object({
  state: ConnectionStateNameSchema,
  /** Wall-clock ms of the last state change. */
  since: z.number(),
  lastEventAt: z.number().nullable(),
  reconnects: z.number().int().nonnegative(),
  /** While reconnecting: when the next attempt starts. */
  retryAt: z.number().nullable(),
  /**
   * While retrying: which retry this is since the connection was last healthy (1 = the first
   * after a drop), null otherwise. Optional so a state made before it existed still parses.
   */
  retry: z.number().int().positive().nullable().optional(),
  lastError: z.object({ code: z.string(), message: z.string(), at: z.number() }).nullable(),
  /** Why the stream is not up (reconnecting or stopped), in words; null while subscribed. */
  reason: z.string().nullable(),
  topics: z.number().int().nonnegative(),
  quarantined: z.array(z.string()),
  online: z.boolean(),
  suspended: z.boolean(),
});
export type ConnectionView = z.infer<typeof ConnectionViewSchema>;

export const AlertReasonSchema = z.enum(['stream_down', 'token_expired', 'auth_failed', 'notifications_blocked', 'not_available']);
export type AlertReason = z.infer<typeof AlertReasonSchema>;

export const AlertViewSchema = z.object({
  reason: AlertReasonSchema,
  title: z.string(),
  message: z.string(),
  since: z.number(),
});
export type AlertView = z.infer<typeof AlertViewSchema>;

export const HistoryItemViewSchema = z.object({
  seq: z.number().int(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  at: z.number(),
  shown: z.boolean(),
  heldBecause: z.string().nullable(),
  read: z.boolean(),
  /** A click opens it in the VoIPBIN console. */
  openable: z.boolean(),
  /** The call it is about has a live transcript kept for this session ("Copy transcript"). */
  transcript: z.boolean(),
});
export type HistoryItemView = z.infer<typeof HistoryItemViewSchema>;

/** A call ringing for the agent right now, as the call window shows it. */
export const RingingCallViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  /** Wall-clock ms it started ringing. */
  startedAt: z.number(),
  openable: z.boolean(),
  /** The caller was found in VoIPBIN contacts and the console has a page for them. */
  contactOpenable: z.boolean(),
});
export type RingingCallView = z.infer<typeof RingingCallViewSchema>;

export const StorageViewSchema = z.object({
  protection: z.enum(['keychain', 'weak', 'plaintext']),
  /** Shown prominently whenever the OS keychain does not protect the sign-in. */
  warning: z.string().nullable(),
});

/** Whether this desktop can show the tray icon (main/desktop/shell/tray-host.ts). */
export const DesktopViewSchema = z.object({
  tray: z.enum(['available', 'missing', 'unknown']),
  /** For a missing tray: what the agent can do, and why the window stays open. */
  advice: z.string().nullable(),
});
export type DesktopView = z.infer<typeof DesktopViewSchema>;

export const PausedUntilSchema = NotificationSettingsSchema.shape.pausedUntil;

/** The agent's status as last known (main/core/presence): queues ring only available agents. */
export const PresenceViewSchema = z.object({
  /** "" is a value this version does not know: never taken for available. */
  status: z.enum(AGENT_STATUSES),
  /** Wall-clock ms since this status was learnt or set. */
  since: z.number(),
  changedBy: z.enum(['server', 'me', 'auto']),
  receivingQueueCalls: z.boolean(),
});
export type PresenceView = z.infer<typeof PresenceViewSchema>;

export const TranscriptLineViewSchema = z.object({
  id: z.string(),
  speaker: z.enum(['caller', 'agent', 'both']),
  text: z.string(),
  at: z.number(),
});
export type TranscriptLineView = z.infer<typeof TranscriptLineViewSchema>;

/** My call in progress, with its live transcript (the call window, when live transcripts are on). */
export const LiveCallViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  answeredAt: z.number(),
  /** Privacy mode: no words are sent to the window. */
  hidden: z.boolean(),
  /** The last lines, in spoken order. */
  lines: z.array(TranscriptLineViewSchema),
  /** How many lines the transcript has in all. */
  count: z.number().int(),
});
export type LiveCallView = z.infer<typeof LiveCallViewSchema>;

/** An answer being written to a message (main/desktop/features/replies.ts); its text lives in the main process. */
export const ReplyDraftViewSchema = z.object({
  id: z.string(),
  kind: z.enum(['conversation', 'chat']),
  /** The message's pop-up title ("Message from Maria Lopez"), privacy applied. */
  title: z.string(),
  /** What was written to the agent, privacy applied. */
  quote: z.string(),
  /** What the agent typed so far, kept across a closed window and a failed send. */
  text: z.string(),
  state: z.enum(['writing', 'sending', 'failed']),
  /** Why the last send failed, in words. */
  error: z.string().nullable(),
  /** When the agent last asked for it (wall-clock ms, but always after the previous ask): the reply window comes to the front when it grows. */
  askedAt: z.number(),
});
export type ReplyDraftView = z.infer<typeof ReplyDraftViewSchema>;

/** What the reply window must say that is not a draft: a reply that could not be kept as one, with its text to copy. */
export const ReplyNoteViewSchema = z.object({
  id: z.string(),
  message: z.string(),
  /** What the agent typed ('' when nothing was): shown until the agent dismisses the note. */
  text: z.string(),
  /** As ReplyDraftView.askedAt: a newer one brings the reply window to the front. */
  askedAt: z.number(),
});
export type ReplyNoteView = z.infer<typeof ReplyNoteViewSchema>;

export const AppStateSchema = z.object({
  version: z.string(),
  account: AccountViewSchema,
  connection: ConnectionViewSchema,
  alert: AlertViewSchema.nullable(),
  pausedUntil: PausedUntilSchema,
  unread: z.number().int().nonnegative(),
  recent: z.array(HistoryItemViewSchema),
  /**
   * Calls ringing for the agent that the call window should show: empty when it is turned off or
   * the agent dismissed them (the OS pop-up and the tray still say it).
   */
  ringing: z.array(RingingCallViewSchema),
  /** Answers being written (the reply window shows them). */
  replies: z.array(ReplyDraftViewSchema),
  /** Replies refused (too many open, the message gone): the reply window shows them, text and all. */
  replyNotes: z.array(ReplyNoteViewSchema),
  /** My call in progress and its live transcript, when live transcripts are on. */
  liveCall: LiveCallViewSchema.nullable(),
  storage: StorageViewSchema,
  desktop: DesktopViewSchema,
  /** null: not known yet, or a sign-in with no agent (an access key). */
  presence: PresenceViewSchema.nullable(),
  /** One-off message, e.g. the settings file was unreadable and was reset. */
  notice: z.string().nullable(),
  /** Settings the administrator locked through the provisioning file (docs/INSTALL.md). */
  locked: z.array(z.enum(LOCKABLE_SETTINGS)),
});
export type AppState = z.infer<typeof AppStateSchema>;

// ---------- requests and responses ----------

/** Room for the longest reply core/replies accepts (4,000 characters, each up to two UTF-16 units). */
const ReplyText = z.string().max(8_000);

const ApiUrl = z.string().trim().max(2048);

export const SignInRequestSchema = z.discriminatedUnion('method', [
  z.strictObject({
    method: z.literal('password'),
    apiUrl: ApiUrl,
    username: z.string().trim().min(1, 'enter your username').max(256),
    password: z.string().min(1, 'enter your password').max(1024),
  }),
  /** An access key (vb_…) or a pasted agent token. */
  z.strictObject({ method: z.literal('accesskey'), apiUrl: ApiUrl, secret: z.string().trim().min(1, 'paste the access key').max(8192) }),
]);
export type SignInRequest = z.infer<typeof SignInRequestSchema>;

export const TopicRowSchema = z.object({ topic: z.string(), label: z.string(), warnings: z.array(z.string()) });

export const SubscriptionsViewSchema = z.object({
  /** null when signed out: nothing to validate against. */
  authority: z
    .union([
      z.object({ kind: z.literal('agent'), agentId: z.string(), customerId: z.string(), permission: z.number() }),
      z.object({ kind: z.literal('accesskey'), customerId: z.string() }),
    ])
    .nullable(),
  usingDefaults: z.boolean(),
  active: z.array(TopicRowSchema),
  defaults: z.array(TopicRowSchema),
  presets: z.array(z.object({ id: z.string(), label: z.string(), topics: z.array(z.string()), unavailable: z.string().nullable() })),
  quarantined: z.array(z.string()),
});
export type SubscriptionsView = z.infer<typeof SubscriptionsViewSchema>;

export const PauseChoiceSchema = z.enum(['1h', 'tomorrow', 'until_resumed', 'resume']);
export type PauseChoiceName = z.infer<typeof PauseChoiceSchema>;

export const WebhookViewSchema = z.object({
  method: z.string(),
  uri: z.string(),
  enabled: z.boolean(),
  secretSet: z.boolean(),
  /** "••••••••3f9a" or null: the secret itself never reaches the window. */
  secretMasked: z.string().nullable(),
  canEdit: z.boolean(),
  sampleEvents: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type WebhookView = z.infer<typeof WebhookViewSchema>;

export const WebhookTestResultSchema = z.object({
  event: z.string(),
  method: z.string(),
  uri: z.string(),
  status: z.number().nullable(),
  latencyMs: z.number(),
  verdict: z.enum(['delivered', 'rejected', 'would_retry', 'unreachable', 'timeout']),
  signed: z.boolean(),
  message: z.string(),
  warnings: z.array(z.string()),
  responseExcerpt: z.string().nullable(),
});
export type WebhookTestResult = z.infer<typeof WebhookTestResultSchema>;

export const AppPreferencesSchema = z.object({
  autostart: z.boolean(),
  autostartSupported: z.boolean(),
  consoleUrlTemplate: z.string(),
  logFolder: z.string(),
});
export type AppPreferences = z.infer<typeof AppPreferencesSchema>;

// Requests are strict: a key the contract does not name is refused, not silently dropped.
const Empty = z.undefined();
const Seq = z.number().int().positive();

/** Every channel: request schema, response schema. */
export const CHANNELS = {
  'state:get': { request: Empty, response: AppStateSchema },
  'account:sign-in': { request: SignInRequestSchema, response: AppStateSchema },
  'account:sign-out': { request: Empty, response: AppStateSchema },
  'connection:reconnect': { request: Empty, response: AppStateSchema },
  'subscriptions:get': { request: Empty, response: SubscriptionsViewSchema },
  'subscriptions:set': { request: z.strictObject({ topics: z.array(z.string().max(512)).max(100).nullable() }), response: SubscriptionsViewSchema },
  'notifications:get-settings': { request: Empty, response: NotificationSettingsSchema },
  /** Only what the user changed: a pause set from the tray meanwhile is kept. */
  'notifications:update': { request: NotificationSettingsPatchSchema, response: NotificationSettingsSchema },
  'notifications:pause': { request: z.strictObject({ choice: PauseChoiceSchema }), response: NotificationSettingsSchema },
  'notifications:test': { request: Empty, response: z.object({ shown: z.boolean(), message: z.string() }) },
  /** My agent status, set on the server (queues ring only available agents). */
  'presence:set': { request: z.strictObject({ status: z.enum(SETTABLE_STATUSES) }), response: z.object({ ok: z.boolean() }) },
  'notifications:history': { request: z.strictObject({ limit: z.number().int().min(1).max(500) }), response: z.array(HistoryItemViewSchema) },
  'notifications:open': { request: z.strictObject({ seq: Seq }), response: z.object({ opened: z.boolean(), message: z.string() }) },
  'notifications:mark-read': { request: z.strictObject({ seq: Seq.optional() }), response: z.object({ unread: z.number() }) },
  'webhook:get': { request: Empty, response: WebhookViewSchema },
  'webhook:set': {
    request: z.strictObject({ method: z.enum(WEBHOOK_METHOD_NAMES), uri: z.string().trim().min(1, 'enter the URL VoIPBIN should call').max(2048) }),
    response: WebhookViewSchema,
  },
  'webhook:disable': { request: Empty, response: WebhookViewSchema },
  'webhook:copy-secret': { request: Empty, response: z.object({ copied: z.boolean(), message: z.string() }) },
  'webhook:test': { request: z.strictObject({ event: z.string().max(64), uri: z.string().trim().max(2048).optional() }), response: WebhookTestResultSchema },
  'app:get-preferences': { request: Empty, response: AppPreferencesSchema },
  'app:set-preferences': {
    request: z.strictObject({ autostart: z.boolean().optional(), consoleUrlTemplate: z.string().trim().max(2048).optional() }),
    response: AppPreferencesSchema,
  },
  'diagnostics:copy': { request: Empty, response: z.object({ copied: z.boolean(), message: z.string() }) },
  'logs:open-folder': { request: Empty, response: z.object({ opened: z.boolean(), message: z.string() }) },
  /** From the call window: open the ringing call in the VoIPBIN console. */
  'calls:open': { request: z.strictObject({ id: z.string().min(1).max(128) }), response: z.object({ opened: z.boolean(), message: z.string() }) },
  /** From the call window: open the ringing call's caller in the console's contacts. */
  'calls:open-contact': { request: z.strictObject({ id: z.string().min(1).max(128) }), response: z.object({ opened: z.boolean(), message: z.string() }) },
  /** From the call window: the live transcript of my call, to the clipboard. */
  'calls:copy-transcript': { request: z.strictObject({ id: z.string().min(1).max(128) }), response: z.object({ copied: z.boolean(), message: z.string() }) },
  /** From the history: the transcript of the call an entry is about. */
  'notifications:copy-transcript': { request: z.strictObject({ seq: z.number().int() }), response: z.object({ copied: z.boolean(), message: z.string() }) },
  /** From the call window: stop showing this call there (it keeps ringing; the OS pop-up stays). */
  'calls:dismiss': { request: z.strictObject({ id: z.string().min(1).max(128) }), response: z.object({ ringing: z.number().int() }) },
  /** From the reply window: what is typed so far, kept in the main process. */
  'replies:save': { request: z.strictObject({ id: z.string().min(1).max(32), text: ReplyText }), response: z.object({ saved: z.boolean() }) },
  /** From the reply window: send it (once; a failure keeps the text and says why). */
  'replies:send': {
    request: z.strictObject({ id: z.string().min(1).max(32), text: ReplyText }),
    response: z.object({ sent: z.boolean(), message: z.string() }),
  },
  'replies:discard': { request: z.strictObject({ id: z.string().min(1).max(32) }), response: z.object({ drafts: z.number().int() }) },
  /** Without a tray icon the window is the only way to quit. */
  'app:quit': { request: Empty, response: z.object({ quitting: z.boolean() }) },
  // satisfies: every name has schemas, and (excess property check) every schema has a name.
} as const satisfies Record<Channel, { request: z.ZodType; response: z.ZodType }>;

export type RequestOf<C extends Channel> = z.input<(typeof CHANNELS)[C]['request']>;
export type ResponseOf<C extends Channel> = z.infer<(typeof CHANNELS)[C]['response']>;

/** What crosses IPC: errors travel as data so the window gets the user-facing sentence, not a stack. */
export const IpcErrorSchema = z.object({ code: z.string(), message: z.string() });
export type IpcError = z.infer<typeof IpcErrorSchema>;
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: IpcError };
