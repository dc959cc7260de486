import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { makeChatMessage, makeConversationMessage } from '../../emulator/fixtures.js';
import type { DesktopApp, DesktopAppOptions } from '../../main/desktop/desktop-app.js';
import { MAX_DRAFTS } from '../../main/desktop/features/replies.js';
import { createIpcHandlers } from '../../main/desktop/ipc/handlers.js';
import type { PopUp } from '../../main/core/notify/index.js';
import { systemClock } from '../../main/core/platform/index.js';
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

async function signedIn(a: Account, overrides: Partial<DesktopAppOptions> = {}): Promise<{ c: DesktopApp; sink: RecordingSink }> {
  await saveSignIn(dir, emu.url, a, a.jwt);
  const sink = new RecordingSink();
  const { c } = desktopController(dir, { sink, overrides });
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

    expect(await c.replies.send(id, '   ')).toEqual({ sent: false, message: 'The reply is empty: nothing was sent.', code: 'bad_usage' });
    expect(posts()).toEqual([]);
    const r = await c.replies.send(id, 'I will');
    expect(r).toEqual({ sent: false, message: 'Your reply was not sent: VoIPBIN refused it: you are not a member of that team chat.', code: 'forbidden' });
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

  it("after signing in as someone else a draft's text is kept but not the message it answers, and it is refused rather than sent as the wrong person; back as the first account it is whole and sent", async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAdmin);
    const b = seedAccount(emu, PERMISSION.CustomerAdmin);
    const conv = emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    const other = emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    const { c, sink } = await signedIn(a);
    const pop = await customerWrites(sink, a.customerId, conv, 'Can you call me?');
    const untouched = await customerWrites(sink, a.customerId, other, 'My account number is 99-1234');
    c.replies.start(pop.resourceId);
    const id = c.state.replies[0]!.id;
    c.replies.start(untouched.resourceId);
    expect(c.state.replies).toHaveLength(2);
    await c.signOut();
    expect(await c.replies.send(id, 'Calling now')).toMatchObject({
      sent: false,
      message: 'Sign in first: your text is kept here.',
      code: 'credentials_missing',
    });
    await c.signIn({ method: 'password', apiUrl: emu.url, username: b.username, password: b.password });
    const r = await c.replies.send(id, 'Calling now');
    expect(r).toEqual({
      sent: false,
      code: 'other_account',
      message: `This message came to another sign-in (Alice Agent (${a.username})): sign in with that account to send your reply.`,
    });
    // Only the draft holding text is shown, and not what the first account's customer wrote.
    expect(c.state.replies).toEqual([
      expect.objectContaining({ id, title: `Message to Alice Agent (${a.username})`, text: 'Calling now', state: 'failed', error: r.message }),
    ]);
    expect(JSON.stringify(c.state)).not.toContain('Can you call me?');
    expect(JSON.stringify(c.state.replies)).not.toContain('99-1234');
    expect(c.state.replies[0]!.quote).toMatch(/^It came to another sign-in \(Alice Agent \(agent\d+\)\): sign in with that account/);
    // An inline reply to the first account's pop-up cannot become a draft here: its text is kept in a note.
    const inline = await c.replies.inline(pop.resourceId, 'Or I can text you');
    expect(inline).toMatchObject({ sent: false, code: 'not_found' });
    expect(c.state.replyNotes).toEqual([
      { id: expect.any(String) as unknown, message: inline.message, text: 'Or I can text you', askedAt: expect.any(Number) as unknown },
    ]);
    expect(inline.message).toBe(
      'Your reply was not sent: that message can no longer be answered here (you signed out or in as someone else, or it left the history). What you wrote is kept below.',
    );
    expect(posts().filter((p) => p.path.endsWith('/messages'))).toEqual([]);

    await c.signOut();
    await c.signIn({ method: 'password', apiUrl: emu.url, username: a.username, password: a.password });
    expect(c.state.replies.map((d) => [d.title, d.quote, d.text])).toEqual([
      ['Message from Maria Lopez', 'Can you call me?', 'Calling now'],
      ['Message from Maria Lopez', 'My account number is 99-1234', ''],
    ]);
    expect(await c.replies.send(id, 'Calling now')).toEqual({ sent: true, message: 'Sent.' });
    expect(posts().filter((p) => p.path.endsWith('/messages'))).toEqual([
      { path: `/v1.0/service_agents/conversations/${conv}/messages`, body: { text: 'Calling now', medias: [] }, status: 200 },
    ]);
  });

  it('an inline reply never takes over text typed in the reply window, nor one being sent: it is a reply of its own; an untouched draft it does take over', async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAdmin);
    const conv = emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    const { c, sink } = await signedIn(a);
    const pop = await customerWrites(sink, a.customerId, conv, 'Do you deliver on Saturday?');
    const path = `/v1.0/service_agents/conversations/${conv}/messages`;

    // The window was opened and nothing typed yet: the inline reply is that draft, gone once sent.
    c.replies.start(pop.resourceId);
    expect(await c.replies.inline(pop.resourceId, 'We do.')).toEqual({ sent: true, message: 'Sent.' });
    expect(c.state.replies).toEqual([]);

    // Text typed in the window stays there, as typed, whether the inline reply is sent or not.
    c.replies.start(pop.resourceId);
    const typed = c.state.replies[0]!.id;
    c.replies.save(typed, 'Saturdays 9 to 1, and');
    expect(await c.replies.inline(pop.resourceId, 'Yes, until 1 pm.')).toEqual({ sent: true, message: 'Sent.' });
    expect(c.state.replies).toEqual([expect.objectContaining({ id: typed, text: 'Saturdays 9 to 1, and', state: 'writing', error: null })]);
    emu.failNextRest(path, 1, 500);
    const failed = await c.replies.inline(pop.resourceId, 'Sundays closed.');
    expect(failed.sent).toBe(false);
    expect(c.state.replies.map((d) => [d.id === typed, d.text, d.state])).toEqual([
      [true, 'Saturdays 9 to 1, and', 'writing'],
      [false, 'Sundays closed.', 'failed'],
    ]);

    // While the window's reply is on its way, an inline reply goes out too, as itself.
    let inlineWhileSending: Promise<unknown> | undefined;
    const unhook = emu.afterRest('POST', path, () => {
      expect(c.state.replies.find((d) => d.id === typed)?.state).toBe('sending');
      inlineWhileSending ??= c.replies.inline(pop.resourceId, 'See you then!');
    });
    expect(await c.replies.send(typed, 'Saturdays 9 to 1, and holidays.')).toEqual({ sent: true, message: 'Sent.' });
    unhook();
    expect(await inlineWhileSending).toEqual({ sent: true, message: 'Sent.' });
    expect(c.state.replies.map((d) => d.text)).toEqual(['Sundays closed.']);
    expect(posts().map((p) => [p.status, (p.body as { text: string }).text])).toEqual([
      [200, 'We do.'],
      [200, 'Yes, until 1 pm.'],
      [500, 'Sundays closed.'],
      [200, 'Saturdays 9 to 1, and holidays.'],
      [200, 'See you then!'],
    ]);
  });

  it(`at ${MAX_DRAFTS} drafts only an untouched one makes room; with none, a new reply is refused saying why, and an inline one's text is kept in a note`, async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAdmin);
    const conv = emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    const other = emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    const { c, sink } = await signedIn(a);
    const pop = await customerWrites(sink, a.customerId, conv, 'Hello?');
    const second = await customerWrites(sink, a.customerId, other, 'Anyone there?');
    // The oldest draft is opened and left empty; each failed inline reply then keeps its text in a draft of its own.
    c.replies.start(second.resourceId);
    const path = `/v1.0/service_agents/conversations/${conv}/messages`;
    emu.failNextRest(path, MAX_DRAFTS + 1, 503);
    for (let i = 1; i < MAX_DRAFTS; i++) expect((await c.replies.inline(pop.resourceId, `answer ${i}`)).sent).toBe(false);
    expect(c.state.replies).toHaveLength(MAX_DRAFTS);
    // Full: the untouched draft makes room, not one holding text.
    expect((await c.replies.inline(pop.resourceId, `answer ${MAX_DRAFTS}`)).sent).toBe(false);
    const texts = Array.from({ length: MAX_DRAFTS }, (_, i) => `answer ${i + 1}`);
    expect(c.state.replies.map((d) => d.text)).toEqual(texts);

    // Full, and every draft holds text: refused, nothing sent, nothing dropped, the text kept in a note.
    const requests = posts().length;
    const refused = await c.replies.inline(pop.resourceId, 'the one too many');
    expect(refused).toEqual({
      sent: false,
      code: 'too_many_replies',
      message: `Your reply was not sent: ${MAX_DRAFTS} replies are already open here, the most kept at once. Send or discard one, then answer again. What you wrote is kept below.`,
    });
    expect(posts()).toHaveLength(requests);
    expect(c.state.replies.map((d) => d.text)).toEqual(texts);
    expect(c.state.replyNotes).toEqual([
      { id: expect.any(String) as unknown, message: refused.message, text: 'the one too many', askedAt: expect.any(Number) as unknown },
    ]);
    const kept = c.state.replyNotes[0]!;
    expect(kept.askedAt).toBeGreaterThan(0);

    // A click on another message: refused too, said in the reply window; the same conversation's draft still opens.
    const click = c.replies.start(second.resourceId);
    expect(click).toEqual({
      opened: false,
      code: 'too_many_replies',
      message: `${MAX_DRAFTS} replies are already open here, the most kept at once: send or discard one to answer another message.`,
    });
    expect(c.state.replyNotes.map((n) => [n.message, n.text])).toEqual([
      [refused.message, 'the one too many'],
      [click.message, ''],
    ]);
    expect(c.replies.start(pop.resourceId)).toEqual({ opened: true, message: '' });

    // Room made: "too many" no longer holds; the note with text stays until dismissed.
    expect(c.replies.discard(c.state.replies[0]!.id)).toEqual({ drafts: MAX_DRAFTS - 1 });
    expect(c.state.replyNotes).toEqual([kept]);
    expect(c.replies.start(second.resourceId)).toEqual({ opened: true, message: '' });
    expect(c.replies.discard(kept.id)).toEqual({ drafts: MAX_DRAFTS });
    expect(c.state.replyNotes).toEqual([]);
  });

  it('each ask is newer than the last, even when the clock is set back: the reply window comes up for every click', async () => {
    const a = seedAccount(emu, PERMISSION.CustomerAdmin);
    const conv = emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    let offset = 0;
    const { c, sink } = await signedIn(a, { clock: { ...systemClock, now: () => Date.now() + offset } });
    const pop = await customerWrites(sink, a.customerId, conv, 'Are you open today?');
    const asked = (): number[] => [...c.state.replies, ...c.state.replyNotes].map((r) => r.askedAt);

    c.replies.start(pop.resourceId);
    const [first] = asked();
    // The machine's clock is put back an hour (a time sync, a manual change), then the agent clicks again.
    offset = -3_600_000;
    c.replies.start(pop.resourceId);
    const [second] = asked();
    expect(second).toBeGreaterThan(first!);
    // Asked twice within one millisecond: still two asks.
    c.replies.start(pop.resourceId);
    expect(asked()[0]).toBeGreaterThan(second!);
    // A note made after it is newer too.
    await c.replies.inline('no-longer-in-history', 'Yes, until 6');
    expect(c.state.replyNotes[0]!.askedAt).toBeGreaterThan(c.state.replies[0]!.askedAt);
  });
});
