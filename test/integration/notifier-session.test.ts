import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveApiUrl, parseCredential } from '../../main/core/api/index.js';
import type { NotificationSink, PopUp } from '../../main/core/notify/index.js';
import { NotifierSession, SessionPresence } from '../../main/core/session/index.js';
import type { Clock, NotifierError } from '../../main/core/platform/index.js';
import { defaultTopics } from '../../main/core/stream/index.js';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../shared/notification-settings.js';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { publishAll } from '../../emulator/scenarios.js';
import { ringFor } from '../support/desk.js';
import { FAST_STREAM, PERMISSION, memoryLogger, seedAccount, startEmulator } from '../support/harness.js';

/**
 * The core's one wiring of a signed-in notifier, as the command and the desktop app both run it,
 * against the emulator: identity retries shaped like the socket's states, and one dispose() that
 * leaves nothing behind.
 */
let emu: VoipbinEmulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  await emu.stop();
});

class Sink implements NotificationSink {
  readonly name = 'test';
  readonly shown: PopUp[] = [];
  readonly withdrawn: string[] = [];
  show(p: PopUp): Promise<void> {
    this.shown.push(p);
    return Promise.resolve();
  }
  withdraw(resourceId: string): Promise<void> {
    this.withdrawn.push(resourceId);
    return Promise.resolve();
  }
}

function session(secret: string, sink: Sink): NotifierSession {
  return new NotifierSession({
    endpoints: resolveApiUrl(emu.url),
    credential: parseCredential(secret, 'token'),
    topics: (identity) => defaultTopics(identity),
    settings: () => DEFAULT_NOTIFICATION_SETTINGS,
    sink,
    logger: memoryLogger().logger,
    stream: FAST_STREAM,
  });
}

describe('NotifierSession', () => {
  it("presence polls my status while connected, unless the subscription carries my agent_status_updated (an admin's defaults)", async () => {
    const reads = (): number => emu.requests.filter((r) => r.path === '/v1.0/service_agents/me').length;
    const agent = seedAccount(emu);
    const s1 = session(agent.jwt, new Sink());
    const p1 = new SessionPresence(s1, { logger: memoryLogger().logger, pollMs: 100 });
    s1.start();
    await emu.waitFor(() => reads() >= 4, 5_000);
    p1.dispose();
    await s1.dispose();
    const before = reads();
    const admin = seedAccount(emu, PERMISSION.CustomerAdmin);
    const s2 = session(admin.jwt, new Sink());
    const p2 = new SessionPresence(s2, { logger: memoryLogger().logger, pollMs: 100 });
    const seen: string[] = [];
    p2.on('presence', (p) => seen.push(p.status));
    s2.start();
    await emu.waitFor(() => seen.length === 1);
    await new Promise((r) => setTimeout(r, 600));
    // Read once at the subscription; every change comes as a frame instead.
    expect(reads() - before).toBe(1);
    const res = await fetch(`${emu.url}/v1.0/service_agents/me/status`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${admin.jwt}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'away' }),
    });
    expect(res.status).toBe(200);
    await emu.waitFor(() => seen.at(-1) === 'away');
    expect(reads() - before).toBe(1);
    // My own set is heard as a frame too, before the PUT is answered: it is said as mine, once.
    const mine: string[] = [];
    p2.on('presence', (x) => mine.push(`${x.status} by ${x.changedBy}`));
    await p2.set('busy');
    expect(mine).toEqual(['busy by me']);
    p2.dispose();
    await s2.dispose();
  });

  it('presence reads my status again after each reconnection: what changed while the socket was down is learnt then', async () => {
    const reads = (): number => emu.requests.filter((r) => r.method === 'GET' && r.path === '/v1.0/service_agents/me').length;
    const a = seedAccount(emu);
    const s = session(a.jwt, new Sink());
    const p = new SessionPresence(s, { logger: memoryLogger().logger, pollMs: 60_000 });
    const seen: string[] = [];
    p.on('presence', (x) => seen.push(x.status));
    s.start();
    await emu.waitFor(() => seen.length === 1);
    expect([seen, reads()]).toEqual([['available'], 1]);
    // Changed elsewhere (the console) while the socket is being replaced: an agent token hears no frame of it.
    const res = await fetch(`${emu.url}/v1.0/service_agents/me/status`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${a.jwt}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'away' }),
    });
    expect(res.status).toBe(200);
    s.reconnectNow('test');
    await emu.waitFor(() => seen.length === 2);
    expect([seen, reads()]).toEqual([['available', 'away'], 2]);
    p.dispose();
    await s.dispose();
  });

  it('by default an agent token reads its status again every 60 s while connected: it hears no agent_status_updated', async () => {
    const reads = (): number => emu.requests.filter((r) => r.method === 'GET' && r.path === '/v1.0/service_agents/me').length;
    // Timers kept, not run: the test fires the poll itself instead of waiting a minute.
    const timers: { fn: () => void; ms: number }[] = [];
    const clock: Clock = {
      now: () => Date.now(),
      setTimeout: (fn, ms) => {
        const t = { fn, ms };
        timers.push(t);
        return t;
      },
      clearTimeout: (h) => {
        const i = timers.findIndex((t) => t === h);
        if (i >= 0) timers.splice(i, 1);
      },
    };
    const a = seedAccount(emu);
    const s = session(a.jwt, new Sink());
    const p = new SessionPresence(s, { logger: memoryLogger().logger, clock });
    const seen: string[] = [];
    p.on('presence', (x) => seen.push(x.status));
    s.start();
    await emu.waitFor(() => seen.length === 1);
    expect(timers.map((t) => t.ms)).toEqual([60_000]);
    // Changed in the console: nothing tells an agent token, until the next read.
    const res = await fetch(`${emu.url}/v1.0/service_agents/me/status`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${a.jwt}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'away' }),
    });
    expect(res.status).toBe(200);
    timers[0]!.fn();
    await emu.waitFor(() => seen.length === 2);
    expect([seen, reads()]).toEqual([['available', 'away'], 2]);
    // And again a minute later; none once the socket is gone.
    expect(timers.map((t) => t.ms)).toEqual([60_000]);
    await s.dispose();
    expect(timers).toEqual([]);
    p.dispose();
  });

  it('a status read served before I set mine but answered after it is older news: it never puts the old status back', async () => {
    const reads = (): number => emu.requests.filter((r) => r.method === 'GET' && r.path === '/v1.0/service_agents/me').length;
    const a = seedAccount(emu);
    const busy = await fetch(`${emu.url}/v1.0/service_agents/me/status`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${a.jwt}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'busy' }),
    });
    expect(busy.status).toBe(200);
    const log = memoryLogger();
    const s = session(a.jwt, new Sink());
    const p = new SessionPresence(s, { logger: log.logger, pollMs: 60_000 });
    const seen: string[] = [];
    p.on('presence', (x) => seen.push(`${x.status} by ${x.changedBy}`));
    // The read at the subscription is served (busy) and its answer held back on the way.
    let release = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    const unhook = emu.afterRest('GET', '/v1.0/service_agents/me', (n) => (n === 1 ? held : undefined));
    s.start();
    await emu.waitFor(() => reads() === 1);
    // Meanwhile the agent sets available (PUT, then a read of its own).
    await p.set('available');
    expect(seen).toEqual(['available by me']);
    release();
    // Either the late answer is dropped (said in the log) or it is taken (a second change): wait for whichever comes.
    await emu.waitFor(() => seen.length > 1 || log.lines.some((l) => l.includes('a status read older than one set or heard meanwhile: dropped')));
    expect(seen).toEqual(['available by me']);
    expect(p.watch?.status?.status).toBe('available');
    unhook();
    p.dispose();
    await s.dispose();
  });

  it('an access key whose server fails at first: retrying, said as reconnecting states, then subscribed as the customer', async () => {
    const a = seedAccount(emu);
    emu.failNextRest('/v1.0/customer', 2, 503);
    const s = session(a.accesskey, new Sink());
    const states: string[] = [];
    const retries: NotifierError[] = [];
    s.on('state', (c) => states.push(c.to.state));
    s.on('retrying', (e) => retries.push(e));
    s.start();
    await emu.waitFor(() => s.detail.state === 'subscribed', 10_000);
    expect(retries.map((e) => e.code)).toEqual(['server_error', 'server_error']);
    // Said in words, not as "GET /customer".
    expect(retries[0]?.userMessage).toBe('VoIPBIN had a server error (503) while reading the account.');
    expect(states.slice(0, 5)).toEqual(['connecting', 'reconnecting', 'connecting', 'reconnecting', 'connecting']);
    expect(s.identity).toMatchObject({ kind: 'accesskey', customerId: a.customerId });
    await s.dispose();
  });

  it("an agent's customer is named: /service_agents/customer is read once, not on every reconnect", async () => {
    const a = seedAccount(emu);
    const s = session(a.jwt, new Sink());
    const names: string[] = [];
    s.on('customerName', (n) => names.push(n));
    s.start();
    await emu.waitFor(() => s.detail.state === 'subscribed' && names.length === 1);
    expect(s.customerName).toBe('Acme Support');
    s.reconnectNow('test');
    await emu.waitFor(() => emu.connections().length === 2 && s.detail.state === 'subscribed');
    expect(emu.requests.filter((r) => r.path === '/v1.0/service_agents/customer')).toHaveLength(1);
    expect(names).toEqual(['Acme Support']);
    await s.dispose();
  });

  it('a customer name that cannot be read leaves the id: the session is not held up by it', async () => {
    const a = seedAccount(emu);
    emu.failNextRest('/v1.0/service_agents/customer', 1, 500);
    const s = session(a.jwt, new Sink());
    s.start();
    await emu.waitFor(() => s.detail.state === 'subscribed' && emu.requests.some((r) => r.path === '/v1.0/service_agents/customer'));
    expect(s.customerName).toBeUndefined();
    await s.dispose();
  });

  it('dispose() closes the socket, withdraws nothing it should not, and nothing arrives afterwards', async () => {
    const a = seedAccount(emu);
    const sink = new Sink();
    const s = session(a.jwt, sink);
    const after: string[] = [];
    s.start();
    await emu.waitFor(() => s.detail.state === 'subscribed');
    await s.dispose('the test is over');
    // The socket was closed by the time dispose() resolved (the server's side notices within a tick).
    await emu.waitFor(() => emu.connections().every((c) => c.closed), 500);
    s.on('event', () => after.push('event'));
    s.on('state', () => after.push('state'));
    s.on('notification', () => after.push('notification'));
    publishAll(emu, ringFor(a).start());
    await new Promise((r) => setTimeout(r, 300));
    expect(after).toEqual([]);
    expect(sink.shown).toEqual([]);
    // No reconnect either: the emulator saw one connection, ever.
    expect(emu.connections()).toHaveLength(1);
    // A second dispose is harmless.
    await s.dispose();
  });

  it('keeps watching the credential after the connection stopped, and a restart does not warn again', async () => {
    const a = seedAccount(emu);
    const token = emu.issueJwt(a.agentId, { expire: new Date(Date.now() + 1_500) });
    const s = session(token, new Sink());
    const notices: string[] = [];
    s.on('expiry', (n) => notices.push(n.severity));
    s.start();
    await emu.waitFor(() => s.detail.state === 'subscribed');
    expect(notices).toEqual(['critical']);
    emu.setCustomerStatus(a.customerId, 'frozen');
    emu.dropAll();
    await emu.waitFor(() => s.detail.state === 'stopped');
    emu.setCustomerStatus(a.customerId, 'active');
    s.restart();
    await emu.waitFor(() => s.detail.state === 'subscribed');
    expect(notices).toEqual(['critical']);
    s.stop('the test stops it');
    // Stopped, but the credential still runs out, and the session says so.
    await emu.waitFor(() => notices.includes('expired'), 3_000);
    expect(notices).toEqual(['critical', 'expired']);
    await s.dispose();
  });
});
