/**
 * Waiting for something someone else answers, bounded in time: an OS that never answers a pop-up,
 * a contacts service that is slow. The timer is always cleared, whichever side wins.
 */

/** Resolves as `p` does, or rejects with `onTimeout()` once `ms` have passed. */
export async function within<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(onTimeout()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** What `p` resolves to if it does within `ms`, else undefined; a rejection also reads as undefined. */
export async function settledWithin<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  try {
    return await within(p, ms, () => new Error('not in time'));
  } catch {
    return undefined;
  }
}
