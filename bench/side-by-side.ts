import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { shebangNodeFlags } from './memory.js';
import { CLI, sleep, until } from './support.js';

/**
 * The three processes the command benchmark runs side by side, each watched only through its
 * stdout — the way a user's script sees the command:
 *  - bare: a `ws` client that only counts (the receive ceiling);
 *  - minimal: the least any notifier must do (skip copies, parse, print a line);
 *  - command: the real `voipbin-notifier run --json --notify none --customer-calls`, started as the
 *    bin is (the shebang's V8 flags included), with the heap probe preloaded so its live heap can be
 *    read after a full GC.
 */
export type ClientKind = 'bare' | 'minimal' | 'command';

const BARE = fileURLToPath(new URL('./clients/bare-client.js', import.meta.url));
const MINIMAL = fileURLToPath(new URL('./clients/minimal-client.js', import.meta.url));
const PROBE = fileURLToPath(new URL('./heap-probe.js', import.meta.url));

export interface SpawnOptions {
  apiUrl: string;
  wsUrl: string;
  token: string;
  /** bare: the cumulative frame counts it announces on stdout. */
  marks?: number[];
  /** Extra node flags (e.g. --cpu-prof) for the command. */
  nodeArgs?: string[];
  /** Extra environment (e.g. DBUS_SYSTEM_BUS_ADDRESS). */
  env?: Record<string, string>;
}

export class WatchedProcess {
  readonly proc: ChildProcessByStdio<null, Readable, Readable>;
  /** Newline-terminated lines seen on stdout. */
  lines = 0;
  private tail = '';
  private waits: { needle: string; resolve: (ns: bigint) => void }[] = [];
  private stderrTail = '';
  private readonly heaps: { heapUsed: number; rss: number }[] = [];

  constructor(
    readonly kind: ClientKind,
    o: SpawnOptions,
  ) {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, VOIPBIN_TOKEN: o.token, VOIPBIN_NOTIFIER_CONFIG_DIR: '/nonexistent-bench-config', ...o.env };
    const args =
      kind === 'bare'
        ? [BARE, o.wsUrl, o.token, JSON.stringify(o.marks ?? [])]
        : kind === 'minimal'
          ? [MINIMAL, o.wsUrl, o.token]
          : [
              '--expose-gc',
              '--import',
              pathToFileURL(PROBE).href,
              // BENCH_COMMAND_FLAGS: try other V8 flags in place of the shebang's (e.g. '' for none).
              ...(process.env.BENCH_COMMAND_FLAGS !== undefined ? process.env.BENCH_COMMAND_FLAGS.split(' ').filter((a) => a !== '') : shebangNodeFlags(CLI)),
              ...(o.nodeArgs ?? []),
              CLI,
              'run',
              '--json',
              '--notify',
              'none',
              '--customer-calls',
              '--api-url',
              o.apiUrl,
            ];
    this.proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk: string) => {
      const now = process.hrtime.bigint();
      for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) this.lines++;
      const text = this.tail + chunk;
      if (this.waits.length > 0) {
        this.waits = this.waits.filter((w) => {
          if (!text.includes(w.needle)) return true;
          w.resolve(now);
          return false;
        });
      }
      this.tail = text.slice(-120);
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        const m = /^vbn-bench-heap (\d+) (\d+)$/.exec(line);
        if (m !== null) this.heaps.push({ heapUsed: Number(m[1]), rss: Number(m[2]) });
      }
      this.stderrTail = (this.stderrTail + chunk).slice(-2_000);
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  /** When `needle` shows up on stdout (process.hrtime, the same clock as the writer's). */
  until(needle: string, timeoutMs = 300_000): Promise<bigint> {
    if (this.tail.includes(needle)) return Promise.resolve(process.hrtime.bigint());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.kind}: no "${needle}" on stdout within ${timeoutMs} ms; stderr: ${this.stderrTail}`)), timeoutMs);
      const onExit = (code: number | null): void => reject(new Error(`${this.kind} exited (${code}) before "${needle}"; stderr: ${this.stderrTail}`));
      this.proc.once('exit', onExit);
      this.waits.push({
        needle,
        resolve: (ns) => {
          clearTimeout(timer);
          this.proc.off('exit', onExit);
          resolve(ns);
        },
      });
    });
  }

  /** Ready to be measured: the socket is open (clients) or subscribed and caught up (command). */
  ready(): Promise<bigint> {
    return this.until(this.kind === 'command' ? '"type":"catchup"' : 'ready', 30_000);
  }

  /** /proc/<pid>/status field in bytes: VmHWM is the peak RSS since the process started. */
  status(field: 'VmHWM' | 'VmRSS'): number {
    try {
      const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m?.[1] !== undefined ? Number(m[1]) * 1024 : NaN;
    } catch {
      return NaN;
    }
  }

  /** The command's live heap after a full GC (the preloaded probe answers SIGUSR2 on stderr). */
  async liveHeap(): Promise<number> {
    if (this.kind !== 'command') return NaN;
    const n = this.heaps.length;
    this.proc.kill('SIGUSR2');
    await until('the heap probe', () => this.heaps.length > n, 10_000, 5);
    return this.heaps[n]?.heapUsed ?? NaN;
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    await sleep(20);
  }
}
