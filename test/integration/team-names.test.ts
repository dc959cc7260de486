import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveApiUrl, parseCredential, RestClient } from '../../main/core/api/index.js';
import { decodeAgentToken, resolveIdentity } from '../../main/core/account/index.js';
import { NotificationCenter, type DecidedNotification } from '../../main/core/notify/index.js';
import { TeamDirectory } from '../../main/core/team/index.js';
import type { ResourceEvent } from '../../main/core/stream/index.js';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../shared/notification-settings.js';
import { PERMISSION, type VoipbinEmulator } from '../../emulator/index.js';
import { makeChatMessage } from '../../emulator/fixtures.js';
import { memoryLogger, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { CliProcess } from '../support/cli-process.js';

/**
 * Team chat pop-ups name their sender and chat ("Sam Lee in Support team"), read over loopback
 * from what the token may list; "a teammate" only when the name cannot be known, and a slow or
 * failing server never loses or long delays the pop-up.
 */
let emu: VoipbinEmulator;
let acct: Account;
let samId: string;

beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu);
  samId = emu.addAgent({ customerId: acct.customerId, username: 'sam', password: 'pw', name: 'Sam Lee', permission: PERMISSION.CustomerAgent }).id;
});
afterEach(async () => {
  await emu.stop();
});

/** A chat message event as the stream hands it to the notification centre. */
function chatEvent(fields: { owner_id: string; chat_id?: string; text?: string }): ResourceEvent {
  const data = { ...makeChatMessage({ customer_id: acct.customerId, ...fields }) };
  return {
    kind: 'chat_message',
    id: data.id,
    status: undefined,
    eventType: 'chatmessage_created',
    data,
    source: 'stream',
    receivedAt: Date.now(),
    updatedAt: undefined,
  };
}

function centre(opts: { secret?: string; rereadAfterMs?: number; budgetMs?: number } = {}): {
  center: NotificationCenter;
  team: TeamDirectory;
  seen: DecidedNotification[];
  ready: Promise<void>;
} {
  const endpoints = resolveApiUrl(emu.url);
  const credential = parseCredential(opts.secret ?? acct.jwt, 'token');
  const rest = new RestClient({ endpoints, credential });
  const identity = decodeAgentToken(acct.jwt);
  const { logger } = memoryLogger();
  const team = new TeamDirectory({ rest, identity, logger, rereadAfterMs: opts.rereadAfterMs, budgetMs: opts.budgetMs });
  const center = new NotificationCenter({ identity, settings: DEFAULT_NOTIFICATION_SETTINGS, sink: undefined, logger, team });
  const seen: DecidedNotification[] = [];
  center.on('notification', (n) => seen.push(n));
  return { center, team, seen, ready: team.load() };
}

/** Listings of the agents (each is one page plus the empty page that ends it). */
const agentListings = (): number => emu.requests.filter((r) => r.path === '/v1.0/service_agents/agents' && r.query.page_token === undefined).length;

async function until(pred: () => boolean, what: string, ms = 3_000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('team chat names', () => {
  it('a group chat: "Sam Lee in Support team"; a direct chat: "Team chat from Sam Lee"', async () => {
    const group = emu.addChat({ customerId: acct.customerId, type: 'group', name: 'Support team', participants: [acct.agentId, samId] });
    const direct = emu.addChat({ customerId: acct.customerId, type: 'direct', name: 'ignored for direct chats', participants: [acct.agentId, samId] });
    const c = centre();
    c.center.handleEvent(chatEvent({ owner_id: samId, chat_id: group, text: 'Can you cover the VIP queue?' }));
    c.center.handleEvent(chatEvent({ owner_id: samId, chat_id: direct, text: 'Lunch?' }));
    await until(() => c.seen.length === 2, 'two pop-ups');
    expect(c.seen.map((n) => [n.title, n.body])).toEqual([
      ['Sam Lee in Support team', 'Can you cover the VIP queue?'],
      ['Team chat from Sam Lee', 'Lunch?'],
    ]);
    // The agent list was read once, each chat once.
    expect(agentListings()).toBe(1);
    expect(emu.requests.filter((r) => r.path.startsWith('/v1.0/service_agents/talk_chats/'))).toHaveLength(2);
    c.center.handleEvent(chatEvent({ owner_id: samId, chat_id: group, text: 'again' }));
    await until(() => c.seen.length === 3, 'the third pop-up');
    expect(c.seen[2]?.title).toBe('Sam Lee in Support team');
    expect(emu.requests.filter((r) => r.path.startsWith('/v1.0/service_agents/talk_chats/'))).toHaveLength(2);
  });

  it('a teammate added after the list was read is named: the list is read again for a stranger', async () => {
    const c = centre({ rereadAfterMs: 0 });
    await c.ready;
    const newcomer = emu.addAgent({
      customerId: acct.customerId,
      username: 'priya',
      password: 'pw',
      name: 'Priya Shah',
      permission: PERMISSION.CustomerAgent,
    }).id;
    c.center.handleEvent(chatEvent({ owner_id: newcomer, text: 'Hi all, first day!' }));
    await until(() => c.seen.length === 1, 'the pop-up');
    expect(c.seen[0]?.title).toBe('Team chat from Priya Shah');
    expect(agentListings()).toBe(2);
  });

  it('the list read is not repeated for every message of someone it does not know', async () => {
    const c = centre({ rereadAfterMs: 60_000 });
    await c.ready;
    for (let i = 0; i < 5; i++) c.center.handleEvent(chatEvent({ owner_id: '7f4e2c1a-9b3d-4e8f-a0b1-c2d3e4f5a6b7', text: `m${i}` }));
    await until(() => c.seen.length === 5, 'five pop-ups');
    expect(c.seen.every((n) => n.title === 'Team chat from a teammate')).toBe(true);
    expect(agentListings()).toBe(1);
  });

  it('the agent list failing (500): the pop-up still shows, as "a teammate"', async () => {
    emu.failNextRest('/v1.0/service_agents/agents', 5, 500);
    const c = centre();
    c.center.handleEvent(chatEvent({ owner_id: samId, text: 'still here' }));
    await until(() => c.seen.length === 1, 'the pop-up');
    expect(c.seen[0]).toMatchObject({ title: 'Team chat from a teammate', body: 'still here', shown: true });
  });

  it('the agent list not answering: the pop-up waits only its budget, then shows', async () => {
    const release = emu.holdRest('/v1.0/service_agents/agents');
    try {
      const c = centre({ budgetMs: 300 });
      c.center.handleEvent(chatEvent({ owner_id: samId, text: 'are you there?' }));
      await until(() => c.seen.length === 1, 'the pop-up after the budget', 2_000);
      expect(c.seen[0]?.title).toBe('Team chat from a teammate');
    } finally {
      release();
    }
  });

  it('a message still waiting for its names when the centre is disposed is decided, not lost', async () => {
    const release = emu.holdRest('/v1.0/service_agents/agents');
    try {
      const c = centre({ budgetMs: 300 });
      c.center.handleEvent(chatEvent({ owner_id: samId, text: 'just before the stop' }));
      await c.center.dispose();
      expect(c.seen.map((n) => n.body)).toEqual(['just before the stop']);
    } finally {
      release();
    }
  });

  it('a chat whose name the server fails to give is not asked again for every message', async () => {
    const group = emu.addChat({ customerId: acct.customerId, type: 'group', name: 'Support team', participants: [acct.agentId, samId] });
    emu.failNextRest('/v1.0/service_agents/talk_chats/', 10, 500);
    const c = centre();
    for (let i = 0; i < 4; i++) c.center.handleEvent(chatEvent({ owner_id: samId, chat_id: group, text: `m${i}` }));
    await until(() => c.seen.length === 4, 'four pop-ups');
    await c.center.settled();
    expect(emu.requests.filter((r) => r.path.startsWith('/v1.0/service_agents/talk_chats/'))).toHaveLength(1);
    expect(c.seen.every((n) => n.title === 'Team chat from Sam Lee')).toBe(true);
  });

  it('an id from a frame that is no UUID never becomes part of a request path', async () => {
    const c = centre();
    await c.ready;
    c.center.handleEvent(chatEvent({ owner_id: samId, chat_id: '../../customer', text: 'hi' }));
    await until(() => c.seen.length === 1, 'the pop-up');
    expect(emu.requests.filter((r) => r.path.includes('talk_chats') || r.path === '/v1.0/customer')).toEqual([]);
  });

  it('names chosen by someone else stay text: controls and bidi overrides removed, length bounded', async () => {
    const mallory = emu.addAgent({
      customerId: acct.customerId,
      username: 'mallory',
      password: 'pw',
      name: '\u202eevil\u001b[31m <b>Boss</b>' + 'x'.repeat(500),
      permission: PERMISSION.CustomerAgent,
    }).id;
    const c = centre();
    await c.ready;
    c.center.handleEvent(chatEvent({ owner_id: mallory, text: 'hi' }));
    await until(() => c.seen.length === 1, 'the pop-up');
    const title = c.seen[0]!.title;
    expect(title).not.toContain('\u202e');
    expect(title).not.toContain('\u001b');
    expect(title).toContain('<b>Boss</b>');
    expect(title.length).toBeLessThan(200);
  });

  it('an access key reads the names from /agents (it has no /service_agents)', async () => {
    const endpoints = resolveApiUrl(emu.url);
    const credential = parseCredential(acct.accesskey, 'accesskey');
    const rest = new RestClient({ endpoints, credential });
    const identity = await resolveIdentity(credential, rest);
    const team = new TeamDirectory({ rest, identity, logger: memoryLogger().logger });
    await team.load();
    expect(team.agentName(samId)).toBe('Sam Lee');
    expect(emu.requests.some((r) => r.path === '/v1.0/agents' && r.status === 200)).toBe(true);
  });

  it('end to end: run --json names the sender and chat of a team chat pop-up', async () => {
    const group = emu.addChat({ customerId: acct.customerId, type: 'group', name: 'Support team', participants: [acct.agentId, samId] });
    const p = new CliProcess(['run', '--json', '--notify', 'none', '--api-url', emu.url], { VOIPBIN_TOKEN: acct.jwt });
    try {
      await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
      emu.publish('chatmessage_created', makeChatMessage({ customer_id: acct.customerId, owner_id: samId, chat_id: group, text: 'VIP queue?' }), {
        participants: [acct.agentId],
      });
      await p.until('the notification', (ls) => ls.some((l) => l.type === 'notification'));
      expect(p.lines().find((l) => l.type === 'notification')).toMatchObject({ kind: 'chat_message', title: 'Sam Lee in Support team', body: 'VIP queue?' });
    } finally {
      p.kill('SIGINT');
      await p.exited;
    }
  });
});
