import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { makeChatMessage, makeConversationMessage } from '../../emulator/fixtures.js';
import type { DesktopApp } from '../../main/desktop/desktop-app.js';
import { createIpcHandlers } from '../../main/desktop/ipc/handlers.js';
import type { PopUp } from '../../main/core/notify/index.js';
import { PERMISSION, memoryLogger, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { RecordingSink, desktopController, saveSignIn, untilState } from '../support/desktop-app.js';

/**
 * Answering a message from its pop-up, in the desktop app against the emulator: the Reply button
 * or a click opens a draft, the OS's inline reply sends at once, and a send that fails (403, 500,
 * another sign-in) keeps the text and says why.
 */
let emu: VoipbinEmulator;
let dir: string;
let app: DesktopApp | undefined;
beforeEach(async () => {
  emu = await startEmulator();
  dir = await mkdtemp(join(tmpdir(), 'vbn-replies-'));
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await emu.stop();
  await rm(dir, { recursive: true, force: true });
});

async function signedIn(a: Account): Promise<{ c: DesktopApp; sink: RecordingSink }> {
  await saveSignIn(dir, emu.url, a, a.jwt);
  const sink = new RecordingSink();
  const { c } = desktopController(dir, { sink });
  app = c;
  await c.start();
  await untilState(c, 'subscribed', (s) => s.connection.state === 'subscribed');
  return { c, sink };
}

/** A customer writes in a conversation: its pop-up, once shown. */
async function customerWrites(sink: RecordingSink, customerId: string, conversationId: string, text: string): Promise<PopUp> {
  emu.publish(
    'conversation_message_created',
    makeConversationMessage({
      customer_id: customerId,
      conversation_id: conversationId,
      direction: 'incoming',
      text,
      source: { type: 'tel', target: '+15557654321', target_name: 'Maria Lopez' },
    }),
  );
  const start = Date.now();
  for (;;) {
    const p = sink.shown.find((s) => s.body === text);
    if (p !== undefined) return p;
    if (Date.now() - start > 6_000) throw new Error(`no pop-up for "${text}"`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const posts = (): { path: string; body: unknown; status: number }[] =>
  emu.requests.filter((r) => r.method === 'POST').map((r) => ({ path: r.path, body: JSON.parse(r.body) as unknown, status: r.status }));

describe('replies from the desktop', () => {
  // Conversation messages reach customer topics only (PROTOCOL.md §2.4): admins and managers hear them.
  it('the Reply button opens a draft (what was written above it); typed text is kept as typed; Send posts it once and the draft goes', async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAdmin);
    const conv = emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    const { c, sink } = await signedIn(a);
    const pop = await customerWrites(sink, a.customerId, conv, 'Is my order on its way?');
    expect(pop.replyTo).toEqual({ kind: 'conversation', id: conv });

    expect(c.replies.start(pop.resourceId)).toEqual({ opened: true, message: '' });
    expect(c.state.replies).toEqual([
      {
        id: expect.any(String) as unknown,
        kind: 'conversation',
        title: 'Message from Maria Lopez',
        quote: 'Is my order on its way?',
        text: '',
        state: 'writing',
        error: null,
        askedAt: expect.any(Number) as unknown,
      },
    ]);
    const id = c.state.replies[0]!.id;
    // Through the IPC handlers, as the reply window calls them.
    const ipc = createIpcHandlers(c, memoryLogger().logger);
    expect(await ipc['replies:save']({ id, text: 'Yes — it ships' })).toEqual({ ok: true, value: { saved: true } });
    expect(c.state.replies[0]?.text).toBe('Yes — it ships');
    // Asking again (another click) brings the same draft and its text back, newer.
    const asked = c.state.replies[0]!.askedAt;
    await new Promise((r) => setTimeout(r, 5));
    c.replies.start(pop.resourceId);
    expect(c.state.replies).toHaveLength(1);
    expect(c.state.replies[0]).toMatchObject({ id, text: 'Yes — it ships' });
    expect(c.state.replies[0]!.askedAt).toBeGreaterThan(asked);

    expect(await ipc['replies:send']({ id, text: 'Yes — it ships today. 🙂' })).toEqual({ ok: true, value: { sent: true, message: 'Sent.' } });
    expect(posts()).toEqual([
      { path: `/v1.0/service_agents/conversations/${conv}/messages`, body: { text: 'Yes — it ships today. 🙂', medias: [] }, status: 200 },
    ]);
    expect(c.state.replies).toEqual([]);
  });

  it('a click on a message that can be answered opens its reply, not the browser; a call still opens in the console', async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAdmin);
    const conv = emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    const { c, sink } = await signedIn(a);
    const pop = await customerWrites(sink, a.customerId, conv, 'Hello?');
    expect(await c.clicked(pop.resourceId)).toEqual({ opened: true, message: '' });
    expect(c.state.replies.map((r) => r.quote)).toEqual(['Hello?']);
    expect(await c.clicked('not-a-resource')).toMatchObject({ opened: false });
  });

  it('a 500 keeps the text and says why; nothing is retried by itself; Send again delivers it', async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAdmin);
    const conv = emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    const { c, sink } = await signedIn(a);
    const pop = await customerWrites(sink, a.customerId, conv, 'Where is my refund?');
    c.replies.start(pop.resourceId);
    const id = c.state.replies[0]!.id;
    emu.failNextRest(`/v1.0/service_agents/conversations/${conv}/messages`, 1, 500);
    const r = await c.replies.send(id, 'Refunded this morning.');
    expect(r.sent).toBe(false);
    expect(r.message).toMatch(/^Your reply was not sent: /);
    expect(c.state.replies).toEqual([expect.objectContaining({ id, state: 'failed', text: 'Refunded this morning.', error: r.message })]);
    expect(posts().map((p) => p.status)).toEqual([500]);

    expect(await c.replies.send(id, 'Refunded this morning.')).toEqual({ sent: true, message: 'Sent.' });
    expect(posts().map((p) => p.status)).toEqual([500, 200]);
    expect(c.state.replies).toEqual([]);
  });

  it('team chat: a chat I was taken out of is refused (403) with the reason, the text kept; an empty reply is not sent', async () => {
    const a = seedAccount(emu);
    const other = emu.addAgent({ customerId: a.customerId, username: 'sam', password: 'pw-pw-pw-pw', permission: PERMISSION.CustomerAgent });
    const chat = emu.addChat({ customerId: a.customerId, type: 'group', name: 'Support team', participants: [other.id] });
    const { c, sink } = await signedIn(a);
    // Delivered to me as a participant, though the chat no longer lists me.
    emu.publish('chatmessage_created', makeChatMessage({ customer_id: a.customerId, owner_id: other.id, chat_id: chat, text: 'Who takes the VIP queue?' }), {
      participants: [a.agentId, other.id],
    });
    await untilState(c, 'the chat pop-up', () => sink.shown.some((p) => p.body === 'Who takes the VIP queue?'));
    const pop = sink.shown.find((p) => p.body === 'Who takes the VIP queue?')!;
    expect(pop.replyTo).toEqual({ kind: 'chat', id: chat });
    c.replies.start(pop.resourceId);
    const id = c.state.replies[0]!.id;
    expect(c.state.replies[0]?.kind).toBe('chat');

    expect(await c.replies.send(id, '   ')).toEqual({ sent: false, message: 'The reply is empty: nothing was sent.' });
    expect(posts()).toEqual([]);
    const r = await c.replies.send(id, 'I will');
    expect(r).toEqual({ sent: false, message: 'Your reply was not sent: VoIPBIN refused it: you are not a member of that team chat.' });
    expect(c.state.replies[0]).toMatchObject({ state: 'failed', text: 'I will' });
    // Thrown away on purpose: gone.
    expect(c.replies.discard(id)).toEqual({ drafts: 0 });
  });

  it("the OS's inline reply sends at once; one that fails becomes a draft holding the text and asks for the window", async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAdmin);
    const conv = emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    const { c, sink } = await signedIn(a);
    const pop = await customerWrites(sink, a.customerId, conv, 'Are you open on Sunday?');
    expect(await c.replies.inline(pop.resourceId, 'Yes, 10 to 4.')).toEqual({ sent: true, message: 'Sent.' });
    expect(c.state.replies).toEqual([]);

    emu.failNextRest(`/v1.0/service_agents/conversations/${conv}/messages`, 1, 503);
    const r = await c.replies.inline(pop.resourceId, 'And on holidays too.');
    expect(r.sent).toBe(false);
    expect(c.state.replies).toEqual([expect.objectContaining({ state: 'failed', text: 'And on holidays too.', askedAt: expect.any(Number) as unknown })]);
    expect(c.state.replies[0]!.askedAt).toBeGreaterThan(0);
    expect(posts().map((p) => p.body)).toEqual([
      { text: 'Yes, 10 to 4.', medias: [] },
      { text: 'And on holidays too.', medias: [] },
    ]);
  });

  it('privacy mode hides the number and what was written in the reply window, as in the pop-up; not the text being typed', async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAdmin);
    const conv = emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    const { c, sink } = await signedIn(a);
    const pop = await customerWrites(sink, a.customerId, conv, 'My card number is 4111…');
    c.replies.start(pop.resourceId);
    c.replies.save(c.state.replies[0]!.id, 'Please never send card numbers here.');
    await c.notifications.update({ privacy: true });
    expect(c.state.replies[0]).toMatchObject({
      // The pop-up's privacy twin: a name the sender gave stays, a number would not.
      title: 'Message from Maria Lopez',
      quote: 'Message hidden (privacy mode)',
      text: 'Please never send card numbers here.',
    });
    expect(JSON.stringify(c.state.replies)).not.toContain('4111');
    expect(JSON.stringify(c.state.replies)).not.toContain('+1555');
  });

  it('after signing in as someone else a draft is kept, and refused rather than sent as the wrong person', async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAdmin);
    const b = seedAccount(emu, PERMISSION.CustomerAdmin);
    const conv = emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    const { c, sink } = await signedIn(a);
    const pop = await customerWrites(sink, a.customerId, conv, 'Can you call me?');
    c.replies.start(pop.resourceId);
    const id = c.state.replies[0]!.id;
    await c.signOut();
    expect(await c.replies.send(id, 'Calling now')).toEqual({ sent: false, message: 'Sign in first: your text is kept here.' });
    await c.signIn({ method: 'password', apiUrl: emu.url, username: b.username, password: b.password });
    const r = await c.replies.send(id, 'Calling now');
    expect(r.sent).toBe(false);
    expect(r.message).toMatch(/another sign-in/);
    expect(c.state.replies[0]).toMatchObject({ id, text: 'Calling now', state: 'failed' });
    expect(posts().filter((p) => p.path.endsWith('/messages'))).toEqual([]);
  });
});
