/**
 * The last N frame texts, to recognise byte-for-byte copies without parsing them. VoIPBIN sends
 * most frames twice a few frames apart (PROTOCOL.md §1.7), so this catches half of a busy feed.
 *
 * Keyed by length, not by the text: hashing a whole frame costs about as much as parsing it, while
 * copies always have the same length and a comparison of same-length frames usually stops early.
 */
export class RecentFrames {
  private readonly byLength = new Map<number, string[]>();
  /** Every remembered text, oldest first, as a ring. */
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(private readonly capacity = 256) {
    this.ring = new Array<string | undefined>(capacity).fill(undefined);
  }

  has(text: string): boolean {
    return this.byLength.get(text.length)?.includes(text) ?? false;
  }

  add(text: string): void {
    if (this.capacity === 0) return;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) {
      const bucket = this.byLength.get(evicted.length);
      // Buckets fill in ring order, so the evicted text is its bucket's oldest.
      bucket?.shift();
      if (bucket?.length === 0) this.byLength.delete(evicted.length);
    }
    this.ring[this.next] = text;
    this.next = (this.next + 1) % this.capacity;
    const bucket = this.byLength.get(text.length);
    if (bucket === undefined) this.byLength.set(text.length, [text]);
    else bucket.push(text);
  }

  get size(): number {
    let n = 0;
    for (const b of this.byLength.values()) n += b.length;
    return n;
  }
}
