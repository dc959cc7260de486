import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { throughput } from './throughput.js';
import { latency } from './latency.js';
import { memory } from './memory.js';
import { deadSocket, herd, reconnect } from './reconnect.js';
import { storm } from './storm.js';
import { startup } from './startup.js';
import { profileBench, profileCommand, profileText } from './profile.js';
import { idle } from './idle.js';
import { bounds } from './bounds.js';
import { commandBench, type FeedName } from './command.js';
import { markdown, printTable, type BenchResult } from './report.js';

/**
 * `npm run bench`: every benchmark of issue #7 against the emulator on loopback, a table on stdout,
 * and docs/BENCHMARKS.md (full runs only). Sizes come from the environment so a quick look and the
 * full run use the same code; the defaults keep the whole run within about five minutes on 2 cores.
 *
 *   BENCH_ONLY=command,profile,bounds,idle,throughput,latency,memory,reconnect,dead,herd,storm,startup   run a subset
 *   BENCH_COMMAND_FRAMES (100000)  command: frames per pass (the real command vs bare and minimal clients)
 *   BENCH_COMMAND_FLAGS            command: V8 flags in place of the bin's shebang flags ('' for none)
 *   BENCH_FEEDS (realistic,worst,firehose)  command: the feeds to run (partial runs only)
 *   BENCH_IDLE_SECONDS (60)        idle: how long the command and the bare client sit subscribed
 *   npm run bench -- --cpu-prof    only a CPU profile of the command under the worst feed, top functions
 *   BENCH_FRAMES (200000) BENCH_PASSES (3)          throughput: frames per pass, passes
 *   BENCH_LATENCY_RATE (1000) BENCH_LATENCY_SECONDS (10)
 *   BENCH_MINUTES (10) BENCH_FPM (120000) BENCH_FPS (2000 = real time; 0 = as fast as it takes them)
 *   BENCH_FIREHOSE (1: after a paced memory run, the same frames as fast as it takes them; 0: not)
 *   BENCH_DROPS (50) BENCH_HERD (200) BENCH_HERD_DOWN_MS (3000) BENCH_STORM (500) BENCH_STARTUPS (5)
 */
const env = (name: string, def: number): number => {
  const v = Number(process.env[name] ?? def);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number`);
  return v;
};
const settings = {
  BENCH_FRAMES: env('BENCH_FRAMES', 200_000),
  BENCH_PASSES: Math.max(1, env('BENCH_PASSES', 3)),
  BENCH_LATENCY_RATE: env('BENCH_LATENCY_RATE', 1_000),
  BENCH_LATENCY_SECONDS: env('BENCH_LATENCY_SECONDS', 10),
  BENCH_MINUTES: Math.max(2, env('BENCH_MINUTES', 10)),
  BENCH_FPM: env('BENCH_FPM', 120_000),
  BENCH_FPS: env('BENCH_FPS', 2_000),
  BENCH_FIREHOSE: env('BENCH_FIREHOSE', 1),
  BENCH_DROPS: Math.max(1, env('BENCH_DROPS', 50)),
  BENCH_HERD: Math.max(1, env('BENCH_HERD', 200)),
  BENCH_HERD_DOWN_MS: env('BENCH_HERD_DOWN_MS', 3_000),
  BENCH_STORM: Math.max(1, env('BENCH_STORM', 500)),
  BENCH_STARTUPS: Math.max(1, env('BENCH_STARTUPS', 5)),
  BENCH_COMMAND_FRAMES: env('BENCH_COMMAND_FRAMES', 100_000),
  BENCH_IDLE_SECONDS: Math.max(10, env('BENCH_IDLE_SECONDS', 60)),
};
const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s !== '');
const want = (n: string): boolean => only.length === 0 || only.includes(n);

if (process.argv.includes('--cpu-prof')) {
  process.stdout.write(`${profileText(await profileCommand({ frames: settings.BENCH_COMMAND_FRAMES, passes: Math.max(2, settings.BENCH_PASSES) }))}\n`);
  process.exit(0);
}

const startedAt = new Date();
const t0 = performance.now();
const results: BenchResult[] = [];
/** Other work on the machine can only make numbers worse: each section says how busy it was. */
const busy = (): string => `load average ${loadavg()[0]?.toFixed(2) ?? '?'} on ${cpus().length} cores`;
const step = async (name: string, run: () => Promise<BenchResult>): Promise<void> => {
  if (!want(name)) return;
  const t = performance.now();
  const before = busy();
  process.stderr.write(`bench: ${name}… (${before})\n`);
  const r = await run();
  r.details.push('', `_Machine: ${before} before, ${busy()} after._`);
  results.push(r);
  process.stderr.write(`bench: ${name} done in ${((performance.now() - t) / 1000).toFixed(0)} s\n`);
};

// CPU-bound measurements first, each alone on the machine.
const ALL_FEEDS: FeedName[] = ['realistic', 'worst', 'firehose'];
// BENCH_FEEDS=worst (comma-separated): a quick look at some feeds; a full run always has all three.
const FEEDS = ALL_FEEDS.filter((f) => (process.env.BENCH_FEEDS ?? '') === '' || process.env.BENCH_FEEDS?.split(',').includes(f));
await step('command', () => commandBench({ frames: settings.BENCH_COMMAND_FRAMES, passes: settings.BENCH_PASSES, feeds: FEEDS }));
await step('profile', () => profileBench({ frames: settings.BENCH_COMMAND_FRAMES, passes: 2 }));
await step('throughput', () => throughput({ frames: settings.BENCH_FRAMES, passes: settings.BENCH_PASSES }));
await step('latency', () => latency({ ratePerSec: settings.BENCH_LATENCY_RATE, seconds: settings.BENCH_LATENCY_SECONDS }));
await step('memory', () =>
  memory({
    minutes: settings.BENCH_MINUTES,
    framesPerMinute: settings.BENCH_FPM,
    framesPerSecond: settings.BENCH_FPS,
    firehose: settings.BENCH_FIREHOSE !== 0,
  }),
);
await step('bounds', () => bounds({ frames: settings.BENCH_COMMAND_FRAMES, passes: settings.BENCH_PASSES }));
// Idle is a minute of sockets at rest: it needs a quiet machine, so it runs alone.
await step('idle', () => idle({ seconds: settings.BENCH_IDLE_SECONDS }));
// The dead-socket measurement is 25 s of an idle socket: it waits alongside the light ones.
const dead = want('dead') ? deadSocket() : undefined;
await step('reconnect', () => reconnect({ drops: settings.BENCH_DROPS }));
await step('storm', () => storm({ calls: settings.BENCH_STORM }));
await step('startup', () => startup({ runs: settings.BENCH_STARTUPS }));
if (dead !== undefined) {
  process.stderr.write('bench: dead socket (waiting for the watchdog)…\n');
  const r = await dead;
  r.details.push('', `_Machine: ${busy()} at the end (it ran alongside reconnect, storm and start-up)._`);
  results.push(r);
}
await step('herd', () => herd({ clients: settings.BENCH_HERD, downMs: settings.BENCH_HERD_DOWN_MS }));

// The table in the order of the issue.
const order = ['Command', 'Profile', 'Bounds', 'Idle', 'Throughput', 'Latency', 'Memory', 'Reconnect', 'Dead socket', 'Herd', 'Storm', 'Startup'];
results.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
process.stdout.write(`\n${printTable(results)}\n\n`);
process.stdout.write(`(${((performance.now() - t0) / 1000).toFixed(0)} s in all)\n`);
if (only.length === 0 && FEEDS.length === ALL_FEEDS.length) {
  const path = fileURLToPath(new URL('../../docs/BENCHMARKS.md', import.meta.url));
  writeFileSync(path, markdown(results, startedAt, settings));
  process.stdout.write(`wrote ${path}\n`);
} else {
  process.stdout.write('partial run (BENCH_ONLY or BENCH_FEEDS): docs/BENCHMARKS.md left as it was\n');
  if (process.env.BENCH_DETAILS !== undefined) process.stdout.write(results.flatMap((r) => [`## ${r.name}`, ...r.details, '']).join('\n'));
}
// Child processes and sockets are closed; don't let a stray handle keep the run alive.
process.exit(0);
