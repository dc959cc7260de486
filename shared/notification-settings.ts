import { z } from 'zod';

/**
 * How and when notifications interrupt the agent. Shared: the core applies it, the settings
 * window edits it, and both validate with the same schema.
 */
export const NOTIFICATION_KINDS = ['incoming_call', 'missed_call', 'inbound_message', 'chat_message'] as const;
export type PopupKind = (typeof NOTIFICATION_KINDS)[number];
export type NotificationKind = PopupKind | 'summary';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour HH:MM, e.g. 18:30');

const KindSettingSchema = z.object({ enabled: z.boolean(), sound: z.boolean() });

export const NotificationSettingsSchema = z.object({
  kinds: z.object({
    incoming_call: KindSettingSchema,
    missed_call: KindSettingSchema,
    inbound_message: KindSettingSchema,
    chat_message: KindSettingSchema,
  }),
  /** Incoming calls still pop up (marked urgent) while paused, in quiet hours or under OS Do Not Disturb. */
  callsBreakThroughDnd: z.boolean(),
  /** Wall-clock ms until which pop-ups are paused; 'indefinite' until resumed; null when not paused. */
  pausedUntil: z.union([z.number().int().nonnegative(), z.literal('indefinite'), z.null()]),
  quietHours: z.object({ enabled: z.boolean(), start: HHMM, end: HHMM }),
  /** Hide phone numbers and message text in pop-ups (screen sharing, open-plan desks). */
  privacy: z.boolean(),
  /** Admins/managers/access keys: also pop up inbound calls for the whole customer. */
  customerCalls: z.boolean(),
  /**
   * Desktop: a small always-on-top window for each call ringing for this agent, beside the OS
   * pop-up, which desktops hide under Do Not Disturb or let slide away (peer-notifiers §3.8, §4).
   */
  callWindow: z.boolean(),
  /** At most this many pop-ups per window; the rest become one summary. */
  storm: z.object({ maxPerWindow: z.number().int().min(1).max(50), windowMs: z.number().int().min(100).max(60_000) }),
  /** After a call, how long the agent may stay busy before the reminder (VoIPBIN never sets them back). */
  wrapUpSeconds: z.number().int().min(0).max(3_600),
  /** After the wrap-up, set a status still busy back to available, unless it was changed meanwhile. */
  backToAvailable: z.boolean(),
  /** Desktop: screen lock or sleep → away; unlock or wake → the status before, if it is still our away. */
  awayOnLock: z.boolean(),
  /** Desktop: the call window shows the live transcript of my call in progress (opt-in: transcripts are sensitive). */
  liveTranscripts: z.boolean(),
});

export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  kinds: {
    incoming_call: { enabled: true, sound: true },
    missed_call: { enabled: true, sound: false },
    inbound_message: { enabled: true, sound: true },
    chat_message: { enabled: true, sound: false },
  },
  callsBreakThroughDnd: true,
  pausedUntil: null,
  quietHours: { enabled: false, start: '18:00', end: '08:00' },
  privacy: false,
  customerCalls: false,
  callWindow: true,
  storm: { maxPerWindow: 3, windowMs: 2_000 },
  wrapUpSeconds: 60,
  backToAvailable: false,
  awayOnLock: false,
  liveTranscripts: false,
};

export type PauseChoice = '1h' | 'tomorrow' | 'resumed';

/** The pause switch: for an hour, until 08:00 tomorrow (local time), or until resumed. */
export function pauseUntil(choice: PauseChoice, now: Date): NotificationSettings['pausedUntil'] {
  if (choice === '1h') return now.getTime() + 60 * 60 * 1000;
  if (choice === 'resumed') return 'indefinite';
  const t = new Date(now);
  t.setDate(t.getDate() + 1);
  t.setHours(8, 0, 0, 0);
  return t.getTime();
}

/**
 * A change to some notification settings, as the window and the tray send it: only what the user
 * touched, so a change made meanwhile elsewhere (a pause from the tray) is never written back over.
 */
const KindPatchSchema = KindSettingSchema.partial().strict();
export const NotificationSettingsPatchSchema = z
  .strictObject({
    kinds: z
      .strictObject({ incoming_call: KindPatchSchema, missed_call: KindPatchSchema, inbound_message: KindPatchSchema, chat_message: KindPatchSchema })
      .partial(),
    callsBreakThroughDnd: NotificationSettingsSchema.shape.callsBreakThroughDnd,
    pausedUntil: NotificationSettingsSchema.shape.pausedUntil,
    quietHours: NotificationSettingsSchema.shape.quietHours.partial().strict(),
    privacy: NotificationSettingsSchema.shape.privacy,
    customerCalls: NotificationSettingsSchema.shape.customerCalls,
    callWindow: NotificationSettingsSchema.shape.callWindow,
    storm: NotificationSettingsSchema.shape.storm.partial().strict(),
    wrapUpSeconds: NotificationSettingsSchema.shape.wrapUpSeconds,
    backToAvailable: NotificationSettingsSchema.shape.backToAvailable,
    awayOnLock: NotificationSettingsSchema.shape.awayOnLock,
    liveTranscripts: NotificationSettingsSchema.shape.liveTranscripts,
  })
  .partial();

export type NotificationSettingsPatch = z.infer<typeof NotificationSettingsPatchSchema>;

/** The settings with a patch applied; nested groups (kinds, quiet hours, storm) merge field by field. */
export function applyNotificationPatch(s: NotificationSettings, p: NotificationSettingsPatch): NotificationSettings {
  const kinds = { ...s.kinds };
  for (const k of NOTIFICATION_KINDS) {
    const change = p.kinds?.[k];
    if (change !== undefined) kinds[k] = { ...kinds[k], ...change };
  }
  return {
    ...s,
    ...(p.callsBreakThroughDnd !== undefined ? { callsBreakThroughDnd: p.callsBreakThroughDnd } : {}),
    ...(p.pausedUntil !== undefined ? { pausedUntil: p.pausedUntil } : {}),
    ...(p.privacy !== undefined ? { privacy: p.privacy } : {}),
    ...(p.customerCalls !== undefined ? { customerCalls: p.customerCalls } : {}),
    ...(p.callWindow !== undefined ? { callWindow: p.callWindow } : {}),
    ...(p.wrapUpSeconds !== undefined ? { wrapUpSeconds: p.wrapUpSeconds } : {}),
    ...(p.backToAvailable !== undefined ? { backToAvailable: p.backToAvailable } : {}),
    ...(p.awayOnLock !== undefined ? { awayOnLock: p.awayOnLock } : {}),
    ...(p.liveTranscripts !== undefined ? { liveTranscripts: p.liveTranscripts } : {}),
    kinds,
    quietHours: { ...s.quietHours, ...p.quietHours },
    storm: { ...s.storm, ...p.storm },
  };
}
