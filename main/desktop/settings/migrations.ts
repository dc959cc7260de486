import { AppSettingsSchema, DEFAULT_APP_SETTINGS, type AppSettings } from '../../../shared/app-settings.js';
import { NotificationSettingsSchema } from '../../../shared/notification-settings.js';

/**
 * How a settings file of an older version becomes the current one. Keyed by the file's own
 * `version` field, not by electron-store's `migrations` (which key off the app's semver: they
 * would run again after a downgrade, tie settings changes to release numbers, and on failure
 * restore the old content and throw instead of backing the file up and resetting).
 */
export type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

export function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Keyed by the version they upgrade *from*. Version 0 is any file without a version: written by
 * hand or by a build before settings were versioned; whatever it holds that still validates is kept.
 */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  0: (old) => {
    const n = NotificationSettingsSchema.safeParse({ ...DEFAULT_APP_SETTINGS.notifications, ...record(old.notifications) });
    const keep = (key: keyof AppSettings): Partial<AppSettings> => {
      const candidate = AppSettingsSchema.shape[key].safeParse(old[key]);
      return candidate.success ? Object.fromEntries([[key, candidate.data]]) : {};
    };
    return {
      ...DEFAULT_APP_SETTINGS,
      ...keep('apiUrl'),
      ...keep('topics'),
      ...keep('autostart'),
      ...keep('consoleUrlTemplate'),
      notifications: n.success ? n.data : DEFAULT_APP_SETTINGS.notifications,
      version: 1,
    };
  },
  // Version 2 added the call window: on, as for everyone who installs now.
  1: (old) => ({ ...old, notifications: { ...record(old.notifications), callWindow: true }, version: 2 }),
  // Version 3 added presence: a 60 s wrap-up reminder; nothing set by itself until the agent says so.
  2: (old) => ({ ...old, notifications: { ...record(old.notifications), wrapUpSeconds: 60, backToAvailable: false, awayOnLock: false }, version: 3 }),
  // Version 4 added live transcripts in the call window: off, as transcripts are sensitive.
  3: (old) => ({ ...old, notifications: { ...record(old.notifications), liveTranscripts: false }, version: 4 }),
};
