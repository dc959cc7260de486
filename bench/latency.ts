import { realisticFeed } from './feed.js';
import type { BenchResult } from './report.js';
import { ClientProcess, callCentre, ms, percentile, sleep } from './support.js';

/**
 * Frame sent → notification decided, at a steady rate, through the emulator's real publish path
 * (topic matching, one ws send per frame) to the pipeline in its own process. Each frame carries
 * the server's send time (`bench_sent_ns`, process.hrtime: one monotonic clock for the machine);
 * the client takes the difference when the frame's notification has been decided.
 */
export interface LatencyOptions {
  ratePerSec: number;
  seconds: number;
}

export async function latency(o: LatencyOptions): Promise<BenchResult> {
  const cc = await callCentre();
  const client = new ClientProcess({ mode: 'pipeline', url: cc.emu.url, token: cc.token, topics: cc.topics, latency: true });
  try {
    await client.next('ready', 30_000);
    // Each distinct frame is published twice (the duplicates the server sends); the copy is 'sent' too.
    const total = Math.round(o.ratePerSec * o.seconds);
    const { frames, sentinelId } = realisticFeed(cc.world, { unique: Math.ceil(total / 2), seed: 300 });
    client.send({ cmd: 'expect', tag: 'latency', count: frames.length, sentinelId });
    await client.next('armed');
    // Warm the pipeline for a second at the same rate before recording (JIT, first-call costs).
    const warm = realisticFeed(cc.world, { unique: Math.ceil(o.ratePerSec / 2), seed: 301 }).frames;
    await paced(warm, o.ratePerSec, (f) => cc.emu.publish(f.eventType, f.data));
    client.send({ cmd: 'latency' });
    await client.next('latency');
    let published = 0;
    const started = process.hrtime.bigint();
    await paced(frames, o.ratePerSec, (f) => {
      published += cc.emu.publish(f.eventType, { ...f.data, bench_sent_ns: process.hrtime.bigint().toString() });
    });
    const actualRate = frames.length / (Number(process.hrtime.bigint() - started) / 1e9);
    await client.next('done', 30_000);
    client.send({ cmd: 'latency' });
    const samples = (await client.next('latency')).samplesUs.map((us) => us / 1000).sort((a, b) => a - b);
    const p50 = percentile(samples, 50);
    const p99 = percentile(samples, 99);
    return {
      name: 'Latency',
      rows: [
        { metric: `sent → decided, p50 at ${o.ratePerSec.toLocaleString('en-US')} frames/s`, result: ms(p50), target: '—', met: undefined },
        { metric: `sent → decided, p99 at ${o.ratePerSec.toLocaleString('en-US')} frames/s`, result: ms(p99), target: '< 5 ms', met: p99 < 5 },
      ],
      details: [
        `${frames.length.toLocaleString('en-US')} frames of the realistic mix (half of them duplicates) published through the emulator's`,
        `real path at ${Math.round(actualRate).toLocaleString('en-US')} frames/s for ${o.seconds} s, after a one-second warm-up; ${published.toLocaleString('en-US')} frames`,
        `matched the client's subscriptions. ${samples.length.toLocaleString('en-US')} of them led to a notification decision (shown or held back by`,
        'storm control; withdrawals not counted); each is timed from just before the emulator published it to the moment',
        'NotificationCenter announced its decision — after the sink (a counting one) took the pop-up, as the app announces it —',
        'in the measured process (its own process; one monotonic clock for both).',
        '',
        `p50 ${ms(p50)}, p90 ${ms(percentile(samples, 90))}, p99 ${ms(p99)}, p99.9 ${ms(percentile(samples, 99.9))}, max ${ms(samples.at(-1) ?? NaN)}.`,
      ],
    };
  } finally {
    await client.close();
    await cc.emu.stop();
  }
}

/** Calls `send` for each item at `perSec`, catching up in small batches when a timer fires late. */
async function paced<T>(items: readonly T[], perSec: number, send: (item: T) => void): Promise<void> {
  const start = performance.now();
  let i = 0;
  while (i < items.length) {
    const due = Math.min(items.length, Math.floor(((performance.now() - start) / 1000) * perSec) + 1);
    while (i < due) {
      const item = items[i++];
      if (item !== undefined) send(item);
    }
    await sleep(1);
  }
}
