import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { AppSettingsSchema, DEFAULT_APP_SETTINGS, SETTINGS_VERSION, type AppSettings } from '../../shared/app-settings.js';
import { NotificationSettingsSchema } from '../../shared/notification-settings.js';
import { NotifierError, describeError } from '../core/errors.js';
import { enforceLocks, lockedChanges, provisionedDefaults, type Provisioning, type LockableSetting } from '../core/provisioning.js';

/**
 * The desktop settings file: versioned JSON, validated by the shared schema, migrated forward on
 * load, written atomically. A file that cannot be understood is never fatal and never silently
 * dropped: it is moved aside as `settings.corrupt-<time>.json`, the defaults take its place, and
 * the app says so once.
 */
export type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

function record(v: unknown): Record<string, unknown> {
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
};

export interface LoadedSettings {
  settings: AppSettings;
  /** Set when the file was unusable and has been reset: tell the user once. */
  notice: string | undefined;
  /** Versions the file went through, e.g. [0, 1]. */
  migratedFrom: number | undefined;
}

export interface SettingsStoreOptions {
  file: string;
  /** The machine-wide provisioning (core/provisioning.ts): presets for a new user, and locks. */
  provisioning?: Provisioning | undefined;
  migrations?: Readonly<Record<number, Migration>>;
  currentVersion?: number;
  now?: () => Date;
}

export class SettingsStore {
  readonly file: string;
  private readonly migrations: Readonly<Record<number, Migration>>;
  private readonly currentVersion: number;
  private readonly now: () => Date;
  private readonly provisioning: Provisioning | undefined;
  /** Where a new (or reset) user starts: the built-in defaults with the administrator's presets. */
  private readonly defaults: AppSettings;
  private current: AppSettings;
  private writes: Promise<void> = Promise.resolve();

  constructor(opts: SettingsStoreOptions) {
    this.file = opts.file;
    this.provisioning = opts.provisioning;
    this.defaults = enforceLocks(provisionedDefaults(opts.provisioning), opts.provisioning);
    this.current = this.defaults;
    this.migrations = opts.migrations ?? MIGRATIONS;
    this.currentVersion = opts.currentVersion ?? SETTINGS_VERSION;
    this.now = opts.now ?? (() => new Date());
  }

  get settings(): AppSettings {
    return this.current;
  }

  /** Settings the administrator locked: shown with a lock, edits refused. */
  get locked(): readonly LockableSetting[] {
    return this.provisioning?.lock ?? [];
  }

  async load(): Promise<LoadedSettings> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.current = this.defaults;
        return { settings: this.current, notice: undefined, migratedFrom: undefined };
      }
      return this.reset(`it could not be read (${describeError(e)})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.reset('it is not valid JSON');
    }
    const raw = record(json);
    const version = raw.version === undefined ? 0 : raw.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) return this.reset('its version is not a number');
    if (version > this.currentVersion) return this.reset(`it was written by a newer version of the app (settings version ${version})`);
    let data: Record<string, unknown> = raw;
    for (let v = version; v < this.currentVersion; v++) {
      const step = this.migrations[v];
      if (step === undefined) return this.reset(`no way to upgrade settings version ${v}`);
      try {
        data = step(data);
      } catch (e) {
        return this.reset(`upgrading it failed (${describeError(e)})`);
      }
    }
    const parsed = AppSettingsSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.reset(`"${issue?.path.map(String).join('.') || 'top level'}" is invalid: ${issue?.message ?? 'unexpected value'}`);
    }
    // The user's own choices stand, except what the administrator locked.
    this.current = enforceLocks(parsed.data, this.provisioning);
    if (version !== this.currentVersion) await this.save(this.current);
    return { settings: this.current, notice: undefined, migratedFrom: version !== this.currentVersion ? version : undefined };
  }

  /** Validates, then writes atomically; concurrent saves are applied in call order. */
  async save(next: AppSettings): Promise<AppSettings> {
    const locked = lockedChanges(this.current, next, this.provisioning);
    if (locked.length > 0) {
      throw new NotifierError('setting_locked', `Your administrator set and locked ${locked.map((k) => `"${k}"`).join(', ')}; it cannot be changed here.`, { locked });
    }
    const parsed = AppSettingsSchema.safeParse(next);
    if (!parsed.success) {
      throw new NotifierError('config_invalid', `Refusing to save invalid settings: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
    this.current = parsed.data;
    const text = JSON.stringify(parsed.data, null, 2) + '\n';
    const write = this.writes.then(() => this.writeAtomically(text));
    this.writes = write.catch(() => undefined);
    await write;
    return parsed.data;
  }

  async update(change: (s: AppSettings) => AppSettings): Promise<AppSettings> {
    return this.save(change(this.current));
  }

  private async reset(why: string): Promise<LoadedSettings> {
    const stamp = this.now().toISOString().replace(/[:.]/g, '-');
    const backup = join(dirname(this.file), `${basename(this.file, '.json')}.corrupt-${stamp}.json`);
    let kept = `It was moved to ${backup}.`;
    try {
      await rename(this.file, backup);
    } catch (e) {
      kept = `It could not be moved aside (${describeError(e)}).`;
    }
    this.current = this.defaults;
    await this.save(this.current).catch(() => undefined);
    return {
      settings: this.current,
      notice: `Your settings could not be used because ${why}. ${kept} The default settings are in use; please check them.`,
      migratedFrom: undefined,
    };
  }

  private async writeAtomically(text: string): Promise<void> {
    try {
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      const handle = await open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(tmp, this.file);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
    } catch (e) {
      throw new NotifierError('config_invalid', `Cannot save the settings to ${this.file}: ${describeError(e)}`, {}, { cause: e });
    }
  }
}
