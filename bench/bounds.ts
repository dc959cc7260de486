import { encodeTextFrames } from '../emulator/index.js';
import { realisticFeed } from './feed.js';
import type { BenchResult } from './report.js';
import { ClientProcess, callCentre, median, newestConnection, rate } from './support.js';

/**
 * No per-frame cost may grow with what is remembered: the in-process pipeline (bench/client.ts)
 * with every bound at its default (20,000 resources in ordering, 2,000 call offers, 1,000 history
 * items) and at ten times that, each filled past its bound first, then timed on the worst feed
 * (every frame a new call offer, so every bound is full and evicting on every frame).
 */
export async function bounds(o: { frames: number; passes: number }): Promise<BenchResult> {
  const cc = await callCentre();
  try {
    // Enough distinct resources to fill the largest bound (10 × 20,000) before any timing.
    const fill = realisticFeed(cc.world, { unique: 210_000, seed: 300, mix: 'ringing-me' });
    const fillChunks = encodeTextFrames(fill.frames.map((f) => f.text));
    // Nine rounds: one noisy pass moves a median of nine less than one of five (the 10× cost is ~10%, near the noise).
    const rounds = Math.max(9, o.passes);
    const passes = Array.from({ length: rounds }, (_, i) => {
      const f = realisticFeed(cc.world, { unique: Math.ceil(o.frames / 2), seed: 310 + i, mix: 'ringing-me' });
      return { count: f.frames.length, sentinelId: f.sentinelId, chunks: encodeTextFrames(f.frames.map((x) => x.text)) };
    });
    // Both processes live and filled at once, their passes taking turns (the order swapping each
    // round): a machine that gets busier halfway through then slows both alike, not only the second.
    const open = async (scale: number): Promise<{ client: ClientProcess; connId: string }> => {
      const client = new ClientProcess({ mode: 'pipeline', url: cc.emu.url, token: cc.token, topics: cc.topics, boundsScale: scale });
      await client.next('ready', 30_000);
      const connId = newestConnection(cc.emu);
      client.send({ cmd: 'expect', tag: 'fill', count: fill.frames.length, sentinelId: fill.sentinelId });
      await client.next('armed');
      await cc.emu.writeEncoded(fillChunks, { connId });
      await client.next('done');
      return { client, connId };
    };
    const timePass = async (c: { client: ClientProcess; connId: string }, i: number): Promise<number> => {
      const pass = passes[i];
      if (pass === undefined) return NaN;
      c.client.send({ cmd: 'expect', tag: `pass${i}`, count: pass.count, sentinelId: pass.sentinelId });
      await c.client.next('armed');
      const start = process.hrtime.bigint();
      await cc.emu.writeEncoded(pass.chunks, { connId: c.connId });
      const done = await c.client.next('done');
      return pass.count / (Number(BigInt(done.endNs) - start) / 1e9);
    };
    const single = await open(1);
    const tenfold = await open(10);
    const one: number[] = [];
    const ten: number[] = [];
    try {
      for (let i = 0; i < rounds; i++) {
        if (i % 2 === 0) {
          one.push(await timePass(single, i));
          ten.push(await timePass(tenfold, i));
        } else {
          ten.push(await timePass(tenfold, i));
          one.push(await timePass(single, i));
        }
      }
    } finally {
      await single.client.close();
      await tenfold.client.close();
    }
    const us = (r: number): string => `${(1e6 / r).toFixed(2)} µs`;
    // Each round's own ratio (its two passes ran back to back), then their median: a machine that is
    // busier for a while slows both passes of that round, not only one side's median.
    const ratio = median(one.map((r, i) => r / (ten[i] ?? NaN)));
    return {
      name: 'Bounds',
      rows: [
        {
          metric: 'per-frame time with 10× every bound / with the defaults (worst feed)',
          result: `${ratio.toFixed(2)}× (${us(median(ten))} vs ${us(median(one))})`,
          target: '≤ 1.2× (the same within noise)',
          met: ratio <= 1.2,
        },
      ],
      details: [
        'The in-process pipeline (bench/client.ts: EventStream → Listener → NotificationCenter, no printing) with its bounds at',
        'the defaults — 20,000 resources in ordering, 2,000 call offers, 1,000 history items — and at ten times each. Both are',
        `first filled with ${fill.frames.length.toLocaleString('en-US')} frames of 210,000 distinct new calls ringing the agent, so every bound is full and`,
        `evicting; then ${rounds} passes each of ${(passes[0]?.count ?? 0).toLocaleString('en-US')} frames of the same kind, the two processes`,
        "alive side by side and taking turns (the order swapping each round); the ratio is the median of the rounds' own ratios,",
        'the times the medians of each side.',
        '',
        '| bounds | passes |',
        '|---|---|',
        `| 1× | ${one.map(rate).join(', ')} |`,
        `| 10× | ${ten.map(rate).join(', ')} |`,
      ],
    };
  } finally {
    await cc.emu.stop();
  }
}
