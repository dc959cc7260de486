import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeAgentToken } from '../main/core/account/identity.js';
import { defaultTopics } from '../main/core/stream/subscriptions.js';
import { VoipbinEmulator, PERMISSION } from '../emulator/index.js';
import type { FeedWorld } from './feed.js';
import type { ClientConfig, ClientReply, ParentCommand } from './protocol.js';

/** Helpers shared by the benchmarks: the emulated call centre, child processes, statistics. */

export const CLI = fileURLToPath(new URL('../main/cli/main.js', import.meta.url));
const CLIENT = fileURLToPath(new URL('./client.js', import.meta.url));

export interface CallCentre {
  emu: VoipbinEmulator;
  world: FeedWorld;
  /** The supervisor the measured client signs in as (agent + manager: customer-wide view). */
  token: string;
  /** Topics of a supervisor who wants customer-wide inbound calls. */
  topics: string[];
  /** More agents of the same customer (the herd). */
  agentTokens: (n: number) => string[];
}

/** `realRateLimits`: VoIPBIN's limits (per customer 17 requests/s…); off by default so they can't skew throughput. */
export async function callCentre(opts: { realRateLimits?: boolean } = {}): Promise<CallCentre> {
  const emu = await VoipbinEmulator.start(opts.realRateLimits === true ? {} : { rateLimits: false });
  const customer = emu.addCustomer({ name: 'Acme Support' });
  const addresses = [
    { type: 'extension', target: '2001' },
    { type: 'tel', target: '+15550002001' },
  ];
  const me = emu.addAgent({
    customerId: customer.id,
    username: 'supervisor',
    password: 'bench-password',
    name: 'Sam Supervisor',
    permission: PERMISSION.CustomerAgent | PERMISSION.CustomerManager,
    addresses,
  });
  const otherAgents: string[] = [];
  for (let i = 0; i < 20; i++) {
    otherAgents.push(emu.addAgent({ customerId: customer.id, username: `agent${i}`, password: 'bench-password', permission: PERMISSION.CustomerAgent }).id);
  }
  const token = emu.issueJwt(me.id);
  return {
    emu,
    world: { customerId: customer.id, agentId: me.id, agentAddresses: addresses, otherAgents },
    token,
    // What `run --customer-calls` subscribes for this supervisor.
    topics: defaultTopics(decodeAgentToken(token), { customerCalls: true }),
    agentTokens: (n) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        const agent = emu.addAgent({
          customerId: customer.id,
          username: `herd${i}-${Math.random().toString(36).slice(2)}`,
          password: 'bench-password',
          permission: PERMISSION.CustomerAgent,
        });
        out.push(emu.issueJwt(agent.id));
      }
      return out;
    },
  };
}

/** A measured client process (bench/client.ts) with typed request/reply over IPC. */
export class ClientProcess {
  readonly child: ChildProcess;
  private readonly inbox: ClientReply[] = [];
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor(config: ClientConfig) {
    // BENCH_CLIENT_ARGS: extra node flags for the measured process, e.g. --cpu-prof to profile it.
    const execArgv = ['--expose-gc', ...(process.env.BENCH_CLIENT_ARGS ?? '').split(' ').filter((a) => a !== '')];
    this.child = fork(CLIENT, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    this.child.on('message', (m: ClientReply) => {
      this.inbox.push(m);
      for (const w of this.waiters.splice(0)) w();
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        for (const w of this.waiters.splice(0)) w();
        resolve(code);
      }),
    );
  }

  send(m: ParentCommand): void {
    this.child.send(m);
  }

  async next<T extends ClientReply['type']>(type: T, timeoutMs = 120_000): Promise<Extract<ClientReply, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as Extract<ClientReply, { type: T }>;
      if (this.child.exitCode !== null) throw new Error(`bench client exited (${this.child.exitCode}) while waiting for ${type}`);
      if (Date.now() > deadline) throw new Error(`bench client: no ${type} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 250);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null) this.send({ cmd: 'exit' });
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await this.exited;
    clearTimeout(t);
  }
}

/** The newest open WebSocket connection of the emulator. */
export function newestConnection(emu: VoipbinEmulator): string {
  const live = emu.connections().filter((c) => !c.closed);
  const last = live.at(-1);
  if (last === undefined) throw new Error('no live connection');
  return last.id;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export function median(xs: readonly number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(what: string, pred: () => boolean, timeoutMs: number, stepMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

/** Resident set size of a process in bytes (Linux /proc; elsewhere `ps`-free fallback: NaN). */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m?.[1] !== undefined ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const ms = (x: number): string => (x >= 100 ? `${Math.round(x)} ms` : x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`);
export const rate = (x: number): string => `${Math.round(x).toLocaleString('en-US')} frames/s`;
