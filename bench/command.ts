import { encodeTextFrames } from '../emulator/index.js';
import { newUuid } from '../emulator/uuid.js';
import { resolveApiUrl } from '../main/core/api/api-url.js';
import { realisticFeed, type FeedOptions, type FeedWorld } from './feed.js';
import type { BenchResult, Row } from './report.js';
import { startSystemBusWithLogind } from './system-bus.js';
import { WatchedProcess, type ClientKind } from './side-by-side.js';
import { callCentre, mb, median, newestConnection, rate } from './support.js';

/**
 * The command as users run it, against the least a client must do, in one run on the same frames:
 * three child processes hold a socket each — the bare counter, the minimal notifier and the real
 * `voipbin-notifier run --json` — and every pass writes one feed to each of them in turn (the order
 * rotates), timed from the first byte written to the pass's last line on the process's stdout.
 * A fresh trio per feed, so each feed's peak RSS (VmHWM: start-up included) is its own.
 */
export type FeedName = 'realistic' | 'worst' | 'firehose';

export interface CommandOptions {
  /** Frames per pass (half of them copies). */
  frames: number;
  passes: number;
  feeds: readonly FeedName[];
}

interface FeedRun {
  feed: FeedName;
  /** frames/s per pass, per client. */
  rates: Record<ClientKind, number[]>;
  framesPerPass: number;
  peak: Record<ClientKind, number>;
  liveHeap: number;
  commandLines: number;
}

const KINDS: readonly ClientKind[] = ['bare', 'minimal', 'command'];

const DESCRIBE: Record<FeedName, string> = {
  realistic: "the realistic mix of a supervisor's customer-wide view (bench/feed.ts), 20 other agents",
  worst: 'the worst case: every distinct frame a new leg ringing this agent from a new caller (a call offer each)',
  firehose: 'a customer-wide firehose: the realistic mix across 200 agents, 512 stories interleaved',
};

/** The world a feed is drawn from: the firehose has many more agents than the call centre has logged in. */
function feedFor(name: FeedName, world: FeedWorld, unique: number, seed: number): ReturnType<typeof realisticFeed> {
  const o: FeedOptions = { unique, seed };
  if (name === 'worst') return realisticFeed(world, { ...o, mix: 'ringing-me' });
  // Agents who are not signed in here still have calls: only their ids matter to the feed.
  if (name === 'firehose') return realisticFeed({ ...world, otherAgents: Array.from({ length: 200 }, () => newUuid()) }, { ...o, concurrency: 512 });
  return realisticFeed(world, o);
}

async function runFeed(name: FeedName, o: CommandOptions): Promise<FeedRun> {
  const cc = await callCentre();
  // As on a Linux desk: logind on the system bus, so the command holds its sleep watch (and its D-Bus library) too.
  const systemBus = await startSystemBusWithLogind();
  const endpoints = resolveApiUrl(cc.emu.url);
  const procs: WatchedProcess[] = [];
  try {
    // Pass 0 warms every process's JIT up; each pass is a new feed, news to every client.
    const feeds = Array.from({ length: o.passes + 1 }, (_, i) => {
      const f = feedFor(name, cc.world, Math.ceil((i === 0 ? Math.min(o.frames, 40_000) : o.frames) / 2), 500 + i);
      return { count: f.frames.length, sentinelId: f.sentinelId, chunks: encodeTextFrames(f.frames.map((x) => x.text)) };
    });
    const marks = feeds.reduce<number[]>((acc, f) => [...acc, (acc.at(-1) ?? 0) + f.count], []);
    const conn = new Map<ClientKind, string>();
    for (const kind of KINDS) {
      const p = new WatchedProcess(kind, {
        apiUrl: cc.emu.url,
        wsUrl: endpoints.websocket,
        token: cc.token,
        marks,
        ...(systemBus !== undefined ? { env: { DBUS_SYSTEM_BUS_ADDRESS: systemBus.address } } : {}),
      });
      procs.push(p);
      await p.ready();
      conn.set(kind, newestConnection(cc.emu));
    }
    const rates: Record<ClientKind, number[]> = { bare: [], minimal: [], command: [] };
    for (const [i, feed] of feeds.entries()) {
      const order = KINDS.map((_, k) => KINDS[(k + i) % KINDS.length] as ClientKind);
      for (const kind of order) {
        const p = procs.find((x) => x.kind === kind);
        if (p === undefined) continue;
        const needle = kind === 'bare' ? `reached ${marks[i]}` : feed.sentinelId;
        const done = p.until(needle);
        const start = process.hrtime.bigint();
        await cc.emu.writeEncoded(feed.chunks, { connId: conn.get(kind) });
        const end = await done;
        if (i > 0) rates[kind].push(feed.count / (Number(end - start) / 1e9));
      }
    }
    const command = procs.find((p) => p.kind === 'command');
    const peak = Object.fromEntries(procs.map((p) => [p.kind, p.status('VmHWM')])) as Record<ClientKind, number>;
    return {
      feed: name,
      rates,
      framesPerPass: feeds[1]?.count ?? 0,
      peak,
      liveHeap: (await command?.liveHeap()) ?? NaN,
      commandLines: command?.lines ?? 0,
    };
  } finally {
    for (const p of procs) await p.stop();
    systemBus?.stop();
    await cc.emu.stop();
  }
}

export async function commandBench(o: CommandOptions): Promise<BenchResult> {
  const runs: FeedRun[] = [];
  for (const feed of o.feeds) runs.push(await runFeed(feed, o));
  const rows: Row[] = [];
  const details: string[] = [
    'Three child processes on the same frames, each holding its own socket to the emulator: a bare `ws` client',
    'that only counts (bench/clients/bare-client.ts, the receive ceiling), a minimal notifier that does the least any',
    'notifier must — skip exact copies, JSON.parse each distinct frame, print one short JSON line per accepted frame',
    '(bench/clients/minimal-client.ts) — and the real command, `voipbin-notifier run --json --notify none --customer-calls`,',
    'started as the bin is, signed in as a supervisor, with logind on a private system bus as on a Linux desk (so it holds',
    'its sleep watch over D-Bus, bench/system-bus.ts). Each pass is timed from the first byte the emulator writes to',
    "the moment the pass's last line (the bare client's count, the others' sentinel event) reaches the benchmark",
    "through the process's stdout; every line the command prints is read. The three take turns (the order rotates)",
    `on each of ${o.passes} passes after a warm-up pass; the median pass is reported. Peak RSS is VmHWM from /proc: the`,
    'whole life of the process, start-up included.',
    '',
    '| feed | frames per pass | bare | minimal | command | command / minimal | command / bare | peak RSS bare / minimal / command | command live heap after GC | lines printed |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of runs) {
    const bare = median(r.rates.bare);
    const minimal = median(r.rates.minimal);
    const command = median(r.rates.command);
    const vsMinimal = command / minimal;
    const label = r.feed === 'worst' ? 'worst feed' : r.feed === 'realistic' ? 'realistic feed' : 'firehose';
    if (r.feed !== 'firehose') {
      rows.push({
        metric: `${label}: command / minimal client`,
        result: `${vsMinimal.toFixed(2)}× (${rate(command)} vs ${rate(minimal)})`,
        target: '≥ 0.7×',
        met: vsMinimal >= 0.7,
      });
    } else {
      rows.push({
        metric: `${label}: command / minimal client`,
        result: `${vsMinimal.toFixed(2)}× (${rate(command)} vs ${rate(minimal)})`,
        target: '—',
        met: undefined,
      });
      rows.push({
        metric: `${label}: peak RSS of the command, start-up included`,
        result: mb(r.peak.command),
        target: '≤ 100 MB',
        met: r.peak.command <= 100 * 1024 * 1024,
      });
    }
    rows.push({ metric: `${label}: command / bare client`, result: `${(command / bare).toFixed(2)}×`, target: '—', met: undefined });
    details.push(
      `| ${r.feed} | ${r.framesPerPass.toLocaleString('en-US')} | ${rate(bare)} | ${rate(minimal)} | ${rate(command)} | ${vsMinimal.toFixed(2)}× | ${(command / bare).toFixed(2)}× | ${mb(r.peak.bare)} / ${mb(r.peak.minimal)} / ${mb(r.peak.command)} | ${mb(r.liveHeap)} | ${r.commandLines.toLocaleString('en-US')} |`,
    );
  }
  details.push('', 'Feeds:', ...runs.map((r) => `- ${r.feed}: ${DESCRIBE[r.feed]}; half of all frames are copies a few frames apart.`), '');
  details.push('Every pass, frames/s:', '', '| feed | client | passes |', '|---|---|---|');
  for (const r of runs)
    for (const k of KINDS) details.push(`| ${r.feed} | ${k} | ${r.rates[k].map((x) => Math.round(x).toLocaleString('en-US')).join(', ')} |`);
  return { name: 'Command', rows, details };
}
