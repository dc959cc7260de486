import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronSettingsStore } from '../../main/electron/electron-settings-store.js';
import type { Provisioning } from '../../main/desktop/settings/provisioning.js';
import { DEFAULT_APP_SETTINGS } from '../../shared/app-settings.js';

const prov: Provisioning = {
  version: 1,
  apiUrl: 'https://voipbin.acme.example',
  notifications: { privacy: true, customerCalls: true },
  autostart: false,
  lock: ['apiUrl', 'notifications.privacy'],
};

const file = (): string => join(mkdtempSync(join(tmpdir(), 'vbn-settings-')), 'settings.json');

describe('settings with central provisioning', () => {
  it("a new user starts from the administrator's presets", async () => {
    const store = electronSettingsStore({ file: file(), provisioning: prov });
    const { settings } = await store.load();
    expect(settings).toMatchObject({ apiUrl: 'https://voipbin.acme.example', autostart: false });
    expect(settings.notifications).toMatchObject({ privacy: true, customerCalls: true });
    expect(store.locked).toEqual(['apiUrl', 'notifications.privacy']);
  });

  it('an existing user keeps their choices, except locked ones', async () => {
    const f = file();
    writeFileSync(
      f,
      JSON.stringify({
        ...DEFAULT_APP_SETTINGS,
        apiUrl: 'https://api.voipbin.net',
        autostart: true,
        notifications: { ...DEFAULT_APP_SETTINGS.notifications, privacy: false, customerCalls: false },
      }),
    );
    const { settings } = await electronSettingsStore({ file: f, provisioning: prov }).load();
    expect(settings.apiUrl).toBe('https://voipbin.acme.example');
    expect(settings.notifications.privacy).toBe(true);
    expect(settings.autostart).toBe(true);
    expect(settings.notifications.customerCalls).toBe(false);
  });

  it('refuses edits to locked settings, saying which, and keeps the file as it was', async () => {
    const f = file();
    const store = electronSettingsStore({ file: f, provisioning: prov });
    await store.load();
    await store.update({ autostart: true });
    const before = readFileSync(f, 'utf8');
    await expect(store.update({ notifications: { privacy: false } })).rejects.toMatchObject({
      code: 'setting_locked',
      message: expect.stringMatching(/administrator set and locked "notifications.privacy"/) as unknown,
    });
    expect(readFileSync(f, 'utf8')).toBe(before);
    expect(store.settings.notifications.privacy).toBe(true);
  });

  it('a corrupted settings file resets to the presets, not to the bare defaults', async () => {
    const f = file();
    writeFileSync(f, '{ not json');
    const loaded = await electronSettingsStore({ file: f, provisioning: prov }).load();
    expect(loaded.notice).toMatch(/not valid JSON/);
    expect(loaded.settings.apiUrl).toBe('https://voipbin.acme.example');
  });

  it('without provisioning nothing is locked', async () => {
    const store = electronSettingsStore({ file: file() });
    await store.load();
    expect(store.locked).toEqual([]);
    await store.update({ apiUrl: 'https://pbx.example.com' });
    expect(store.settings.apiUrl).toBe('https://pbx.example.com');
  });
});
