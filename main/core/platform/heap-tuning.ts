import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection kept. By default it
 * grows by up to 4× before collecting again; our live heap is flat (~22 MB, every store bounded), so
 * under a busy feed that growth was garbage held as resident memory. 20% keeps the command under
 * its 100 MB budget under the firehose without the speed that --optimize-for-size cost (bench:
 * command). V8 reads it at every full collection, so, unlike the young generation's size, it can be
 * set after start-up — which is also the only way to reach the Electron main process (its
 * `--js-flags` must be given on the command line that starts Electron). An unknown flag is ignored
 * by V8, so a future V8 without it starts all the same.
 */
export const HEAP_GROWING_PERCENT = 20;

export function tuneHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
