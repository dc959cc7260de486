import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ResourceFrame, ResourceKind } from './frames.js';

/**
 * Dedupe and ordering. VoIPBIN delivers duplicates (old+new topics, one copy per AMQP binding) and
 * no ordering at all, even for one call (PROTOCOL.md §1.7). A frame is judged against the newest
 * state already seen for its resource: same (status, tm_update) is a duplicate; a lower status rank
 * or an older tm_update is stale. State is kept in a bounded LRU so weeks of uptime stay flat.
 */
export type OrderingVerdict = 'accepted' | 'duplicate' | 'stale';

/**
 * Status ranks of resources whose status only moves forward. Statuses sharing a rank may
 * alternate (a queuecall goes back to waiting when an agent doesn't answer): tm_update decides.
 */
const RANKS: Partial<Record<ResourceKind, Readonly<Record<string, number>>>> = {
  call: { dialing: 1, ringing: 2, progressing: 3, terminating: 4, canceling: 4, hangup: 5 },
  groupcall: { progressing: 1, hangingup: 2, hangup: 3 },
  recording: { initiating: 1, recording: 2, stopping: 3, ended: 4 },
  queuecall: { initiating: 1, waiting: 2, connecting: 2, kicking: 2, service: 3, done: 4, abandoned: 4 },
  conversation_message: { progressing: 1, done: 2, failed: 2 },
};

interface Seen {
  rank: number | undefined;
  status: string | undefined;
  updatedAt: number | undefined;
  fingerprint: string;
}

export function statusRank(kind: ResourceKind, status: string | undefined): number | undefined {
  return status === undefined ? undefined : RANKS[kind]?.[status];
}

/** Terminal states, so the catch-up knows which calls may still change. */
export function isTerminal(kind: ResourceKind, status: string | undefined): boolean {
  if (kind === 'call') return status === 'hangup';
  if (kind === 'groupcall') return status === 'hangup';
  if (kind === 'queuecall') return status === 'done' || status === 'abandoned';
  return true;
}

function fingerprintOf(raw: string): string {
  return raw.length <= 128 ? raw : createHash('sha1').update(raw).digest('base64');
}

export interface OrderingOptions {
  /** Resources remembered; old ones fall out first. */
  maxResources?: number;
}

export class EventOrdering {
  private readonly seen: LRUCache<string, Seen>;

  constructor(opts: OrderingOptions = {}) {
    this.seen = new LRUCache<string, Seen>({ max: opts.maxResources ?? 20_000 });
  }

  get size(): number {
    return this.seen.size;
  }

  /** Judges and, when accepted, records the frame. `raw` is the frame text (for id-less resources). */
  judge(frame: ResourceFrame, raw: string): OrderingVerdict {
    const key = frame.id === undefined ? `${frame.kind}#${fingerprintOf(raw)}` : `${frame.kind}:${frame.id}`;
    const rank = statusRank(frame.kind, frame.status);
    const fingerprint = frame.id === undefined ? '' : `${frame.status ?? ''}|${frame.updatedAt ?? fingerprintOf(raw)}`;
    const prev = this.seen.get(key);
    const verdict = prev === undefined ? 'accepted' : compare(prev, rank, frame, fingerprint);
    if (verdict === 'accepted') this.seen.set(key, { rank, status: frame.status, updatedAt: frame.updatedAt, fingerprint });
    return verdict;
  }

  /** What we last accepted for a resource, if remembered. */
  lastStatus(kind: ResourceKind, id: string): string | undefined {
    return this.seen.peek(`${kind}:${id}`)?.status;
  }

  /** Ids of remembered resources of `kind` whose last known status is not terminal. */
  openIds(kind: ResourceKind): string[] {
    const out: string[] = [];
    const prefix = `${kind}:`;
    for (const [key, value] of this.seen.entries()) {
      if (key.startsWith(prefix) && !isTerminal(kind, value.status)) out.push(key.slice(prefix.length));
    }
    return out;
  }
}

function compare(prev: Seen, rank: number | undefined, frame: ResourceFrame, fingerprint: string): OrderingVerdict {
  if (fingerprint === prev.fingerprint) return 'duplicate';
  if (rank !== undefined && prev.rank !== undefined && rank !== prev.rank) return rank < prev.rank ? 'stale' : 'accepted';
  if (frame.updatedAt !== undefined && prev.updatedAt !== undefined) {
    if (frame.updatedAt < prev.updatedAt) return 'stale';
    if (frame.updatedAt === prev.updatedAt && frame.status === prev.status) return 'duplicate';
  }
  return 'accepted';
}
