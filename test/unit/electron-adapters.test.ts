import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fake from '../fakes/electron.js';
import type { ReplyDraftView, RingingCallView } from '../../shared/ipc-contract.js';

// Only the Electron edge is fake; the adapters' collaborators (main/desktop, main/core) are real.
vi.mock('electron', () => import('../fakes/electron.js'));

const { credentialProtection } = await import('../../main/electron/safe-storage-sealer.js');
const { registerIpc, REFUSED } = await import('../../main/electron/ipc.js');
const { TrayView, menuTemplate } = await import('../../main/electron/tray.js');
const { ElectronNotificationSink } = await import('../../main/electron/electron-notification-sink.js');
const { autostartPort } = await import('../../main/electron/autostart-port.js');
const { FileCredentialStore } = await import('../../main/core/account/credential-store.js');
const { createIpcHandlers } = await import('../../main/desktop/ipc/handlers.js');
const { CALL_WINDOW_CHANNELS, REPLY_WINDOW_CHANNELS } = await import('../../main/desktop/ipc/window-trust.js');
const { DesktopApp } = await import('../../main/desktop/desktop-app.js');
const { electronSettingsStore } = await import('../../main/electron/electron-settings-store.js');
const { silentLogger } = await import('../../main/core/platform/log.js');
const { CHANNEL_NAMES, STATE_EVENT } = await import('../../shared/ipc-contract.js');
const { baseState } = await import('../support/app-state.js');
const { CallWindow } = await import('../../main/electron/call-window.js');
const { ReplyWindow } = await import('../../main/electron/reply-window.js');
const { SettingsWindow } = await import('../../main/electron/settings-window.js');
const { SECURE_WEB_PREFERENCES } = await import('../support/secure-web-preferences.js');

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJ0eXBlIjoiYWdlbnQifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vbn-electron-'));
  fake.safeStorage.available = true;
  fake.safeStorage.backend = 'gnome_libsecret';
  fake.Notification.supported = true;
  fake.Notification.behaviour = 'show';
  fake.ipcMain.handlers.clear();
  fake.app.isPackaged = true;
  fake.app.loginItems.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('safeStorage sealer', () => {
  it('round-trips the sign-in through the OS keychain: the file holds no token', async () => {
    const p = await credentialProtection('linux');
    expect(p).toMatchObject({ protection: 'keychain', seal: true, warning: undefined });
    expect(p.sealer).toBeDefined();
    const store = new FileCredentialStore({ dir, sealer: p.sealer });
    const saved = {
      apiUrl: 'https://api.voipbin.net',
      credential: { kind: 'jwt' as const, token: TOKEN },
      username: 'alex',
      savedAt: new Date('2026-11-20T10:00:00Z'),
    };
    await store.save(saved);
    const onDisk = await readFile(store.location);
    expect(store.location.endsWith('credentials.sealed')).toBe(true);
    expect(onDisk.toString('utf8')).not.toContain(TOKEN);
    expect(onDisk.toString('latin1')).not.toContain('alex');
    expect((await stat(store.location)).mode & 0o777).toBe(0o600);
    expect(await store.load()).toEqual(saved);
    expect(fake.safeStorage.calls).toEqual(expect.arrayContaining(['encryptStringAsync', 'decryptStringAsync']));
  });

  it('without a keyring: no sealing, the plain 0600 file, and a visible warning', async () => {
    fake.safeStorage.available = false;
    const p = await credentialProtection('linux');
    expect(p.protection).toBe('plaintext');
    expect(p.sealer).toBeUndefined();
    expect(p.warning).toMatch(/saved unencrypted.*only your user account can read/);
  });

  it('Linux basic_text (a fixed key) is called weak, with a warning, though sealed', async () => {
    fake.safeStorage.backend = 'basic_text';
    const p = await credentialProtection('linux');
    expect(p).toMatchObject({ protection: 'weak', seal: true });
    expect(p.warning).toMatch(/only obfuscated/);
  });

  it('macOS and Windows never ask for a Linux backend', async () => {
    fake.safeStorage.calls.length = 0;
    expect((await credentialProtection('darwin')).protection).toBe('keychain');
    expect(fake.safeStorage.calls).not.toContain('getSelectedStorageBackend');
  });
});

function desktopApp(): InstanceType<typeof DesktopApp> {
  return new DesktopApp({
    version: '0.0.0-test',
    credentials: new FileCredentialStore({ dir }),
    protection: { protection: 'keychain', seal: true, warning: undefined },
    settings: electronSettingsStore({ file: join(dir, 'settings.json') }),
    sink: undefined,
    logger: silentLogger(),
    logFolder: dir,
    port: {
      copyToClipboard: () => Promise.resolve(),
      openExternal: () => Promise.resolve(),
      openPath: () => Promise.resolve(''),
      setAutostart: () => Promise.resolve(),
      autostartSupported: false,
      quit: () => undefined,
    },
  });
}

describe('IPC registration', () => {
  const PAGE = 'file:///opt/voipbin-notifier/resources/app.asar/dist/renderer/index.html';
  const CALL_PAGE = 'file:///opt/voipbin-notifier/resources/app.asar/dist/renderer/call.html';
  const REPLY_PAGE = 'file:///opt/voipbin-notifier/resources/app.asar/dist/renderer/reply.html';
  const mainFrame = { url: PAGE };
  const event = (over: { id?: number; url?: string; subframe?: boolean } = {}): unknown => {
    const frame = over.url === undefined ? mainFrame : { url: over.url };
    const sender = { id: over.id ?? 7, mainFrame: over.subframe === true ? mainFrame : frame };
    return { sender, senderFrame: over.subframe === true ? { url: PAGE } : frame };
  };

  async function registered(): Promise<(channel: string, ev: unknown, payload?: unknown) => Promise<unknown>> {
    const c = desktopApp();
    await c.start();
    registerIpc(
      fake.ipcMain as never,
      createIpcHandlers(c, silentLogger()),
      () => [
        { webContentsId: 7, pageUrl: PAGE },
        { webContentsId: 9, pageUrl: CALL_PAGE, channels: CALL_WINDOW_CHANNELS },
        { webContentsId: 11, pageUrl: REPLY_PAGE, channels: REPLY_WINDOW_CHANNELS },
      ],
      silentLogger(),
    );
    return (channel, ev, payload) => {
      const h = fake.ipcMain.handlers.get(channel);
      if (h === undefined) throw new Error(`no handler for ${channel}`);
      return Promise.resolve(h(ev, payload));
    };
  }

  it('registers exactly the contract channels', async () => {
    await registered();
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it('answers our own window, with the page URL even when it carries a #fragment', async () => {
    const call = await registered();
    const reply = await call('state:get', event({ url: `${PAGE}#topics` }));
    expect(reply).toMatchObject({ ok: true, value: { account: { signedIn: false }, connection: { state: 'signed_out' } } });
  });

  it.each([
    ['another webContents', { id: 8 }],
    ['a subframe of our window', { subframe: true }],
    ['our window after navigating elsewhere', { url: 'https://evil.example/index.html' }],
    ['another local file', { url: 'file:///tmp/index.html' }],
  ])('refuses %s before looking at the payload', async (_what, over) => {
    const call = await registered();
    expect(await call('account:sign-out', event(over))).toEqual(REFUSED);
    expect(await call('state:get', event(over))).toEqual(REFUSED);
  });

  it('the call window may read the state and use its buttons, the reply window its drafts, and nothing else', async () => {
    const call = await registered();
    const fromCallWindow = (): unknown => {
      const frame = { url: CALL_PAGE };
      return { sender: { id: 9, mainFrame: frame }, senderFrame: frame };
    };
    expect(await call('state:get', fromCallWindow())).toMatchObject({ ok: true });
    expect(await call('calls:dismiss', fromCallWindow(), { id: 'c0ffee00-0000-4000-8000-000000000001' })).toMatchObject({ ok: true, value: { ringing: 0 } });
    for (const channel of ['account:sign-out', 'webhook:copy-secret', 'diagnostics:copy', 'app:quit', 'notifications:update']) {
      expect(await call(channel, fromCallWindow())).toEqual(REFUSED);
    }
    // The reply window: its state and its drafts; not the call buttons, not the account.
    const fromReplyWindow = (): unknown => {
      const frame = { url: REPLY_PAGE };
      return { sender: { id: 11, mainFrame: frame }, senderFrame: frame };
    };
    expect(await call('replies:discard', fromReplyWindow(), { id: 'r1' })).toMatchObject({ ok: true, value: { drafts: 0 } });
    expect(await call('replies:send', fromReplyWindow(), { id: 'r1', text: 'x'.repeat(8_001) })).toMatchObject({ ok: false });
    for (const channel of ['calls:open', 'account:sign-out', 'webhook:copy-secret', 'notifications:update']) {
      expect(await call(channel, fromReplyWindow())).toEqual(REFUSED);
    }
    expect(await call('replies:send', fromCallWindow(), { id: 'r1', text: 'x' })).toEqual(REFUSED);
    // Nor may the call window's page borrow the settings window's rights from another webContents.
    const callPageInSettingsWebContents = { url: CALL_PAGE };
    expect(await call('account:sign-out', { sender: { id: 7, mainFrame: callPageInSettingsWebContents }, senderFrame: callPageInSettingsWebContents })).toEqual(
      REFUSED,
    );
  });

  it("refuses malformed payloads with the schema's reason, and never reaches the app", async () => {
    const call = await registered();
    expect(await call('notifications:pause', event(), { choice: 'forever' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/^choice: /) as unknown },
    });
    expect(await call('notifications:history', event(), { limit: 10_000 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await call('account:sign-in', event(), { method: 'password', apiUrl: '', username: '', password: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: 'username: enter your username' },
    });
    expect(await call('subscriptions:set', event(), { topics: 'agent_id:x' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await call('state:get', event(), { unexpected: true })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('refuses when there is no settings window at all', async () => {
    const c = desktopApp();
    await c.start();
    registerIpc(fake.ipcMain as never, createIpcHandlers(c, silentLogger()), () => [{ webContentsId: undefined, pageUrl: PAGE }], silentLogger());
    expect(await fake.ipcMain.handlers.get('state:get')?.(event(), undefined)).toEqual(REFUSED);
  });
});

describe('tray', () => {
  const assets = '/app/assets';

  it('shows each state with its own icon, the state in words, and rebuilds the menu only on change', () => {
    const acts: unknown[] = [];
    const view = new TrayView((a) => acts.push(a), assets, 'linux');
    const tray = fake.Tray.created.at(-1)!;
    expect(tray.image.source).toBe('/app/assets/tray/linux/signed-out-24.png');

    const now = Date.parse('2026-11-23T10:00:00Z');
    const connected = baseState({ connection: { state: 'subscribed', lastEventAt: now - 120_000 } });
    view.update(connected, now);
    expect(tray.image.source).toBe('/app/assets/tray/linux/connected-24.png');
    expect(tray.tooltip).toBe('VoIPBIN Notifier — Receiving calls · last event 2 min ago');
    expect(tray.menu?.template[0]).toMatchObject({ label: 'Receiving calls · last event 2 min ago', enabled: false });
    const builds = tray.menuBuilds;
    view.update(connected, now);
    expect(tray.menuBuilds).toBe(builds);

    view.update(baseState({ connection: { state: 'reconnecting', retryAt: now + 4_000 } }), now);
    expect(tray.image.source).toBe('/app/assets/tray/linux/connecting-24.png');
    expect(tray.tooltip).toMatch(/Reconnecting… · retrying in 4 s/);
    view.update(baseState({ alert: { reason: 'stream_down', title: 'Not receiving calls', message: 'Disconnected for 2 min.', since: now } }), now);
    expect(tray.image.source).toBe('/app/assets/tray/linux/offline-24.png');
    view.update(baseState({ pausedUntil: 'indefinite' }), now);
    expect(tray.image.source).toBe('/app/assets/tray/linux/paused-24.png');
    view.update(baseState({ account: { signedIn: false, apiUrl: 'https://api.voipbin.net' } }), now);
    expect(tray.image.source).toBe('/app/assets/tray/linux/signed-out-24.png');
    expect(tray.menuBuilds).toBeGreaterThan(builds);

    // Menu clicks reach the app as actions.
    const reconnect = tray.menu?.template.find((i) => i.label === 'Reconnect now');
    expect(reconnect?.enabled).toBe(false);
    tray.emit('click');
    expect(acts).toEqual([{ type: 'settings' }]);
  });

  it('paints an unread dot on Linux and Windows, and puts the count in the title on macOS', () => {
    const now = Date.now();
    const unread = baseState({
      unread: 3,
      recent: [
        {
          seq: 1,
          kind: 'missed_call',
          title: 'Missed call from Jane',
          body: 'at 09:58',
          at: now,
          shown: true,
          heldBecause: null,
          read: false,
          openable: true,
          transcript: false,
        },
      ],
    });
    const linux = new TrayView(() => undefined, assets, 'linux');
    linux.update(unread, now);
    const lt = fake.Tray.created.at(-1)!;
    expect(lt.image.source).toBe('bitmap');
    const px = lt.image.toBitmap();
    // BGRA: the top-left corner is now red-ish, the rest untouched.
    const r = Math.round(48 * 0.2);
    const centre = (r * 48 + r) * 4;
    expect([px[centre], px[centre + 1], px[centre + 2], px[centre + 3]]).toEqual([38, 38, 220, 255]);
    expect(px[(40 * 48 + 40) * 4 + 3]).toBe(0);
    const mac = new TrayView(() => undefined, assets, 'darwin');
    mac.update(unread, now);
    const mt = fake.Tray.created.at(-1)!;
    expect(mt.image.source).toBe('/app/assets/tray/mac/connectedTemplate.png');
    expect(mt.title).toBe(' 3');
    const win = new TrayView(() => undefined, assets, 'win32');
    win.update(baseState(), now);
    expect(fake.Tray.created.at(-1)!.image.source).toBe('/app/assets/tray/win/connected.ico');
  });

  it('menu template: separators, submenus and clicks', () => {
    const acts: unknown[] = [];
    const t = menuTemplate(
      [
        { label: 'a', enabled: false },
        { label: 'Pause', enabled: true, submenu: [{ label: 'For 1 hour', enabled: true, action: { type: 'pause', choice: '1h' } }] },
        { label: 'Quit', enabled: true, action: { type: 'quit' }, separatorBefore: true },
      ],
      (a) => acts.push(a),
    );
    expect(t.map((i) => i.type ?? i.label)).toEqual(['a', 'Pause', 'separator', 'Quit']);
    (t[1]?.submenu as { click?: () => void }[])[0]?.click?.();
    (t[3] as { click?: () => void }).click?.();
    expect(acts).toEqual([{ type: 'pause', choice: '1h' }, { type: 'quit' }]);
  });

  it('menu template: a choice with a check mark is a radio item, the rest stay plain', () => {
    const t = menuTemplate(
      [
        { label: 'Available', enabled: true, checked: false, action: { type: 'set-status', status: 'available' } },
        { label: 'Busy', enabled: true, checked: true, action: { type: 'set-status', status: 'busy' } },
        { label: 'Quit', enabled: true, action: { type: 'quit' } },
      ],
      () => undefined,
    );
    expect(t.map((i) => [i.label, i.type, i.checked])).toEqual([
      ['Available', 'radio', false],
      ['Busy', 'radio', true],
      ['Quit', undefined, undefined],
    ]);
  });

  it("a caller's & is shown as written, not taken as a keyboard mnemonic", () => {
    const t = menuTemplate([{ label: 'Recent', enabled: true, submenu: [{ label: '● 09:02  Missed call from Tom & Jerry', enabled: true }] }], () => undefined);
    expect((t[0]?.submenu as { label?: string }[])[0]?.label).toBe('● 09:02  Missed call from Tom && Jerry');
  });
});

describe('settings window', () => {
  const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

  it('made on demand, shown when ready; a second show brings the same window forward; closed, it is gone', async () => {
    const win = new SettingsWindow({
      preload: '/p.cjs',
      page: '/index.html',
      title: () => 'VoIPBIN Notifier — Receiving calls',
      trayless: () => false,
      quitting: () => false,
    });
    const before = fake.BrowserWindow.created.length;
    win.show();
    const w = fake.BrowserWindow.created.at(-1)!;
    expect(w.options).toMatchObject({ title: 'VoIPBIN Notifier — Receiving calls', show: false, minWidth: 480 });
    expect(w.loaded).toBe('/index.html');
    await settle();
    expect(w.visible).toBe(true);
    w.minimize();
    win.show();
    expect([fake.BrowserWindow.created.length - before, w.minimized, w.focused]).toEqual([1, false, true]);
    expect(win.webContentsId).toBe(w.webContents.id);
    w.close();
    expect(w.destroyed).toBe(true);
    expect(win.current).toBeUndefined();
  });

  it('where no tray icon can be seen, closing only minimises it (it is the sign the app runs); quitting closes it', async () => {
    let quitting = false;
    const win = new SettingsWindow({ preload: '/p.cjs', page: '/index.html', title: () => 't', trayless: () => true, quitting: () => quitting });
    win.show({ minimized: true });
    const w = fake.BrowserWindow.created.at(-1)!;
    await settle();
    expect([w.visible, w.minimized, w.focused]).toEqual([true, true, false]);
    w.close();
    expect([w.destroyed, w.minimized]).toEqual([false, true]);
    quitting = true;
    w.close();
    expect(w.destroyed).toBe(true);
  });
});

describe('call window', () => {
  const ring = (id: string, title: string): RingingCallView => ({
    id,
    title,
    body: 'Ringing on extension 2001',
    startedAt: Date.now(),
    openable: true,
    contactOpenable: false,
  });
  const A = ring('a0000000-0000-4000-8000-0000000000aa', 'Incoming call from Jane Cooper');
  const B = ring('b0000000-0000-4000-8000-0000000000bb', 'Incoming call from Ravi Shah');
  const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

  it('appears for a ringing call without taking the keyboard, on top, on every workspace, top-right; goes when the calls end', async () => {
    const closed: (readonly string[])[] = [];
    const view = new CallWindow({ preload: '/app/preload.cjs', page: '/app/renderer/call.html', onClosed: (ids) => closed.push(ids) });
    const before = fake.BrowserWindow.created.length;
    view.update(baseState());
    expect(fake.BrowserWindow.created.length).toBe(before);

    view.update(baseState({ ringing: [A] }));
    const win = fake.BrowserWindow.created.at(-1)!;
    expect(fake.BrowserWindow.created.length).toBe(before + 1);
    expect(win.options).toMatchObject({ show: false, alwaysOnTop: true, webPreferences: { ...SECURE_WEB_PREFERENCES, preload: '/app/preload.cjs' } });
    expect(win.loaded).toBe('/app/renderer/call.html');
    expect(win.alwaysOnTop).toEqual({ flag: true, level: 'pop-up-menu' });
    expect(win.allWorkspaces).toEqual({ flag: true, options: { visibleOnFullScreen: true, skipTransformProcessType: true } });
    await settle();
    expect(win.visible).toBe(true);
    expect(win.focused).toBe(false);
    expect(win.shownInactive).toBe(1);
    expect(win.bounds).toMatchObject({ x: 1440 - 400 - 16, y: 25 + 16, width: 400 });
    expect(view.webContentsId).toBe(win.webContents.id);
    expect(win.webContents.sent.at(-1)).toEqual([STATE_EVENT, expect.objectContaining({ ringing: [A] })]);

    // The same call again (another leg, a ring-time update): no new jump to the front.
    view.update(baseState({ ringing: [A] }));
    expect(win.shownInactive).toBe(1);
    // The agent drags it elsewhere; updates leave it there. A second call: to the front again, and
    // taller, where the agent put it.
    win.setBounds({ ...win.bounds, x: 200, y: 300 });
    view.update(baseState({ ringing: [A] }));
    expect(win.bounds).toMatchObject({ x: 200, y: 300 });
    const oneHigh = win.bounds.height;
    view.update(baseState({ ringing: [A, B] }));
    expect(win.shownInactive).toBe(2);
    expect(win.bounds).toMatchObject({ x: 200, y: 300 });
    expect(win.bounds.height).toBeGreaterThan(oneHigh);

    // The agent closes it: both calls leave the window, the window only hides.
    win.close();
    expect(closed).toEqual([[A.id, B.id]]);
    expect(win.destroyed).toBe(false);
    expect(win.visible).toBe(false);

    view.update(baseState({ ringing: [B] }));
    expect(win.visible).toBe(true);
    view.update(baseState({ ringing: [] }));
    expect(win.visible).toBe(false);
    view.destroy();
    expect(win.destroyed).toBe(true);
  });

  it('stays for my call in progress when it has a live transcript, taller; closing it stops showing that transcript', async () => {
    const closed: (readonly string[])[] = [];
    const view = new CallWindow({ preload: '/p.cjs', page: '/call.html', onClosed: (ids) => closed.push(ids) });
    const live = { id: 'c0000000-0000-4000-8000-0000000000cc', title: 'On a call with Jane Cooper', answeredAt: 0, hidden: false, lines: [], count: 0 };
    view.update(baseState({ ringing: [A] }));
    const win = fake.BrowserWindow.created.at(-1)!;
    await settle();
    const ringingHeight = win.bounds.height;
    // Answered: the ringing card goes, the transcript stays.
    view.update(baseState({ ringing: [], liveCall: live }));
    expect(win.visible).toBe(true);
    expect(win.bounds.height).toBeGreaterThan(ringingHeight);
    win.close();
    expect(closed).toEqual([[`live:${live.id}`]]);
    view.update(baseState({ ringing: [], liveCall: null }));
    expect(win.visible).toBe(false);
    view.destroy();
  });

  it('a quiet minute after the last call, the window is destroyed: no renderer idles all day', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const view = new CallWindow({ preload: '/p.cjs', page: '/call.html', onClosed: () => undefined });
      view.update(baseState({ ringing: [A] }));
      const win = fake.BrowserWindow.created.at(-1)!;
      view.update(baseState({ ringing: [] }));
      vi.advanceTimersByTime(59_000);
      expect(win.destroyed).toBe(false);
      // Another call inside the minute keeps the same window.
      view.update(baseState({ ringing: [B] }));
      view.update(baseState({ ringing: [] }));
      vi.advanceTimersByTime(59_000);
      expect(win.destroyed).toBe(false);
      vi.advanceTimersByTime(2_000);
      expect(win.destroyed).toBe(true);
      expect(view.webContentsId).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('reply window', () => {
  const draft = (id: string, askedAt: number, over: Partial<ReplyDraftView> = {}): ReplyDraftView => ({
    id,
    kind: 'conversation',
    title: 'Message from Maria Lopez',
    quote: 'Is my order on its way?',
    text: '',
    state: 'writing',
    error: null,
    askedAt,
    ...over,
  });
  const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

  it('comes to the front, with the keyboard, each time the agent asks; closing keeps the drafts; gone when nothing is left to send', async () => {
    const view = new ReplyWindow({ preload: '/app/preload.cjs', page: '/app/renderer/reply.html' });
    const before = fake.BrowserWindow.created.length;
    view.update(baseState());
    expect(fake.BrowserWindow.created.length).toBe(before);

    view.update(baseState({ replies: [draft('r1', 1_000)] }));
    const win = fake.BrowserWindow.created.at(-1)!;
    expect(win.options).toMatchObject({ show: false, title: 'Reply', webPreferences: { ...SECURE_WEB_PREFERENCES, preload: '/app/preload.cjs' } });
    expect(win.options.alwaysOnTop).toBeUndefined();
    expect(win.loaded).toBe('/app/renderer/reply.html');
    await settle();
    expect([win.visible, win.focused]).toEqual([true, true]);
    expect(view.webContentsId).toBe(win.webContents.id);
    expect(win.webContents.sent.at(-1)).toEqual([STATE_EVENT, expect.objectContaining({ replies: [draft('r1', 1_000)] })]);

    // The agent closes it: hidden, the drafts kept by the app. A state push (a failed send by the
    // app itself, say) does not pop it up again; the agent asking again does.
    win.close();
    expect([win.visible, win.destroyed]).toEqual([false, false]);
    view.update(baseState({ replies: [draft('r1', 1_000, { state: 'failed', error: 'x' })] }));
    expect(win.visible).toBe(false);
    view.update(baseState({ replies: [draft('r1', 2_000)] }));
    expect([win.visible, win.focused]).toEqual([true, true]);

    view.update(baseState({ replies: [] }));
    expect(win.visible).toBe(false);
    view.destroy();
    expect(win.destroyed).toBe(true);
  });

  it('a window made for a reply that is gone before it could show stays hidden; the next ask shows it', async () => {
    const view = new ReplyWindow({ preload: '/p.cjs', page: '/reply.html' });
    view.update(baseState({ replies: [draft('r1', 1_000)] }));
    const win = fake.BrowserWindow.created.at(-1)!;
    // Sent inline (or discarded) before the page was ready to show.
    view.update(baseState({ replies: [] }));
    await settle();
    expect(win.visible).toBe(false);
    view.update(baseState({ replies: [draft('r2', 2_000)] }));
    expect([fake.BrowserWindow.created.at(-1), win.visible, win.focused]).toEqual([win, true, true]);
    view.destroy();
  });

  it('closed by the agent with drafts left, the window is destroyed after a quiet minute, whatever state arrives meanwhile; the next ask makes a new one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const view = new ReplyWindow({ preload: '/p.cjs', page: '/reply.html' });
      view.update(baseState({ replies: [draft('r1', 1_000, { text: 'half a thought' })] }));
      const win = fake.BrowserWindow.created.at(-1)!;
      await settle();
      expect(win.visible).toBe(true);
      win.close();
      vi.advanceTimersByTime(30_000);
      // The app's own pushes (a connection blip, another draft's send) are not the agent asking.
      view.update(baseState({ replies: [draft('r1', 1_000, { text: 'half a thought', state: 'failed', error: 'x' })] }));
      vi.advanceTimersByTime(31_000);
      expect(win.destroyed).toBe(true);
      expect(view.webContentsId).toBeUndefined();
      view.update(baseState({ replies: [draft('r1', 1_000, { text: 'half a thought' })] }));
      expect(fake.BrowserWindow.created.at(-1)).toBe(win);

      view.update(baseState({ replies: [draft('r1', 3_000, { text: 'half a thought' })] }));
      const again = fake.BrowserWindow.created.at(-1)!;
      expect(again).not.toBe(win);
      await settle();
      expect([again.visible, again.focused]).toEqual([true, true]);
      expect(again.webContents.sent.at(-1)).toEqual([STATE_EVENT, expect.objectContaining({ replies: [draft('r1', 3_000, { text: 'half a thought' })] })]);
      // Asked again within the minute: it stays.
      again.close();
      view.update(baseState({ replies: [draft('r1', 4_000, { text: 'half a thought' })] }));
      vi.advanceTimersByTime(61_000);
      expect([again.destroyed, again.visible]).toEqual([false, true]);
      view.destroy();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a note alone (a reply refused, its text kept) brings the window up', async () => {
    const view = new ReplyWindow({ preload: '/p.cjs', page: '/reply.html' });
    const before = fake.BrowserWindow.created.length;
    const note = { id: 'n1', message: 'Your reply was not sent: …', text: 'See you at 3', askedAt: 5_000 };
    view.update(baseState({ replyNotes: [note] }));
    expect(fake.BrowserWindow.created.length).toBe(before + 1);
    const win = fake.BrowserWindow.created.at(-1)!;
    await settle();
    expect([win.visible, win.focused]).toEqual([true, true]);
    expect(win.webContents.sent.at(-1)).toEqual([STATE_EVENT, expect.objectContaining({ replyNotes: [note] })]);
    view.update(baseState());
    expect(win.visible).toBe(false);
    view.destroy();
  });

  it('a quiet minute after the last draft, the window is destroyed', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const view = new ReplyWindow({ preload: '/p.cjs', page: '/reply.html' });
      view.update(baseState({ replies: [draft('r1', 1)] }));
      const win = fake.BrowserWindow.created.at(-1)!;
      view.update(baseState({ replies: [] }));
      vi.advanceTimersByTime(61_000);
      expect(win.destroyed).toBe(true);
      expect(view.webContentsId).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Electron notification sink', () => {
  const popup = {
    kind: 'incoming_call' as const,
    resourceId: 'call-1',
    title: 'Incoming call from Jane',
    body: 'Ringing on desk phone',
    sound: true,
    urgent: true,
    at: 0,
  };

  it('calls stay until dealt with and break through as critical; a click deep-links its resource', async () => {
    const clicks: string[] = [];
    const sink = new ElectronNotificationSink({ onClick: (id) => clicks.push(id) });
    await sink.show(popup);
    const n = fake.Notification.created.at(-1)!;
    expect(n.options).toMatchObject({
      title: 'Incoming call from Jane',
      body: 'Ringing on desk phone',
      silent: false,
      urgency: 'critical',
      timeoutType: 'never',
    });
    n.click();
    expect(clicks).toEqual(['call-1']);
    await sink.show({ ...popup, kind: 'chat_message', resourceId: 'msg-1', sound: false, urgent: false });
    expect(fake.Notification.created.at(-1)!.options).toMatchObject({ silent: true, urgency: 'normal', timeoutType: 'default' });
  });

  it('one live pop-up per resource: a newer one replaces it, a withdrawal closes it', async () => {
    const sink = new ElectronNotificationSink({ onClick: () => undefined });
    await sink.show(popup);
    const first = fake.Notification.created.at(-1)!;
    await sink.show({ ...popup, title: 'Missed call from Jane' });
    const second = fake.Notification.created.at(-1)!;
    expect(first.closed).toBe(true);
    await sink.withdraw('call-1');
    expect(second.closed).toBe(true);
  });

  it('rejects when the OS refuses or has no notifications, so the app can raise its alert', async () => {
    const sink = new ElectronNotificationSink({ onClick: () => undefined });
    fake.Notification.behaviour = 'failed';
    await expect(sink.show(popup)).rejects.toThrow(/turned off for this app/);
    fake.Notification.supported = false;
    await expect(sink.show(popup)).rejects.toThrow(/does not support notifications/);
  });

  it('where the notification server renders markup (Linux), the body is escaped; elsewhere it is passed as it is', async () => {
    const hostile = {
      ...popup,
      kind: 'inbound_message' as const,
      resourceId: 'sms-1',
      title: 'SMS from Tom & Jerry',
      body: 'Tom & Jerry: <b>URGENT</b> <a href="https://evil.example">pay</a>',
    };
    await new ElectronNotificationSink({ onClick: () => undefined, bodyMarkup: () => true }).show(hostile);
    expect(fake.Notification.created.at(-1)!.options).toMatchObject({
      title: 'SMS from Tom & Jerry',
      body: 'Tom &amp; Jerry: &lt;b&gt;URGENT&lt;/b&gt; &lt;a href="https://evil.example"&gt;pay&lt;/a&gt;',
    });
    await new ElectronNotificationSink({ onClick: () => undefined, bodyMarkup: () => false }).show(hostile);
    expect(fake.Notification.created.at(-1)!.options.body).toBe(hostile.body);
    await new ElectronNotificationSink({ onClick: () => undefined }).show(hostile);
    expect(fake.Notification.created.at(-1)!.options.body).toBe(hostile.body);
  });

  it('a message that can be answered: an inline reply field (macOS, Windows) hands back the text; a Reply button (Linux) asks for the window', async () => {
    const message = {
      ...popup,
      kind: 'inbound_message' as const,
      resourceId: 'msg-9',
      replyTo: { kind: 'conversation' as const, id: 'c0ffee00-0000-4000-8000-00000000c0c0' },
    };
    const replies: [string, string][] = [];
    const asked: string[] = [];
    const handlers = {
      onClick: () => undefined,
      onReply: (id: string, text: string) => replies.push([id, text]),
      onReplyAction: (id: string) => asked.push(id),
    };
    await new ElectronNotificationSink({ ...handlers, replyStyle: 'inline' }).show(message);
    const inline = fake.Notification.created.at(-1)!;
    expect(inline.options).toMatchObject({ hasReply: true, replyPlaceholder: 'Reply…' });
    expect(inline.options.actions).toBeUndefined();
    inline.reply('On my way');
    expect(replies).toEqual([['msg-9', 'On my way']]);

    await new ElectronNotificationSink({ ...handlers, replyStyle: 'action' }).show(message);
    const button = fake.Notification.created.at(-1)!;
    expect(button.options.actions).toEqual([{ type: 'button', text: 'Reply' }]);
    expect(button.options.hasReply).toBeUndefined();
    button.action(0);
    expect(asked).toEqual(['msg-9']);

    // Calls and messages that cannot be answered get neither.
    await new ElectronNotificationSink({ ...handlers, replyStyle: 'action' }).show(popup);
    const call = fake.Notification.created.at(-1)!;
    expect([call.options.actions, call.options.hasReply]).toEqual([undefined, undefined]);
    call.action(0);
    expect(asked).toEqual(['msg-9']);
  });

  it("a pop-up's own action (the busy trap's Set Available) is a button after Reply, handing its id back; inline reply or not", async () => {
    const reminder = {
      ...popup,
      kind: 'summary' as const,
      resourceId: 'presence-reminder',
      title: 'You are still Busy — queue calls cannot reach you',
      action: { id: 'set-available' as const, label: 'Set Available' },
    };
    const pressed: [string, string][] = [];
    const asked: string[] = [];
    const handlers = { onClick: () => undefined, onAction: (id: string, a: string) => pressed.push([id, a]), onReplyAction: (id: string) => asked.push(id) };
    await new ElectronNotificationSink({ ...handlers, replyStyle: 'inline' }).show(reminder);
    const alone = fake.Notification.created.at(-1)!;
    expect([alone.options.actions, alone.options.hasReply]).toEqual([[{ type: 'button', text: 'Set Available' }], undefined]);
    alone.action(0);
    expect(pressed).toEqual([['presence-reminder', 'set-available']]);

    // With a Reply button too (Linux): Reply first, then the action, each pressed by its own index.
    const both = { ...reminder, resourceId: 'msg-7', replyTo: { kind: 'conversation' as const, id: 'c0ffee00-0000-4000-8000-00000000c0c1' } };
    await new ElectronNotificationSink({ ...handlers, replyStyle: 'action' }).show(both);
    const two = fake.Notification.created.at(-1)!;
    expect(two.options.actions).toEqual([
      { type: 'button', text: 'Reply' },
      { type: 'button', text: 'Set Available' },
    ]);
    two.action(1);
    expect([pressed, asked]).toEqual([
      [
        ['presence-reminder', 'set-available'],
        ['msg-7', 'set-available'],
      ],
      [],
    ]);
    two.action(0);
    two.action(2);
    expect([pressed.length, asked]).toEqual([2, ['msg-7']]);
    // Inline reply where the OS has it, and the action as the one button.
    await new ElectronNotificationSink({ ...handlers, replyStyle: 'inline' }).show(both);
    expect(fake.Notification.created.at(-1)!.options).toMatchObject({ hasReply: true, actions: [{ type: 'button', text: 'Set Available' }] });
  });

  it('an OS that never confirms still counts as shown after the timeout', async () => {
    fake.Notification.behaviour = 'silent';
    const sink = new ElectronNotificationSink({ onClick: () => undefined, shownTimeoutMs: 20 });
    await expect(sink.show(popup)).resolves.toBeUndefined();
  });
});

describe('start at login', () => {
  it('Linux: writes and removes an XDG autostart entry that starts hidden', async () => {
    const port = autostartPort('linux', { XDG_CONFIG_HOME: dir });
    expect(port.autostartSupported).toBe(true);
    await port.setAutostart(true);
    const entry = await readFile(join(dir, 'autostart', 'voipbin-notifier.desktop'), 'utf8');
    expect(entry).toMatch(/^Exec=.* --hidden$/m);
    expect(entry).toMatch(/^X-GNOME-Autostart-enabled=true$/m);
    await port.setAutostart(false);
    await expect(stat(join(dir, 'autostart', 'voipbin-notifier.desktop'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(fake.app.loginItems).toEqual([]);
  });

  it.each(['darwin', 'win32'] as const)('%s: Electron login items, hidden', async (platform) => {
    const port = autostartPort(platform, {});
    await port.setAutostart(true);
    await port.setAutostart(false);
    expect(fake.app.loginItems).toEqual([
      { openAtLogin: true, openAsHidden: true, args: ['--hidden'] },
      { openAtLogin: false, openAsHidden: true, args: ['--hidden'] },
    ]);
  });

  it('a development run (not packaged) does not offer it', () => {
    fake.app.isPackaged = false;
    expect(autostartPort('linux', { XDG_CONFIG_HOME: dir }).autostartSupported).toBe(false);
  });
});

describe('preload', () => {
  it('exposes only window.voipbin: invoke on contract channels and onState', async () => {
    await import('../../main/electron/preload.js');
    const api = fake.contextBridge.exposed.get('voipbin') as import('../../shared/bridge.js').VoipbinBridge;
    expect([...fake.contextBridge.exposed.keys()]).toEqual(['voipbin']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'onState']);

    fake.ipcRenderer.reply = () => ({ ok: true, value: { opened: true, message: 'ok' } });
    await expect(api.invoke('notifications:open', { seq: 3 })).resolves.toEqual({ opened: true, message: 'ok' });
    expect(fake.ipcRenderer.invoked.at(-1)).toEqual({ channel: 'notifications:open', payload: { seq: 3 } });
    fake.ipcRenderer.reply = () => ({ ok: false, error: { code: 'wrong_password', message: 'Wrong username or password.' } });
    await expect(api.invoke('state:get')).rejects.toMatchObject({ name: 'BridgeError', code: 'wrong_password', message: 'Wrong username or password.' });
    const before = fake.ipcRenderer.invoked.length;
    await expect((api.invoke as (c: string) => Promise<unknown>)('ipc:anything')).rejects.toThrow(/unknown channel/);
    expect(fake.ipcRenderer.invoked.length).toBe(before);

    const seen: unknown[] = [];
    const off = api.onState((s) => seen.push(s.version));
    fake.ipcRenderer.emit(STATE_EVENT, {}, baseState());
    off();
    fake.ipcRenderer.emit(STATE_EVENT, {}, baseState());
    expect(seen).toEqual(['0.1.0']);
  });
});
