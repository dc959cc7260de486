// In-memory accounts and REST-visible resources.
import { createHash, randomBytes } from 'node:crypto';
import type { Address, AgentRecord, ContactRecord, CustomerRecord, CustomerStatus } from './types.js';
import { NIL_UUID, newUuid, parseUuid } from './uuid.js';
import { addDays, formatRfc3339 } from './time.js';

export interface AccessKeyRecord {
  id: string;
  customer_id: string;
  name: string;
  /** The first 11 characters of the key ("vb_" + 8): all the server keeps besides the hash. */
  token_prefix: string;
  tm_create: Date;
  tm_expire: Date | null;
  tm_delete: Date | null;
}

export interface NewAgent {
  customerId: string;
  username: string;
  password: string;
  name?: string;
  permission: number;
  addresses?: Address[];
  id?: string;
}

function canonicalId(id: string, what: string): string {
  const p = parseUuid(id);
  if (p === null) throw new Error(`emulator: ${what} id is not a UUID: ${id}`);
  return p;
}

/** Resources served by the list/get endpoints, keyed by canonical id. */
export class ResourceTable {
  private readonly rows = new Map<string, Record<string, unknown>>();

  upsert(row: Record<string, unknown>): void {
    const id = typeof row.id === 'string' ? (parseUuid(row.id) ?? row.id) : null;
    if (id === null) throw new Error('emulator: resource without a string id');
    this.rows.set(id, structuredClone(row));
  }

  remove(id: unknown): void {
    if (typeof id === 'string') this.rows.delete(parseUuid(id) ?? id);
  }

  get(id: string): Record<string, unknown> | undefined {
    return this.rows.get(id);
  }

  all(): Record<string, unknown>[] {
    return [...this.rows.values()];
  }
}

export class Store {
  private readonly customers = new Map<string, CustomerRecord>();
  private readonly agents = new Map<string, AgentRecord>();
  private readonly passwords = new Map<string, string>();
  /** Keyed by SHA-256 of the token, like customer-manager (§6): the raw key is never stored. */
  private readonly accessKeys = new Map<string, AccessKeyRecord>();
  readonly calls = new ResourceTable();
  readonly groupcalls = new ResourceTable();
  readonly messages = new ResourceTable();
  /** Team chats (talk-manager's "talks"): id, customer_id, type, name, detail, member_count, tm_*. */
  readonly chats = new ResourceTable();
  /** Conversations (conversation-manager): id, customer_id, owner_id (the agent it is assigned to), self, peer, … */
  readonly conversations = new ResourceTable();

  /** Live transcriptions (transcribe-manager): id, customer_id, reference_type, reference_id, status, language, … */
  readonly transcribes = new ResourceTable();
  /** Their segments: id, customer_id, transcribe_id, direction, message, tm_transcript, tm_create. */
  readonly transcripts = new ResourceTable();

  private readonly members = new Map<string, string[]>();
  private readonly contacts = new Map<string, ContactRecord>();
  private lastKeyCreated = 0;
  private lastAgentCreated = 0;

  /** What REST created (a reply, a chat message), published as the server's own event. */
  published: ((eventType: string, data: Record<string, unknown>, participants?: readonly string[]) => void) | undefined;
  /** Told every status agent-manager stores (a PUT or its own), as its db layer publishes agent_status_updated. */
  onAgentStatus: ((agent: AgentRecord) => void) | undefined;

  constructor(private readonly now: () => Date) {}

  addCustomer(fields: Partial<CustomerRecord> = {}): CustomerRecord {
    const ts = formatRfc3339(this.now());
    const id = fields.id !== undefined ? canonicalId(fields.id, 'customer') : newUuid();
    const rec: CustomerRecord = {
      name: '',
      detail: '',
      email: '',
      phone_number: '',
      address: '',
      webhook_method: '',
      webhook_uri: '',
      // 32-char base64url from crypto random bytes (§4).
      webhook_secret: randomBytes(24).toString('base64url'),
      billing_account_id: NIL_UUID,
      default_outgoing_source_number_id: NIL_UUID,
      metadata: { rtp_debug: false },
      email_verified: false,
      status: 'active',
      identity_verification_status: 'none',
      tm_deletion_scheduled: null,
      tm_create: ts,
      tm_update: ts,
      tm_delete: null,
      ...fields,
      id,
    };
    this.customers.set(id, rec);
    return structuredClone(rec);
  }

  customer(id: string): CustomerRecord | undefined {
    const p = parseUuid(id);
    return p === null ? undefined : this.customers.get(p);
  }

  setCustomerStatus(id: string, status: CustomerStatus): void {
    const c = this.customer(id);
    if (c === undefined) throw new Error(`emulator: unknown customer ${id}`);
    c.status = status;
    if (status === 'frozen') c.tm_deletion_scheduled ??= formatRfc3339(this.now());
    else c.tm_deletion_scheduled = null;
    c.tm_update = formatRfc3339(this.now());
  }

  /** PUT /v1.0/customer writes all seven columns (§4, customerhandler UpdateBasicInfo). */
  updateCustomerBasicInfo(id: string, info: Record<BasicInfoField, string>): CustomerRecord | undefined {
    const c = this.customer(id);
    if (c === undefined) return undefined;
    Object.assign(c, info);
    c.tm_update = formatRfc3339(this.now());
    return c;
  }

  addAgent(a: NewAgent): AgentRecord {
    const customer = this.customer(a.customerId);
    if (customer === undefined) throw new Error(`emulator: addAgent for unknown customer ${a.customerId}`);
    if (this.agentByUsername(a.username) !== undefined) throw new Error(`emulator: duplicate username ${a.username}`);
    const id = a.id !== undefined ? canonicalId(a.id, 'agent') : newUuid();
    // Distinct stamps, as for access keys below: the agent list pages by tm_create.
    const created = new Date(Math.max(this.now().getTime(), this.lastAgentCreated + 1));
    this.lastAgentCreated = created.getTime();
    const ts = formatRfc3339(created);
    const rec: AgentRecord = {
      id,
      customer_id: customer.id,
      username: a.username,
      name: a.name ?? '',
      detail: '',
      ring_method: 'ringall',
      status: 'available',
      permission: a.permission,
      tag_ids: [],
      addresses: a.addresses ?? [],
      direct_hash: '',
      tm_create: ts,
      tm_update: ts,
    };
    this.agents.set(id, rec);
    this.passwords.set(id, a.password);
    return structuredClone(rec);
  }

  agent(id: string): AgentRecord | undefined {
    const p = parseUuid(id);
    return p === null ? undefined : this.agents.get(p);
  }

  addChat(row: Record<string, unknown> & { id: string }, participantIds: readonly string[]): void {
    this.chats.upsert(row);
    this.members.set(row.id, [...participantIds]);
  }

  addContact(c: ContactRecord): void {
    this.contacts.set(c.id, structuredClone(c));
  }

  /** The customer's contacts, not deleted (contact-manager's soft delete hides them from lookups). */
  contactsOf(customerId: string): ContactRecord[] {
    return [...this.contacts.values()].filter((c) => c.customer_id === customerId && c.tm_delete === undefined);
  }

  chatMembers(chatId: string): readonly string[] {
    return this.members.get(chatId) ?? [];
  }

  /** Stores any string, as agent-manager does; the agent afterwards, or undefined when unknown. */
  setAgentStatus(agentId: string, status: string): AgentRecord | undefined {
    const a = this.agent(agentId);
    if (a === undefined) return undefined;
    a.status = status as AgentRecord['status'];
    a.tm_update = formatRfc3339(this.now());
    this.onAgentStatus?.(structuredClone(a));
    return structuredClone(a);
  }

  /** The customer's agents, not deleted, without their passwords. */
  agentsOf(customerId: string): AgentRecord[] {
    return [...this.agents.values()].filter((a) => a.customer_id === customerId && a.tm_delete === undefined);
  }

  agentByUsername(username: string): AgentRecord | undefined {
    for (const a of this.agents.values()) if (a.username === username) return a;
    return undefined;
  }

  checkPassword(agentId: string, password: string): boolean {
    return this.passwords.get(agentId) === password;
  }

  addAccessKey(customerId: string, expire: Date | undefined, opts: { name?: string; token?: string } = {}): string {
    const customer = this.customer(customerId);
    if (customer === undefined) throw new Error(`emulator: addAccessKey for unknown customer ${customerId}`);
    const token = opts.token ?? `vb_${randomBytes(24).toString('base64url')}`;
    // The server stamps microseconds, so keys made one after another never share a tm_create;
    // at millisecond resolution a burst would, and paging by tm_create would skip the ties.
    const created = new Date(Math.max(this.now().getTime(), this.lastKeyCreated + 1));
    this.lastKeyCreated = created.getTime();
    this.accessKeys.set(hashKey(token), {
      id: newUuid(),
      customer_id: customer.id,
      name: opts.name ?? 'notifier',
      token_prefix: token.slice(0, 11),
      tm_create: created,
      // Real keys always carry an expiry (POST requires ≥ 86400 s); a year is a plausible default.
      tm_expire: expire ?? addDays(this.now(), 365),
      tm_delete: null,
    });
    return token;
  }

  /** The customer's keys as GET /v1.0/accesskeys lists them: no token, only its prefix. */
  accessKeysOf(customerId: string): Record<string, unknown>[] {
    return [...this.accessKeys.values()]
      .filter((k) => k.customer_id === customerId)
      .map((k) => ({
        id: k.id,
        customer_id: k.customer_id,
        name: k.name,
        detail: '',
        token_prefix: k.token_prefix,
        tm_expire: k.tm_expire === null ? null : formatRfc3339(k.tm_expire),
        tm_create: formatRfc3339(k.tm_create),
        tm_update: formatRfc3339(k.tm_create),
        tm_delete: k.tm_delete === null ? null : formatRfc3339(k.tm_delete),
      }));
  }

  accessKey(token: string): AccessKeyRecord | undefined {
    return this.accessKeys.get(hashKey(token));
  }

  revokeAccessKey(token: string): boolean {
    const k = this.accessKey(token);
    if (k === undefined) return false;
    k.tm_delete = this.now();
    return true;
  }
}

export const BASIC_INFO_FIELDS = ['name', 'detail', 'email', 'phone_number', 'address', 'webhook_method', 'webhook_uri'] as const;
export type BasicInfoField = (typeof BASIC_INFO_FIELDS)[number];

function hashKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
