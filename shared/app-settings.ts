import { z } from 'zod';
import { DEFAULT_NOTIFICATION_SETTINGS, NotificationSettingsSchema } from './notification-settings.js';
import { DEFAULT_CONSOLE_URL_TEMPLATE } from './console-link.js';
import { DEFAULT_API_URL } from './endpoints.js';

/**
 * The desktop app's settings file: one versioned record. The schema is shared so the settings
 * window validates exactly what the main process will accept; migrations live in main/desktop/settings/migrations.ts.
 */
export const SETTINGS_VERSION = 4;

export { DEFAULT_API_URL } from './endpoints.js';

export { DEFAULT_CONSOLE_URL_TEMPLATE } from './console-link.js';

export const AppSettingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION),
  /** API root of the last sign-in (self-hosted servers), prefilled in the sign-in form. */
  apiUrl: z.string().min(1).max(2048),
  /** null: the defaults for whoever is signed in. */
  topics: z.array(z.string().min(1).max(512)).max(100).nullable(),
  notifications: NotificationSettingsSchema,
  autostart: z.boolean(),
  consoleUrlTemplate: z.string().min(1).max(2048),
});

export type AppSettings = z.infer<typeof AppSettingsSchema>;

export const DEFAULT_APP_SETTINGS: AppSettings = {
  version: SETTINGS_VERSION,
  apiUrl: DEFAULT_API_URL,
  topics: null,
  notifications: DEFAULT_NOTIFICATION_SETTINGS,
  // Agents need the notifier from the moment they log in to the desk; the toggle is in settings.
  autostart: true,
  consoleUrlTemplate: DEFAULT_CONSOLE_URL_TEMPLATE,
};
