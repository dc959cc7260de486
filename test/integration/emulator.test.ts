// The emulator itself must behave like PROTOCOL.md says, otherwise every test built
// on it proves nothing. Real loopback sockets, the `ws` client and fetch.
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AgentRecord, CustomerRecord, EmulatorOptions } from '../../emulator/index.js';
import { NIL_UUID, PERMISSION, VoipbinEmulator, encodeTextFrames } from '../../emulator/index.js';
import { makeCall, makeChatMessage, makeSms } from '../../emulator/fixtures.js';

// ---------- harness ----------

interface World {
  emu: VoipbinEmulator;
  customer: CustomerRecord;
  admin: AgentRecord;
  manager: AgentRecord;
  agent: AgentRecord;
  other: AgentRecord;
  adminJwt: string;
  managerJwt: string;
  agentJwt: string;
  accesskey: string;
}

const emulators: VoipbinEmulator[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(emulators.splice(0).map((e) => e.stop()));
});

async function world(opts: EmulatorOptions = {}): Promise<World> {
  const emu = await VoipbinEmulator.start({ rateLimits: false, ...opts });
  emulators.push(emu);
  const customer = emu.addCustomer({ name: 'Acme', detail: 'test customer', webhook_uri: 'https://hooks.example.com/vb', webhook_method: 'POST' });
  const admin = emu.addAgent({ customerId: customer.id, username: 'admin@acme.test', password: 'pw-admin', permission: PERMISSION.CustomerAdmin });
  const manager = emu.addAgent({ customerId: customer.id, username: 'mgr@acme.test', password: 'pw-mgr', permission: PERMISSION.CustomerManager });
  const agent = emu.addAgent({ customerId: customer.id, username: 'agent@acme.test', password: 'pw-agent', permission: PERMISSION.CustomerAgent });
  const other = emu.addAgent({ customerId: customer.id, username: 'other@acme.test', password: 'pw-other', permission: PERMISSION.CustomerAgent });
  return {
    emu,
    customer,
    admin,
    manager,
    agent,
    other,
    adminJwt: emu.issueJwt(admin.id),
    managerJwt: emu.issueJwt(manager.id),
    agentJwt: emu.issueJwt(agent.id),
    accesskey: emu.addAccessKey(customer.id),
  };
}

function wsUrl(emu: VoipbinEmulator, path = '/v1.0/ws', query = ''): string {
  return `${emu.url.replace(/^http/, 'ws')}${path}${query}`;
}

type Opened = { ws: WebSocket } | { status: number; headers: IncomingHttpHeaders; body: string };

function open(url: string, opts: { headers?: Record<string, string>; autoPong?: boolean } = {}): Promise<Opened> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const ws = new WebSocket(url, { headers: opts.headers ?? {}, autoPong: opts.autoPong ?? true });
    sockets.push(ws);
    ws.on('error', (err) => {
      if (!settled) reject(err);
    });
    ws.once('open', () => {
      settled = true;
      resolve({ ws });
    });
    ws.once('unexpected-response', (_req, res) => {
      settled = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
  });
}

async function connect(url: string, opts: { headers?: Record<string, string>; autoPong?: boolean } = {}): Promise<WebSocket> {
  const r = await open(url, opts);
  if (!('ws' in r)) throw new Error(`upgrade refused: ${r.status} ${r.body}`);
  return r.ws;
}

async function refused(url: string, opts: { headers?: Record<string, string> } = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const r = await open(url, opts);
  if ('ws' in r) throw new Error('upgrade unexpectedly accepted');
  return r;
}

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

function closed(ws: WebSocket): Promise<{ code: number }> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve({ code: -1 });
    ws.once('close', (code) => resolve({ code }));
  });
}

function collect(ws: WebSocket): string[] {
  const frames: string[] = [];
  ws.on('message', (d: Buffer) => frames.push(d.toString('utf8')));
  return frames;
}

function subscribe(ws: WebSocket, ...topics: string[]): void {
  ws.send(JSON.stringify({ type: 'subscribe', topics }));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sends a WS ping and reports whether a pong came back within `ms`. */
function pingAnswered(ws: WebSocket, ms = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    ws.once('pong', () => {
      clearTimeout(t);
      resolve(true);
    });
    ws.ping();
  });
}

/** Subscriptions are not acknowledged (§1.3); a pong after them proves they were processed. */
async function subscribed(ws: WebSocket, ...topics: string[]): Promise<void> {
  subscribe(ws, ...topics);
  expect(await pingAnswered(ws)).toBe(true);
}

async function api(emu: VoipbinEmulator, path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; json: unknown; text: string }> {
  const res = await fetch(emu.url + path, init);
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}

function envelope(json: unknown): { status: string; reason: string; message: string; request_id: string; details?: Record<string, unknown>[] } {
  return (json as { error: { status: string; reason: string; message: string; request_id: string; details?: Record<string, unknown>[] } }).error;
}

// ---------- tests ----------

describe('POST /auth/login', () => {
  it('returns username + HS256 token and the token cookie', async () => {
    const w = await world();
    const r = await api(w.emu, '/auth/login', { method: 'POST', body: JSON.stringify({ username: 'agent@acme.test', password: 'pw-agent' }) });
    expect(r.status).toBe(200);
    const body = r.json as { username: string; token: string };
    expect(body.username).toBe('agent@acme.test');
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`token=${body.token}`);
    for (const attr of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Max-Age=604800', 'Path=/']) expect(cookie).toContain(attr);

    const { header, payload } = decodeJwt(body.token);
    expect(header.alg).toBe('HS256');
    expect(Object.keys(payload).sort()).toEqual(['agent', 'expire', 'type']);
    expect(payload.type).toBe('agent');
    expect(payload.exp).toBeUndefined();
    expect(payload.iat).toBeUndefined();
    expect(payload.expire).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    const days = (Date.parse(payload.expire as string) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);
    const agent = payload.agent as Record<string, unknown>;
    expect(agent).toMatchObject({ id: w.agent.id, customer_id: w.customer.id, username: 'agent@acme.test', permission: PERMISSION.CustomerAgent });
    for (const k of ['name', 'detail', 'ring_method', 'status', 'tag_ids', 'addresses', 'direct_hash', 'tm_create', 'tm_update'])
      expect(agent).toHaveProperty(k);

    // The token works, and is the same kind issueJwt() produces.
    const me = await api(w.emu, '/v1.0/me', { headers: bearer(body.token) });
    expect(me.status).toBe(200);
    expect((me.json as { id: string }).id).toBe(w.agent.id);
    expect(Object.keys(decodeJwt(w.agentJwt).payload).sort()).toEqual(['agent', 'expire', 'type']);
  });

  it('answers every failure with a bare 400 and an empty body', async () => {
    const w = await world();
    const bodies = [
      JSON.stringify({ username: 'agent@acme.test', password: 'wrong' }),
      JSON.stringify({ username: 'nobody@acme.test', password: 'pw-agent' }),
      JSON.stringify({ username: 'agent@acme.test' }),
      '{not json',
      '',
    ];
    for (const body of bodies) {
      const r = await api(w.emu, '/auth/login', { method: 'POST', body });
      expect(r.status).toBe(400);
      expect(r.text).toBe('');
      expect(r.headers.get('set-cookie')).toBeNull();
    }
  });

  it('lives at the root only: /v1.0/auth/login is 404', async () => {
    const w = await world();
    const r = await api(w.emu, '/v1.0/auth/login', { method: 'POST', body: JSON.stringify({ username: 'agent@acme.test', password: 'pw-agent' }) });
    expect(r.status).toBe(404);
  });

  it('is rate limited per IP with Retry-After', async () => {
    const w = await world({ rateLimits: { authPerIp: { ratePerSec: 0.5, burst: 2 } } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const r = await api(w.emu, '/auth/login', { method: 'POST', body: JSON.stringify({ username: 'agent@acme.test', password: 'pw-agent' }) });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(retryAfter).toBe('2');
  });
});

describe('authentication on /v1.0', () => {
  it('rejects expired JWTs with the 401 envelope (injectable clock)', async () => {
    let now = new Date('2026-09-01T00:00:00Z');
    const w = await world({ now: () => now });
    const expired = w.emu.issueJwt(w.agent.id, { expire: new Date('2026-08-31T23:59:59Z') });
    const r = await api(w.emu, '/v1.0/me', { headers: { ...bearer(expired), 'X-Request-Id': 'req-test-1' } });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toContain('application/json');
    expect(r.headers.get('x-request-id')).toBe('req-test-1');
    expect(envelope(r.json)).toEqual({
      status: 'UNAUTHENTICATED',
      reason: 'INVALID_CREDENTIALS',
      message: expect.any(String) as string,
      request_id: 'req-test-1',
    });

    const fresh = w.emu.issueJwt(w.agent.id);
    expect((await api(w.emu, '/v1.0/me', { headers: bearer(fresh) })).status).toBe(200);
    now = new Date(now.getTime() + 8 * 86_400_000);
    expect((await api(w.emu, '/v1.0/me', { headers: bearer(fresh) })).status).toBe(401);
  });

  it('rejects tampered tokens and reports a missing credential separately', async () => {
    const w = await world();
    const [h, p, s] = w.agentJwt.split('.');
    const forged = Buffer.from(p!, 'base64url').toString('utf8').replace('"permission":16', '"permission":32');
    const tampered = `${h!}.${Buffer.from(forged).toString('base64url')}.${s!}`;
    expect(envelope((await api(w.emu, '/v1.0/me', { headers: bearer(tampered) })).json).reason).toBe('INVALID_CREDENTIALS');
    const none = await api(w.emu, '/v1.0/me');
    expect(none.status).toBe(401);
    expect(envelope(none.json)).toMatchObject({ status: 'UNAUTHENTICATED', reason: 'AUTHENTICATION_REQUIRED' });
    expect(none.headers.get('x-request-id')).toMatch(/^req_[A-Z2-7]{26}$/);
  });

  it('follows cookie token > query token > Bearer, with no fallback', async () => {
    const w = await world();
    // An accesskey sent as ?token= is parsed as a JWT and fails.
    expect((await api(w.emu, `/v1.0/customer?token=${w.accesskey}`)).status).toBe(401);
    // ...even though the same key is fine as ?accesskey=.
    expect((await api(w.emu, `/v1.0/customer?accesskey=${w.accesskey}`)).status).toBe(200);
    // A stale token cookie beats a valid Bearer.
    expect((await api(w.emu, '/v1.0/me', { headers: { Cookie: 'token=garbage', ...bearer(w.agentJwt) } })).status).toBe(401);
    // A valid token cookie beats a bad Bearer.
    expect((await api(w.emu, '/v1.0/me', { headers: { Cookie: `token=${w.agentJwt}`, ...bearer('garbage') } })).status).toBe(200);
    // Query token beats Bearer.
    expect((await api(w.emu, '/v1.0/me?token=garbage', { headers: bearer(w.agentJwt) })).status).toBe(401);
    // Any JWT source beats an accesskey source.
    expect((await api(w.emu, `/v1.0/customer?accesskey=${w.accesskey}`, { headers: bearer('garbage') })).status).toBe(401);
  });

  it('accepts accesskeys from cookie or query, never from Bearer; they act as admin without an agent', async () => {
    const w = await world();
    const viaCookie = await api(w.emu, '/v1.0/customer', { headers: { Cookie: `accesskey=${w.accesskey}` } });
    expect(viaCookie.status).toBe(200);
    expect((await api(w.emu, '/v1.0/customer', { headers: bearer(w.accesskey) })).status).toBe(401);
    const me = await api(w.emu, '/v1.0/me', { headers: { Cookie: `accesskey=${w.accesskey}` } });
    expect(me.status).toBe(403);
    expect(envelope(me.json)).toMatchObject({ status: 'PERMISSION_DENIED', reason: 'AGENT_AUTH_REQUIRED' });
    expect(w.accesskey).toMatch(/^vb_[A-Za-z0-9_-]{32}$/);

    w.emu.revokeAccessKey(w.accesskey);
    expect((await api(w.emu, '/v1.0/customer', { headers: { Cookie: `accesskey=${w.accesskey}` } })).status).toBe(401);
    const expired = w.emu.addAccessKey(w.customer.id, { expire: new Date(Date.now() - 1000) });
    expect((await api(w.emu, `/v1.0/customer?accesskey=${expired}`)).status).toBe(401);
  });

  it('blocks frozen customers with 403 ACCOUNT_FROZEN on REST and on the upgrade', async () => {
    const w = await world();
    w.emu.setCustomerStatus(w.customer.id, 'frozen');
    const r = await api(w.emu, '/v1.0/me', { headers: bearer(w.agentJwt) });
    expect(r.status).toBe(403);
    const e = envelope(r.json);
    expect(e).toMatchObject({ status: 'PERMISSION_DENIED', reason: 'ACCOUNT_FROZEN' });
    expect(e.details?.[0]).toMatchObject({ recovery_endpoint: 'DELETE /auth/unregister' });
    expect(typeof e.details?.[0]?.deletion_scheduled_at).toBe('string');
    expect(typeof e.details?.[0]?.deletion_effective_at).toBe('string');

    const up = await refused(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
    expect(up.status).toBe(403);
    expect(envelope(JSON.parse(up.body)).reason).toBe('ACCOUNT_FROZEN');

    w.emu.setCustomerStatus(w.customer.id, 'active');
    expect((await api(w.emu, '/v1.0/me', { headers: bearer(w.agentJwt) })).status).toBe(200);
  });

  it('shares one per-customer bucket between agents and accesskeys', async () => {
    const w = await world({ rateLimits: { perCustomer: { ratePerSec: 0.5, burst: 2 } } });
    expect((await api(w.emu, '/v1.0/me', { headers: bearer(w.agentJwt) })).status).toBe(200);
    expect((await api(w.emu, `/v1.0/customer?accesskey=${w.accesskey}`)).status).toBe(200);
    const r = await api(w.emu, '/v1.0/me', { headers: bearer(w.adminJwt) });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(envelope(r.json)).toMatchObject({ status: 'RESOURCE_EXHAUSTED', reason: 'RATE_LIMIT_EXCEEDED', details: [{ limited_by: 'customer' }] });
    const up = await refused(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
    expect(up.status).toBe(429);
  });
});

describe('WebSocket upgrade', () => {
  it('answers refusals as HTTP responses and records every attempt', async () => {
    const w = await world();
    const none = await refused(wsUrl(w.emu));
    expect(none.status).toBe(401);
    expect(envelope(JSON.parse(none.body)).reason).toBe('AUTHENTICATION_REQUIRED');
    expect((await refused(wsUrl(w.emu, '/v1.0/websocket'), { headers: bearer(w.agentJwt) })).status).toBe(404);
    expect((await refused(wsUrl(w.emu, '/v1.0/ws/'), { headers: bearer(w.agentJwt) })).status).toBe(301);
    await connect(wsUrl(w.emu), { headers: { Cookie: `accesskey=${w.accesskey}` } });
    await connect(wsUrl(w.emu, '/v1.0/service_agents/ws'), { headers: bearer(w.agentJwt) });

    expect(w.emu.upgrades.map((u) => [u.path, u.status])).toEqual([
      ['/v1.0/ws', 401],
      ['/v1.0/websocket', 404],
      ['/v1.0/ws/', 301],
      ['/v1.0/ws', 101],
      ['/v1.0/service_agents/ws', 101],
    ]);
    const last = w.emu.upgrades[4]!;
    expect(last.query).toEqual({});
    expect(last.headers.authorization).toBe(`Bearer ${w.agentJwt}`);
    expect(w.emu.connections().map((c) => c.identity)).toEqual([
      { kind: 'accesskey', customerId: w.customer.id, permission: PERMISSION.CustomerAdmin },
      { kind: 'agent', agentId: w.agent.id, customerId: w.customer.id, permission: PERMISSION.CustomerAgent },
    ]);
  });

  it('failNextUpgrades injects 429 with Retry-After, then recovers', async () => {
    const w = await world();
    w.emu.failNextUpgrades(2, { status: 429, retryAfterSec: 7 });
    for (let i = 0; i < 2; i++) {
      const r = await refused(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
      expect(r.status).toBe(429);
      expect(r.headers['retry-after']).toBe('7');
      expect(envelope(JSON.parse(r.body)).status).toBe('RESOURCE_EXHAUSTED');
    }
    w.emu.failNextUpgrades(1, { status: 503 });
    expect((await refused(wsUrl(w.emu), { headers: bearer(w.agentJwt) })).status).toBe(503);
    await connect(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
  });
});

describe('client messages and topic validation', () => {
  it('invalid topic: TCP close without close frame (1006), and a ping sent after it is never answered', async () => {
    const w = await world();
    const ws = await connect(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
    let pongs = 0;
    ws.on('pong', () => pongs++);
    const done = closed(ws);
    subscribe(ws, `agent_id:${w.agent.id}:call:call_`, 'not-a-topic');
    ws.ping();
    expect((await done).code).toBe(1006);
    await sleep(50);
    expect(pongs).toBe(0);
    expect(w.emu.droppedForInvalidTopic).toEqual([{ connId: w.emu.connections()[0]!.id, topic: 'not-a-topic' }]);
    // All topics are validated before any is applied.
    expect(w.emu.connections()[0]).toMatchObject({ topics: [], closed: true });
  });

  it('valid subscribe then ping: pong, and the subscription is recorded', async () => {
    const w = await world();
    const ws = await connect(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
    await subscribed(ws, `agent_id:${w.agent.id}:call:call_`, `agent_id:${w.agent.id}:call:call_`);
    expect(w.emu.connections()[0]!.topics).toEqual([`agent_id:${w.agent.id}:call:call_`]);
    expect(w.emu.clientMessages).toHaveLength(1);
  });

  it.each([
    ['agent-only token + customer topic', 'agentJwt', (w: World) => `customer_id:${w.customer.id}:call`],
    ['accesskey + agent topic', 'accesskey', (w: World) => `agent_id:${w.agent.id}`],
    ["admin + someone else's agent topic", 'adminJwt', (w: World) => `agent_id:${w.other.id}:call`],
    ['foreign customer', 'adminJwt', () => 'customer_id:8f14e45f-ceea-467a-9575-2a2c0e7c2a11'],
    ['nil uuid scope', 'adminJwt', () => `customer_id:${NIL_UUID}`],
    ['unknown scope', 'adminJwt', (w: World) => `owner_id:${w.admin.id}`],
    ['single part', 'adminJwt', () => 'customer_id'],
  ] as const)('drops the connection: %s', async (_name, cred, topic) => {
    const w = await world();
    const headers = cred === 'accesskey' ? { Cookie: `accesskey=${w.accesskey}` } : bearer(w[cred]);
    const ws = await connect(wsUrl(w.emu), { headers });
    const done = closed(ws);
    subscribe(ws, topic(w));
    expect((await done).code).toBe(1006);
    expect(w.emu.droppedForInvalidTopic.map((d) => d.topic)).toEqual([topic(w)]);
  });

  it('validates unsubscribe topics too, ignores bad JSON and unknown types, and drops on binary frames', async () => {
    const w = await world();
    const ws = await connect(wsUrl(w.emu), { headers: bearer(w.adminJwt) });
    ws.send('{not json');
    ws.send(JSON.stringify({ type: 'ping' }));
    ws.send(JSON.stringify({ type: 'hello', topics: [`customer_id:${w.customer.id}`] }));
    // Go's decoder matches field names case-insensitively.
    ws.send(JSON.stringify({ Type: 'subscribe', TOPICS: [`customer_id:${w.customer.id}:call:call_`] }));
    expect(await pingAnswered(ws)).toBe(true);
    expect(w.emu.connections()[0]!.topics).toEqual([`customer_id:${w.customer.id}:call:call_`]);

    ws.send(JSON.stringify({ type: 'unsubscribe', topics: [`customer_id:${w.customer.id}:call`] }));
    expect(await pingAnswered(ws)).toBe(true);
    expect(w.emu.connections()[0]!.topics).toHaveLength(1); // exact string needed

    const done = closed(ws);
    ws.send(Buffer.from('{"type":"subscribe","topics":[]}'), { binary: true });
    expect((await done).code).toBe(1006);

    const ws2 = await connect(wsUrl(w.emu), { headers: bearer(w.adminJwt) });
    const done2 = closed(ws2);
    ws2.send(JSON.stringify({ type: 'unsubscribe', topics: ['customer_id:*'] }));
    expect((await done2).code).toBe(1006);
  });

  it('lets a super admin subscribe to anything', async () => {
    const w = await world();
    const root = w.emu.addAgent({ customerId: w.customer.id, username: 'root', password: 'x', permission: PERMISSION.ProjectSuperAdmin });
    const ws = await connect(wsUrl(w.emu), { headers: bearer(w.emu.issueJwt(root.id)) });
    await subscribed(ws, 'customer_id:8f14e45f-ceea-467a-9575-2a2c0e7c2a11', 'whatever');
    expect(w.emu.connections()[0]!.closed).toBe(false);
  });
});

describe('publishing', () => {
  it('sends bare resource JSON; 3-part prefixes get duplicates, 4-part event prefixes one copy, * nothing', async () => {
    const w = await world();
    const c = w.customer.id;
    const three = await connect(wsUrl(w.emu), { headers: bearer(w.adminJwt) });
    const four = await connect(wsUrl(w.emu), { headers: bearer(w.adminJwt) });
    const star = await connect(wsUrl(w.emu), { headers: bearer(w.adminJwt) });
    const both = await connect(wsUrl(w.emu), { headers: bearer(w.adminJwt) });
    const [f3, f4, fs, fb] = [collect(three), collect(four), collect(star), collect(both)];
    await subscribed(three, `customer_id:${c}:call`);
    await subscribed(four, `customer_id:${c}:call:call_`);
    await subscribed(star, `customer_id:${c}:call:*`);
    // Two prefixes matching the same topic still deliver once per topic.
    await subscribed(both, `customer_id:${c}:call:call_ringing`, `customer_id:${c}:call:call_`);

    const call = makeCall({ customer_id: c, owner_id: w.agent.id });
    expect(w.emu.publish('call_ringing', call)).toBe(4);
    await w.emu.waitFor(() => f3.length === 2 && f4.length === 1 && fb.length === 1);
    await sleep(50);
    expect(f3).toHaveLength(2);
    expect(fs).toHaveLength(0);
    expect(JSON.parse(f4[0]!)).toEqual(call);
    expect(f4[0]).toBe(JSON.stringify(call));
  });

  it('routes owner and chat-participant topics to agents', async () => {
    const w = await world();
    const mine = await connect(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
    const frames = collect(mine);
    await subscribed(mine, `agent_id:${w.agent.id}:call:call_`, `agent_id:${w.agent.id}:chatmessage:chatmessage_created`);

    expect(w.emu.publish('call_ringing', makeCall({ customer_id: w.customer.id, owner_id: w.other.id }))).toBe(0);
    const call = makeCall({ customer_id: w.customer.id, owner_id: w.agent.id });
    expect(w.emu.publish('call_ringing', call)).toBe(1);
    // SMS has no owner, so it never reaches agent topics.
    expect(w.emu.publish('message_created', makeSms({ customer_id: w.customer.id }))).toBe(0);
    const msg = makeChatMessage({ customer_id: w.customer.id, owner_id: w.other.id });
    expect(w.emu.publish('chatmessage_created', msg, { participants: [w.other.id, w.agent.id] })).toBe(1);
    await w.emu.waitFor(() => frames.length === 2);
    expect(frames.map((f) => (JSON.parse(f) as { id: string }).id)).toEqual([call.id, msg.id]);
  });
});

describe('keepalive and abrupt closes', () => {
  it('pings every pingIntervalMs', async () => {
    const w = await world({ pingIntervalMs: 100 });
    const ws = await connect(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
    let pings = 0;
    ws.on('ping', () => pings++);
    await sleep(550);
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(pings).toBeLessThanOrEqual(6);
  });

  it('destroys the socket when no pong arrives within pongWaitMs; pongs keep it alive', async () => {
    const w = await world({ pingIntervalMs: 100, pongWaitMs: 300 });
    const mute = await connect(wsUrl(w.emu), { headers: bearer(w.agentJwt), autoPong: false });
    const polite = await connect(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
    // Text messages do not extend the read deadline; only pongs do.
    const chatter = setInterval(() => mute.send('{}'), 50);
    const t0 = Date.now();
    const { code } = await closed(mute);
    clearInterval(chatter);
    expect(code).toBe(1006);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    await sleep(300);
    expect(polite.readyState).toBe(WebSocket.OPEN);
  });

  it('goSilent: no pings, no frames, socket stays open; new connections are normal', async () => {
    const w = await world({ pingIntervalMs: 100 });
    const ws = await connect(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
    await subscribed(ws, `agent_id:${w.agent.id}`);
    w.emu.goSilent();
    let pings = 0;
    ws.on('ping', () => pings++);
    const frames = collect(ws);
    expect(w.emu.publish('call_ringing', makeCall({ customer_id: w.customer.id, owner_id: w.agent.id }))).toBe(0);
    expect(await pingAnswered(ws, 400)).toBe(false);
    expect(pings).toBe(0);
    expect(frames).toHaveLength(0);
    expect(ws.readyState).toBe(WebSocket.OPEN);

    const fresh = await connect(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
    await subscribed(fresh, `agent_id:${w.agent.id}`);
    expect(w.emu.publish('call_ringing', makeCall({ customer_id: w.customer.id, owner_id: w.agent.id }))).toBe(2);
  });

  it('dropAll closes with 1006', async () => {
    const w = await world();
    const a = await connect(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
    const b = await connect(wsUrl(w.emu), { headers: { Cookie: `accesskey=${w.accesskey}` } });
    const done = Promise.all([closed(a), closed(b)]);
    w.emu.dropAll();
    expect((await done).map((c) => c.code)).toEqual([1006, 1006]);
    await w.emu.waitFor(() => w.emu.connections().every((c) => c.closed));
  });

  it('resetAll ends connections with a TCP RST (ECONNRESET, 1006)', async () => {
    const w = await world();
    const ws = await connect(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
    const errors: string[] = [];
    // ws swallows socket errors (it only reports the close), so listen on its TCP socket.
    const tcp = (ws as unknown as { _socket: Socket })._socket;
    tcp.prependListener('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? e.message));
    const done = closed(ws);
    w.emu.resetAll();
    expect((await done).code).toBe(1006);
    expect(errors).toEqual(['ECONNRESET']);
    expect(w.emu.connections().every((c) => c.closed)).toBe(true);
  });

  it('writeEncoded (benchmark fast path) delivers pre-encoded text frames in order, small and large', async () => {
    const w = await world();
    const ws = await connect(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
    const frames = collect(ws);
    const texts = ['{"a":1}', 'x'.repeat(200), 'é'.repeat(40_000), 'y'.repeat(70_000), '{}'];
    await w.emu.writeEncoded(encodeTextFrames(texts, 1_000));
    await w.emu.waitFor(() => frames.length === texts.length);
    expect(frames).toEqual(texts);
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('refuseConnections: ECONNREFUSED while on, same URL works again when off', async () => {
    const w = await world();
    const ws = await connect(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
    const done = closed(ws);
    const url = w.emu.url;
    await w.emu.refuseConnections(true);
    expect((await done).code).toBe(1006);
    const err = await fetch(`${url}/v1.0/me`).then(
      () => null,
      (e: unknown) => e as { cause?: { code?: string } },
    );
    expect(err?.cause?.code).toBe('ECONNREFUSED');
    await expect(open(wsUrl(w.emu), { headers: bearer(w.agentJwt) })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await w.emu.refuseConnections(false);
    expect(w.emu.url).toBe(url);
    expect((await api(w.emu, '/v1.0/me', { headers: bearer(w.agentJwt) })).status).toBe(200);
    await connect(wsUrl(w.emu), { headers: bearer(w.agentJwt) });
  });
});

describe('REST', () => {
  it('PUT /v1.0/customer overwrites all seven fields; GET reveals webhook_secret and omits empty strings', async () => {
    const w = await world();
    const before = await api(w.emu, '/v1.0/customer', { headers: bearer(w.adminJwt) });
    expect(before.json).toMatchObject({
      id: w.customer.id,
      name: 'Acme',
      webhook_uri: 'https://hooks.example.com/vb',
      webhook_secret: w.customer.webhook_secret,
    });
    expect(before.json).not.toHaveProperty('email');
    expect(w.customer.webhook_secret).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const put = await api(w.emu, '/v1.0/customer', {
      method: 'PUT',
      headers: { ...bearer(w.adminJwt), 'Content-Type': 'application/json' },
      body: JSON.stringify({ webhook_uri: 'not even a url', webhook_method: 'PATCH' }),
    });
    expect(put.status).toBe(200);
    expect(put.json).not.toHaveProperty('webhook_secret');
    expect(put.json).not.toHaveProperty('name');
    const after = await api(w.emu, '/v1.0/customer', { headers: bearer(w.adminJwt) });
    expect(after.json).toMatchObject({ webhook_uri: 'not even a url', webhook_method: 'PATCH' });
    expect(after.json).not.toHaveProperty('name');
    expect(after.json).not.toHaveProperty('detail');
    expect(w.emu.getCustomer(w.customer.id)).toMatchObject({ name: '', detail: '', webhook_secret: w.customer.webhook_secret });

    const bad = await api(w.emu, '/v1.0/customer', { method: 'PUT', headers: bearer(w.adminJwt), body: '{"name":' });
    expect(bad.status).toBe(400);
    expect(envelope(bad.json).status).toBe('INVALID_ARGUMENT');
    expect((await api(w.emu, '/v1.0/customer', { method: 'PUT', headers: bearer(w.managerJwt), body: '{}' })).status).toBe(403);
    expect((await api(w.emu, '/v1.0/customer', { headers: bearer(w.managerJwt) })).status).toBe(200);
    expect((await api(w.emu, '/v1.0/customer', { headers: bearer(w.agentJwt) })).status).toBe(403);
    const sa = await api(w.emu, '/v1.0/service_agents/customer', { headers: bearer(w.agentJwt) });
    expect(sa.status).toBe(200);
    expect(sa.json).not.toHaveProperty('webhook_secret');
  });

  it('GET /v1.0/calls pages newest first with tm_create tokens', async () => {
    const w = await world();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const call = makeCall({ customer_id: w.customer.id });
      ids.push(call.id);
      w.emu.upsertCall(call);
    }
    w.emu.upsertCall(makeCall()); // another customer's call
    const seen: string[] = [];
    let token = '';
    const sizes: number[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const r = await api(w.emu, `/v1.0/calls?page_size=10${token ? `&page_token=${encodeURIComponent(token)}` : ''}`, { headers: bearer(w.adminJwt) });
      expect(r.status).toBe(200);
      const page = r.json as { result: { id: string; tm_create: string }[]; next_page_token: string };
      sizes.push(page.result.length);
      seen.push(...page.result.map((c) => c.id));
      if (page.result.length === 0) {
        expect(page.next_page_token).toBe('');
        break;
      }
      expect(page.next_page_token).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
      token = page.next_page_token;
    }
    expect(sizes).toEqual([10, 10, 5, 0]);
    expect(seen).toEqual([...ids].reverse());

    const all = await api(w.emu, '/v1.0/calls', { headers: bearer(w.managerJwt) });
    expect((all.json as { result: unknown[] }).result).toHaveLength(25);
    expect((await api(w.emu, '/v1.0/calls', { headers: bearer(w.agentJwt) })).status).toBe(403);
    expect((await api(w.emu, '/v1.0/calls?page_size=ten', { headers: bearer(w.adminJwt) })).status).toBe(400);
  });

  it('GET /v1.0/calls/{id} and the REST view follows published events', async () => {
    const w = await world();
    const call = makeCall({ customer_id: w.customer.id, owner_id: w.agent.id });
    w.emu.publish('call_ringing', call);
    const got = await api(w.emu, `/v1.0/calls/${call.id}`, { headers: { Cookie: `accesskey=${w.accesskey}` } });
    expect(got.json).toEqual(call);
    w.emu.publish('call_hangup', { ...call, status: 'hangup', hangup_reason: 'normal' });
    expect(w.emu.calls()).toEqual([expect.objectContaining({ id: call.id, status: 'hangup' })]);
    expect((await api(w.emu, '/v1.0/calls/not-a-uuid', { headers: bearer(w.adminJwt) })).status).toBe(400);
    expect((await api(w.emu, `/v1.0/calls/${makeCall().id}`, { headers: bearer(w.adminJwt) })).status).toBe(404);
    w.emu.publish('call_deleted', call);
    expect(w.emu.calls()).toEqual([]);
  });

  it('GET /v1.0/service_agents/calls lists only my calls and needs an agent token', async () => {
    const w = await world();
    const mine = makeCall({ customer_id: w.customer.id, owner_id: w.agent.id });
    w.emu.upsertCall(mine);
    w.emu.upsertCall(makeCall({ customer_id: w.customer.id, owner_id: w.other.id }));
    w.emu.upsertCall(makeCall({ customer_id: w.customer.id, owner_type: '', owner_id: NIL_UUID }));
    const r = await api(w.emu, '/v1.0/service_agents/calls', { headers: bearer(w.agentJwt) });
    expect((r.json as { result: { id: string }[] }).result.map((c) => c.id)).toEqual([mine.id]);
    expect((await api(w.emu, `/v1.0/service_agents/calls?accesskey=${w.accesskey}`)).status).toBe(401);
    expect((await api(w.emu, `/v1.0/service_agents/calls/${mine.id}`, { headers: bearer(w.agentJwt) })).status).toBe(200);
    expect((await api(w.emu, `/v1.0/service_agents/calls/${mine.id}`, { headers: bearer(w.emu.issueJwt(w.other.id)) })).status).toBe(403);
  });

  it('failNextRest injects statuses; unknown paths are 404 envelopes without auth', async () => {
    const w = await world();
    w.emu.failNextRest('/v1.0/calls', 1, 503);
    const first = await api(w.emu, '/v1.0/calls', { headers: bearer(w.adminJwt) });
    expect(first.status).toBe(503);
    expect(envelope(first.json).status).toBe('UNAVAILABLE');
    expect((await api(w.emu, '/v1.0/calls', { headers: bearer(w.adminJwt) })).status).toBe(200);
    const unknown = await api(w.emu, '/v1.0/nope');
    expect(unknown.status).toBe(404);
    expect(envelope(unknown.json).status).toBe('NOT_FOUND');
    expect(w.emu.requests.map((r) => [r.path, r.status])).toEqual([
      ['/v1.0/calls', 503],
      ['/v1.0/calls', 200],
      ['/v1.0/nope', 404],
    ]);
  });
});
