import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VoipbinEmulator } from '../emulator/index.js';
import { FileCredentialStore } from '../../main/core/credential-store.js';
import { PERMISSION, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { CliProcess, runCli, type JsonLine } from '../support/cli-process.js';

/**
 * A desk's `run` and the agent's `login` in another terminal: the running command picks up a new
 * saved sign-in by itself, and with --wait-for-login an expired or refused one waits for it.
 */
let emu: VoipbinEmulator;
let acct: Account;
let cfg: string;
const procs: CliProcess[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu);
  cfg = await mkdtemp(join(tmpdir(), 'vbn-run-sign-in-'));
});
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  await emu.stop();
  await rm(cfg, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({ VOIPBIN_NOTIFIER_CONFIG_DIR: cfg });

function run(args: string[], extraEnv: Record<string, string> = {}): CliProcess {
  const p = new CliProcess(['run', '--json', '--notify', 'none', ...args], { ...env(), ...extraEnv });
  procs.push(p);
  return p;
}

async function save(token: string): Promise<void> {
  await new FileCredentialStore({ dir: cfg }).save({ apiUrl: emu.url, credential: { kind: 'jwt', token }, username: acct.username, savedAt: new Date() });
}

async function login(a: Account): Promise<void> {
  const r = await runCli(['login', '--json', '--api-url', emu.url, '--username', a.username, '--password-stdin'], env(), a.password);
  expect(r.code, r.stderr).toBe(0);
}

const count = (ls: JsonLine[], type: string): number => ls.filter((l) => l.type === type).length;
const bearer = (): string | undefined => emu.upgrades.at(-1)?.headers.authorization;

describe('run and login together', () => {
  it('a new login while running is picked up at once: the stream reconnects with the new sign-in', async () => {
    await save(acct.jwt);
    const p = run([]);
    await p.until('subscribed', (ls) => count(ls, 'subscribed') === 1);
    expect(bearer()).toBe(`Bearer ${acct.jwt}`);

    // Another agent signs in at this desk.
    const other = seedAccount(emu, PERMISSION.CustomerAgent);
    await login(other);
    await p.until('switched and subscribed again', (ls) => count(ls, 'sign_in_changed') === 1 && count(ls, 'subscribed') === 2, 10_000);
    expect(bearer()).not.toBe(`Bearer ${acct.jwt}`);
    const subscribed = p.lines().filter((l) => l.type === 'subscribed').at(-1)!;
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
    const p = run(['--wait-for-login']);
    await p.until('subscribed', (ls) => count(ls, 'subscribed') === 1);
    await p.until('expired', (ls) => ls.some((l) => l.type === 'token_expiry' && l.severity === 'expired'), 6_000);
    emu.dropAll();
    await p.until('waiting', (ls) => count(ls, 'waiting_for_login') === 1, 10_000);
    const waiting = p.lines().find((l) => l.type === 'waiting_for_login')!;
    expect(waiting).toMatchObject({ reason: 'auth_failed', message: expect.stringMatching(/Waiting for a new sign-in \("voipbin-notifier login"\)/) as unknown });
    expect(p.child.exitCode).toBeNull();

    await login(acct);
    await p.until('back', (ls) => count(ls, 'sign_in_changed') === 1 && count(ls, 'subscribed') === 2, 10_000);
    expect(bearer()).not.toBe(`Bearer ${expiring}`);
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.stdout + p.stderr).not.toContain(expiring);
  });

  it('--wait-for-login with nobody signed in waits for the first login; logout then waits again', async () => {
    const p = run(['--wait-for-login']);
    await p.until('waiting', (ls) => count(ls, 'waiting_for_login') === 1);
    expect(p.lines()[0]).toMatchObject({ type: 'error', code: 'credentials_missing' });
    expect(p.lines()[1]).toMatchObject({ type: 'waiting_for_login', reason: 'credentials_missing' });

    await login(acct);
    await p.until('subscribed', (ls) => count(ls, 'subscribed') === 1, 10_000);

    expect((await runCli(['logout', '--json'], env())).code).toBe(0);
    await p.until('waiting again', (ls) => count(ls, 'waiting_for_login') === 2, 10_000);
    expect(p.lines().filter((l) => l.type === 'waiting_for_login').at(-1)).toMatchObject({ reason: 'signed_out' });
    p.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('without --wait-for-login, logout stops the run (exit 0); credentials from the environment never wait', async () => {
    await save(acct.jwt);
    const p = run([]);
    await p.until('subscribed', (ls) => count(ls, 'subscribed') === 1);
    expect((await runCli(['logout', '--json'], env())).code).toBe(0);
    expect(await p.exited).toBe(0);
    expect(p.lines().at(-1)).toMatchObject({ type: 'signed_out', message: expect.stringMatching(/logout/) as unknown });

    // A login cannot replace VOIPBIN_TOKEN, so waiting for one would wait forever: exit 3 as always.
    const expired = emu.issueJwt(acct.agentId, { expire: new Date(Date.now() - 1_000) });
    const q = run(['--wait-for-login', '--api-url', emu.url], { VOIPBIN_TOKEN: expired });
    expect(await q.exited).toBe(3);
    expect(count(q.lines(), 'waiting_for_login')).toBe(0);
  });
});
