import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VoipbinEmulator } from '../emulator/index.js';
import { FileCredentialStore } from '../../main/core/credential-store.js';
import { seedAccount, startEmulator, type Account } from '../support/harness.js';
import { CliProcess } from '../support/cli-process.js';

let emu: VoipbinEmulator;
let acct: Account;
let cfg: string;
const procs: CliProcess[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu);
  cfg = await mkdtemp(join(tmpdir(), 'vbn-run-cred-'));
});
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  await emu.stop();
  await rm(cfg, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string>): CliProcess {
  const p = new CliProcess(['run', '--json', ...args], { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg, ...env });
  procs.push(p);
  return p;
}

describe('voipbin-notifier run: saved credentials and token expiry', () => {
  it('uses the credentials saved by login, and their server, when no option or variable gives any', async () => {
    await new FileCredentialStore({ dir: cfg }).save({ apiUrl: emu.url, credential: { kind: 'jwt', token: acct.jwt }, username: acct.username, savedAt: new Date() });
    const p = run([], {});
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    expect(emu.upgrades.at(-1)!.headers.authorization).toBe(`Bearer ${acct.jwt}`);
    // A 7-day token says nothing about expiry yet.
    expect(p.lines().some((l) => l.type === 'token_expiry')).toBe(false);
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.stdout + p.stderr).not.toContain(acct.jwt);
  });

  it('warns before expiry and at expiry while the socket stays up; the next reconnect then stops with exit 3', async () => {
    const expiresAt = new Date(Date.now() + 2_500);
    const jwt = emu.issueJwt(acct.agentId, { expire: expiresAt });
    const p = run(['--api-url', emu.url], { VOIPBIN_TOKEN: jwt });
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    expect(p.lines().find((l) => l.type === 'token_expiry')).toEqual({
      type: 'token_expiry',
      severity: 'critical',
      expires_at: expiresAt.toISOString(),
      remaining_s: expect.any(Number) as unknown,
      message: expect.stringMatching(/expires in \d s .*Sign in again before then to keep receiving calls/) as unknown,
    });

    await p.until('expired notice', (ls) => ls.some((l) => l.type === 'token_expiry' && l.severity === 'expired'), 6_000);
    const expired = p.lines().find((l) => l.severity === 'expired')!;
    expect(expired.message).toMatch(/next reconnect will be refused: sign in again to keep receiving calls/);
    // Expiry alone does not end the connection (the server checks tokens only on upgrade).
    expect(p.lines().filter((l) => l.type === 'state').map((l) => l.state)).toEqual(['connecting', 'open', 'subscribed']);
    expect(p.stderr).toMatch(/sign-in expired at/);

    emu.dropAll();
    expect(await p.exited).toBe(3);
    const lines = p.lines();
    expect(lines.find((l) => l.type === 'error')).toMatchObject({ code: 'auth_failed', message: expect.stringMatching(/Sign in again/) as unknown });
    expect(lines.at(-1)).toMatchObject({ type: 'state', state: 'stopped', code: 'auth_failed' });
    expect(lines.filter((l) => l.type === 'token_expiry').map((l) => l.severity)).toEqual(['critical', 'expired']);
  });

  it('an access key near its expiry is warned about in the words of keys (a new key is needed), and refused after it', async () => {
    const expiresAt = new Date(Math.ceil((Date.now() + 3_000) / 1000) * 1000);
    const key = emu.addAccessKey(acct.customerId, { expire: expiresAt });
    const p = run(['--api-url', emu.url], { VOIPBIN_ACCESSKEY: key });
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    expect(p.lines().find((l) => l.type === 'token_expiry')).toMatchObject({
      severity: 'critical',
      expires_at: expiresAt.toISOString(),
      message: expect.stringMatching(/access key expires in \d s .*Create a new access key in the VoIPBIN console and sign in with it before then/) as unknown,
    });
    await p.until('expired notice', (ls) => ls.some((l) => l.type === 'token_expiry' && l.severity === 'expired'), 6_000);
    emu.dropAll();
    expect(await p.exited).toBe(3);
    expect(p.stdout + p.stderr).not.toContain(key);
  });
});
