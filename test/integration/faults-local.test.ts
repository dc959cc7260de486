import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { makeSms } from '../../emulator/fixtures.js';
import { PERMISSION, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { publishAll, ringFor, startDesk, type Desk } from '../support/desk.js';
import { CliProcess, runCli } from '../support/cli-process.js';
import type { NotificationSink } from '../../main/core/notify/notification-center.js';
import { FileCredentialStore, type Sealer } from '../../main/core/account/credential-store.js';
import { SettingsStore } from '../../main/desktop/settings/settings-store.js';
import { DEFAULT_APP_SETTINGS } from '../../shared/app-settings.js';

/**
 * Fault catalogue, part 3: this machine (docs/FAULTS.md) — the notification backend, the settings
 * file, the credential store. The listener must go on receiving whatever happens to them.
 */
let emu: VoipbinEmulator;
let acct: Account;
let dir: string;
const desks: Desk[] = [];
const procs: CliProcess[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  // A manager: customer-wide SMS reach it, so messages can drive the notification pipeline.
  acct = seedAccount(emu, PERMISSION.CustomerAgent | PERMISSION.CustomerManager);
  dir = await mkdtemp(join(tmpdir(), 'vbn-faults-'));
});
afterEach(async () => {
  for (const d of desks.splice(0)) {
    d.listener.stop();
    await d.center.dispose();
  }
  for (const p of procs.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  await emu.stop();
  await rm(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string | undefined>): CliProcess {
  const p = new CliProcess(['run', '--json', '--api-url', emu.url, ...args], env);
  procs.push(p);
  return p;
}

const sms = (text: string): Record<string, unknown> => makeSms({ customer_id: acct.customerId, text });

describe('fault catalogue: this machine', () => {
  it('notification backend missing', async () => {
    // In the core: a backend that refuses (no daemon), then works again, then fails again.
    let broken = true;
    let shown = 0;
    const sink: NotificationSink = {
      name: 'flaky',
      show: () => {
        if (broken) return Promise.reject(new Error('org.freedesktop.Notifications was not provided by any .service files'));
        shown++;
        return Promise.resolve();
      },
      withdraw: () => Promise.resolve(),
    };
    const d = await startDesk(emu, acct.jwt, { sink });
    desks.push(d);
    publishAll(emu, ringFor(acct).start());
    emu.publish('message_created', sms('while broken 1'));
    emu.publish('message_created', sms('while broken 2'));
    await d.rec.until('three decisions', () => d.notes.length === 3);
    await d.rec.until('the error', () => d.centerErrors.length > 0);
    await new Promise((r) => setTimeout(r, 100));
    // Said once, clearly; every decision still made and kept; the stream untouched.
    expect(d.centerErrors.map((e) => e.code)).toEqual(['notifications_unavailable']);
    expect(d.centerErrors[0]!.userMessage).toMatch(/refused to show notifications .*still recorded/);
    expect(d.center.history.size).toBe(3);
    expect(d.rec.states()).toEqual(['connecting', 'open', 'subscribed']);
    // Recovers: once pop-ups work again they are shown, and a later failure is reported anew.
    broken = false;
    emu.publish('message_created', sms('after the fix'));
    await d.rec.until('a pop-up shown', () => shown === 1);
    await d.rec.until('the recovery logged', () => d.log.join('').includes('notifications are being shown again'));
    broken = true;
    emu.publish('message_created', sms('broken again'));
    await d.rec.until('the second error', () => d.centerErrors.length === 2);
    const bodies = d.center.history.list().map((h) => h.body);
    for (const text of ['while broken 1', 'while broken 2', 'after the fix', 'broken again']) expect(bodies).toContain(text);

    // The headless command with native notifications on a machine without a desktop session
    // (no DISPLAY, no D-Bus): one error line, then it carries on printing every decision.
    const p = run(['--notify', 'native'], { VOIPBIN_TOKEN: acct.jwt, DISPLAY: undefined, DBUS_SESSION_BUS_ADDRESS: undefined });
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    emu.publish('message_created', sms('first'));
    await p.until('the error line', (ls) => ls.some((l) => l.type === 'error'));
    emu.publish('message_created', sms('second'));
    emu.publish('message_created', sms('third'));
    // (The catch-up also finds the call still ringing from the first half: more lines, same error.)
    await p.until('three message lines', (ls) => ls.filter((l) => l.type === 'notification' && l.kind === 'inbound_message').length === 3);
    await new Promise((r) => setTimeout(r, 300));
    const lines = p.lines();
    expect(lines.filter((l) => l.type === 'error')).toEqual([
      { type: 'error', code: 'notifications_unavailable', message: expect.stringMatching(/refused to show notifications/) as unknown },
    ]);
    expect(lines.filter((l) => l.type === 'state').map((l) => l.state)).toEqual(['connecting', 'open', 'subscribed']);
    expect(p.child.exitCode).toBeNull();
  });

  it('settings file corrupted', async () => {
    // The desktop app's settings (main/desktop/settings/settings-store.ts): reset to defaults, the bad file kept.
    const file = join(dir, 'settings.json');
    const garbage = '{"version": 1, "apiUrl": "https://voipbin.example.com", "notifications": {"priv';
    await writeFile(file, garbage);
    const store = new SettingsStore({ file });
    const loaded = await store.load();
    expect(loaded.settings).toEqual(DEFAULT_APP_SETTINGS);
    expect(loaded.notice).toMatch(/not valid JSON.*moved to .*settings\.corrupt-.*\.json/);
    const backup = (await readdir(dir)).find((f) => f.startsWith('settings.corrupt-'))!;
    expect(await readFile(join(dir, backup), 'utf8')).toBe(garbage);
    const next = { ...DEFAULT_APP_SETTINGS, apiUrl: 'https://voipbin.example.com' };
    await store.save(next);
    expect(await new SettingsStore({ file }).load()).toMatchObject({ settings: next, notice: undefined });

    // The command's saved sign-in (credentials.json): a clear error naming the file and the fix,
    // nothing sent anywhere, the file left as it was.
    const cfg = join(dir, 'config');
    await new FileCredentialStore({ dir: cfg }).save({ apiUrl: emu.url, credential: { kind: 'jwt', token: acct.jwt }, savedAt: new Date() });
    const credFile = join(cfg, 'credentials.json');
    const truncated = (await readFile(credFile, 'utf8')).slice(0, 40);
    await writeFile(credFile, truncated);
    const refused = await runCli(['run', '--json'], { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg });
    expect(refused.code).toBe(2);
    expect(refused.lines).toEqual([
      {
        type: 'error',
        code: 'config_invalid',
        message: expect.stringMatching(/credentials\.json are unreadable \(not valid JSON\)\. Run "voipbin-notifier logout"/) as unknown,
      },
    ]);
    expect(emu.upgrades).toEqual([]);
    expect(await readFile(credFile, 'utf8')).toBe(truncated);
    // Keeps working with credentials given another way…
    const viaEnv = run([], { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg, VOIPBIN_TOKEN: acct.jwt });
    await viaEnv.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    viaEnv.kill('SIGINT');
    expect(await viaEnv.exited).toBe(0);
    // …and recovers with the fix the message names: logout, sign in again.
    expect((await runCli(['logout', '--json'], { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg })).lines[0]).toMatchObject({ type: 'logout', removed: true });
    const login = await runCli(['login', '--json', '--api-url', emu.url, '--token-stdin'], { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg }, `${acct.jwt}\n`);
    expect(login.code, login.stderr).toBe(0);
    const saved = new CliProcess(['run', '--json'], { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg });
    procs.push(saved);
    await saved.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
  });

  it('credential store unavailable', async () => {
    const creds = { apiUrl: emu.url, credential: { kind: 'jwt' as const, token: acct.jwt }, savedAt: new Date('2026-11-23T10:00:00Z') };
    // The configuration directory cannot be used (here a file is in its way; also a read-only or
    // foreign-owned directory): clear errors naming the path, on reading and on saving.
    const blocker = join(dir, 'not-a-directory');
    await writeFile(blocker, 'in the way');
    const store = new FileCredentialStore({ dir: join(blocker, 'voipbin-notifier') });
    await expect(store.load()).rejects.toMatchObject({
      code: 'config_invalid',
      userMessage: expect.stringMatching(/Cannot read the saved credentials in .*not-a-directory/) as unknown,
    });
    await expect(store.save(creds)).rejects.toMatchObject({
      code: 'config_invalid',
      userMessage: expect.stringMatching(/Cannot save the credentials to .*not-a-directory/) as unknown,
    });
    // The command keeps running with credentials from the environment, and says why without them.
    const cfg = join(blocker, 'voipbin-notifier');
    const p = run([], { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg, VOIPBIN_TOKEN: acct.jwt });
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    const without = await runCli(['run', '--json', '--api-url', emu.url], { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg });
    expect(without.code).toBe(2);
    expect(without.lines[0]).toMatchObject({
      type: 'error',
      code: 'config_invalid',
      message: expect.stringMatching(/Cannot read the saved credentials/) as unknown,
    });
    // Recovers once the directory is usable.
    await rm(blocker);
    await store.save(creds);
    expect((await store.load())?.credential).toEqual(creds.credential);

    // The desktop keychain (safeStorage) locked or gone: saving fails clearly and leaves no file,
    // reading keeps the sealed file (nothing lost), and both work again once it is back.
    let locked = false;
    const sealer: Sealer = {
      seal: (plain) => {
        if (locked) throw new Error('keychain is locked');
        return Buffer.from(plain, 'utf8').reverse();
      },
      unseal: (sealed) => {
        if (locked) throw new Error('keychain is locked');
        return Buffer.from(sealed).reverse().toString('utf8');
      },
    };
    const sealedDir = join(dir, 'sealed');
    const sealed = new FileCredentialStore({ dir: sealedDir, sealer });
    locked = true;
    await expect(sealed.save(creds)).rejects.toMatchObject({
      code: 'config_invalid',
      userMessage: expect.stringMatching(/Cannot protect the credentials with the system keychain \(keychain is locked\)/) as unknown,
    });
    expect(await readdir(sealedDir).catch(() => [])).toEqual([]);
    locked = false;
    await sealed.save(creds);
    const onDisk = await readFile(sealed.location);
    locked = true;
    await expect(sealed.load()).rejects.toMatchObject({ code: 'config_invalid', userMessage: expect.stringMatching(/cannot be unsealed/) as unknown });
    expect(await readFile(sealed.location)).toEqual(onDisk);
    locked = false;
    expect((await sealed.load())?.credential).toEqual(creds.credential);

    // Meanwhile the listener was never affected.
    emu.publish('message_created', sms('still listening'));
    await p.until('the event', (ls) => ls.some((l) => l.type === 'notification'));
    expect(
      p
        .lines()
        .filter((l) => l.type === 'state')
        .map((l) => l.state),
    ).toEqual(['connecting', 'open', 'subscribed']);
  });

  it('disk full while saving the sign-in', async () => {
    // The first save works; the second hits the file size limit the kernel enforces (RLIMIT_FSIZE,
    // as a full disk would fail the write), in a process of its own.
    const cfg = join(dir, 'cfg');
    await new FileCredentialStore({ dir: cfg }).save({ apiUrl: emu.url, credential: { kind: 'jwt', token: acct.jwt }, savedAt: new Date() });
    const before = await readFile(join(cfg, 'credentials.json'), 'utf8');
    const script = `
      process.on('SIGXFSZ', () => undefined);
      const { FileCredentialStore } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'main', 'core', 'account', 'credential-store.js')).href)});
      const store = new FileCredentialStore({ dir: ${JSON.stringify(cfg)} });
      try {
        await store.save({ apiUrl: 'https://api.voipbin.net', credential: { kind: 'jwt', token: ${JSON.stringify(acct.jwt)} }, username: 'x'.repeat(20000), savedAt: new Date() });
        console.log(JSON.stringify({ saved: true }));
      } catch (e) {
        console.log(JSON.stringify({ saved: false, code: e.code, message: e.userMessage }));
      }`;
    const child = spawnSync('bash', ['-c', `ulimit -f 8; exec "${process.execPath}" --input-type=module -e "$0"`, script], { encoding: 'utf8' });
    expect(JSON.parse(child.stdout) as unknown, child.stderr).toMatchObject({
      saved: false,
      code: 'config_invalid',
      message: expect.stringMatching(/Cannot save the credentials to .*credentials\.json: .*EFBIG/) as unknown,
    });
    // The old sign-in is intact and no half-written secret stays behind.
    expect(await readdir(cfg)).toEqual(['credentials.json']);
    expect(await readFile(join(cfg, 'credentials.json'), 'utf8')).toBe(before);
  });
});
