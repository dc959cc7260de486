import { writeSync } from 'node:fs';

/**
 * Preloaded into the measured command (`node --expose-gc --import heap-probe.js cli.js run …`):
 * on SIGUSR2, a full garbage collection, then the live heap and RSS on stderr. RSS alone mixes
 * what the app keeps with the heap V8 chooses to reserve; this separates the two.
 */
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  writeSync(2, `vbn-bench-heap ${m.heapUsed} ${m.rss}\n`);
});
