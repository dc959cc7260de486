import type { NotificationKind } from '../../../shared/notification-settings.js';
import type { ResourceRef } from './content.js';
import type { ReplyTarget } from '../replies/index.js';

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
  /** The call it is about (calls only). */
  resource?: ResourceRef | undefined;
  /** Where an answer to this message goes (conversations and team chat). */
  replyTo?: ReplyTarget | undefined;
  /** The privacy-mode words, kept for messages that can be answered (the reply window shows them). */
  private?: { title: string; body: string } | undefined;
}

const UNREAD_KINDS = new Set<HistoryItem['kind']>(['missed_call', 'inbound_message', 'chat_message']);

/**
 * Oldest first, with O(1) removal of the oldest: Array#shift() copies the whole array once it is
 * past V8's in-place trimming, and the history drops one item per decision when full.
 */
class OldestFirst {
  private items: HistoryItem[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** i-th from the oldest. */
  at(i: number): HistoryItem | undefined {
    return i < 0 ? undefined : this.items[this.head + i];
  }

  push(item: HistoryItem): void {
    this.items.push(item);
  }

  dropOldest(): void {
    this.head++;
    // Amortised O(1): compacted once the dropped part is as long as what is kept.
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  all(): HistoryItem[] {
    return this.items.slice(this.head);
  }

  replace(items: HistoryItem[]): void {
    this.items = items;
    this.head = 0;
  }
}

export class NotificationHistory {
  /**
   * Oldest first, split by whether the agent still has to look, so the oldest read item is always
   * at hand when room is needed (a storm adds hundreds of items a second).
   */
  private readonly read = new OldestFirst();
  private readonly unread = new OldestFirst();
  private seq = 0;

  constructor(private readonly capacity = 1_000) {}

  add(item: Omit<HistoryItem, 'seq' | 'read'>): HistoryItem {
    // Field by field: `{ ...item, seq, read }` is a V8 slow path (≈2 µs in Node 20), paid by every
    // decision of a busy customer-wide view (bench: throughput).
    const full: HistoryItem = {
      seq: ++this.seq,
      kind: item.kind,
      resourceId: item.resourceId,
      title: item.title,
      body: item.body,
      at: item.at,
      shown: item.shown,
      heldBecause: item.heldBecause,
      read: !UNREAD_KINDS.has(item.kind),
    };
    if (item.resource !== undefined) full.resource = item.resource;
    if (item.replyTo !== undefined) {
      full.replyTo = item.replyTo;
      full.private = item.private;
    }
    (full.read ? this.read : this.unread).push(full);
    if (this.read.length + this.unread.length > Math.max(1, this.capacity)) (this.read.length > 0 ? this.read : this.unread).dropOldest();
    return full;
  }

  /** Newest first. */
  list(limit = this.capacity): readonly HistoryItem[] {
    const out: HistoryItem[] = [];
    let r = this.read.length - 1;
    let u = this.unread.length - 1;
    while (out.length < limit && (r >= 0 || u >= 0)) {
      const a = this.read.at(r);
      const b = this.unread.at(u);
      if (b === undefined || (a !== undefined && a.seq > b.seq)) {
        if (a !== undefined) out.push(a);
        r--;
      } else {
        out.push(b);
        u--;
      }
    }
    return out;
  }

  get size(): number {
    return this.read.length + this.unread.length;
  }

  unreadCount(kind?: HistoryItem['kind']): number {
    let n = 0;
    for (const i of this.unread.all()) if (!i.read && (kind === undefined || i.kind === kind)) n++;
    return n;
  }

  markRead(seq?: number): void {
    const unread = this.unread.all();
    const now = seq === undefined ? unread : unread.filter((i) => i.seq === seq);
    if (now.length === 0) return;
    for (const i of now) i.read = true;
    this.unread.replace(unread.filter((i) => !i.read));
    this.read.replace([...this.read.all(), ...now].sort((a, b) => a.seq - b.seq));
  }
}
