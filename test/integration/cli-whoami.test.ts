import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
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
  cfg = join(await mkdtemp(join(tmpdir(), 'vbn-whoami-')), 'config');
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
const login = (args: string[], stdin: string | undefined): ReturnType<typeof runCli> => runCli(['login', '--json', '--api-url', emu.url, ...args], env, stdin);

describe('voipbin-notifier whoami: expiry, precedence, broken files', () => {
  it('whoami: an expired token is exit 3 with its date; one near expiry gets a token_expiry warning', async () => {
    const expiredAt = new Date(Date.now() - 60_000);
    const expired = emu.issueJwt(acct.agentId, { expire: expiredAt });
    const r = await runCli(['whoami', '--json', '--api-url', emu.url, '--token', expired], env);
    expect(r.code).toBe(3);
    expect(r.lines[0]).toMatchObject({ code: 'auth_failed', message: expect.stringContaining(`expired at ${expiredAt.toISOString()}`) as unknown });

    const soon = emu.issueJwt(acct.agentId, { expire: new Date(Date.now() + 3 * 3_600_000 - 150_000) });
    const w = await runCli(['whoami', '--json', '--api-url', emu.url], { ...env, VOIPBIN_TOKEN: soon });
    expect(w.code).toBe(0);
    expect(w.lines.map((l) => l.type)).toEqual(['whoami', 'token_expiry']);
    expect(w.lines[1]).toMatchObject({ severity: 'warning', message: expect.stringMatching(/expires in 2 h 5[67] min.*Sign in again/) as unknown });
    expect(w.stdout).not.toContain(soon);
  });

  it('a refused access key: advice to create a new key and save it, not to sign in with a password', async () => {
    const revoked = emu.addAccessKey(acct.customerId);
    emu.revokeAccessKey(revoked);
    const human = await runCli(['whoami', '--api-url', emu.url], { ...env, VOIPBIN_ACCESSKEY: revoked });
    expect(human.code).toBe(3);
    expect(human.stderr).toMatch(/^error: VoIPBIN rejected the access key for reading the account .*Create a new access key in the VoIPBIN console/m);
    expect(human.stderr).toMatch(/^Then save it with: voipbin-notifier login --token-stdin/m);
    expect(human.stderr).not.toMatch(/--username|Sign in again/);
  });

  it('human output names the agent, permissions and expiry; environment credentials win over the saved ones', async () => {
    expect((await login(['--username', acct.username, '--password-stdin'], acct.password)).code).toBe(0);
    const human = await runCli(['whoami'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^agent Alice Agent \(agent\d+\), id [0-9a-f-]{36}$/m);
    expect(human.stdout).toMatch(/^customer [0-9a-f-]{36}$/m);
    expect(human.stdout).toMatch(/^permissions: customer manager, agent$/m);
    // A 7-day token read within a second of its login rounds to "7 days"; later, "6 days 23 h".
    expect(human.stdout).toMatch(/^valid until \S+Z \((6 days 23 h|7 days) left\)$/m);
    expect(human.stdout).toMatch(/credentials from the saved sign-in/);
    expect(human.stdout).not.toMatch(/eyJ/);

    const r = await runCli(['whoami', '--json'], { ...env, VOIPBIN_ACCESSKEY: acct.accesskey, VOIPBIN_API_URL: emu.url });
    expect(r.lines[0]).toMatchObject({ kind: 'accesskey', source: 'env', expires_at: expect.stringMatching(/^\d{4}-.*Z$/) as unknown });
    const soon = emu.addAccessKey(acct.customerId, { expire: new Date(Date.now() + 3 * 3_600_000 - 150_000) });
    const key = await runCli(['whoami'], { ...env, VOIPBIN_ACCESSKEY: soon, VOIPBIN_API_URL: emu.url });
    expect(key.stdout).toMatch(/^valid until \S+Z \(2 h 5[67] min left\)$/m);
    expect(key.stdout + key.stderr).toMatch(/access key expires in 2 h 5[67] min .*Create a new access key/);
  });

  it('a corrupted credentials file is a clear error (exit 2), and logout clears it', async () => {
    await login(['--username', acct.username, '--password-stdin'], acct.password);
    await writeFile(credentialsFile(), '{"kind":"jwt","token":"eyJhbGciOi');
    const r = await runCli(['whoami', '--json'], env);
    expect(r.code).toBe(2);
    expect(r.lines[0]).toMatchObject({ code: 'config_invalid', message: expect.stringMatching(/credentials\.json are unreadable.*logout/) as unknown });
    const out = await runCli(['logout'], env);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Removed the saved credentials/);
    expect(await exists(credentialsFile())).toBe(false);
    expect((await runCli(['logout', '--json'], env)).lines[0]).toMatchObject({ type: 'logout', removed: false });
    // And signing in again over a broken file just works.
    await writeFile(join(cfg, 'credentials.json'), 'garbage');
    expect((await login(['--username', acct.username, '--password-stdin'], acct.password)).code).toBe(0);
  });
});
