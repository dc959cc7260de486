import { z } from 'zod';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../../core/platform/index.js';
import { AppSettingsSchema, DEFAULT_APP_SETTINGS, type AppSettings } from '../../../shared/app-settings.js';
import { NotificationSettingsSchema } from '../../../shared/notification-settings.js';
import { LOCKABLE_SETTINGS, type LockableSetting } from '../../../shared/provisioning-locks.js';

/**
 * Central provisioning for managed desks: one machine-wide JSON file, written by IT (GPO, MDM,
 * Ansible…), that presets the API URL, topics, notification policy and may lock settings.
 *
 * Layering: built-in defaults < provisioning < the user's own settings — except locked settings,
 * where provisioning always wins. Presets are the starting point of a new user's settings; a user
 * who already changed something keeps it unless the administrator locks it. A broken file is
 * reported and ignored, never fatal: an agent must not lose calls to a typo in /etc.
 */
export { LOCKABLE_SETTINGS, type LockableSetting };

const partialNotifications = NotificationSettingsSchema.extend({
  kinds: NotificationSettingsSchema.shape.kinds.partial(),
}).partial();

export const ProvisioningSchema = z
  .object({
    version: z.literal(1),
    apiUrl: AppSettingsSchema.shape.apiUrl.optional(),
    /** Topic templates; `{agent_id}` and `{customer_id}` are filled in for whoever signs in. */
    topics: z.array(z.string().min(1).max(512)).max(100).optional(),
    notifications: partialNotifications.optional(),
    autostart: z.boolean().optional(),
    consoleUrlTemplate: AppSettingsSchema.shape.consoleUrlTemplate.optional(),
    lock: z.array(z.enum(LOCKABLE_SETTINGS)).optional(),
  })
  .strict();

export type Provisioning = z.infer<typeof ProvisioningSchema>;

export interface LoadedProvisioning {
  path: string;
  provisioning: Provisioning | undefined;
  /** Why the file was ignored, in words an administrator can act on. */
  problem: string | undefined;
}

/** Where administrators put the file, per OS (docs/INSTALL.md). */
export function provisioningPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (env.VOIPBIN_NOTIFIER_PROVISIONING !== undefined && env.VOIPBIN_NOTIFIER_PROVISIONING !== '') return env.VOIPBIN_NOTIFIER_PROVISIONING;
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', 'VoIPBIN Notifier', 'provisioning.json');
  if (platform === 'darwin') return '/Library/Application Support/VoIPBIN Notifier/provisioning.json';
  return '/etc/voipbin-notifier/provisioning.json';
}

export async function loadProvisioning(path: string): Promise<LoadedProvisioning> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { path, provisioning: undefined, problem: undefined };
    return { path, provisioning: undefined, problem: `The provisioning file ${path} could not be read (${describeError(e)}); it is ignored.` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { path, provisioning: undefined, problem: `The provisioning file ${path} is not valid JSON (${describeError(e)}); it is ignored.` };
  }
  const parsed = ProvisioningSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') || 'the top level';
    return { path, provisioning: undefined, problem: `The provisioning file ${path} is ignored: ${where}: ${issue?.message ?? 'unexpected value'}.` };
  }
  return { path, provisioning: parsed.data, problem: undefined };
}

/** The built-in defaults with the administrator's presets applied: a new user starts here. */
export function provisionedDefaults(p: Provisioning | undefined, base: AppSettings = DEFAULT_APP_SETTINGS): AppSettings {
  if (p === undefined) return base;
  const n = p.notifications ?? {};
  return {
    ...base,
    ...(p.apiUrl !== undefined ? { apiUrl: p.apiUrl } : {}),
    ...(p.topics !== undefined ? { topics: p.topics } : {}),
    ...(p.autostart !== undefined ? { autostart: p.autostart } : {}),
    ...(p.consoleUrlTemplate !== undefined ? { consoleUrlTemplate: p.consoleUrlTemplate } : {}),
    notifications: {
      ...base.notifications,
      ...n,
      kinds: { ...base.notifications.kinds, ...n.kinds },
    },
  };
}

function pick(s: AppSettings, key: LockableSetting): unknown {
  if (key.startsWith('notifications.')) return s.notifications[key.slice('notifications.'.length) as keyof AppSettings['notifications']];
  return s[key as keyof AppSettings];
}

function put(s: AppSettings, key: LockableSetting, value: unknown): AppSettings {
  if (key.startsWith('notifications.')) {
    return { ...s, notifications: { ...s.notifications, [key.slice('notifications.'.length)]: value } };
  }
  return { ...s, [key]: value };
}

/** The user's settings with every locked setting forced to the administrator's value. */
export function enforceLocks(user: AppSettings, p: Provisioning | undefined): AppSettings {
  if (p?.lock === undefined) return user;
  const preset = provisionedDefaults(p);
  let out = user;
  for (const key of p.lock) out = put(out, key, pick(preset, key));
  return out;
}

/** Locked settings an edit tries to change: the app refuses the edit and names them. */
export function lockedChanges(before: AppSettings, after: AppSettings, p: Provisioning | undefined): LockableSetting[] {
  return (p?.lock ?? []).filter((key) => JSON.stringify(pick(before, key)) !== JSON.stringify(pick(after, key)));
}

/** Fills `{agent_id}` / `{customer_id}` in provisioned topic templates. */
export function expandTopicTemplates(templates: readonly string[], who: { agentId?: string | undefined; customerId: string }): string[] {
  return templates
    .filter((t) => who.agentId !== undefined || !t.includes('{agent_id}'))
    .map((t) => t.replaceAll('{agent_id}', who.agentId ?? '').replaceAll('{customer_id}', who.customerId));
}
