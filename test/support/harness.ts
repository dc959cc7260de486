import { VoipbinEmulator, PERMISSION } from '../../emulator/index.js';
import { Listener, type ListenerEvents, type ListenerOptions } from '../../main/core/stream/listener.js';
import { resolveApiUrl } from '../../main/core/api/api-url.js';
import { parseCredential, type Credential } from '../../main/core/api/credentials.js';
import { resolveIdentity } from '../../main/core/account/identity.js';
import { RestClient } from '../../main/core/api/rest-client.js';
import { resolveTopics } from '../../main/core/stream/subscriptions.js';
import { createLogger, type Logger } from '../../main/core/platform/log.js';
import { Writable } from 'node:stream';

export { PERMISSION };

/** Fast server pings so keepalive behaviour shows within a test's time. */
export async function startEmulator(pingIntervalMs = 200): Promise<VoipbinEmulator> {
  return VoipbinEmulator.start({ pingIntervalMs, rateLimits: false });
}

export interface Account {
  customerId: string;
  agentId: string;
  jwt: string;
  accesskey: string;
  username: string;
  password: string;
}

export function seedAccount(emu: VoipbinEmulator, permission: number = PERMISSION.CustomerAgent): Account {
  const customer = emu.addCustomer({ name: 'Acme Support', email: 'ops@acme.example' });
  const username = `agent${Math.floor(Math.random() * 1e6)}`;
  const password = 'correct horse battery staple';
  const agent = emu.addAgent({
    customerId: customer.id,
    username,
    password,
    name: 'Alice Agent',
    permission,
    addresses: [
      { type: 'extension', target: '2001' },
      { type: 'tel', target: '+15550002001' },
    ],
  });
  return { customerId: customer.id, agentId: agent.id, jwt: emu.issueJwt(agent.id), accesskey: emu.addAccessKey(customer.id), username, password };
}

/** A logger whose lines are kept, so tests can assert what was (and was not) logged. */
export function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** Records everything a listener emits, with waits that fail loudly. */
export class Recorder {
  readonly seen: { [K in keyof ListenerEvents]: ListenerEvents[K][] } = {
    state: [],
    subscribed: [],
    error: [],
    quarantined: [],
    event: [],
    catchup: [],
  };

  constructor(target: { on<K extends keyof ListenerEvents>(e: K, fn: (p: ListenerEvents[K]) => void): unknown }) {
    for (const key of Object.keys(this.seen) as (keyof ListenerEvents)[]) {
      target.on(key, (p) => (this.seen[key] as unknown[]).push(p));
    }
  }

  states(): string[] {
    return this.seen.state.map((s) => s.to.state);
  }

  async until(what: string, pred: () => boolean, timeoutMs = 5_000): Promise<void> {
    const start = Date.now();
    while (!pred()) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; states so far: ${this.states().join(' → ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async subscribedTimes(n: number, timeoutMs?: number): Promise<void> {
    await this.until(`${n} subscription(s)`, () => this.seen.subscribed.length >= n, timeoutMs);
  }
}

export const FAST_STREAM = {
  watchdogMs: 1_000,
  backoff: { baseMs: 50, capMs: 400 },
  subscribeAckTimeoutMs: 2_000,
  healthyAfterMs: 60_000,
} satisfies ListenerOptions['stream'];

export async function listen(
  emu: VoipbinEmulator,
  secret: string,
  opts: { topics?: string[]; stream?: ListenerOptions['stream']; logger?: Logger; catchupRetry?: ListenerOptions['catchupRetry'] } = {},
): Promise<{ listener: Listener; rec: Recorder; credential: Credential }> {
  const endpoints = resolveApiUrl(emu.url);
  const credential = parseCredential(secret, 'token');
  const rest = new RestClient({ endpoints, credential });
  const identity = await resolveIdentity(credential, rest);
  const listener = new Listener({
    endpoints,
    credential,
    identity,
    topics: resolveTopics(identity, opts.topics),
    logger: opts.logger ?? createLogger({ level: 'silent' }),
    rest,
    stream: { ...FAST_STREAM, ...opts.stream },
    catchupRetry: opts.catchupRetry ?? FAST_STREAM.backoff,
  });
  const rec = new Recorder(listener);
  return { listener, rec, credential };
}
