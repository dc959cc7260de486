import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { FileCredentialStore } from '../../main/core/account/credential-store.js';
import { PERMISSION, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { CliProcess, runCli, type JsonLine } from '../support/cli-process.js';

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
    await save(acct.jwt);
    const p = run([], {});
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    expect(emu.upgrades.at(-1)!.headers.authorization).toBe(`Bearer ${acct.jwt}`);
    // A 7-day token says nothing about expiry yet.
    expect(p.lines().some((l) => l.type === 'token_expiry')).toBe(false);
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.stdout + p.stderr).not.toContain(acct.jwt);
  });

  it('never sends the saved sign-in to another server named by --api-url or VOIPBIN_API_URL (exit 2, nothing sent there)', async () => {
    await save(acct.jwt);
    const other = await startEmulator();
    try {
      for (const [args, env] of [
        [['--api-url', other.url], {}],
        [[], { VOIPBIN_API_URL: other.url }],
      ] as const) {
        const r = await runCli(['run', '--json', ...args], { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg, ...env });
        expect(r.code).toBe(2);
        expect(r.lines[0]).toMatchObject({
          type: 'error',
          code: 'credentials_missing',
          message: expect.stringContaining(`No saved sign-in for ${other.url}: the saved one is for ${emu.url}`) as unknown,
        });
        const who = await runCli(['whoami', '--json', ...args], { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg, ...env });
        expect(who.code).toBe(2);
      }
      expect(other.requests).toEqual([]);
      expect(other.upgrades).toEqual([]);
      // Naming the saved server itself is fine.
      const same = await runCli(['whoami', '--json', '--api-url', `${emu.url}/`], { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg });
      expect(same.code, same.stdout).toBe(0);
    } finally {
      await other.stop();
    }
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
    expect(
      p
        .lines()
        .filter((l) => l.type === 'state')
        .map((l) => l.state),
    ).toEqual(['connecting', 'open', 'subscribed']);
    // stderr is its own pipe: its line may arrive a moment after the stdout line above.
    await vi.waitFor(() => expect(p.stderr).toMatch(/sign-in expired at/), { timeout: 2_000 });

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

async function save(token: string): Promise<void> {
  await new FileCredentialStore({ dir: cfg }).save({ apiUrl: emu.url, credential: { kind: 'jwt', token }, username: acct.username, savedAt: new Date() });
}

async function login(a: Account): Promise<void> {
  const r = await runCli(
    ['login', '--json', '--api-url', emu.url, '--username', a.username, '--password-stdin'],
    { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg },
    a.password,
  );
  expect(r.code, r.stderr).toBe(0);
}

const count = (ls: JsonLine[], type: string): number => ls.filter((l) => l.type === type).length;
const bearer = (): string | undefined => emu.upgrades.at(-1)?.headers.authorization;

/**
 * A desk's `run` and the agent's `login` in another terminal: the running command picks up a new
 * saved sign-in by itself, and with --wait-for-login an expired or refused one waits for it.
 */
describe('run and login together', () => {
  it('a new login while running is picked up at once: the stream reconnects with the new sign-in', async () => {
    await save(acct.jwt);
    const p = run(['--notify', 'none'], {});
    await p.until('subscribed', (ls) => count(ls, 'subscribed') === 1);
    expect(bearer()).toBe(`Bearer ${acct.jwt}`);

    // Another agent signs in at this desk.
    const other = seedAccount(emu, PERMISSION.CustomerAgent);
    await login(other);
    await p.until('switched and subscribed again', (ls) => count(ls, 'sign_in_changed') === 1 && count(ls, 'subscribed') === 2, 10_000);
    expect(bearer()).not.toBe(`Bearer ${acct.jwt}`);
    const subscribed = p
      .lines()
      .filter((l) => l.type === 'subscribed')
      .at(-1)!;
    expect(JSON.stringify(subscribed.topics)).toContain(other.agentId);
    expect(JSON.stringify(subscribed.topics)).not.toContain(acct.agentId);
    expect(p.child.exitCode).toBeNull();

    // The same sign-in written again (a copy, a backup restore) is no change.
    const store = new FileCredentialStore({ dir: cfg });
    const saved = await store.load();
    await store.save(saved!);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(count(p.lines(), 'sign_in_changed')).toBe(1);
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
  });

  it('--wait-for-login: an expired sign-in refused at reconnect waits, and the next login resumes listening', async () => {
    const expiring = emu.issueJwt(acct.agentId, { expire: new Date(Date.now() + 1_500) });
    await save(expiring);
    const p = run(['--notify', 'none', '--wait-for-login'], {});
    await p.until('subscribed', (ls) => count(ls, 'subscribed') === 1);
    await p.until('expired', (ls) => ls.some((l) => l.type === 'token_expiry' && l.severity === 'expired'), 6_000);
    emu.dropAll();
    await p.until('waiting', (ls) => count(ls, 'waiting_for_login') === 1, 10_000);
    const waiting = p.lines().find((l) => l.type === 'waiting_for_login')!;
    expect(waiting).toMatchObject({
      reason: 'auth_failed',
      message: expect.stringMatching(/Waiting for a new sign-in \("voipbin-notifier login"\)/) as unknown,
    });
    expect(p.child.exitCode).toBeNull();

    await login(acct);
    await p.until('back', (ls) => count(ls, 'sign_in_changed') === 1 && count(ls, 'subscribed') === 2, 10_000);
    expect(bearer()).not.toBe(`Bearer ${expiring}`);
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.stdout + p.stderr).not.toContain(expiring);
  });

  it('--wait-for-login with nobody signed in waits for the first login; logout then waits again', async () => {
    const p = run(['--notify', 'none', '--wait-for-login'], {});
    await p.until('waiting', (ls) => count(ls, 'waiting_for_login') === 1);
    expect(p.lines()[0]).toMatchObject({ type: 'error', code: 'credentials_missing' });
    expect(p.lines()[1]).toMatchObject({ type: 'waiting_for_login', reason: 'credentials_missing' });

    await login(acct);
    await p.until('subscribed', (ls) => count(ls, 'subscribed') === 1, 10_000);

    expect((await runCli(['logout', '--json'], { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg })).code).toBe(0);
    await p.until('waiting again', (ls) => count(ls, 'waiting_for_login') === 2, 10_000);
    expect(
      p
        .lines()
        .filter((l) => l.type === 'waiting_for_login')
        .at(-1),
    ).toMatchObject({ reason: 'signed_out' });
    p.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('without --wait-for-login, logout stops the run (exit 0); credentials from the environment never wait', async () => {
    await save(acct.jwt);
    const p = run(['--notify', 'none'], {});
    await p.until('subscribed', (ls) => count(ls, 'subscribed') === 1);
    expect((await runCli(['logout', '--json'], { VOIPBIN_NOTIFIER_CONFIG_DIR: cfg })).code).toBe(0);
    expect(await p.exited).toBe(0);
    expect(p.lines().at(-1)).toMatchObject({ type: 'signed_out', message: expect.stringMatching(/logout/) as unknown });

    // A login cannot replace VOIPBIN_TOKEN, so waiting for one would wait forever: exit 3 as always.
    const expired = emu.issueJwt(acct.agentId, { expire: new Date(Date.now() - 1_000) });
    const q = run(['--notify', 'none', '--wait-for-login', '--api-url', emu.url], { VOIPBIN_TOKEN: expired });
    expect(await q.exited).toBe(3);
    expect(count(q.lines(), 'waiting_for_login')).toBe(0);
  });
});
