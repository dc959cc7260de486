import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { makeCall } from '../../emulator/fixtures.js';
import { seedAccount, startEmulator, type Account } from '../support/harness.js';
import { CliProcess, runCli } from '../support/cli-process.js';
import { closedLoopbackPort } from '../support/loopback.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let emu: VoipbinEmulator;
let acct: Account;
const procs: CliProcess[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu);
});
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  await emu.stop();
});

function run(args: string[], env: Record<string, string | undefined>): CliProcess {
  const p = new CliProcess(['run', '--json', '--api-url', emu.url, '--log-level', 'debug', ...args], env);
  procs.push(p);
  return p;
}

describe('voipbin-notifier run --json', () => {
  it('prints state, subscribed and one event line per accepted frame; exits 0 on SIGINT; never prints the token', async () => {
    const p = run(['--topics', `agent_id:${acct.agentId}:call`], { VOIPBIN_TOKEN: acct.jwt });
    // After the first catch-up: a call published sooner may be learned by that REST read instead
    // (source "catchup"), which is right, but not what this test is about.
    await p.until('subscribed and caught up', (ls) => ls.some((l) => l.type === 'catchup'));
    const call = makeCall({ customer_id: acct.customerId, owner_type: 'agent', owner_id: acct.agentId, status: 'ringing', direction: 'outgoing' });
    emu.publish('call_ringing', call); // 3-part topic: delivered twice
    emu.publish('call_progressing', { ...call, status: 'progressing', tm_update: '2099-01-01T00:00:00Z' });
    emu.publish('call_ringing', call); // late duplicate of an older state
    await p.until('two events', (ls) => ls.filter((l) => l.type === 'event').length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);

    const lines = p.lines();
    expect(lines.filter((l) => l.type === 'state').map((l) => l.state)).toEqual(['connecting', 'open', 'subscribed', 'stopped']);
    expect(lines.find((l) => l.type === 'subscribed')).toEqual({ type: 'subscribed', topics: [`agent_id:${acct.agentId}:call`], connection: 1 });
    expect(lines.filter((l) => l.type === 'event')).toEqual([
      { type: 'event', resource: 'call', id: call.id, status: 'ringing', source: 'stream' },
      { type: 'event', resource: 'call', id: call.id, status: 'progressing', source: 'stream' },
    ]);
    expect(lines.some((l) => l.type === 'catchup')).toBe(true);
    expect(p.stderr).toMatch(/subscribed/);
    for (const out of [p.stdout, p.stderr]) {
      expect(out).not.toContain(acct.jwt);
      expect(out).not.toContain(acct.jwt.split('.')[2]!);
    }
  });

  it('reconnects and resubscribes after the server drops it, printing the retry', async () => {
    const p = run([], { VOIPBIN_ACCESSKEY: acct.accesskey });
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    emu.dropAll();
    await p.until('resubscribed', (ls) => ls.filter((l) => l.type === 'subscribed').length === 2);
    const retry = p.lines().find((l) => l.type === 'state' && l.state === 'reconnecting')!;
    expect(retry).toMatchObject({ attempt: 1 });
    expect(retry.delay_ms).toBeTypeOf('number');
    expect(retry.delay_ms as number).toBeLessThan(1_000);
    p.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.stdout + p.stderr).not.toContain(acct.accesskey);
  });

  it('exits 3 when the server rejects the credentials', async () => {
    const revoked = emu.addAccessKey(acct.customerId);
    emu.revokeAccessKey(revoked);
    const r = await runCli(['run', '--json', '--api-url', emu.url], { VOIPBIN_ACCESSKEY: revoked });
    expect(r.code).toBe(3);
    // Reading an access key's identity is part of connecting: the same lines as a refused token's.
    expect(r.lines.filter((l) => l.type === 'state').map((l) => l.state)).toEqual(['connecting', 'stopped']);
    expect(r.lines.find((l) => l.type === 'error')).toMatchObject({ type: 'error', code: 'auth_failed' });
    expect(r.stdout + r.stderr).not.toContain(revoked);

    const expired = emu.issueJwt(acct.agentId, { expire: new Date(Date.now() - 1000) });
    const r2 = await runCli(['run', '--json', '--api-url', emu.url, '--token', expired]);
    expect(r2.code).toBe(3);
    expect(r2.lines.filter((l) => l.type === 'state').map((l) => l.state)).toEqual(['connecting', 'stopped']);
    expect(r2.lines.find((l) => l.type === 'error')).toMatchObject({ code: 'auth_failed', message: expect.stringMatching(/Sign in again/) as unknown });
  });

  it('exits 2 for bad usage and configuration, before connecting', async () => {
    const noCreds = await runCli(['run', '--json', '--api-url', emu.url]);
    expect(noCreds.code).toBe(2);
    expect(noCreds.lines).toEqual([{ type: 'error', code: 'credentials_missing', message: expect.stringMatching(/VOIPBIN_TOKEN/) as unknown }]);

    const badTopic = await runCli(
      ['run', '--json', '--api-url', emu.url, '--topics', `customer_id:${acct.customerId}:call:call_,agent_id:${acct.agentId}:call:*`],
      { VOIPBIN_TOKEN: acct.jwt },
    );
    expect(badTopic.code).toBe(2);
    // One error line per refused topic, each naming it, then the stop.
    const errors = badTopic.lines.filter((l) => l.type === 'error');
    expect(errors).toEqual([
      {
        type: 'error',
        code: 'invalid_topic',
        topic: `customer_id:${acct.customerId}:call:call_`,
        message: expect.stringMatching(new RegExp(`^Refusing to subscribe to "customer_id:${acct.customerId}:call:call_" .*admin`)) as unknown,
      },
      {
        type: 'error',
        code: 'invalid_topic',
        topic: `agent_id:${acct.agentId}:call:*`,
        message: expect.stringContaining(`wildcards do not exist: VoIPBIN matches topics by plain prefix`) as unknown,
      },
    ]);
    expect(errors[1]?.message).toContain(`did you mean "agent_id:${acct.agentId}:call:call_"?`);

    const plainHttp = await runCli(['run', '--json', '--api-url', 'http://voipbin.example.com'], { VOIPBIN_TOKEN: acct.jwt });
    expect(plainHttp.code).toBe(2);
    expect(plainHttp.lines[0]).toMatchObject({ code: 'config_invalid' });

    const both = await runCli(['run', '--json', '--api-url', emu.url, '--token', acct.jwt, '--accesskey', acct.accesskey]);
    expect(both.code).toBe(2);

    const unknown = await runCli(['run', '--json', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.lines[0]).toMatchObject({ type: 'error', code: 'bad_usage' });
    const unknownCommand = await runCli(['ring']);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toMatch(/unknown command 'ring'/);

    expect(emu.upgrades).toEqual([]);
  });

  it('run, which stays up all day, loads only what it uses: not the emulator behind demo, nor the other subcommands', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'vbn-modules-')), 'loaded.txt');
    const hook = new URL('../support/module-log.mjs', import.meta.url).href;
    const p = run(['--notify', 'none'], { VOIPBIN_TOKEN: acct.jwt, MODULE_LOG: log, NODE_OPTIONS: `--import ${hook}` });
    await p.until('subscribed and caught up', (ls) => ls.some((l) => l.type === 'catchup'));
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
    const loaded = [...new Set(readFileSync(log, 'utf8').split('\n'))].filter((u) => u.includes('/dist/'));
    // The log saw the command itself, so an empty one cannot pass.
    expect(loaded.some((u) => u.endsWith('/dist/main/cli/commands/run.js'))).toBe(true);
    expect(loaded.filter((u) => u.includes('/dist/emulator/'))).toEqual([]);
    const others = ['demo', 'login', 'logout', 'whoami', 'status', 'reply', 'transcripts', 'webhook', 'webhook-set', 'webhook-show', 'webhook-test'];
    expect(loaded.filter((u) => others.some((c) => u.endsWith(`/dist/main/cli/commands/${c}.js`)))).toEqual([]);
  });

  it('no arguments at all: the help, on stdout, and exit 0 (asking is not an error)', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: voipbin-notifier \[options\] \[command\]/);
    for (const command of ['run', 'login', 'logout', 'whoami', 'webhook', 'demo']) expect(r.stdout).toContain(`  ${command}`);
    expect(r.stderr).toBe('');
  });

  it('human mode: short readable lines on stdout, and stderr adds only what stdout does not say', async () => {
    const p = new CliProcess(['run', '--api-url', emu.url], { VOIPBIN_TOKEN: acct.jwt });
    procs.push(p);
    await untilStdout(p, 'listening on 4 topics');
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.stdout).toMatch(/receiving events/);
    // The topics as kinds on one short line, not four raw topic strings.
    expect(p.stdout).toMatch(/listening on 4 topics: calls, group calls, conversations, team chat\n/);
    expect(p.stdout).not.toContain(acct.agentId);
    expect(p.stderr).toBe('');
    // Asked for, the log is there.
    const verbose = new CliProcess(['run', '--api-url', emu.url, '--log-level', 'info'], { VOIPBIN_TOKEN: acct.jwt });
    procs.push(verbose);
    await untilStdout(verbose, 'listening on');
    verbose.kill('SIGINT');
    await verbose.exited;
    expect(verbose.stderr).toMatch(/signed in as agent/);
  });

  it('human mode: a refused sign-in and each failed retry are said once, on one stream', async () => {
    const revoked = emu.addAccessKey(acct.customerId);
    emu.revokeAccessKey(revoked);
    const refused = await runCli(['run', '--api-url', emu.url], { VOIPBIN_ACCESSKEY: revoked });
    expect(refused.code).toBe(3);
    const both = refused.stdout + refused.stderr;
    const sentence = /✖ (.+)\n/.exec(refused.stdout)?.[1];
    expect(sentence).toBeDefined();
    expect(both.split(sentence!).length - 1).toBe(1);

    const closed = await closedLoopbackPort();
    const p = new CliProcess(['run', '--api-url', `http://127.0.0.1:${closed}`], { VOIPBIN_TOKEN: acct.jwt });
    procs.push(p);
    await untilStdout(p, '(attempt 3)');
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.stderr).toBe('');
    const retries = p.stdout.split('\n').filter((l) => l.includes('Cannot reach VoIPBIN'));
    expect(retries.length).toBeGreaterThanOrEqual(2);
    // Each retry on its own line, in words: no "connection lost (connection lost …)", no retry's own "connecting".
    // Full jitter can make a first delay under 50 ms, which is said as "reconnecting now".
    expect(retries[0]).toMatch(/ECONNREFUSED\); (retrying in \d+\.\d s|reconnecting now)$/);
    expect(p.stdout.match(/connecting to VoIPBIN/g)).toHaveLength(1);
  });
});

async function untilStdout(p: CliProcess, text: string): Promise<void> {
  const start = Date.now();
  while (!p.stdout.includes(text)) {
    if (Date.now() - start > 8_000) throw new Error(`no "${text}" line: ${p.stdout} ${p.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
