import type { NotificationKind } from '../../shared/notification-settings.js';

/**
 * Everything decided, shown or not, newest first, bounded so weeks of uptime stay flat.
 * Missed calls and messages count as unread until the agent looks. When full, the oldest item
 * the agent has read (or that needs no reading) makes room first: a storm of customer-wide calls
 * must not push the agent's own unread missed calls out of the history.
 */
export interface HistoryItem {
  seq: number;
  kind: NotificationKind | 'activity';
  resourceId: string;
  title: string;
  body: string;
  at: number;
  shown: boolean;
  /** Why it did not pop up: paused, quiet hours, turned off, storm, caught up while away. */
  heldBecause?: string | undefined;
  read: boolean;
}

const UNREAD_KINDS = new Set<HistoryItem['kind']>(['missed_call', 'inbound_message', 'chat_message']);

export class NotificationHistory {
  /** A ring, oldest at `start`: a storm adds hundreds of items a second. */
  private readonly ring: (HistoryItem | undefined)[];
  private start = 0;
  private count = 0;
  private seq = 0;

  constructor(private readonly capacity = 1_000) {
    this.ring = new Array<HistoryItem | undefined>(Math.max(1, capacity)).fill(undefined);
  }

  add(item: Omit<HistoryItem, 'seq' | 'read'>): HistoryItem {
    const full: HistoryItem = { ...item, seq: ++this.seq, read: !UNREAD_KINDS.has(item.kind) };
    const cap = this.ring.length;
    if (this.count === cap) this.evictOne();
    this.ring[(this.start + this.count) % cap] = full;
    this.count++;
    return full;
  }

  /** Removes the oldest read item (the oldest of all if every one is unread), keeping the order. */
  private evictOne(): void {
    const cap = this.ring.length;
    let k = 0;
    while (k < this.count && this.ring[(this.start + k) % cap]?.read === false) k++;
    if (k === this.count) k = 0;
    // Close the gap by moving the older (unread) items one step up; usually k is 0.
    for (let j = k; j > 0; j--) this.ring[(this.start + j) % cap] = this.ring[(this.start + j - 1) % cap];
    this.ring[this.start] = undefined;
    this.start = (this.start + 1) % cap;
    this.count--;
  }

  /** Newest first. */
  list(limit = this.capacity): readonly HistoryItem[] {
    const out: HistoryItem[] = [];
    const cap = this.ring.length;
    for (let i = this.count - 1; i >= 0 && out.length < limit; i--) {
      const item = this.ring[(this.start + i) % cap];
      if (item !== undefined) out.push(item);
    }
    return out;
  }

  get size(): number {
    return this.count;
  }

  unreadCount(kind?: HistoryItem['kind']): number {
    let n = 0;
    for (const i of this.ring) if (i !== undefined && !i.read && (kind === undefined || i.kind === kind)) n++;
    return n;
  }

  markRead(seq?: number): void {
    for (const i of this.ring) if (i !== undefined && (seq === undefined || i.seq === seq)) i.read = true;
  }
}
