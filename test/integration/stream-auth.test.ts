import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { listen, seedAccount, startEmulator, PERMISSION, type Account } from '../support/harness.js';
import type { Listener } from '../../main/core/stream/listener.js';

let emu: VoipbinEmulator;
let acct: Account;
const listeners: Listener[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu);
});
afterEach(async () => {
  for (const l of listeners.splice(0)) l.stop();
  await emu.stop();
});

async function started(secret: string, opts?: Parameters<typeof listen>[2]): ReturnType<typeof listen> {
  const r = await listen(emu, secret, opts);
  listeners.push(r.listener);
  r.listener.start();
  return r;
}

describe('credentials on the upgrade', () => {
  it('sends an agent JWT as a Bearer header, nowhere in the URL, and subscribes only after open', async () => {
    const { rec } = await started(acct.jwt);
    await rec.subscribedTimes(1);
    expect(rec.states()).toEqual(['connecting', 'open', 'subscribed']);
    const up = emu.upgrades[0]!;
    expect(up.headers.authorization).toBe(`Bearer ${acct.jwt}`);
    expect(up.headers.cookie).toBeUndefined();
    expect(up.path).toBe('/v1.0/ws');
    expect(Object.keys(up.query)).toEqual([]);
    expect(JSON.stringify(emu.upgrades)).not.toMatch(/token=|accesskey=.*\?/);
    const [conn] = emu.connections();
    expect(conn!.identity).toMatchObject({ kind: 'agent', agentId: acct.agentId });
    expect(conn!.topics).toEqual([
      `agent_id:${acct.agentId}:call:call_`,
      `agent_id:${acct.agentId}:groupcall:groupcall_`,
      `agent_id:${acct.agentId}:conversation:conversation_`,
      `agent_id:${acct.agentId}:chatmessage:chatmessage_created`,
    ]);
    expect(JSON.parse(emu.clientMessages[0]!.text)).toEqual({ type: 'subscribe', topics: conn!.topics });
  });

  it('sends an access key as the accesskey cookie, never as token, and uses customer topics', async () => {
    const { rec } = await started(acct.accesskey);
    await rec.subscribedTimes(1);
    const up = emu.upgrades[0]!;
    expect(up.headers.cookie).toBe(`accesskey=${acct.accesskey}`);
    expect(up.headers.authorization).toBeUndefined();
    expect(Object.keys(up.query)).toEqual([]);
    const topics = emu.connections()[0]!.topics;
    expect(topics.every((t) => t.startsWith(`customer_id:${acct.customerId}:`))).toBe(true);
    // The customer lookup that told us who we are carried the key the same way.
    const rest = emu.requests.find((r) => r.path === '/v1.0/customer')!;
    expect(rest.headers.cookie).toBe(`accesskey=${acct.accesskey}`);
    expect(Object.keys(rest.query)).toEqual([]);
  });

  it('a manager agent gets agent and customer topics and the server accepts them all', async () => {
    const manager = emu.addAgent({
      customerId: acct.customerId,
      username: 'mgr',
      password: 'pw-pw-pw-pw',
      permission: PERMISSION.CustomerAgent | PERMISSION.CustomerManager,
    });
    const { rec } = await started(emu.issueJwt(manager.id));
    await rec.subscribedTimes(1);
    expect(emu.connections()[0]!.topics).toHaveLength(8);
    expect(emu.droppedForInvalidTopic).toEqual([]);
  });
});

describe('refusals on the upgrade', () => {
  it('401 stops for good and says sign-in is needed', async () => {
    const expired = emu.issueJwt(acct.agentId, { expire: new Date(Date.now() - 60_000) });
    const { rec } = await started(expired);
    await rec.until('stopped', () => rec.states().includes('stopped'));
    const stopped = rec.seen.state.at(-1)!.to;
    expect(stopped).toMatchObject({ state: 'stopped', code: 'auth_failed' });
    expect(rec.seen.error[0]!.userMessage).toMatch(/Sign in again/);
    await new Promise((r) => setTimeout(r, 500));
    expect(emu.upgrades).toHaveLength(1);
  });

  it('403 ACCOUNT_FROZEN stops and says the account is frozen', async () => {
    emu.setCustomerStatus(acct.customerId, 'frozen');
    const { rec } = await started(acct.jwt);
    await rec.until('stopped', () => rec.states().includes('stopped'));
    expect(rec.seen.state.at(-1)!.to).toMatchObject({ code: 'account_frozen' });
    expect(rec.seen.error[0]!.userMessage).toMatch(/frozen/);
    await new Promise((r) => setTimeout(r, 300));
    expect(emu.upgrades).toHaveLength(1);
  });

  it.each([
    ['expired', 'account_expired', /expired .*confirm the account's email address .*POST \/auth\/email-verify-resend/],
    ['deleted', 'account_deleted', /has been deleted, .*Ask your administrator/],
  ] as const)('403 ACCOUNT_%s stops at once, like frozen, and says what to do', async (status, code, says) => {
    emu.setCustomerStatus(acct.customerId, status);
    const { rec } = await started(acct.jwt);
    await rec.until('stopped', () => rec.states().includes('stopped'));
    expect(rec.seen.state.at(-1)!.to).toMatchObject({ state: 'stopped', code });
    expect(rec.seen.error[0]!.userMessage).toMatch(says);
    await new Promise((r) => setTimeout(r, 300));
    expect(emu.upgrades).toHaveLength(1);
  });

  it('429 waits at least Retry-After, then connects', async () => {
    emu.failNextUpgrades(1, { status: 429, retryAfterSec: 1 });
    const { rec } = await started(acct.jwt);
    await rec.subscribedTimes(1, 5_000);
    expect(rec.seen.error[0]!.code).toBe('rate_limited');
    const waiting = rec.seen.state.find((s) => s.to.state === 'reconnecting')!.to;
    expect(waiting.state === 'reconnecting' && waiting.delayMs).toBeGreaterThanOrEqual(1_000);
    const [first, second] = emu.upgrades;
    expect(second!.at.getTime() - first!.at.getTime()).toBeGreaterThanOrEqual(950);
  });

  it('server errors and refused connections are retried until the server is back', async () => {
    emu.failNextUpgrades(2, { status: 503 });
    const { rec } = await started(acct.jwt);
    await rec.subscribedTimes(1);
    expect(emu.upgrades.map((u) => u.status)).toEqual([503, 503, 101]);
    expect(rec.states().filter((s) => s === 'reconnecting')).toHaveLength(2);
    expect(rec.seen.error).toEqual([]);
  });
});
