import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIpcHandlers } from '../../main/desktop/ipc/handlers.js';
import { FileCredentialStore } from '../../main/core/account/credential-store.js';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { AgentRing, InboundCall, publishAll } from '../../emulator/scenarios.js';
import { ringFor } from '../support/desk.js';
import { runTrayAction } from '../../main/desktop/shell/tray-actions.js';
import { trayModel } from '../../main/desktop/shell/tray-model.js';
import { electronSettingsStore } from '../../main/electron/electron-settings-store.js';
import { PERMISSION, memoryLogger, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { RecordingSink as Sink, desktopController, saveSignIn as saveAccount, untilState, type Controller } from '../support/desktop-app.js';

/**
 * The desktop app (without Electron) against the emulator, for what the settings window cannot show:
 * start-up from a saved sign-in, power and network events, expiry, clicks on pop-ups, diagnostics.
 */
let emu: VoipbinEmulator;
let dir: string;

beforeEach(async () => {
  emu = await startEmulator();
  dir = await mkdtemp(join(tmpdir(), 'vbn-app-'));
});
afterEach(async () => {
  await emu.stop();
  await rm(dir, { recursive: true, force: true });
});

const controller = (opts: { sink?: Sink; log?: ReturnType<typeof memoryLogger> } = {}): Controller => desktopController(dir, opts);
const until = untilState;
const saveSignIn = (a: Account, secret: string): Promise<void> => saveAccount(dir, emu.url, a, secret);

describe('DesktopApp', () => {
  it('starts from the saved sign-in and connects with no window at all', async () => {
    const a = seedAccount(emu);
    await saveSignIn(a, a.jwt);
    const { c } = controller();
    await c.start();
    await until(c, 'subscribed', (s) => s.connection.state === 'subscribed');
    expect(c.state.account).toMatchObject({ signedIn: true, kind: 'agent', agentId: a.agentId, displayName: 'Alice Agent', expiry: 'ok' });
    expect(c.state.storage).toEqual({ protection: 'plaintext', warning: 'No system keyring is available.' });
    // No token or key anywhere in what the window and tray are given.
    expect(JSON.stringify(c.state)).not.toContain(a.jwt);
    expect(JSON.stringify(c.subscriptions.view())).not.toContain(a.jwt);
    await c.stop();
  });

  it('turning on customer-wide calls subscribes the customer call topic live, and a ringing inbound call pops up', async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAgent | PERMISSION.CustomerManager);
    await saveSignIn(a, a.jwt);
    const sink = new Sink();
    const { c } = controller({ sink });
    await c.start();
    await until(c, 'subscribed', (s) => s.connection.state === 'subscribed');
    const callTopic = `customer_id:${a.customerId}:call:call_`;
    expect(emu.connections().find((x) => !x.closed)!.topics).not.toContain(callTopic);
    await c.notifications.update({ customerCalls: true });
    await emu.waitFor(
      () =>
        emu
          .connections()
          .find((x) => !x.closed)
          ?.topics.includes(callTopic) === true,
    );
    expect(c.subscriptions.view().active.map((r) => r.topic)).toContain(callTopic);
    const inbound = new InboundCall({ customerId: a.customerId, caller: { type: 'tel', target: '+15550100' }, number: { type: 'tel', target: '+15550199' } });
    publishAll(emu, inbound.start());
    await emu.waitFor(() => sink.shown.some((p) => p.title === 'Incoming call from +15550100'));
    await c.stop();
  });

  it('my status: shown once read, set from the tray menu, and the busy trap reminds me with a pop-up after my call', async () => {
    const a = seedAccount(emu);
    await saveSignIn(a, a.jwt);
    const sink = new Sink();
    const { c } = controller({ sink });
    await c.start();
    await until(c, 'my status read', (s) => s.presence?.status === 'available');
    expect(trayModel(c.state, Date.now()).menu.find((i) => i.label.startsWith('Status'))?.label).toBe('Status: Available');
    const ui = { showSettings: (): void => undefined, quit: (): void => undefined };
    await runTrayAction({ type: 'set-status', status: 'away' }, c, ui);
    expect(c.state.presence).toMatchObject({ status: 'away', changedBy: 'me', receivingQueueCalls: false });
    expect(emu.requests.filter((r) => r.method === 'PUT' && r.path === '/v1.0/service_agents/me/status').map((r) => r.body)).toEqual(['{"status":"away"}']);
    await runTrayAction({ type: 'set-status', status: 'available' }, c, ui);
    const ring = ringFor(a);
    publishAll(emu, [...ring.start(), ...ring.answer(0), ...ring.hangup()]);
    await until(c, 'busy after the call', (s) => s.presence?.status === 'busy');
    expect(trayModel(c.state, Date.now()).menu.find((i) => i.label.startsWith('Status'))?.label).toBe("Status: Busy — queue calls won't reach you");
    await emu.waitFor(() => sink.shown.some((p) => p.resourceId === 'presence-reminder'));
    expect(sink.shown.find((p) => p.resourceId === 'presence-reminder')).toMatchObject({
      title: 'You are still Busy — queue calls cannot reach you',
      action: { id: 'set-available', label: 'Set Available' },
    });
    // Still busy past the wrap-up and off a call: the guard's reason, in the tray with its one-click fix.
    await until(c, 'not available', (s) => s.alert?.reason === 'not_available');
    const menu = trayModel(c.state, Date.now()).menu;
    expect(menu[0]?.label).toMatch(/^Connected · Busy — queue calls won't reach you · /);
    expect(menu[1]).toEqual({ label: 'Set me Available', enabled: true, action: { type: 'set-status', status: 'available' } });
    expect(sink.withdrawn.filter((w) => w.resourceId === 'presence-reminder')).toEqual([]);
    await runTrayAction(menu[1]!.action!, c, ui);
    await until(c, 'available again', (s) => s.presence?.status === 'available' && s.alert === null);
    // No longer true, the reminder goes (a pop-up left saying I am busy would be wrong).
    expect(sink.withdrawn.filter((w) => w.resourceId === 'presence-reminder')).toEqual([{ resourceId: 'presence-reminder', reason: 'ended' }]);
    // Reminded again after the next call, then signed out: it goes with the sign-in whose button it had.
    const again = ringFor(a);
    publishAll(emu, [...again.start(), ...again.answer(0), ...again.hangup()]);
    await emu.waitFor(() => sink.shown.filter((p) => p.resourceId === 'presence-reminder').length === 2);
    await c.signOut();
    expect(sink.withdrawn.filter((w) => w.resourceId === 'presence-reminder')).toHaveLength(2);
    await c.stop();
  });

  it('away while away (opt-in): lock → away, unlock → back to what it was; a status changed meanwhile is left alone; off, nothing is set', async () => {
    const a = seedAccount(emu);
    await saveSignIn(a, a.jwt);
    const { c } = controller();
    await c.start();
    await until(c, 'my status read', (s) => s.presence?.status === 'available');
    const puts = (): string[] => emu.requests.filter((r) => r.method === 'PUT' && r.path === '/v1.0/service_agents/me/status').map((r) => r.body);
    // Off by default: a lock sets nothing.
    await c.systemEvent('lock-screen');
    await c.systemEvent('unlock-screen');
    expect(puts()).toEqual([]);
    await c.notifications.update({ awayOnLock: true });
    await c.systemEvent('lock-screen');
    expect(c.state.presence).toMatchObject({ status: 'away', changedBy: 'me' });
    await c.systemEvent('unlock-screen');
    expect(c.state.presence).toMatchObject({ status: 'available' });
    expect(puts()).toEqual(['{"status":"away"}', '{"status":"available"}']);
    // Locked again, and meanwhile the agent chooses busy from the tray: unlocking keeps that choice.
    await c.systemEvent('suspend');
    await runTrayAction({ type: 'set-status', status: 'busy' }, c, { showSettings: () => undefined, quit: () => undefined });
    await c.systemEvent('resume');
    expect(c.state.presence?.status).toBe('busy');
    expect(puts()).toEqual(['{"status":"away"}', '{"status":"available"}', '{"status":"away"}', '{"status":"busy"}']);
    await c.stop();
  });

  it('presence settings: the wrap-up, back to available and away on lock are settings (version 3), lockable by provisioning', async () => {
    const { c } = controller();
    await c.start();
    expect(c.notifications.settings).toMatchObject({ wrapUpSeconds: 60, backToAvailable: false, awayOnLock: false });
    expect(await c.notifications.update({ wrapUpSeconds: 0, backToAvailable: true })).toMatchObject({
      wrapUpSeconds: 0,
      backToAvailable: true,
      awayOnLock: false,
    });
    await c.stop();

    // Set and locked by the administrator's provisioning, like the other settings: changes refused, saying which.
    const lock = ['notifications.wrapUpSeconds', 'notifications.backToAvailable', 'notifications.awayOnLock'] as const;
    const managed = desktopController(join(dir, 'managed'), {
      overrides: {
        settings: electronSettingsStore({
          file: join(dir, 'managed-settings.json'),
          provisioning: { version: 1, notifications: { wrapUpSeconds: 120, backToAvailable: true, awayOnLock: true }, lock: [...lock] },
        }),
      },
    }).c;
    await managed.start();
    expect(managed.notifications.settings).toMatchObject({ wrapUpSeconds: 120, backToAvailable: true, awayOnLock: true });
    expect(managed.state.locked).toEqual(lock);
    for (const patch of [{ wrapUpSeconds: 0 }, { backToAvailable: false }, { awayOnLock: false }]) {
      await expect(managed.notifications.update(patch)).rejects.toMatchObject({ code: 'setting_locked' });
    }
    expect(managed.notifications.settings).toMatchObject({ wrapUpSeconds: 120, backToAvailable: true, awayOnLock: true });
    await managed.stop();
  });

  it('an access key whose server is unreachable at start keeps retrying, then connects', async () => {
    const a = seedAccount(emu);
    await saveSignIn(a, a.accesskey);
    emu.failNextRest('/v1.0/customer', 2, 503);
    const { c } = controller();
    await c.start();
    await until(c, 'retrying', (s) => s.connection.state === 'reconnecting' && s.connection.lastError?.code === 'server_error');
    await until(c, 'subscribed', (s) => s.connection.state === 'subscribed');
    expect(c.state.account).toMatchObject({
      kind: 'accesskey',
      customerId: a.customerId,
      customerAdmin: true,
      expiry: 'ok',
      expiresAt: expect.any(Number) as unknown,
    });
    await c.stop();
  });

  it('resume from sleep reconnects at once, and what rang meanwhile is caught up', async () => {
    const a = seedAccount(emu);
    await saveSignIn(a, a.jwt);
    const sink = new Sink();
    const { c } = controller({ sink });
    await c.start();
    await until(c, 'subscribed', (s) => s.connection.state === 'subscribed');
    void c.systemEvent('suspend');
    emu.goSilent();
    const ring = new AgentRing({
      customerId: a.customerId,
      agentId: a.agentId,
      caller: { type: 'tel', target: '+15550100', target_name: 'Jane Cooper' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(emu, ring.start());
    const connections = emu.connections().length;
    void c.systemEvent('resume');
    // Long before the 1 s watchdog: the resume itself reconnected.
    await emu.waitFor(() => emu.connections().length > connections, 600);
    await until(c, 'the call caught up', () => sink.shown.some((p) => p.title === 'Incoming call from Jane Cooper'));
    expect(c.state.connection).toMatchObject({ state: 'subscribed', suspended: false });
    expect(c.state.alert).toBeNull();
    await c.stop();
  });

  it('offline is said in words; coming back online reconnects at once', async () => {
    const a = seedAccount(emu);
    await saveSignIn(a, a.jwt);
    const { c } = controller();
    await c.start();
    await until(c, 'subscribed', (s) => s.connection.state === 'subscribed');
    void c.systemEvent('offline');
    expect(c.state.connection.online).toBe(false);
    const connections = emu.connections().length;
    void c.systemEvent('online');
    await emu.waitFor(() => emu.connections().length > connections, 600);
    await until(c, 'subscribed again', (s) => s.connection.state === 'subscribed' && s.connection.online);
    await c.stop();
  });

  it('an expired token: no connection attempt, the alert says to sign in again', async () => {
    const a = seedAccount(emu);
    await saveSignIn(a, emu.issueJwt(a.agentId, { expire: new Date(Date.now() - 60_000) }));
    const sink = new Sink();
    const { c } = controller({ sink });
    await c.start();
    await until(c, 'alert', (s) => s.alert !== null);
    expect(c.state.alert).toMatchObject({ reason: 'auth_failed', title: 'Not receiving calls: sign in again' });
    expect(c.state.account).toMatchObject({ signedIn: true, expiry: 'expired' });
    expect(c.state.connection.state).toBe('stopped');
    expect(emu.upgrades).toEqual([]);
    // Raised once, loudly, past pause and quiet hours.
    await until(c, 'loud pop-up', () => sink.shown.some((p) => p.resourceId === 'not-receiving'));
    expect(sink.shown.filter((p) => p.resourceId === 'not-receiving')).toEqual([expect.objectContaining({ urgent: true, sound: true })]);
    await c.stop();
  });

  it('the server refusing the sign-in stops the stream and raises the alert', async () => {
    const a = seedAccount(emu);
    const key = emu.addAccessKey(a.customerId);
    await saveSignIn(a, key);
    const { c } = controller();
    await c.start();
    await until(c, 'subscribed', (s) => s.connection.state === 'subscribed');
    emu.revokeAccessKey(key);
    emu.dropAll();
    await until(c, 'alert', (s) => s.alert?.reason === 'auth_failed');
    expect(c.state.connection.state).toBe('stopped');
    await c.stop();
  });

  it('reconnecting a stopped session keeps its history, its warnings and its diagnostics; one socket at a time', async () => {
    const a = seedAccount(emu);
    await saveSignIn(a, a.jwt);
    const sink = new Sink();
    const { c } = controller({ sink });
    await c.start();
    await until(c, 'subscribed', (s) => s.connection.state === 'subscribed');
    const ring = ringFor(a);
    publishAll(emu, ring.start());
    await until(c, 'the ring', () => sink.shown.some((p) => p.title === 'Incoming call from Jane Cooper'));
    const history = c.notifications.history(50).map((h) => h.seq);
    expect(history.length).toBeGreaterThan(0);
    emu.setCustomerStatus(a.customerId, 'frozen');
    emu.dropAll();
    await until(c, 'stopped', (s) => s.connection.state === 'stopped');
    const stoppedBecause = c.state.connection.lastError;
    expect(stoppedBecause?.code).toMatch(/frozen/);
    emu.setCustomerStatus(a.customerId, 'active');
    await c.reconnect();
    await until(c, 'subscribed again', (s) => s.connection.state === 'subscribed');
    // The same session: its history, why it stopped, no second expiry or ring pop-up.
    expect(c.notifications.history(50).map((h) => h.seq)).toEqual(history);
    expect(c.state.connection.lastError).toEqual(stoppedBecause);
    expect(c.state.connection.reconnects).toBe(1);
    expect(sink.shown.filter((p) => p.title === 'Incoming call from Jane Cooper')).toHaveLength(1);
    expect(emu.connections().filter((x) => !x.closed)).toHaveLength(1);
    await c.stop();
  });

  it('sign-in, sign-out and reconnect asked at once run one after another: one session or none, never two', async () => {
    const a = seedAccount(emu);
    const { c } = controller();
    await c.start();
    const req = { method: 'password' as const, apiUrl: emu.url, username: a.username, password: a.password };
    await Promise.all([c.signIn(req), c.signIn(req)]);
    await until(c, 'subscribed', (s) => s.connection.state === 'subscribed');
    await new Promise((r) => setTimeout(r, 200));
    expect(emu.connections().filter((x) => !x.closed)).toHaveLength(1);
    await Promise.allSettled([c.reconnect(), c.signOut(), c.reconnect()]);
    expect(c.state.account.signedIn).toBe(false);
    await emu.waitFor(() => emu.connections().every((x) => x.closed), 2_000);
    // Nothing comes back by itself.
    await new Promise((r) => setTimeout(r, 300));
    expect(emu.connections().every((x) => x.closed)).toBe(true);
    await c.stop();
    // After stop, a late request starts nothing either.
    await c.signIn(req).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(emu.connections().every((x) => x.closed)).toBe(true);
  });

  it('a pop-up the OS refuses is listed in diagnostics, and the list outlives a sign-out', async () => {
    const a = seedAccount(emu);
    await saveSignIn(a, a.jwt);
    const sink = new Sink();
    const { c } = controller({ sink });
    await c.start();
    await until(c, 'subscribed', (s) => s.connection.state === 'subscribed');
    sink.refuse = 'Notifications are turned off for this app';
    await c.notifications.sendTest();
    expect(c.sessions.status.recentErrors[0]).toMatchObject({
      code: 'notifications_unavailable',
      message: 'The system refused a notification: Notifications are turned off for this app',
    });
    await c.signOut();
    expect(c.sessions.status.recentErrors.map((e) => e.code)).toContain('notifications_unavailable');
    expect(c.diagnostics.text()).toMatch(/notifications_unavailable/);
    await c.stop();
  });

  it('a click on a call pop-up opens it in the console; diagnostics carry no secret', async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAgent);
    await saveSignIn(a, a.jwt);
    const sink = new Sink();
    const log = memoryLogger();
    const { c, opened, clipboard } = controller({ sink, log });
    await c.start();
    await until(c, 'subscribed', (s) => s.connection.state === 'subscribed');
    const ring = new AgentRing({
      customerId: a.customerId,
      agentId: a.agentId,
      caller: { type: 'tel', target: '+15550100' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(emu, ring.start());
    await until(c, 'pop-up', () => sink.shown.some((p) => p.kind === 'incoming_call'));
    const popup = sink.shown.find((p) => p.kind === 'incoming_call')!;
    expect(await c.notifications.openResource(popup.resourceId)).toMatchObject({ opened: true });
    expect(opened).toEqual([`https://admin.voipbin.net/#/resources/calls/groupcalls_detail/${ring.groupcall.id}`]);
    // A template pointing elsewhere is refused before anything opens.
    await expect(c.preferences.set({ consoleUrlTemplate: 'javascript:alert(1)//{id}' })).rejects.toMatchObject({ code: 'bad_usage' });

    const r = await c.diagnostics.copy();
    expect(r.copied).toBe(true);
    expect(clipboard.text).toMatch(/^VoIPBIN Notifier 0\.1\.0 — diagnostics /);
    expect(clipboard.text).toContain(`account: agent ${a.agentId}, customer ${a.customerId}`);
    expect(clipboard.text).toMatch(/connection: subscribed since/);
    expect(clipboard.text).not.toContain(a.jwt);
    expect(log.lines.join('')).not.toContain(a.jwt);

    await c.signOut();
    expect(c.state.account.signedIn).toBe(false);
    expect(await new FileCredentialStore({ dir }).load()).toBeUndefined();
  });

  it('a pause from the tray survives a toggle in an open window: settings change by patches', async () => {
    const a = seedAccount(emu);
    await saveSignIn(a, a.jwt);
    const { c } = controller();
    await c.start();
    await until(c, 'subscribed', (s) => s.connection.state === 'subscribed');
    const handlers = createIpcHandlers(c, memoryLogger().logger);
    // The window loaded the settings before the pause…
    const seen = await handlers['notifications:get-settings'](undefined);
    expect(seen).toMatchObject({ ok: true, value: { pausedUntil: null } });
    // …the tray pauses for an hour…
    await c.notifications.pause('1h');
    const paused = c.notifications.settings.pausedUntil;
    expect(typeof paused).toBe('number');
    // …and the window turns off the sound of one kind: only that is sent.
    expect(await handlers['notifications:update']({ kinds: { inbound_message: { sound: false } } })).toMatchObject({
      ok: true,
      value: { pausedUntil: paused, kinds: { inbound_message: { enabled: true, sound: false } } },
    });
    expect(c.notifications.settings).toMatchObject({
      pausedUntil: paused,
      kinds: { inbound_message: { enabled: true, sound: false }, incoming_call: { enabled: true, sound: true } },
    });
    // A whole settings object is not a patch: refused, nothing changed.
    expect(await handlers['notifications:update']({ ...c.notifications.settings, kinds: undefined, extra: true })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    await until(c, 'the pause in the state', (s) => s.pausedUntil === paused);
    await c.stop();
  });
});
