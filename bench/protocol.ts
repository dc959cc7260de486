/** IPC between the benchmark runner and its measured client process (bench/client.ts). */
export interface ClientConfig {
  mode: 'bare' | 'pipeline';
  url: string;
  token: string;
  topics?: string[];
  /** Record frame-sent → notification-decided times (frames carry `bench_sent_ns`). */
  latency?: boolean;
  /** Every bound (remembered resources, call offers, history) times this; default 1. */
  boundsScale?: number;
}

export type ParentCommand =
  /** Reset and report `done` after `count` frames (bare) or on the event with `sentinelId` (pipeline). */
  | { cmd: 'expect'; tag: string; count: number; sentinelId: string }
  | { cmd: 'latency' }
  /** Full GC (the client runs with --expose-gc), then report the live heap. */
  | { cmd: 'heap' }
  | { cmd: 'exit' };

export type ClientReply =
  | { type: 'ready' }
  | { type: 'armed'; tag: string }
  | {
      type: 'done';
      tag: string;
      /** process.hrtime.bigint() when the last frame was handled, as a string. */
      endNs: string;
      frames: number;
      accepted?: number;
      duplicates?: number;
      decided?: number;
      shown?: number;
      history?: number;
    }
  | { type: 'latency'; samplesUs: number[] }
  | { type: 'heap'; heapUsed: number; rss: number };
