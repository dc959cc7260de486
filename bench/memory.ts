import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeTextFrames } from '../emulator/index.js';
import { realisticFeed } from './feed.js';
import type { BenchResult } from './report.js';
import { CLI, callCentre, mb, newestConnection, rssOf, sleep, until } from './support.js';

/**
 * RSS of the real headless process (`voipbin-notifier run --json --notify none`) under a long busy
 * feed: 10 minutes of 2,000 frames/s, written at that rate (the targets), then — for the record,
 * without a target — the same number of frames again as fast as the process takes them (a firehose
 * many times the rate, which makes V8 keep more heap between collections). RSS is sampled at each
 * "minute" mark (when the process has handled that minute's last frame) and every 100 ms.
 */
export interface MemoryOptions {
  minutes: number;
  framesPerMinute: number;
  /** 0: as fast as the process takes them; else write at this rate. */
  framesPerSecond: number;
  /** With a paced run, also measure the firehose (informational). */
  firehose: boolean;
}

interface MinuteSample {
  minute: number;
  rss: number;
  max: number;
  heap: number;
  rssAfterGc: number;
  seconds: number;
}

interface Measured {
  samples: MinuteSample[];
  peak: number;
  atStart: number;
  lines: number;
  events: number;
}

/** `#!/usr/bin/env -S node --flag …` → ['--flag', …] */
export function shebangNodeFlags(file: string): string[] {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  const m = /^#!\/usr\/bin\/env -S node\s+(.*)$/.exec(first);
  return m?.[1]?.split(/\s+/).filter((a) => a !== '') ?? [];
}

async function measure(o: Pick<MemoryOptions, 'minutes' | 'framesPerMinute' | 'framesPerSecond'>): Promise<Measured> {
  const cc = await callCentre();
  // BENCH_CLI_ARGS: node flags for the measured process, e.g. --trace-gc to see where the memory goes.
  // Measure the process users run: the bin's shebang carries V8 flags (main/cli/main.ts), which a plain
  // `node cli.js` would skip.
  const nodeArgs = [...shebangNodeFlags(CLI), ...(process.env.BENCH_CLI_ARGS ?? '').split(' ').filter((a) => a !== '')];
  const probe = fileURLToPath(new URL('./heap-probe.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      pathToFileURL(probe).href,
      ...nodeArgs,
      CLI,
      'run',
      '--json',
      '--notify',
      'none',
      '--customer-calls',
      '--log-level',
      'warn',
      '--api-url',
      cc.emu.url,
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        VOIPBIN_TOKEN: cc.token,
        VOIPBIN_NOTIFIER_CONFIG_DIR: '/nonexistent-bench-config',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const pid = child.pid ?? -1;
  let tail = '';
  let lines = 0;
  let events = 0;
  let subscribed = false;
  const seen = new Set<string>();
  const watching = new Set<string>();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    // Hundreds of thousands of lines: look only for what matters, across chunk boundaries.
    const text = tail + chunk;
    for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
    for (let i = chunk.indexOf('"type":"event"'); i >= 0; i = chunk.indexOf('"type":"event"', i + 1)) events++;
    if (!subscribed && text.includes('"type":"subscribed"')) subscribed = true;
    for (const id of watching) {
      if (text.includes(id)) {
        seen.add(id);
        watching.delete(id);
      }
    }
    tail = text.slice(-200);
  });
  // The probe's answers; the command's own warnings pass through.
  const heaps: { heapUsed: number; rss: number }[] = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      const m = /^vbn-bench-heap (\d+) (\d+)$/.exec(line);
      if (m !== null) heaps.push({ heapUsed: Number(m[1]), rss: Number(m[2]) });
      else if (line.trim() !== '') process.stderr.write(`[voipbin-notifier] ${line}\n`);
    }
  });
  const liveHeap = async (): Promise<{ heapUsed: number; rss: number }> => {
    const n = heaps.length;
    child.kill('SIGUSR2');
    await until('the heap probe', () => heaps.length > n, 10_000, 5);
    return heaps[n] ?? { heapUsed: NaN, rss: NaN };
  };
  let peak = 0;
  // RSS swings with each major GC: judge every "minute" by the median of its 100 ms samples.
  let current: number[] = [];
  const sampler = setInterval(() => {
    const rss = rssOf(pid);
    if (Number.isNaN(rss)) return;
    peak = Math.max(peak, rss);
    current.push(rss);
  }, 100);
  try {
    await until('the command to subscribe', () => subscribed || child.exitCode !== null, 30_000);
    if (!subscribed) throw new Error(`voipbin-notifier run exited with ${child.exitCode}`);
    const connId = newestConnection(cc.emu);
    const atStart = rssOf(pid);
    const samples: MinuteSample[] = [];
    const t0 = performance.now();
    let written = 0;
    const write = async (texts: string[]): Promise<void> => {
      if (o.framesPerSecond <= 0) {
        await cc.emu.writeEncoded(encodeTextFrames(texts), { connId });
        return;
      }
      // Paced: 20 slices a second, each sent when the schedule reaches it.
      const slice = Math.max(1, Math.round(o.framesPerSecond / 20));
      for (let i = 0; i < texts.length; i += slice) {
        const due = t0 + ((written + i) / o.framesPerSecond) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        await cc.emu.writeEncoded(encodeTextFrames(texts.slice(i, i + slice)), { connId });
      }
      written += texts.length;
    };
    let next = realisticFeed(cc.world, { unique: Math.ceil(o.framesPerMinute / 2), seed: 1_000 });
    for (let minute = 1; minute <= o.minutes; minute++) {
      const feed = next;
      watching.add(feed.sentinelId);
      const writing = write(feed.frames.map((f) => f.text));
      // Build the next minute while the process works through this one.
      if (minute < o.minutes) next = realisticFeed(cc.world, { unique: Math.ceil(o.framesPerMinute / 2), seed: 1_000 + minute });
      await writing;
      await until(`minute ${minute} to be handled`, () => seen.has(feed.sentinelId), 300_000, 20);
      const sorted = [...current, rssOf(pid)].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
      const seconds = (performance.now() - t0) / 1000;
      const live = await liveHeap();
      current = [];
      samples.push({
        minute,
        rss: sorted[Math.floor(sorted.length / 2)] ?? NaN,
        max: sorted.at(-1) ?? NaN,
        heap: live.heapUsed,
        rssAfterGc: live.rss,
        seconds,
      });
    }
    await sleep(200);
    return { samples, peak, atStart, lines, events };
  } finally {
    clearInterval(sampler);
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await cc.emu.stop();
  }
}

export async function memory(o: MemoryOptions): Promise<BenchResult> {
  const paced = await measure(o);
  const firehose = o.framesPerSecond > 0 && o.firehose ? await measure({ ...o, framesPerSecond: 0 }) : undefined;
  const { samples } = paced;
  const last = samples.at(-1);
  const baseMinute = Math.min(2, o.minutes);
  // Leaks show in what is kept after a full GC; RSS medians and peaks swing with V8's GC cycle
  // and heap sizing. "No growth": the live heap at the last minute within 5% (or 2 MB) of minute 2.
  const at = (m: number): MinuteSample | undefined => samples.find((s) => s.minute === m);
  const early = at(baseMinute)?.heap ?? NaN;
  const late = at(o.minutes)?.heap ?? NaN;
  const growth = late - early;
  const flat = growth <= Math.max(2 * 1024 * 1024, early * 0.05);
  const total = o.minutes * o.framesPerMinute;
  const rate = o.framesPerSecond > 0 ? `${o.framesPerSecond.toLocaleString('en-US')} frames/s` : 'as fast as it takes them';
  const fhLast = firehose?.samples.at(-1);
  const table = (m: Measured): string[] => [
    '| minute | frames so far | RSS median | RSS highest | live heap after GC | RSS after GC | elapsed |',
    '|---|---|---|---|---|---|---|',
    ...m.samples.map(
      (s) =>
        `| ${s.minute} | ${(s.minute * o.framesPerMinute).toLocaleString('en-US')} | ${mb(s.rss)} | ${mb(s.max)} | ${mb(s.heap)} | ${mb(s.rssAfterGc)} | ${s.seconds.toFixed(1)} s |`,
    ),
  ];
  return {
    name: 'Memory',
    rows: [
      {
        metric: `RSS in minute ${o.minutes} (${total.toLocaleString('en-US')} frames at ${rate}), median`,
        result: mb(last?.rss ?? NaN),
        target: '< 100 MB',
        met: (last?.rss ?? Infinity) < 100 * 1024 * 1024,
      },
      {
        metric: `live heap after a full GC, minute ${baseMinute} → ${o.minutes}`,
        result: `${mb(early)} → ${mb(late)} (${growth >= 0 ? '+' : ''}${mb(growth)})`,
        target: 'no growth (≤ 5% or 2 MB)',
        met: flat,
      },
      {
        metric: `RSS right after that GC, minute ${baseMinute} → ${o.minutes}`,
        result: `${mb(at(baseMinute)?.rssAfterGc ?? NaN)} → ${mb(at(o.minutes)?.rssAfterGc ?? NaN)}`,
        target: '—',
        met: undefined,
      },
      { metric: 'peak RSS', result: mb(paced.peak), target: '—', met: undefined },
      ...(firehose === undefined
        ? []
        : [
            {
              metric: `the same frames as a firehose (${Math.round(total / (fhLast?.seconds ?? NaN)).toLocaleString('en-US')} frames/s): RSS in the last minute, median / peak`,
              result: `${mb(fhLast?.rss ?? NaN)} / ${mb(firehose.peak)}`,
              target: '—',
              met: undefined,
            },
          ]),
    ],
    details: [
      `The built command, \`voipbin-notifier run --json --notify none --customer-calls\`, signed in as a supervisor`,
      `with the customer-wide call topic, in its own process. ${o.minutes} minutes of ${o.framesPerMinute.toLocaleString('en-US')} frames each (the realistic mix,`,
      `half duplicates) written at ${rate} (${(last?.seconds ?? 0).toFixed(0)} s in all); every accepted event and notification was printed as a`,
      `JSON line and read by the benchmark (${paced.lines.toLocaleString('en-US')} lines, ${paced.events.toLocaleString('en-US')} of them events). RSS from /proc/<pid>/status: ${mb(paced.atStart)} once subscribed.`,
      '',
      'RSS is not live data. It holds Node.js itself (about 45 MB of its executable is resident), the modules,',
      'and the heap V8 chooses to keep: under a high allocation rate it lets garbage build up in the old generation',
      'between major collections. So at each minute mark the benchmark also asks the process (through a preloaded',
      'probe, bench/heap-probe.ts, `--expose-gc`) for a full GC and reads what is left: bounded state shows as a flat',
      'live heap, which is what the growth row checks. Those forced GCs are the only difference from a normal run.',
      '',
      ...table(paced),
      ...(firehose === undefined
        ? []
        : [
            '',
            `Then the same ${total.toLocaleString('en-US')} frames again in a new process, as fast as it took them (${(fhLast?.seconds ?? 0).toFixed(0)} s): many times a busy`,
            "supervisor's rate, at which V8 may keep more garbage between collections; what matters is that the live heap",
            'stays as flat. For the record, not a target:',
            '',
            ...table(firehose),
          ]),
    ],
  };
}
