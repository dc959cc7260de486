import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsStore, openConfFile, type OpenSettingsFile } from '../../main/desktop/settings/settings-store.js';
import type { Migration } from '../../main/desktop/settings/migrations.js';
import { openElectronStore } from '../../main/electron/electron-settings-store.js';
import { DEFAULT_APP_SETTINGS } from '../../shared/app-settings.js';
import { ipcMain } from '../fakes/electron.js';

let dir: string;
let file: string;
const at = new Date('2026-11-23T09:15:00.123Z');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vbn-settings-'));
  file = join(dir, 'settings.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const backups = async (): Promise<string[]> => (await readdir(dir)).filter((f) => f.includes('.corrupt-'));

// electron-store is what the app uses (with the stand-in electron, vitest.config.ts); plain conf,
// the same file handling without Electron, is the default for Node-only callers.
describe.each<[string, OpenSettingsFile]>([
  ['electron-store', openElectronStore],
  ['conf', openConfFile],
])('settings store through %s', (_library, open) => {
  const store = (extra: Partial<ConstructorParameters<typeof SettingsStore>[0]> = {}): SettingsStore =>
    new SettingsStore({ file, now: () => at, open, ...extra });

  it('no file: the defaults, and nothing to say', async () => {
    const r = await store().load();
    expect(r).toEqual({ settings: DEFAULT_APP_SETTINGS, notice: undefined, migratedFrom: undefined });
  });

  it('saves atomically and reads back what it saved', async () => {
    const s = store();
    await s.load();
    const next = { ...DEFAULT_APP_SETTINGS, apiUrl: 'https://voipbin.example.com', topics: ['agent_id:x'], autostart: false };
    await Promise.all([s.save({ ...next, autostart: true }), s.save(next)]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(next);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await store().load()).settings).toEqual(next);
  });

  it('keys it does not know are not corruption: dropped on the next save, like the schema does', async () => {
    await writeFile(file, JSON.stringify({ ...DEFAULT_APP_SETTINGS, apiUrl: 'https://pbx.example.com', fromAFutureBuild: true }));
    const s = store();
    const r = await s.load();
    expect(r).toMatchObject({ notice: undefined, settings: { apiUrl: 'https://pbx.example.com' } });
    await s.update({ autostart: false });
    expect(JSON.parse(await readFile(file, 'utf8'))).not.toHaveProperty('fromAFutureBuild');
  });

  it('refuses to save what the schema refuses', async () => {
    const s = store();
    await expect(
      s.save({
        ...DEFAULT_APP_SETTINGS,
        notifications: { ...DEFAULT_APP_SETTINGS.notifications, quietHours: { enabled: true, start: '25:00', end: '08:00' } },
      }),
    ).rejects.toMatchObject({ code: 'config_invalid' });
  });

  it('migrates an unversioned file: keeps what is valid, fills the rest, writes the current version back', async () => {
    await writeFile(
      file,
      JSON.stringify({
        apiUrl: 'https://voipbin.example.com',
        topics: 'agent_id:not-a-list',
        autostart: false,
        notifications: { privacy: true, quietHours: { enabled: true, start: '19:00', end: '07:30' } },
      }),
    );
    const r = await store().load();
    expect(r.notice).toBeUndefined();
    expect(r.migratedFrom).toBe(0);
    expect(r.settings).toMatchObject({ version: 4, apiUrl: 'https://voipbin.example.com', topics: null, autostart: false });
    expect(r.settings.notifications).toMatchObject({
      privacy: true,
      quietHours: { enabled: true, start: '19:00', end: '07:30' },
      callsBreakThroughDnd: true,
      callWindow: true,
    });
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 4 });
  });

  it('a version 1 file keeps every setting and gains the call window, on, the presence settings, off but for a 60 s reminder, and live transcripts, off', async () => {
    const v1Notifications: Partial<typeof DEFAULT_APP_SETTINGS.notifications> = { ...DEFAULT_APP_SETTINGS.notifications };
    delete v1Notifications.callWindow;
    delete v1Notifications.wrapUpSeconds;
    delete v1Notifications.backToAvailable;
    delete v1Notifications.awayOnLock;
    delete v1Notifications.liveTranscripts;
    const v1 = {
      ...DEFAULT_APP_SETTINGS,
      version: 1,
      apiUrl: 'https://voipbin.example.com',
      topics: ['agent_id:a0000000-0000-4000-8000-000000000001:call:call_'],
      autostart: false,
      notifications: {
        ...v1Notifications,
        privacy: true,
        customerCalls: true,
        kinds: { ...DEFAULT_APP_SETTINGS.notifications.kinds, chat_message: { enabled: false, sound: false } },
      },
    };
    await writeFile(file, JSON.stringify(v1));
    const r = await store().load();
    expect(r.notice).toBeUndefined();
    expect(r.migratedFrom).toBe(1);
    expect(r.settings).toEqual({
      ...v1,
      version: 4,
      notifications: { ...v1.notifications, callWindow: true, wrapUpSeconds: 60, backToAvailable: false, awayOnLock: false, liveTranscripts: false },
    });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(r.settings);
  });

  it('runs a chain of migrations in order', async () => {
    const unversioned: Partial<typeof DEFAULT_APP_SETTINGS> = { ...DEFAULT_APP_SETTINGS, apiUrl: 'https://one.example' };
    delete unversioned.version;
    await writeFile(file, JSON.stringify(unversioned));
    const seen: number[] = [];
    const migrations: Record<number, Migration> = {
      0: (o) => {
        seen.push(0);
        return { ...o, version: 1, apiUrl: `${String(o.apiUrl)}/two` };
      },
      1: (o) => {
        seen.push(1);
        return { ...o, version: 2, apiUrl: `${String(o.apiUrl)}/three` };
      },
      2: (o) => {
        seen.push(2);
        return { ...o, version: 3, apiUrl: `${String(o.apiUrl)}/four` };
      },
      3: (o) => {
        seen.push(3);
        return { ...o, version: 4, apiUrl: `${String(o.apiUrl)}/five` };
      },
    };
    const r = await store({ migrations, currentVersion: 4 }).load();
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(r.settings.apiUrl).toBe('https://one.example/two/three/four/five');
  });

  it.each([
    ['not JSON', '{"apiUrl": "https://x", ', /is not valid JSON/],
    ['invalid field', JSON.stringify({ ...DEFAULT_APP_SETTINGS, consoleUrlTemplate: 42 }), /"consoleUrlTemplate" is invalid/],
    ['written by a newer version', JSON.stringify({ ...DEFAULT_APP_SETTINGS, version: 9 }), /newer version of the app \(settings version 9\)/],
    ['a version that is no number', JSON.stringify({ version: 'one' }), /version is not a number/],
  ])('%s: backed up, reset to the defaults, said once — never a crash', async (_what, content, why) => {
    await writeFile(file, content);
    const r = await store().load();
    expect(r.settings).toEqual(DEFAULT_APP_SETTINGS);
    expect(r.notice).toMatch(why);
    const [backup] = await backups();
    expect(backup).toBe('settings.corrupt-2026-11-23T09-15-00-123Z.json');
    expect(r.notice).toContain(join(dir, backup!));
    expect(await readFile(join(dir, backup!), 'utf8')).toBe(content);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(DEFAULT_APP_SETTINGS);
    // The next start is clean.
    expect((await store().load()).notice).toBeUndefined();
  });

  it('a migration that throws is a reset too', async () => {
    await writeFile(file, JSON.stringify({ apiUrl: 'x' }));
    const r = await store({
      migrations: {
        0: () => {
          throw new Error('boom');
        },
      },
    }).load();
    expect(r.notice).toMatch(/upgrading it failed \(boom\)/);
    expect(await backups()).toHaveLength(1);
  });

  it("content that is not an object: backed up and reset with the validator's words", async () => {
    await writeFile(file, '[1, 2]');
    const r = await store().load();
    expect(r.notice).toMatch(/does not match the settings schema/);
    expect(r.settings).toEqual(DEFAULT_APP_SETTINGS);
    expect(await backups()).toHaveLength(1);
  });
});

describe('electron-store in the main process', () => {
  it('its unchecked renderer channel (initRenderer) is taken down again', async () => {
    await new SettingsStore({ file, open: openElectronStore }).load();
    await new SettingsStore({ file, open: openElectronStore }).save(DEFAULT_APP_SETTINGS);
    // It did run its main-process path against the stand-in, and nothing of it is left listening.
    expect(ipcMain.registered).toEqual(['electron-store-get-data']);
    expect([...ipcMain.listeners.keys()]).toEqual([]);
  });
});
