import { existsSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import Conf, { type Options as ConfOptions } from 'conf';
import { z } from 'zod';
import { AppSettingsSchema, SETTINGS_VERSION, type AppSettings } from '../../../shared/app-settings.js';
import { applyNotificationPatch, type NotificationSettingsPatch } from '../../../shared/notification-settings.js';
import { MIGRATIONS, record, type Migration } from './migrations.js';
import { NotifierError, TypedEmitter, describeError } from '../../core/platform/index.js';
import { enforceLocks, lockedChanges, provisionedDefaults, type Provisioning, type LockableSetting } from './provisioning.js';

/**
 * The desktop settings file: versioned JSON, validated by the shared schema, migrated forward on
 * load. The file itself is read and written (atomically, via `atomically`) by conf — in the app by
 * electron-store, which is conf plus Electron's defaults (main/electron/electron-settings-store.ts);
 * this module stays Electron-free, so it takes the file's opener as an option. A file that cannot
 * be understood is never fatal and never silently dropped: it is moved aside as
 * `settings.corrupt-<time>.json`, the defaults take its place, and the app says so once.
 *
 * Changes are patches (`update`); every change to the file, whoever made it, is announced once
 * as `changed(prev, next)` — from conf's own `onDidAnyChange`, so the file and the event cannot
 * disagree. The migrations are ours (migrations.ts).
 */
/** What the store needs of a conf (or electron-store) instance: the file, its whole content through `store` (read and validated; written atomically), and its change event. */
export interface SettingsFile {
  readonly path: string;
  store: Record<string, unknown>;
  onDidAnyChange(callback: (newValue?: Readonly<Record<string, unknown>>, oldValue?: Readonly<Record<string, unknown>>) => void): () => unknown;
}

/** Some settings changed: only what the user touched; notifications merge field by field. */
export type AppSettingsPatch = Partial<Omit<AppSettings, 'version' | 'notifications'>> & { notifications?: NotificationSettingsPatch | undefined };

export interface SettingsChange {
  prev: AppSettings;
  next: AppSettings;
}

export interface SettingsStoreEvents {
  changed: SettingsChange;
}

export function applySettingsPatch(s: AppSettings, p: AppSettingsPatch): AppSettings {
  const { notifications, ...rest } = p;
  const top = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<AppSettings>;
  return { ...s, ...top, notifications: notifications === undefined ? s.notifications : applyNotificationPatch(s.notifications, notifications) };
}

/** conf's options, with the file named by electron-store's `name` (conf calls it `configName`). */
export type SettingsFileOptions = Omit<ConfOptions<Record<string, unknown>>, 'configName'> & { name: string; cwd: string };

export type OpenSettingsFile = (options: SettingsFileOptions) => SettingsFile;

/** Plain conf: the same file handling without Electron, for Node-only callers (the app passes electron-store). */
export const openConfFile: OpenSettingsFile = ({ name, ...options }) => new Conf<Record<string, unknown>>({ ...options, configName: name });

/** conf's message for content its ajv validator refused (conf/source/index.ts `_validate`). */
const SCHEMA_VIOLATION = 'Config schema violation:';

/**
 * The JSON schema conf checks the file against on every read and write, generated from the shared
 * zod schema so there is one definition. `io: 'input'` because the file is zod's input: like zod, it
 * then lets unknown keys through (dropped on the next save) instead of calling the file corrupt.
 * It goes in conf's `rootSchema` as if/then, not in `schema` (which would hold every file to it):
 * only a file at the current version must match; an older one is ours to migrate first and a newer
 * one ours to refuse with a clear message.
 */
function fileSchema(): Record<string, unknown> {
  const current: Record<string, unknown> = { ...z.toJSONSchema(AppSettingsSchema, { io: 'input' }) };
  // The dialect belongs at the root, which conf builds (draft 2020-12, ajv's Ajv2020).
  delete current.$schema;
  return {
    if: { type: 'object', properties: { version: { const: SETTINGS_VERSION } }, required: ['version'] },
    then: current,
  };
}

export interface LoadedSettings {
  settings: AppSettings;
  /** Set when the file was unusable and has been reset: tell the user once. */
  notice: string | undefined;
  /** Versions the file went through, e.g. [0, 1]. */
  migratedFrom: number | undefined;
}

export interface SettingsStoreOptions {
  file: string;
  /** The machine-wide provisioning (provisioning.ts): presets for a new user, and locks. */
  provisioning?: Provisioning | undefined;
  migrations?: Readonly<Record<number, Migration>>;
  currentVersion?: number;
  now?: () => Date;
  /** Opens the file: electron-store in the app (main/electron/electron-settings-store.ts); plain conf by default. */
  open?: OpenSettingsFile;
}

type Interpreted = { settings: AppSettings; version: number } | { why: string };

export class SettingsStore extends TypedEmitter<SettingsStoreEvents> {
  readonly file: string;
  private readonly migrations: Readonly<Record<number, Migration>>;
  private readonly currentVersion: number;
  private readonly now: () => Date;
  private readonly provisioning: Provisioning | undefined;
  private readonly open: OpenSettingsFile;
  /** Where a new (or reset) user starts: the built-in defaults with the administrator's presets. */
  private readonly defaults: AppSettings;
  private current: AppSettings;
  /** The open file; undefined until first used, and again after the file was moved aside. */
  private backing: SettingsFile | undefined;
  private unwatch: (() => unknown) | undefined;

  constructor(opts: SettingsStoreOptions) {
    super();
    this.file = opts.file;
    this.provisioning = opts.provisioning;
    this.defaults = enforceLocks(provisionedDefaults(opts.provisioning), opts.provisioning);
    this.current = this.defaults;
    this.migrations = opts.migrations ?? MIGRATIONS;
    this.currentVersion = opts.currentVersion ?? SETTINGS_VERSION;
    this.now = opts.now ?? (() => new Date());
    this.open = opts.open ?? openConfFile;
  }

  get settings(): AppSettings {
    return this.current;
  }

  /** Settings the administrator locked: shown with a lock, edits refused. */
  get locked(): readonly LockableSetting[] {
    return this.provisioning?.lock ?? [];
  }

  async load(): Promise<LoadedSettings> {
    // conf reads a missing file as {}, which would look like an unversioned file to migrate.
    if (!existsSync(this.file)) {
      this.current = this.defaults;
      return { settings: this.current, notice: undefined, migratedFrom: undefined };
    }
    let raw: Record<string, unknown>;
    try {
      // clearInvalidConfig is off, so conf throws here on bad JSON or a schema violation.
      raw = this.backend().store;
    } catch (e) {
      this.backing = undefined;
      return this.reset(this.whyUnusable(e));
    }
    const read = this.interpret(raw);
    if ('why' in read) return this.reset(read.why);
    // The user's own choices stand, except what the administrator locked.
    this.current = enforceLocks(read.settings, this.provisioning);
    const migrated = read.version !== this.currentVersion;
    if (migrated) await this.save(this.current);
    return { settings: this.current, notice: undefined, migratedFrom: migrated ? read.version : undefined };
  }

  /** Validates, then writes (conf writes atomically, synchronously: saves land in call order). */
  // eslint-disable-next-line @typescript-eslint/require-await -- async: callers get a rejection, never a throw
  async save(next: AppSettings): Promise<AppSettings> {
    const locked = lockedChanges(this.current, next, this.provisioning);
    if (locked.length > 0) {
      throw new NotifierError('setting_locked', `Your administrator set and locked ${locked.map((k) => `"${k}"`).join(', ')}; it cannot be changed here.`, {
        locked,
      });
    }
    const parsed = AppSettingsSchema.safeParse(next);
    if (!parsed.success) {
      throw new NotifierError('config_invalid', `Refusing to save invalid settings: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
    const backend = this.backend();
    try {
      // conf announces the write through onDidAnyChange (fileChanged), which updates `current`.
      backend.store = parsed.data;
    } catch (e) {
      throw new NotifierError('config_invalid', `Cannot save the settings to ${this.file}: ${describeError(e)}`, {}, { cause: e });
    }
    this.current = parsed.data;
    return parsed.data;
  }

  /** Applies a change to what is stored now, whatever the caller last saw. */
  async update(patch: AppSettingsPatch): Promise<AppSettings> {
    return this.save(applySettingsPatch(this.current, patch));
  }

  /** Stops listening to the file. */
  dispose(): void {
    this.unwatch?.();
    this.unwatch = undefined;
  }

  private fileChanged(raw: Readonly<Record<string, unknown>> | undefined): void {
    const parsed = AppSettingsSchema.safeParse(raw);
    if (!parsed.success) return;
    const prev = this.current;
    this.current = enforceLocks(parsed.data, this.provisioning);
    this.emit('changed', { prev, next: this.current });
  }

  private backend(): SettingsFile {
    if (this.backing !== undefined) return this.backing;
    this.backing = this.open({
      name: basename(this.file, extname(this.file)),
      fileExtension: extname(this.file).slice(1),
      cwd: dirname(this.file),
      rootSchema: fileSchema(),
      // Never silently empty a file we cannot read: we back it up and say so (load()).
      clearInvalidConfig: false,
      // Keys are whole settings, never dot paths; the file is only the user's to read.
      accessPropertiesByDotNotation: false,
      configFileMode: 0o600,
      serialize: (value) => JSON.stringify(value, null, 2) + '\n',
    });
    this.unwatch?.();
    this.unwatch = this.backing.onDidAnyChange((next) => this.fileChanged(next));
    return this.backing;
  }

  /** Our own reading of the file's content: version, migrations, then the shared schema. */
  private interpret(raw: Record<string, unknown>): Interpreted {
    const version = raw.version === undefined ? 0 : raw.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) return { why: 'its version is not a number' };
    if (version > this.currentVersion) return { why: `it was written by a newer version of the app (settings version ${version})` };
    let data: Record<string, unknown> = raw;
    for (let v = version; v < this.currentVersion; v++) {
      const step = this.migrations[v];
      if (step === undefined) return { why: `no way to upgrade settings version ${v}` };
      try {
        data = step(data);
      } catch (e) {
        return { why: `upgrading it failed (${describeError(e)})` };
      }
    }
    const parsed = AppSettingsSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { why: `"${issue?.path.map(String).join('.') || 'top level'}" is invalid: ${issue?.message ?? 'unexpected value'}` };
    }
    return { settings: parsed.data, version };
  }

  /** Words for what conf threw while reading the file. */
  private whyUnusable(e: unknown): string {
    if (e instanceof SyntaxError) return 'it is not valid JSON';
    const message = e instanceof Error ? e.message : '';
    if (!message.startsWith(SCHEMA_VIOLATION)) return `it could not be read (${describeError(e)})`;
    // ajv's words name JSON pointers; zod's (the same schema) are the ones the window uses too.
    try {
      const read = this.interpret(record(JSON.parse(readFileSync(this.file, 'utf8'))));
      if ('why' in read) return read.why;
    } catch {
      // Gone or changed since conf read it: conf's own words below.
    }
    return `it does not match the settings schema (${message.slice(SCHEMA_VIOLATION.length).trim()})`;
  }

  private async reset(why: string): Promise<LoadedSettings> {
    const stamp = this.now().toISOString().replace(/[:.]/g, '-');
    const backup = join(dirname(this.file), `${basename(this.file, '.json')}.corrupt-${stamp}.json`);
    let kept = `It was moved to ${backup}.`;
    try {
      renameSync(this.file, backup);
    } catch (e) {
      kept = `It could not be moved aside (${describeError(e)}).`;
    }
    this.backing = undefined;
    this.current = this.defaults;
    await this.save(this.current).catch(() => undefined);
    return {
      settings: this.current,
      notice: `Your settings could not be used because ${why}. ${kept} The default settings are in use; please check them.`,
      migratedFrom: undefined,
    };
  }
}
