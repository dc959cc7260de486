// Public types of the VoIPBIN emulator. Field names follow the server's JSON
// (snake_case) so records can be compared with what the client receives.

/** Agent permission bits (PROTOCOL.md §2.2; bin-agent-manager models/agent). */
export const PERMISSION = {
  ProjectSuperAdmin: 0x01,
  CustomerAgent: 0x10,
  CustomerAdmin: 0x20,
  CustomerManager: 0x40,
} as const;

export interface Bucket {
  ratePerSec: number;
  burst: number;
}

export interface RateLimitOptions {
  authPerIp?: Bucket;
  v1PerIp?: Bucket;
  perCustomer?: Bucket;
}

export interface EmulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default 10_000: the server pings every 10 s (PROTOCOL.md §1.5). */
  pingIntervalMs?: number;
  /** Default 60_000: read deadline, extended only by pongs (PROTOCOL.md §1.5). */
  pongWaitMs?: number;
  /** HS256 key; default random. */
  jwtKey?: string;
  /** Default: server values (§8). `false` turns every limiter off. */
  rateLimits?: RateLimitOptions | false;
  /** Receives one line per notable event; the emulator never prints. */
  log?: (line: string) => void;
  /** Clock for JWT/accesskey expiry and generated timestamps. */
  now?: () => Date;
}

/** PROTOCOL.md §3.3: every field is omitempty. */
export interface Address {
  type?: string;
  target?: string;
  target_name?: string;
  name?: string;
  detail?: string;
}

export type CustomerStatus = 'initial' | 'active' | 'frozen' | 'deleted' | 'expired';

/** Stored customer, including the secret that only GET /v1.0/customer reveals (§4). */
export interface CustomerRecord {
  id: string;
  name: string;
  detail: string;
  email: string;
  phone_number: string;
  address: string;
  webhook_method: string;
  webhook_uri: string;
  webhook_secret: string;
  billing_account_id: string;
  default_outgoing_source_number_id: string;
  metadata: { rtp_debug: boolean };
  email_verified: boolean;
  status: CustomerStatus;
  identity_verification_status: 'none' | 'pending' | 'verified' | 'rejected';
  tm_deletion_scheduled: string | null;
  tm_create: string;
  tm_update: string;
  tm_delete: string | null;
}

/** Stored agent in its external shape (§3.9); the password is kept aside, like the server's hash. */
export interface AgentRecord {
  id: string;
  customer_id: string;
  username: string;
  name: string;
  detail: string;
  ring_method: 'ringall' | 'linear';
  status: 'available' | 'away' | 'busy' | 'offline' | 'ringing' | '';
  permission: number;
  tag_ids: string[];
  addresses: Address[];
  direct_hash: string;
  tm_create: string;
  tm_update: string;
  tm_delete?: string;
}

/** Who is behind a request or a WebSocket, as the server sees it after authentication. */
export interface Identity {
  kind: 'agent' | 'accesskey';
  agentId?: string;
  customerId: string;
  permission: number;
}

export interface ConnectionInfo {
  id: string;
  identity: Identity;
  /** Current subscriptions, in the order they were added. */
  topics: string[];
  closed: boolean;
}

export interface UpgradeRecord {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** HTTP status answered (101 when the upgrade was accepted). */
  status: number;
  at: Date;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  body: string;
  status: number;
}

export type UpgradeFailure = { status: 429; retryAfterSec: number } | { status: 500 | 502 | 503 } | { status: 401 };

/** contact-manager's contact (bin-contact-manager/models/contact/webhook.go). */
export interface ContactRecord {
  id: string;
  customer_id: string;
  first_name: string;
  last_name: string;
  display_name: string;
  company: string;
  job_title: string;
  source: string;
  external_id: string;
  notes: string;
  addresses: { type: 'tel' | 'email'; target: string; is_primary: boolean }[];
  tag_ids: string[];
  tm_create: string;
  tm_update: string;
  tm_delete?: string;
}
