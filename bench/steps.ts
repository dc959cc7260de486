import { parseFrame } from '../main/core/stream/frames.js';
import { RecentFrames } from '../main/core/stream/recent-frames.js';
import { realisticFeed, type FeedWorld } from './feed.js';

/**
 * Where a frame's time goes, step by step, on the throughput feed, in a process of its own (forked
 * by bench/throughput.ts). The throughput table compares the pipeline with a client that only
 * counts frames; these costs say how close *any* pipeline that reads the frames could come: every
 * frame must at least be decoded to text and checked against recent copies, and every distinct one
 * parsed — the minimum the steps after parsing (classify, order, rules) are added to.
 */
export interface StepsConfig {
  world: FeedWorld;
  unique: number;
  seed: number;
  rounds: number;
}

export interface StepCosts {
  frames: number;
  /** Share of frames that are exact copies (skipped before parsing). */
  copyShare: number;
  /** µs per frame. */
  decodeUs: number;
  copyCheckUs: number;
  /** µs per distinct frame (JSON.parse and the shape description). */
  parseUs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as StepsConfig;
const feed = realisticFeed(config.world, { unique: config.unique, seed: config.seed });
const buffers = feed.frames.map((f) => Buffer.from(f.text, 'utf8'));

/** The fastest of several rounds: the cost of the work itself, not of whatever else ran meanwhile. */
function fastest(round: () => number): number {
  let best = Infinity;
  for (let i = 0; i < config.rounds; i++) {
    const t0 = process.hrtime.bigint();
    round();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1_000);
  }
  return best;
}

const texts = buffers.map((b) => b.toString('utf8'));
const decodeUs =
  fastest(() => {
    let n = 0;
    for (const b of buffers) n += b.toString('utf8').length;
    return n;
  }) / buffers.length;

// Which frames are copies, as the listener decides it (same ring size).
const distinct: string[] = [];
const copyCheckUs =
  fastest(() => {
    const recent = new RecentFrames(256);
    distinct.length = 0;
    for (const t of texts) {
      if (recent.has(t)) continue;
      recent.add(t);
      distinct.push(t);
    }
    return distinct.length;
  }) / texts.length;

const parseUs =
  fastest(() => {
    let n = 0;
    for (const t of distinct) if (parseFrame(t).ok) n++;
    return n;
  }) / distinct.length;

const result: StepCosts = { frames: texts.length, copyShare: 1 - distinct.length / texts.length, decodeUs, copyCheckUs, parseUs };
process.send?.(result);
