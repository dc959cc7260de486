import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as fake from '../fakes/electron.js';
import { makeConversationMessage } from '../../emulator/fixtures.js';
import { publishAll } from '../../emulator/scenarios.js';
import { MAX_DRAFTS } from '../../main/desktop/features/replies.js';
import { APP_CSP } from '../../main/electron/security.js';
import { CHANNEL_NAMES, STATE_EVENT, type AppState } from '../../shared/ipc-contract.js';
import { ringFor } from '../support/desk.js';
import { PERMISSION, seedAccount, startEmulator } from '../support/harness.js';

/**
 * main/electron/main.ts booted against the fake electron module: the wiring itself — what it asks
 * of Electron before the app is ready, what it sets up once it is, and that quitting waits for the
 * desktop app to stop. Everything behind it (main/desktop, main/core) is real.
 */
let dir: string;
const saved = { ...process.env };
/** Windows other test files made through the same fake (unit tests share modules): not ours. */
let windowsBefore = 0;
/** Pop-ups other test files made through the same fake (an unclosed busy reminder among them): not ours. */
let madeBefore = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vbn-main-'));
  fake.app.pathRoot = dir;
  fake.app.calls.length = 0;
  fake.ipcMain.handlers.clear();
  windowsBefore = fake.BrowserWindow.created.length;
  madeBefore = fake.Notification.created.length;
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

const settingsWindows = (): fake.BrowserWindow[] => fake.BrowserWindow.created.slice(windowsBefore).filter((w) => w.loaded?.endsWith('index.html') === true);
const settingsWindow = (): fake.BrowserWindow | undefined => settingsWindows()[0];
/** The settings window the agent can see: made and not destroyed, shown and not minimised. */
const settingsInSight = (): boolean => settingsWindows().some((w) => !w.destroyed && w.visible && !w.isMinimized());

/** Asked as the settings window asks (the IPC sender check lets only it, or the reply window, through). */
async function invoke(channel: string, payload: unknown): Promise<unknown> {
  const window = settingsWindows().find((w) => !w.destroyed);
  const frame = { url: pathToFileURL(window?.loaded ?? '').href };
  const r = (await fake.ipcMain.handlers.get(channel)?.({ sender: { id: window?.webContents.id, mainFrame: frame }, senderFrame: frame }, payload)) as
    { ok: true; value: unknown } | { ok: false; error: unknown };
  if (!r.ok) throw new Error(`${channel}: ${JSON.stringify(r.error)}`);
  return r.value;
}

async function popUpSaying(body: string): Promise<fake.Notification> {
  let n: fake.Notification | undefined;
  await vi.waitFor(
    () => {
      n = fake.Notification.created.slice(madeBefore).find((x) => x.options.body === body);
      expect(n).toBeDefined();
    },
    { timeout: 6_000 },
  );
  return n!;
}

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

  it(`a click on a message refused at ${MAX_DRAFTS} open replies brings up the reply window with its note, not the settings window; a click that opens nothing else still does`, async () => {
    const emu = await startEmulator();
    try {
      // Conversation messages reach customer topics only: an admin hears them (PROTOCOL.md §2.4).
      const a = seedAccount(emu, PERMISSION.CustomerAdmin);
      const full = emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
      const other = emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
      await invoke('account:sign-in', { method: 'password', apiUrl: emu.url, username: a.username, password: a.password });
      await vi.waitFor(async () => expect(((await invoke('state:get', undefined)) as AppState).connection.state).toBe('subscribed'), { timeout: 6_000 });
      const write = (conversation: string, text: string): void => {
        emu.publish('conversation_message_created', makeConversationMessage({ customer_id: a.customerId, conversation_id: conversation, text }));
      };

      // Every draft holds text: inline replies the server refused, each kept in a draft of its own.
      write(full, 'Is anyone there?');
      const first = await popUpSaying('Is anyone there?');
      emu.failNextRest(`/v1.0/service_agents/conversations/${full}/messages`, MAX_DRAFTS, 503);
      for (let i = 1; i <= MAX_DRAFTS; i++) first.reply(`answer ${i}`);
      await vi.waitFor(
        async () => {
          const s = (await invoke('state:get', undefined)) as AppState;
          expect(s.replies.map((d) => [d.text, d.state])).toEqual(Array.from({ length: MAX_DRAFTS }, (_, i) => [`answer ${i + 1}`, 'failed']));
        },
        { timeout: 6_000 },
      );
      const replyWindows = (): fake.BrowserWindow[] => fake.BrowserWindow.created.slice(windowsBefore).filter((w) => w.loaded?.endsWith('reply.html') === true);
      // A failed inline reply brings the reply window up with its text.
      await vi.waitFor(() => expect(replyWindows().map((w) => w.visible)).toEqual([true]));
      const replyWindow = replyWindows()[0]!;
      // The agent closes both windows and later clicks another customer's message.
      replyWindow.close();
      for (const w of settingsWindows()) w.close();
      expect([replyWindow.visible, settingsInSight()]).toEqual([false, false]);
      const settingsMade = settingsWindows().length;

      write(other, 'Hello? I need help with my order');
      (await popUpSaying('Hello? I need help with my order')).click();
      await vi.waitFor(() => expect([replyWindow.visible, replyWindow.focused]).toEqual([true, true]));
      const shown = replyWindow.webContents.sent.filter(([channel]) => channel === STATE_EVENT).at(-1)?.[1] as AppState;
      expect(shown.replyNotes.map((n) => [n.message, n.text])).toEqual([
        [`${MAX_DRAFTS} replies are already open here, the most kept at once: send or discard one to answer another message.`, ''],
      ]);
      // The click's answer is in front: no settings window made or brought up over it.
      expect([settingsWindows().length, settingsInSight()]).toEqual([settingsMade, false]);

      // Signed out, the same click can open nothing, and no reply window says why: the settings window does.
      fake.app.emit('second-instance', new fake.FakeEvent(), ['voipbin-notifier']);
      await vi.waitFor(() => expect(settingsInSight()).toBe(true));
      await invoke('account:sign-out', undefined);
      for (const w of settingsWindows()) w.close();
      expect(settingsInSight()).toBe(false);
      first.click();
      await vi.waitFor(() => expect(settingsInSight()).toBe(true));
    } finally {
      await emu.stop();
    }
  });

  it("my status through the real wiring: the busy trap's reminder sets me available with one press of its button; the fake powerMonitor's lock sets me away, unlock back", async () => {
    const emu = await startEmulator();
    try {
      const a = seedAccount(emu);
      const puts = (): unknown[] =>
        emu.requests.filter((r) => r.method === 'PUT' && r.path === '/v1.0/service_agents/me/status').map((r) => JSON.parse(r.body) as unknown);
      const status = async (): Promise<string | undefined> => ((await invoke('state:get', undefined)) as AppState).presence?.status;
      await invoke('account:sign-in', { method: 'password', apiUrl: emu.url, username: a.username, password: a.password });
      await vi.waitFor(async () => expect(await status()).toBe('available'), { timeout: 6_000 });
      await invoke('notifications:update', { wrapUpSeconds: 0, awayOnLock: true });

      // A call of mine answered and over: VoIPBIN leaves me busy, and the reminder says so at once (wrap-up 0).
      const ring = ringFor(a);
      publishAll(emu, [...ring.start(), ...ring.answer(0), ...ring.hangup()]);
      let reminder: fake.Notification | undefined;
      await vi.waitFor(
        () => {
          reminder = fake.Notification.created
            .slice(madeBefore)
            .find((n) => n.options.title === 'You are still Busy — queue calls cannot reach you' && !n.closed);
          expect(reminder?.options.actions).toEqual([{ type: 'button', text: 'Set Available' }]);
        },
        { timeout: 6_000 },
      );
      expect(await status()).toBe('busy');
      reminder!.action(0);
      await vi.waitFor(async () => expect(await status()).toBe('available'));
      expect(puts()).toEqual([{ status: 'available' }]);

      // Away while the screen is locked (turned on above), back when it is unlocked.
      fake.powerMonitor.emit('lock-screen');
      await vi.waitFor(async () => expect(await status()).toBe('away'));
      fake.powerMonitor.emit('unlock-screen');
      await vi.waitFor(async () => expect(await status()).toBe('available'));
      expect(puts()).toEqual([{ status: 'available' }, { status: 'away' }, { status: 'available' }]);
      await invoke('account:sign-out', undefined);
    } finally {
      await emu.stop();
    }
  });

  it("the reminder's button pressed while the next call is on sets nothing (available mid-call would put me back in the queues): the reminder goes instead", async () => {
    const emu = await startEmulator();
    try {
      const a = seedAccount(emu);
      const puts = (): unknown[] => emu.requests.filter((r) => r.method === 'PUT' && r.path === '/v1.0/service_agents/me/status');
      const status = async (): Promise<string | undefined> => ((await invoke('state:get', undefined)) as AppState).presence?.status;
      await invoke('account:sign-in', { method: 'password', apiUrl: emu.url, username: a.username, password: a.password });
      await vi.waitFor(async () => expect(await status()).toBe('available'), { timeout: 6_000 });
      await invoke('notifications:update', { wrapUpSeconds: 0 });
      const made = fake.Notification.created.length;
      const first = ringFor(a);
      publishAll(emu, [...first.start(), ...first.answer(0), ...first.hangup()]);
      let reminder: fake.Notification | undefined;
      await vi.waitFor(
        () => {
          reminder = fake.Notification.created.slice(made).find((n) => n.options.title === 'You are still Busy — queue calls cannot reach you' && !n.closed);
          expect(reminder).toBeDefined();
        },
        { timeout: 6_000 },
      );
      // The next call rings and I take it; only then is the old reminder's button pressed.
      const next = ringFor(a, { type: 'tel', target: '+15550177', target_name: 'Omar Haddad' });
      publishAll(emu, [...next.start(), ...next.answer(0)]);
      await vi.waitFor(() => expect(fake.Notification.created.slice(made).some((n) => n.options.title === 'Incoming call from Omar Haddad')).toBe(true), {
        timeout: 6_000,
      });
      reminder!.action(0);
      await vi.waitFor(() => expect(reminder!.closed).toBe(true));
      expect(puts()).toEqual([]);
      expect(await status()).toBe('busy');
      await invoke('account:sign-out', undefined);
    } finally {
      await emu.stop();
    }
  });

  it(`Quit from the tray asks first while replies are unsent ("Keep writing" keeps the app and brings the replies up); the OS's own quit never asks`, async () => {
    // The previous test left ${MAX_DRAFTS} failed drafts with their text (another sign-in's now: still kept, still shown).
    const s = (await invoke('state:get', undefined)) as AppState;
    expect(s.replies.filter((r) => r.text !== '')).toHaveLength(MAX_DRAFTS);
    const replyWindow = fake.BrowserWindow.created.filter((w) => w.loaded?.endsWith('reply.html') === true).at(-1)!;
    replyWindow.close();
    expect(replyWindow.visible).toBe(false);
    const quitItem = fake.Tray.created.at(-1)!.menu!.template.find((i) => i.label?.startsWith('Quit') === true)!;
    fake.dialog.response = 0;
    quitItem.click!();
    await vi.waitFor(() => expect(replyWindow.visible).toBe(true));
    expect(fake.dialog.asked.at(-1)).toMatchObject({
      message: `You have ${MAX_DRAFTS} replies not sent yet`,
      buttons: ['Keep writing', 'Quit and discard'],
      defaultId: 0,
      cancelId: 0,
    });
    expect(fake.app.calls.filter((c) => c === 'quit')).toEqual([]);
  });

  it('quitting waits for the desktop app to stop, then goes', async () => {
    const asked = fake.dialog.asked.length;
    fake.app.quit();
    // The OS's quit (log-out, shutdown) is not asked about.
    expect(fake.dialog.asked).toHaveLength(asked);
    // The first quit is held back while the desktop app stops...
    expect(fake.app.quitted).toBe(false);
    // ...then the app quits by itself, with the tray gone.
    await vi.waitFor(() => expect(fake.app.quitted).toBe(true), { timeout: 5_000 });
    expect(fake.Tray.created.at(-1)?.destroyed).toBe(true);
    expect(fake.app.exitCode).toBeUndefined();
  });
});
