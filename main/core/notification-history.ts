import type { NotificationKind } from '../../shared/notification-settings.js';

/**
 * Everything decided, shown or not, newest first, bounded so weeks of uptime stay flat.
 * Missed calls and messages count as unread until the agent looks.
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
  private readonly items: HistoryItem[] = [];
  private seq = 0;

  constructor(private readonly capacity = 500) {}

  add(item: Omit<HistoryItem, 'seq' | 'read'>): HistoryItem {
    const full: HistoryItem = { ...item, seq: ++this.seq, read: !UNREAD_KINDS.has(item.kind) };
    this.items.unshift(full);
    if (this.items.length > this.capacity) this.items.length = this.capacity;
    return full;
  }

  list(limit = this.capacity): readonly HistoryItem[] {
    return this.items.slice(0, limit);
  }

  get size(): number {
    return this.items.length;
  }

  unreadCount(kind?: HistoryItem['kind']): number {
    return this.items.filter((i) => !i.read && (kind === undefined || i.kind === kind)).length;
  }

  markRead(seq?: number): void {
    for (const i of this.items) if (seq === undefined || i.seq === seq) i.read = true;
  }
}
