import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as fake from '../fakes/electron.js';
import { APP_CSP } from '../../main/electron/security.js';
import { CHANNEL_NAMES } from '../../shared/ipc-contract.js';

/**
 * main/electron/main.ts booted against the fake electron module: the wiring itself — what it asks
 * of Electron before the app is ready, what it sets up once it is, and that quitting waits for the
 * desktop app to stop. Everything behind it (main/desktop, main/core) is real.
 */
let dir: string;
const saved = { ...process.env };
/** Windows other test files made through the same fake (unit tests share modules): not ours. */
let windowsBefore = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vbn-main-'));
  fake.app.pathRoot = dir;
  fake.app.calls.length = 0;
  fake.ipcMain.handlers.clear();
  windowsBefore = fake.BrowserWindow.created.length;
  // No machine-wide provisioning and no session bus: the boot must not depend on this machine.
  process.env.VOIPBIN_NOTIFIER_PROVISIONING = join(dir, 'no-provisioning.json');
  process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${join(dir, 'no-bus')}`;
  await import('../../main/electron/main.js');
});

afterAll(async () => {
  process.env = saved;
  fake.app.pathRoot = '/nonexistent/fake-electron';
  fake.ipcMain.handlers.clear();
  await rm(dir, { recursive: true, force: true });
});

const settingsWindow = (): fake.BrowserWindow | undefined =>
  fake.BrowserWindow.created.slice(windowsBefore).find((w) => w.loaded?.endsWith('index.html') === true);

describe('the Electron main process', () => {
  it('before the app is ready: one instance, the sandbox for every renderer, every webContents hardened as it is made', () => {
    expect(fake.app.calls.slice(0, 2)).toEqual(['requestSingleInstanceLock', 'enableSandbox']);
    const contents = new fake.FakeWebContents();
    fake.app.emit('web-contents-created', new fake.FakeEvent(), contents);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true);
    // Closing the last window keeps the app (and its connection) in the tray.
    expect(fake.app.listenerCount('window-all-closed')).toBe(1);
    fake.app.emit('window-all-closed');
    expect(fake.app.calls).not.toContain('quit');
  });

  it('once ready: the default session locked down, the contract channels handled, the tray and (signed out) the window shown', async () => {
    fake.app.ready();
    await vi.waitFor(() => expect(settingsWindow()?.visible).toBe(true), { timeout: 5_000 });
    const s = fake.session.defaultSession;
    let cancel: boolean | undefined;
    s.beforeRequest?.({ url: 'https://evil.example/' }, (r) => (cancel = r.cancel));
    expect(cancel).toBe(true);
    let headers: Record<string, string[]> | undefined;
    s.headersReceived?.({ url: 'file:///x', responseHeaders: {} }, (r) => (headers = r.responseHeaders));
    expect(headers?.['Content-Security-Policy']).toEqual([APP_CSP]);
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual([...CHANNEL_NAMES].sort());
    expect(fake.Tray.created.at(-1)?.image.source).toMatch(/signed-out/);
    expect(fake.app.protocolClients).toEqual(['voipbin-notifier']);
  });

  it('answers the settings window it made, and only it', async () => {
    const window = settingsWindow();
    const page = pathToFileURL(window?.loaded ?? '').href;
    const frame = { url: page };
    const stateGet = fake.ipcMain.handlers.get('state:get');
    expect(await stateGet?.({ sender: { id: window?.webContents.id, mainFrame: frame }, senderFrame: frame }, undefined)).toMatchObject({
      ok: true,
      value: { account: { signedIn: false }, connection: { state: 'signed_out' } },
    });
    expect(await stateGet?.({ sender: { id: 1, mainFrame: frame }, senderFrame: frame }, undefined)).toMatchObject({ ok: false });
  });

  it('a second launch brings the window back', async () => {
    const window = settingsWindow();
    window?.minimize();
    fake.app.emit('second-instance', new fake.FakeEvent(), ['voipbin-notifier']);
    await vi.waitFor(() => expect(window?.isMinimized()).toBe(false));
  });

  it('quitting waits for the desktop app to stop, then goes', async () => {
    fake.app.quit();
    // The first quit is held back while the desktop app stops...
    expect(fake.app.quitted).toBe(false);
    // ...then the app quits by itself, with the tray gone.
    await vi.waitFor(() => expect(fake.app.quitted).toBe(true), { timeout: 5_000 });
    expect(fake.Tray.created.at(-1)?.destroyed).toBe(true);
    expect(fake.app.exitCode).toBeUndefined();
  });
});
