// VoIPBIN server emulator on loopback: HTTP + WebSocket, behaving as PROTOCOL.md
// describes the real bin-api-manager. An independent implementation: it shares no
// code with the client, so it can catch the client's mistakes.
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { agentClaims, issueAgentJwt } from './auth.js';
import { Faults } from './faults.js';
import { makeLimiters } from './ratelimit.js';
import type { RestDeps } from './rest.js';
import { Store } from './store.js';
import { RestFrontDoor } from './rest-front.js';
import { applyPresence } from './presence.js';
import { contactRecord, conversationRecord, type ContactSeed, type ConversationSeed } from './records.js';
import { formatRfc3339 } from './time.js';
import { newUuid } from './uuid.js';
import { topicsForEvent } from './topics.js';
import type { Address, AgentRecord, ConnectionInfo, CustomerRecord, EmulatorOptions, RequestRecord, UpgradeFailure, UpgradeRecord } from './types.js';
import type { HubDeps } from './websocket.js';
import { WsHub } from './websocket.js';

export { encodeTextFrames } from './websocket.js';

export { PERMISSION } from './types.js';
export type {
  Address,
  AgentRecord,
  Bucket,
  ConnectionInfo,
  CustomerRecord,
  CustomerStatus,
  EmulatorOptions,
  Identity,
  RateLimitOptions,
  RequestRecord,
  UpgradeFailure,
  UpgradeRecord,
} from './types.js';
export { NIL_UUID } from './uuid.js';

export class VoipbinEmulator {
  readonly upgrades: UpgradeRecord[] = [];
  readonly clientMessages: { connId: string; text: string }[] = [];
  readonly droppedForInvalidTopic: { connId: string; topic: string }[] = [];

  private readonly store: Store;
  private readonly faults = new Faults();
  private readonly front: RestFrontDoor;
  private readonly deps: RestDeps & HubDeps;
  private readonly hub: WsHub;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly host: string;
  private port: number;
  private listening = false;

  private constructor(opts: EmulatorOptions) {
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
    const now = opts.now ?? (() => new Date());
    const log = opts.log ?? ((): void => undefined);
    this.store = new Store(now);
    // Agent events carry no owner, so they reach customer topics only (PROTOCOL.md §11.1): agent tokens never hear them.
    this.store.onAgentStatus = (agent) => this.publish('agent_status_updated', agentClaims(agent));
    this.store.published = (eventType, data, participants) =>
      this.publish(eventType, data, participants === undefined ? {} : { participants: [...participants] });
    this.deps = {
      store: this.store,
      jwtKey: opts.jwtKey ?? randomBytes(32).toString('hex'),
      now,
      log,
      limits: makeLimiters(opts.rateLimits),
      faults: this.faults,
      pingIntervalMs: opts.pingIntervalMs ?? 10_000,
      pongWaitMs: opts.pongWaitMs ?? 60_000,
      upgrades: this.upgrades,
      clientMessages: this.clientMessages,
      droppedForInvalidTopic: this.droppedForInvalidTopic,
    };
    this.hub = new WsHub(this.deps);
    this.front = new RestFrontDoor(this.deps);
    this.server = createServer((req, res) => this.front.handle(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.hub.handleUpgrade(req, socket, head));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(opts: EmulatorOptions = {}): Promise<VoipbinEmulator> {
    const emu = new VoipbinEmulator(opts);
    await emu.listen();
    return emu;
  }

  /** API root: login at url + '/auth/login', REST at url + '/v1.0/…', WS at ws://…/v1.0/ws. */
  /** Every REST request answered (or refused by an injected fault), oldest first. */
  get requests(): RequestRecord[] {
    return this.front.requests;
  }

  /** Requests left unanswered by holdRest(), oldest first. */
  get heldRequests(): { method: string; path: string }[] {
    return this.front.heldRequests;
  }

  get url(): string {
    const h = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${h}:${this.port}`;
  }

  async stop(): Promise<void> {
    this.hub.close();
    await this.closeServer();
  }

  // ---------- accounts ----------

  addCustomer(fields?: Partial<CustomerRecord>): CustomerRecord {
    return this.store.addCustomer(fields);
  }

  addAgent(a: { customerId: string; username: string; password: string; name?: string; permission: number; addresses?: Address[]; id?: string }): AgentRecord {
    return this.store.addAgent(a);
  }

  /** A conversation (an SMS or chat thread with a customer), assigned to `ownerId` when given. Returns its id. */
  addConversation(c: ConversationSeed): string {
    const row = conversationRecord(c, formatRfc3339(new Date()));
    this.store.conversations.upsert(row);
    return row.id;
  }

  /** A transcribe stored without its event: a client that missed `transcribe_created` must ask REST. */
  addTranscribe(row: Record<string, unknown> & { id: string }): void {
    this.store.transcribes.upsert(row);
  }

  /** A contact of the customer (contact-manager), found by its phone numbers and emails. Returns its id. */
  addContact(c: ContactSeed): string {
    const row = contactRecord(c, formatRfc3339(new Date()));
    this.store.addContact(row);
    return row.id;
  }

  /**
   * A team chat (talk-manager's "talk"): `direct` between two agents, `group` with a name.
   * Its participants may read it at /service_agents/talk_chats/{id}. Returns its id.
   */
  addChat(c: { customerId: string; type: 'direct' | 'group' | 'talk'; name?: string; participants: readonly string[] }): string {
    const id = newUuid();
    const ts = formatRfc3339(new Date());
    this.store.addChat(
      { id, customer_id: c.customerId, type: c.type, name: c.name ?? '', detail: '', member_count: c.participants.length, tm_create: ts, tm_update: ts },
      c.participants,
    );
    return id;
  }

  /** The same token /auth/login would give; default expiry now + 7 days. */
  issueJwt(agentId: string, opts: { expire?: Date } = {}): string {
    const agent = this.store.agent(agentId);
    if (agent === undefined) throw new Error(`emulator: unknown agent ${agentId}`);
    return issueAgentJwt(this.deps, agent, opts.expire);
  }

  /** `token`: choose the key (e.g. two keys sharing a prefix); otherwise a random vb_ key. */
  addAccessKey(customerId: string, opts: { expire?: Date; name?: string; token?: string } = {}): string {
    return this.store.addAccessKey(customerId, opts.expire, {
      ...(opts.name !== undefined ? { name: opts.name } : {}),
      ...(opts.token !== undefined ? { token: opts.token } : {}),
    });
  }

  revokeAccessKey(key: string): void {
    if (!this.store.revokeAccessKey(key)) this.deps.log('emulator: revokeAccessKey for an unknown key');
  }

  /** frozen, expired and deleted accounts are refused with 403 ACCOUNT_FROZEN / _EXPIRED / _DELETED (§11.1). */
  setCustomerStatus(customerId: string, status: 'active' | 'frozen' | 'expired' | 'deleted'): void {
    this.store.setCustomerStatus(customerId, status);
  }

  /** What another admin's edit in the console does: some of the seven basic fields change, tm_update moves. */
  editCustomer(
    customerId: string,
    fields: Partial<Record<'name' | 'detail' | 'email' | 'phone_number' | 'address' | 'webhook_method' | 'webhook_uri', string>>,
  ): void {
    const c = this.store.customer(customerId);
    if (c === undefined) throw new Error(`emulator: unknown customer ${customerId}`);
    this.store.updateCustomerBasicInfo(customerId, {
      name: c.name,
      detail: c.detail,
      email: c.email,
      phone_number: c.phone_number,
      address: c.address,
      webhook_method: c.webhook_method,
      webhook_uri: c.webhook_uri,
      ...fields,
    });
  }

  getCustomer(id: string): CustomerRecord | undefined {
    const c = this.store.customer(id);
    return c === undefined ? undefined : structuredClone(c);
  }

  // ---------- fault injection ----------

  failNextUpgrades(n: number, failure: UpgradeFailure): void {
    this.faults.failNextUpgrades(n, failure);
  }

  failNextRest(pathPrefix: string, n: number, status: number): void {
    this.faults.failNextRest(pathPrefix, n, status);
  }

  /**
   * Runs `fn(n)` after the n-th matching REST request was handled and before its reply is sent:
   * the moment another client's request could land in between two of ours. A promise returned
   * holds that reply until it settles (an answer overtaken by later requests). Returns an unhook.
   */
  afterRest(method: string, path: string, fn: (n: number) => void | Promise<void>): () => void {
    return this.front.afterRest(method, path, fn);
  }

  /**
   * The next `times` matching requests end with a TCP reset instead of an answer — after being
   * carried out (`afterHandling`) or before. Either way the client cannot know which it was.
   */
  resetRest(method: string, path: string, opts: { afterHandling: boolean; times?: number }): void {
    this.front.resetRest(method, path, opts);
  }

  /** REST requests whose path starts with `pathPrefix` are answered `ms` late (a slow service); returns the way to stop. */
  delayRest(pathPrefix: string, ms: number): () => void {
    return this.front.delayRest(pathPrefix, ms);
  }

  /**
   * REST requests whose path starts with `pathPrefix` get no answer at all until release() (a
   * server that accepted the request and stalls): the client is left waiting mid-request.
   */
  holdRest(pathPrefix: string): () => void {
    return this.front.holdRest(pathPrefix);
  }

  /** Destroys every WS TCP socket without a close frame, like a deploy (§1.6, §8). */
  dropAll(): void {
    this.hub.dropAll();
  }

  /** Every WS connection ends with a TCP RST instead of a FIN (a crashed host or middlebox). */
  resetAll(): void {
    this.hub.resetAll();
  }

  goSilent(): void {
    this.hub.goSilent();
  }

  /** on: stop listening and destroy every socket (ECONNREFUSED); off: listen again on the same port. */
  async refuseConnections(on: boolean): Promise<void> {
    if (on) {
      this.hub.dropAll();
      await this.closeServer();
    } else if (!this.listening) {
      await this.listen();
    }
  }

  // ---------- observation ----------

  /** Every WS connection accepted so far (closed ones too, flagged), oldest first. */
  connections(): ConnectionInfo[] {
    return this.hub.connections();
  }

  async waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (pred()) return;
      if (Date.now() >= deadline) {
        throw new Error(`VoipbinEmulator.waitFor: condition not met within ${timeoutMs} ms: ${pred.toString().slice(0, 300)}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  // ---------- events ----------

  /**
   * Publishes one event: frames are the bare JSON of `data` (§1.4), written once per
   * generated topic to each connection with a matching prefix (§2.3, §2.4). Returns
   * the number of frames written. Also keeps the REST view of calls, groupcalls, SMS
   * messages, transcribes and transcripts current.
   */
  publish(eventType: string, data: Record<string, unknown>, opts: { participants?: string[] } = {}): number {
    this.applyToStore(eventType, data);
    const plan = topicsForEvent(eventType, data, opts.participants);
    const written = plan.ok ? this.hub.deliver(plan.topics, JSON.stringify(data)) : 0;
    this.deps.log(plan.ok ? `publish: ${eventType} → ${written} frame(s)` : `publish: ${eventType} dropped: ${plan.reason}`);
    // agent-manager reacts to the groupcall event it consumed: its agent_status_updated comes after.
    applyPresence(this.store, eventType, data);
    return written;
  }

  sendRaw(data: string | Buffer, opts: { binary?: boolean; connId?: string } = {}): void {
    this.hub.sendRaw(data, opts);
  }

  /**
   * Benchmark fast path: frames pre-encoded with `encodeTextFrames` go straight to the TCP socket
   * of every live connection (or `connId`), with no topic matching and no store update, so the
   * emulator is not what a throughput benchmark measures. Resolves once the kernel took them all.
   */
  writeEncoded(chunks: readonly Buffer[], opts: { connId?: string } = {}): Promise<void> {
    return this.hub.writeEncoded(chunks, opts.connId);
  }

  upsertCall(call: Record<string, unknown>): void {
    this.store.calls.upsert(call);
  }

  calls(): Record<string, unknown>[] {
    return this.store.calls.all().map((c) => structuredClone(c));
  }

  // ---------- internals ----------

  private applyToStore(eventType: string, data: Record<string, unknown>): void {
    if (typeof data.id !== 'string') return;
    const table = eventType.startsWith('call_')
      ? this.store.calls
      : eventType.startsWith('groupcall_')
        ? this.store.groupcalls
        : eventType.startsWith('message_')
          ? this.store.messages
          : eventType.startsWith('transcribe_') && !eventType.startsWith('transcribe_speech_')
            ? this.store.transcribes
            : eventType.startsWith('transcript_')
              ? this.store.transcripts
              : undefined;
    if (table === undefined) return;
    if (eventType.endsWith('_deleted')) table.remove(data.id);
    else table.upsert(data);
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.port, this.host, () => {
        this.server.off('error', onError);
        this.port = (this.server.address() as AddressInfo).port;
        this.listening = true;
        resolve();
      });
    });
  }

  private closeServer(): Promise<void> {
    if (!this.listening) {
      for (const s of this.sockets) s.destroy();
      return Promise.resolve();
    }
    this.listening = false;
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      for (const s of this.sockets) s.destroy();
    });
  }
}
