import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { PERMISSION, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { runCli } from '../support/cli-process.js';

let emu: VoipbinEmulator;
let acct: Account;
let cfg: string;
let env: Record<string, string>;

beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu, PERMISSION.CustomerAgent | PERMISSION.CustomerManager);
  cfg = join(await mkdtemp(join(tmpdir(), 'vbn-login-')), 'config');
  env = { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg };
});
afterEach(async () => {
  await emu.stop();
  await rm(join(cfg, '..'), { recursive: true, force: true });
});

const credentialsFile = (): string => join(cfg, 'credentials.json');
const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );
const login = (args: string[], stdin: string | undefined, extraEnv: Record<string, string> = {}): ReturnType<typeof runCli> =>
  runCli(['login', '--json', '--api-url', emu.url, ...args], { ...env, ...extraEnv }, stdin);

/** An address where nothing listens: a port we opened and closed again. */
async function closedPortUrl(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

describe('voipbin-notifier login / whoami / logout', () => {
  it('signs in with the password from stdin, saves a 0600 file in a 0700 dir, and never prints the token or password', async () => {
    const r = await login(['--username', acct.username, '--password-stdin'], `${acct.password}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toEqual([
      {
        type: 'login',
        kind: 'agent',
        username: acct.username,
        name: 'Alice Agent',
        agent_id: acct.agentId,
        customer_id: acct.customerId,
        permissions: ['customer manager', 'agent'],
        expires_at: expect.stringMatching(/^\d{4}-.*Z$/) as unknown,
        api_url: emu.url,
        saved_to: credentialsFile(),
      },
    ]);
    const loginRequest = emu.requests.find((q) => q.path === '/auth/login')!;
    expect(JSON.parse(loginRequest.body)).toEqual({ username: acct.username, password: acct.password });

    if (process.platform !== 'win32') {
      expect((await stat(cfg)).mode & 0o777).toBe(0o700);
      expect((await stat(credentialsFile())).mode & 0o777).toBe(0o600);
    }
    const saved = JSON.parse(await readFile(credentialsFile(), 'utf8')) as Record<string, string>;
    expect(saved).toMatchObject({ api_url: emu.url, kind: 'jwt', username: acct.username });
    const token = saved.token!;
    expect(token).toMatch(/^eyJ/);
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.toContain(token);
      expect(out).not.toContain(acct.password);
    }

    // Every later command uses the saved sign-in, and its server.
    const who = await runCli(['whoami', '--json'], env);
    expect(who.code, who.stderr).toBe(0);
    expect(who.lines).toEqual([
      expect.objectContaining({
        type: 'whoami',
        kind: 'agent',
        username: acct.username,
        name: 'Alice Agent',
        customer_id: acct.customerId,
        permissions: ['customer manager', 'agent'],
        source: 'stored',
        api_url: emu.url,
      }),
    ]);
    const me = emu.requests.filter((q) => q.path === '/v1.0/me').at(-1)!;
    expect(me.headers.authorization).toBe(`Bearer ${token}`);
    expect(who.stdout + who.stderr).not.toContain(token);

    const out = await runCli(['logout', '--json'], env);
    expect(out.code).toBe(0);
    expect(out.lines).toEqual([{ type: 'logout', removed: true, path: credentialsFile() }]);
    expect(await exists(credentialsFile())).toBe(false);
    const again = await runCli(['whoami', '--json'], env);
    expect(again.code).toBe(2);
    expect(again.lines[0]).toMatchObject({ type: 'error', code: 'credentials_missing' });
  });

  it('"wrong username or password" is exit 3 and saves nothing', async () => {
    const r = await login(['--username', acct.username, '--password-stdin'], 'not the password at all');
    expect(r.code).toBe(3);
    expect(r.lines).toEqual([
      {
        type: 'error',
        code: 'wrong_password',
        message: 'Wrong username or password, or VoIPBIN could not check them just now (if you are sure of them, try again in a minute).',
      },
    ]);
    expect(r.stdout + r.stderr).not.toContain('not the password at all');

    const unknownUser = await runCli(['login', '--api-url', emu.url, '--username', 'nobody-here', '--password-stdin'], env, acct.password);
    expect(unknownUser.code).toBe(3);
    expect(unknownUser.stderr).toMatch(
      /^error: Wrong username or password, or VoIPBIN could not check them just now \(if you are sure of them, try again in a minute\)\.$/m,
    );
    expect(unknownUser.stdout + unknownUser.stderr).not.toContain(acct.password);
    expect(await exists(credentialsFile())).toBe(false);
  });

  it('an expired or deleted account is refused at sign-in with its own reason (exit 1), not as a wrong password', async () => {
    emu.setCustomerStatus(acct.customerId, 'expired');
    const expired = await login(['--username', acct.username, '--password-stdin'], acct.password);
    expect(expired.code).toBe(1);
    expect(expired.lines[0]).toMatchObject({
      type: 'error',
      code: 'account_expired',
      message: expect.stringMatching(/account has expired.*sign-in is refused/) as unknown,
    });
    emu.setCustomerStatus(acct.customerId, 'deleted');
    const deleted = await login(['--username', acct.username, '--password-stdin'], acct.password);
    expect(deleted.lines[0]).toMatchObject({ type: 'error', code: 'account_deleted' });
    expect(await exists(credentialsFile())).toBe(false);
  });

  it('tells rate limits, server errors and network errors apart from a wrong password (exit 1)', async () => {
    emu.failNextRest('/auth/login', 1, 429);
    const limited = await login(['--username', acct.username, '--password-stdin'], acct.password);
    expect(limited.code).toBe(1);
    expect(limited.lines[0]).toMatchObject({
      type: 'error',
      code: 'rate_limited',
      message: expect.stringMatching(/Too many sign-in attempts.*wait 1 s/) as unknown,
    });

    emu.failNextRest('/auth/login', 1, 503);
    const down = await login(['--username', acct.username, '--password-stdin'], acct.password);
    expect(down.code).toBe(1);
    expect(down.lines[0]).toMatchObject({ code: 'server_error', message: expect.stringMatching(/server error \(503\)/) as unknown });

    const offline = await runCli(['login', '--json', '--api-url', await closedPortUrl(), '--username', acct.username, '--password-stdin'], env, acct.password);
    expect(offline.code).toBe(1);
    expect(offline.lines[0]).toMatchObject({ code: 'network', message: expect.stringMatching(/Cannot reach VoIPBIN/) as unknown });

    for (const r of [limited, down, offline]) expect(r.stdout).not.toMatch(/wrong/i);
    expect(await exists(credentialsFile())).toBe(false);
  });

  it('takes the password only from stdin (exit 2 otherwise, without echoing it)', async () => {
    const asArg = await login(['--username', acct.username, '--password', 'my-secret-pass'], undefined);
    expect(asArg.code).toBe(2);
    expect(asArg.lines[0]).toMatchObject({ code: 'bad_usage', message: expect.stringMatching(/--password-stdin/) as unknown });
    expect(asArg.stdout + asArg.stderr).not.toContain('my-secret-pass');

    const noFlag = await login(['--username', acct.username], '');
    expect(noFlag.code).toBe(2);
    expect(emu.requests.filter((q) => q.path === '/auth/login')).toEqual([]);

    // Only one trailing newline is stripped: spaces are part of the password.
    emu.addAgent({ customerId: acct.customerId, username: 'spacey', password: ' pass with spaces ', permission: PERMISSION.CustomerAgent });
    expect((await login(['--username', 'spacey', '--password-stdin'], ' pass with spaces \r\n')).code).toBe(0);
  });

  it('saves an access key from stdin, sent as the accesskey cookie and never as token', async () => {
    const r = await login(['--token-stdin'], `${acct.accesskey}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines[0]).toMatchObject({
      type: 'login',
      kind: 'accesskey',
      customer_id: acct.customerId,
      permissions: ['customer admin'],
      expires_at: expect.stringMatching(/^\d{4}-.*Z$/) as unknown,
    });
    expect(JSON.parse(await readFile(credentialsFile(), 'utf8'))).toMatchObject({ kind: 'accesskey', accesskey: acct.accesskey });

    const who = await runCli(['whoami', '--json'], env);
    expect(who.lines[0]).toMatchObject({ type: 'whoami', kind: 'accesskey', customer_id: acct.customerId, customer_name: 'Acme Support', source: 'stored' });
    const authed = emu.requests.filter((q) => q.path.startsWith('/v1.0/'));
    expect(authed.length).toBeGreaterThanOrEqual(2);
    for (const q of authed) {
      expect(q.headers.cookie).toBe(`accesskey=${acct.accesskey}`);
      expect(q.headers.authorization).toBeUndefined();
      // Only paging in the query (the key list); the key never travels in a URL.
      expect(Object.keys(q.query).filter((k) => k !== 'page_size' && k !== 'page_token')).toEqual([]);
      expect(Object.values(q.query)).not.toContain(acct.accesskey);
    }
    expect(r.stdout + r.stderr + who.stdout + who.stderr).not.toContain(acct.accesskey);

    // The same key in VOIPBIN_TOKEN is still recognised as an access key.
    const viaTokenVar = await runCli(['whoami', '--json', '--api-url', emu.url], { VOIPBIN_TOKEN: acct.accesskey });
    expect(viaTokenVar.lines[0]).toMatchObject({ kind: 'accesskey', source: 'env' });
    expect(emu.requests.at(-1)!.headers.cookie).toBe(`accesskey=${acct.accesskey}`);
  });

  it('refuses to save a credential the server rejects (exit 3)', async () => {
    const revoked = emu.addAccessKey(acct.customerId);
    emu.revokeAccessKey(revoked);
    const r = await login(['--token-stdin'], revoked);
    expect(r.code).toBe(3);
    // An access key is not cured by signing in again: a new one is made in the console.
    expect(r.lines[0]).toMatchObject({ code: 'auth_failed', message: expect.stringMatching(/rejected the access key .*Create a new access key/) as unknown });
    expect(r.lines[0]!.message).not.toMatch(/Sign in again/);
    expect(await exists(credentialsFile())).toBe(false);
    expect(r.stdout + r.stderr).not.toContain(revoked);
  });
});
