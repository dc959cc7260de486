import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { PERMISSION, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { CliProcess, runCli } from '../support/cli-process.js';
import { makeConversationMessage } from '../../emulator/fixtures.js';

/**
 * `voipbin-notifier reply`: answers a customer's conversation or a team chat without the console,
 * the text from standard input only, sent once; a failure says why and gives the text back.
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

const reply = (args: string[], stdin: string | undefined, env: Record<string, string> = { VOIPBIN_TOKEN: acct.jwt }): ReturnType<typeof runCli> =>
  runCli(['reply', ...args, '--api-url', emu.url], env, stdin);
const posts = (): { path: string; body: unknown }[] =>
  emu.requests.filter((r) => r.method === 'POST').map((r) => ({ path: r.path, body: JSON.parse(r.body) as unknown }));

describe('voipbin-notifier reply', () => {
  it('answers a conversation assigned to me, text exactly as typed (one trailing newline dropped), sent once', async () => {
    const conv = emu.addConversation({ customerId: acct.customerId, ownerId: acct.agentId });
    const text = 'Hi Maria,\nyour order ships today. — Alex 🙂\n';
    const r = await reply(['--conversation', conv, '--text-stdin', '--json'], text);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toEqual([{ type: 'reply_sent', conversation_id: conv, message_id: expect.any(String) as unknown }]);
    expect(posts()).toEqual([
      { path: `/v1.0/service_agents/conversations/${conv}/messages`, body: { text: 'Hi Maria,\nyour order ships today. — Alex 🙂', medias: [] } },
    ]);
  });

  it("someone else's conversation is refused (exit 1) with the reason, and the text comes back", async () => {
    const other = emu.addAgent({ customerId: acct.customerId, username: 'sam', password: 'pw-pw-pw-pw', permission: PERMISSION.CustomerAgent });
    const conv = emu.addConversation({ customerId: acct.customerId, ownerId: other.id });
    const r = await reply(['--conversation', conv, '--text-stdin', '--json'], 'Please call me back');
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      { type: 'reply_unsent', text: 'Please call me back' },
      { type: 'error', code: 'forbidden', message: 'Your reply was not sent: VoIPBIN refused it: that conversation is not assigned to you.' },
    ]);
    const human = await reply(['--conversation', conv, '--text-stdin'], 'Please call me back');
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('Your text, not sent:\nPlease call me back');
  });

  it('a server failure (500) is exit 1 and keeps the text; nothing is retried', async () => {
    const conv = emu.addConversation({ customerId: acct.customerId, ownerId: acct.agentId });
    emu.failNextRest(`/v1.0/service_agents/conversations/${conv}/messages`, 1, 500);
    const r = await reply(['--conversation', conv, '--text-stdin', '--json'], 'On my way');
    expect(r.code).toBe(1);
    expect(r.lines[0]).toEqual({ type: 'reply_unsent', text: 'On my way' });
    expect(r.lines[1]).toMatchObject({ type: 'error', message: expect.stringMatching(/^Your reply was not sent: /) as unknown });
    // One attempt, answered 500: a POST that may have reached the server is never sent twice.
    expect(emu.requests.filter((q) => q.method === 'POST').map((q) => q.status)).toEqual([500]);
  });

  it('writes in a team chat I am in ({chat_id, type: normal, text}); a chat I am not in is refused', async () => {
    const other = emu.addAgent({ customerId: acct.customerId, username: 'sam', password: 'pw-pw-pw-pw', permission: PERMISSION.CustomerAgent });
    const mine = emu.addChat({ customerId: acct.customerId, type: 'group', name: 'Support team', participants: [acct.agentId, other.id] });
    const theirs = emu.addChat({ customerId: acct.customerId, type: 'direct', participants: [other.id] });
    const ok = await reply(['--chat', mine, '--text-stdin', '--json'], 'Covering the VIP queue now');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.lines).toEqual([{ type: 'reply_sent', chat_id: mine, message_id: expect.any(String) as unknown }]);
    expect(posts()).toEqual([{ path: '/v1.0/service_agents/talk_messages', body: { chat_id: mine, type: 'normal', text: 'Covering the VIP queue now' } }]);
    const refused = await reply(['--chat', theirs, '--text-stdin', '--json'], 'hello?');
    expect(refused.code).toBe(1);
    expect(refused.lines[1]).toMatchObject({ code: 'forbidden', message: expect.stringContaining('not a member of that team chat') as unknown });
  });

  it('an access key answers conversations at /conversations/{id}/messages, and cannot write in team chat (no request)', async () => {
    const conv = emu.addConversation({ customerId: acct.customerId });
    const key = { VOIPBIN_ACCESSKEY: acct.accesskey };
    const r = await reply(['--conversation', conv, '--text-stdin', '--json'], 'Thanks!', key);
    expect(r.code, r.stderr).toBe(0);
    expect(posts().map((p) => p.path)).toEqual([`/v1.0/conversations/${conv}/messages`]);
    const chat = emu.addChat({ customerId: acct.customerId, type: 'group', name: 'Support', participants: [acct.agentId] });
    const c = await reply(['--chat', chat, '--text-stdin', '--json'], 'Hi team', key);
    expect(c.code).toBe(1);
    expect(c.lines.at(-1)).toMatchObject({ type: 'error', message: expect.stringContaining('access key has no agent') as unknown });
    expect(posts()).toHaveLength(1);
  });

  it('`run --json` names where an answer goes (reply_to), and `reply` takes it from there', async () => {
    // Conversation messages reach customer topics only (PROTOCOL.md §2.4): an admin hears them.
    acct = seedAccount(emu, PERMISSION.CustomerAdmin);
    const conv = emu.addConversation({ customerId: acct.customerId, ownerId: acct.agentId });
    const p = new CliProcess(['run', '--json', '--notify', 'none', '--api-url', emu.url], { VOIPBIN_TOKEN: acct.jwt });
    try {
      await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
      emu.publish(
        'conversation_message_created',
        makeConversationMessage({ customer_id: acct.customerId, conversation_id: conv, direction: 'incoming', text: 'Is my order on its way?' }),
      );
      await p.until('the message', (ls) => ls.some((l) => l.type === 'notification'));
      const line = p.lines().find((l) => l.type === 'notification');
      expect(line).toMatchObject({ kind: 'inbound_message', body: 'Is my order on its way?', reply_to: { conversation_id: conv } });
      const to = (line?.reply_to as { conversation_id: string }).conversation_id;
      const r = await reply(['--conversation', to, '--text-stdin', '--json'], 'Yes, it ships today.');
      expect(r.code, r.stderr).toBe(0);
      expect(posts()).toEqual([{ path: `/v1.0/service_agents/conversations/${conv}/messages`, body: { text: 'Yes, it ships today.', medias: [] } }]);
    } finally {
      p.kill();
    }
  });

  it('bad usage is exit 2 before anything is sent: no --text-stdin, both or neither target, an empty text, an id that is no UUID', async () => {
    const conv = emu.addConversation({ customerId: acct.customerId, ownerId: acct.agentId });
    const cases: [string[], string | undefined, RegExp][] = [
      [['--conversation', conv], undefined, /--text-stdin/],
      [['--conversation', conv, '--chat', conv, '--text-stdin'], 'x', /not both/],
      [['--text-stdin'], 'x', /--conversation ID or --chat ID/],
      [['--conversation', conv, '--text-stdin'], '  \n', /empty/],
      [['--conversation', 'not-an-id', '--text-stdin'], 'x', /not a conversation id/],
    ];
    for (const [args, stdin, message] of cases) {
      const r = await reply([...args, '--json'], stdin);
      expect(r.code, JSON.stringify(args)).toBe(2);
      expect(r.lines.at(-1)).toMatchObject({ type: 'error', code: 'bad_usage', message: expect.stringMatching(message) as unknown });
    }
    expect(posts()).toEqual([]);
  });
});
