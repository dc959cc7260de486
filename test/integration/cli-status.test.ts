import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { seedAccount, startEmulator, type Account } from '../support/harness.js';
import { runCli } from '../support/cli-process.js';
import { AgentRing, publishAll } from '../../emulator/scenarios.js';

/**
 * `voipbin-notifier status`: the agent's status as the server holds it (queues ring only
 * available agents), and setting it — checked here, since the server stores any string.
 */
let emu: VoipbinEmulator;
let acct: Account;
beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu);
});
afterEach(async () => {
  await emu.stop();
});

const status = (args: string[], env: Record<string, string> = { VOIPBIN_TOKEN: acct.jwt }): ReturnType<typeof runCli> =>
  runCli(['status', ...args, '--api-url', emu.url], env);
const puts = (): { body: string }[] => emu.requests.filter((r) => r.method === 'PUT' && r.path === '/v1.0/service_agents/me/status');

describe('voipbin-notifier status', () => {
  it('reads my status from the server, not from the token', async () => {
    const r = await status(['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toEqual([{ type: 'status', status: 'available', receiving_queue_calls: true }]);
    expect(emu.requests.some((q) => q.path === '/v1.0/service_agents/me')).toBe(true);
  });

  it('sets it, says what it was, and what it means for queue calls', async () => {
    const r = await status(['busy', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toEqual([{ type: 'status', status: 'busy', previous: 'available', receiving_queue_calls: false }]);
    expect(puts().map((p) => JSON.parse(p.body) as unknown)).toEqual([{ status: 'busy' }]);
    const human = await status(['Available']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toBe('Available — queue calls can reach you (was busy)\n');
    const shown = await status([]);
    expect(shown.stdout).toBe('Available — queue calls can reach you\n');
  });

  it('a status that does not exist is refused before anything is sent (exit 2), with the choices', async () => {
    const r = await status(['lunch', '--json']);
    expect(r.code).toBe(2);
    expect(r.lines[0]).toMatchObject({ type: 'error', code: 'bad_usage', message: expect.stringContaining('available, away, busy, offline') as unknown });
    expect(puts()).toEqual([]);
    expect(emu.requests.filter((q) => q.path.startsWith('/v1.0/service_agents'))).toEqual([]);
  });

  it('an access key has no agent: exit 1 with what to do, nothing set', async () => {
    const r = await status(['available', '--json'], { VOIPBIN_ACCESSKEY: acct.accesskey });
    expect(r.code).toBe(1);
    expect(r.lines[0]).toMatchObject({ type: 'error', code: 'presence_unavailable', message: expect.stringContaining('sign in as the agent') as unknown });
    expect(puts()).toEqual([]);
  });

  it('a value someone else stored that is no status is shown as unknown, never as available', async () => {
    // The server stores any string (no validation), as another client may have sent it.
    const res = await fetch(`${emu.url}/v1.0/service_agents/me/status`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${acct.jwt}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: '\u001b[2Jlunch' }),
    });
    expect(res.status).toBe(200);
    const r = await status(['--json']);
    expect(r.lines).toEqual([{ type: 'status', status: '', receiving_queue_calls: false }]);
    const human = await status([]);
    expect(human.stdout).toBe('Unknown status — queue calls cannot reach you\n');
  });

  it('as agent-manager does: ringing when a call rings, busy when it is answered, and still busy after hangup', async () => {
    const ring = new AgentRing({
      customerId: acct.customerId,
      agentId: acct.agentId,
      caller: { type: 'tel', target: '+15550100' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    const now = async (): Promise<unknown> => (await status(['--json'])).lines[0]?.status;
    publishAll(emu, ring.start());
    expect(await now()).toBe('ringing');
    publishAll(emu, ring.answer(0));
    expect(await now()).toBe('busy');
    publishAll(emu, ring.hangup());
    // Nothing sets it back: the busy trap the notifier exists to catch.
    expect(await now()).toBe('busy');

    // Ringing only from available: an agent who is away stays away while rung, and is busy once it is answered.
    expect((await status(['away'])).code).toBe(0);
    const next = new AgentRing({
      customerId: acct.customerId,
      agentId: acct.agentId,
      caller: { type: 'tel', target: '+15550101' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(emu, next.start());
    expect(await now()).toBe('away');
    publishAll(emu, next.answer(0));
    expect(await now()).toBe('busy');
  });
});
