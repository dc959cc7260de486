/**
 * The last N frame texts, to recognise byte-for-byte copies without parsing them. VoIPBIN sends
 * most frames twice a few frames apart (PROTOCOL.md §1.7), so this catches half of a busy feed.
 *
 * Keyed by length and a few sampled characters, not by the text: hashing whole frames (a Set of
 * texts) took 1.4 µs a frame, against 0.3 µs here. Keyed by length alone, a queue's call legs
 * (all one length) shared one bucket that every check walked (0.9 µs a frame); the sampled id and
 * status characters split them. A key only narrows the search: equality is always checked in full.
 */
const SAMPLE_BITS = 12;
const SAMPLE_MASK = (1 << SAMPLE_BITS) - 1;

/** Positions inside a leading `{"id":"<uuid>"`, the middle and three quarters in (status, times). */
function keyOf(text: string): number {
  const n = text.length;
  const at = (i: number): number => (i < n ? text.charCodeAt(i) : 0);
  const sample = at(9) ^ (at(14) << 1) ^ (at(19) << 2) ^ (at(24) << 3) ^ (at(n >> 1) << 4) ^ (at((n * 3) >> 2) << 5);
  // Stays a small integer (a fast Map key) for any text the listener remembers (≤ 16 K characters).
  return n * (SAMPLE_MASK + 1) + (sample & SAMPLE_MASK);
}

export class RecentFrames {
  private readonly byKey = new Map<number, string[]>();
  /** Every remembered text and its key, oldest first, as a ring. */
  private readonly ring: (string | undefined)[];
  private readonly keys: number[];
  private next = 0;

  constructor(private readonly capacity = 256) {
    this.ring = new Array<string | undefined>(capacity).fill(undefined);
    this.keys = new Array<number>(capacity).fill(0);
  }

  has(text: string): boolean {
    return this.byKey.get(keyOf(text))?.includes(text) ?? false;
  }

  add(text: string): void {
    if (this.capacity === 0) return;
    if (this.ring[this.next] !== undefined) {
      const evictedKey = this.keys[this.next] ?? 0;
      const bucket = this.byKey.get(evictedKey);
      // Buckets fill in ring order, so the evicted text is its bucket's oldest.
      bucket?.shift();
      if (bucket?.length === 0) this.byKey.delete(evictedKey);
    }
    const key = keyOf(text);
    this.ring[this.next] = text;
    this.keys[this.next] = key;
    this.next = (this.next + 1) % this.capacity;
    const bucket = this.byKey.get(key);
    if (bucket === undefined) this.byKey.set(key, [text]);
    else bucket.push(text);
  }

  get size(): number {
    let n = 0;
    for (const b of this.byKey.values()) n += b.length;
    return n;
  }
}
