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
  kind: ResourceKind;
  rank: number | undefined;
  status: string | undefined;
  updatedAt: number | undefined;
  /** Only for a frame without tm_update: what tells its copies apart (see sameState). */
  fingerprint: string | undefined;
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

  /**
   * Judges and, when accepted, records the frame. `raw` is the frame text (for id-less resources).
   * Keyed by the id alone (a resource of another kind under the same id replaces it, see below):
   * building a `kind:id` string and a status|time fingerprint for every frame cost more than the
   * cache itself.
   */
  judge(frame: ResourceFrame, raw: string): OrderingVerdict {
    const key = frame.id ?? `${frame.kind}#${fingerprintOf(raw)}`;
    const rank = statusRank(frame.kind, frame.status);
    const fingerprint = frame.id !== undefined && frame.updatedAt === undefined ? fingerprintOf(raw) : undefined;
    const prev = this.seen.get(key);
    // Ids are the server's UUIDs: the same one under two kinds is no ordering evidence either way.
    const verdict = prev === undefined || prev.kind !== frame.kind ? 'accepted' : compare(prev, rank, frame, fingerprint);
    if (verdict === 'accepted') this.seen.set(key, { kind: frame.kind, rank, status: frame.status, updatedAt: frame.updatedAt, fingerprint });
    return verdict;
  }

  /** What we last accepted for a resource, if remembered. */
  lastStatus(kind: ResourceKind, id: string): string | undefined {
    const seen = this.seen.peek(id);
    return seen?.kind === kind ? seen.status : undefined;
  }

  /** Ids of remembered resources of `kind` whose last known status is not terminal. */
  openIds(kind: ResourceKind): string[] {
    const out: string[] = [];
    // Id-less resources are keyed `kind#…` and never open: only real ids are listed.
    for (const [key, value] of this.seen.entries()) {
      if (value.kind === kind && !key.includes('#') && !isTerminal(kind, value.status)) out.push(key);
    }
    return out;
  }
}

/** The same status at the same tm_update (or, without one, the same text): a copy. */
function sameState(prev: Seen, frame: ResourceFrame, fingerprint: string | undefined): boolean {
  if (frame.id === undefined) return true;
  if (prev.status !== frame.status) return false;
  return frame.updatedAt !== undefined ? prev.updatedAt === frame.updatedAt : prev.updatedAt === undefined && prev.fingerprint === fingerprint;
}

function compare(prev: Seen, rank: number | undefined, frame: ResourceFrame, fingerprint: string | undefined): OrderingVerdict {
  if (sameState(prev, frame, fingerprint)) return 'duplicate';
  if (rank !== undefined && prev.rank !== undefined && rank !== prev.rank) return rank < prev.rank ? 'stale' : 'accepted';
  if (frame.updatedAt !== undefined && prev.updatedAt !== undefined) {
    if (frame.updatedAt < prev.updatedAt) return 'stale';
    if (frame.updatedAt === prev.updatedAt && frame.status === prev.status) return 'duplicate';
  }
  return 'accepted';
}
