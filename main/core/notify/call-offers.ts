import { type Identity, type Address, canSeeCustomerScope } from '../account/index.js';
import { type ResourceEvent, readAddress } from '../stream/index.js';
import { parseVoipbinTime } from '../platform/index.js';
import { NIL_UUID } from '../../../shared/topics.js';

/**
 * Follows ringing offers for the agent (PROTOCOL.md §3.12). VoIPBIN rings an agent with a
 * groupcall owned by the agent plus one outgoing call leg per address of the agent, all carrying
 * the original caller as `source`. Frames arrive in any order and `groupcall_id` on legs is always
 * nil, so legs are tied to their groupcall through the groupcall's `call_ids`, or by caller within
 * a short window. One offer = one pop-up, withdrawn when answered and turned into a missed call
 * when it ends unanswered.
 */
export type OfferScope = 'me' | 'customer';

export interface OfferView {
  /** Stable id of the pop-up: the first resource id the offer was seen with. */
  id: string;
  /** What kind of resource that id names (a click opens it in the console). */
  resource: 'call' | 'groupcall';
  scope: OfferScope;
  caller: Address | undefined;
  /** Where it rang: the leg's destination (my extension, phone) or the customer number dialled. */
  via: Address | undefined;
  /** Wall-clock ms the call started ringing (server time when known). */
  startedAt: number;
  answered: boolean;
}

export type WithdrawReason = 'answered' | 'missed' | 'ended' | 'routed';

export type CallDecision =
  { type: 'ring'; offer: OfferView } | { type: 'withdraw'; offer: OfferView; reason: WithdrawReason } | { type: 'missed'; offer: OfferView };

/**
 * live: a frame. gap: REST state after a disconnection (what ended meanwhile was missed).
 * startup: REST state when the app starts (old endings are history, not news).
 */
export type OfferMode = 'live' | 'gap' | 'startup';

interface Offer {
  view: OfferView;
  groupcallId: string | undefined;
  legs: Map<string, string>;
  rang: boolean;
  ended: boolean;
  endedAt: number;
}

const CALLER_MATCH_MS = 30_000;
const KEEP_ENDED_MS = 10 * 60_000;
const MAX_OFFERS = 2_000;
const SWEEP_EVERY_MS = 1_000;
const RINGING_LEG = new Set(['dialing', 'ringing']);
const ENDED_LEG = new Set(['canceling', 'terminating', 'hangup']);

const isSet = (id: unknown): id is string => typeof id === 'string' && id !== '' && id !== NIL_UUID;

function sameAddress(a: Address | undefined, b: Address | undefined): boolean {
  return a?.target !== undefined && a.target === b?.target && (a.type === undefined || b.type === undefined || a.type === b.type);
}

/**
 * Offers grouped by their caller's number, so finding "the same caller" costs the few offers of
 * that caller, not every offer remembered (up to MAX_OFFERS, on every call frame of a busy queue).
 * Keyed by target only: sameAddress() lets a missing type match any, so the type is checked per offer.
 */
class ByCaller {
  /** Arrays, not Sets: a bucket holds one or two offers, and a Set per caller cost more than the search. */
  private readonly buckets = new Map<string, Offer[]>();

  add(o: Offer): void {
    const key = o.view.caller?.target;
    if (key === undefined) return;
    const bucket = this.buckets.get(key);
    if (bucket === undefined) this.buckets.set(key, [o]);
    else if (!bucket.includes(o)) bucket.push(o);
  }

  delete(o: Offer): void {
    const key = o.view.caller?.target;
    if (key === undefined) return;
    const bucket = this.buckets.get(key);
    const at = bucket?.indexOf(o) ?? -1;
    if (bucket === undefined || at < 0) return;
    if (bucket.length === 1) this.buckets.delete(key);
    else bucket.splice(at, 1);
  }

  /** Offers whose caller is `caller`, oldest first. */
  of(caller: Address | undefined): readonly Offer[] {
    const key = caller?.target;
    return key === undefined ? [] : (this.buckets.get(key) ?? []);
  }
}

export class CallOffers {
  private readonly offers = new Map<string, Offer>();
  /**
   * Offers in creation order, for evicting the oldest. Not the Map's own order: a Map iterator
   * starts at the first slot and steps over every deleted entry not yet compacted away, so
   * evicting one offer per frame cost time in proportion to the bound (31% of the pipeline at ten
   * times the bound). Stale entries (offers already forgotten) are skipped and compacted.
   */
  private order: { id: string; offer: Offer }[] = [];
  private orderHead = 0;
  /** Any resource id (groupcall, leg) → offer id. */
  private readonly byResource = new Map<string, string>();
  /** Offers of mine, by caller (matchByCaller). */
  private readonly mineByCaller = new ByCaller();
  /** Customer-wide offers on screen (rang, not ended), by caller (routedAway). */
  private readonly customerShownByCaller = new ByCaller();
  private readonly customerScope: boolean;
  private lastSweep = -Infinity;

  constructor(
    private readonly identity: Identity,
    private readonly now: () => number = Date.now,
    /** Offers remembered at most (the benchmark checks that ten times as many cost no more per frame). */
    private readonly maxOffers = MAX_OFFERS,
  ) {
    this.customerScope = canSeeCustomerScope(identity);
  }

  /** Offers remembered (bounded; see prune). */
  get size(): number {
    return this.offers.size;
  }

  /**
   * After a gap an agent learns its call legs from REST but never the groupcall (agents have no
   * groupcall endpoint), so a groupcall that hung up meanwhile would leave its pop-up ringing for
   * good. Called once a catch-up snapshot has been handled in full (a linear ring's next leg may
   * come later in it): an offer of mine still open whose every known leg has ended is over —
   * missed, unless a leg was answered. Without any leg there is no evidence either way.
   */
  settleAfterGap(): CallDecision[] {
    const out: CallDecision[] = [];
    for (const o of this.offers.values()) {
      if (o.view.scope !== 'me' || o.ended || o.groupcallId === undefined || o.legs.size === 0) continue;
      if ([...o.legs.values()].every((s) => ENDED_LEG.has(s))) out.push(...this.end(o, 'gap'));
    }
    return out;
  }

  /** Offers that rang and have not ended: what a pop-up is showing right now. */
  ringing(): OfferView[] {
    return [...this.offers.values()].filter((o) => o.rang && !o.ended).map((o) => ({ ...o.view }));
  }

  /** `since`: in gap mode, when the gap began; calls that ended before it are old news. */
  handle(e: ResourceEvent, mode: OfferMode, customerCalls: boolean, since?: number): CallDecision[] {
    this.prune();
    if (e.id === undefined) return [];
    if (mode === 'gap' && since !== undefined && this.find(e.id) === undefined && this.endedBefore(e.data, since)) return [];
    if (e.kind === 'groupcall' && this.isMyGroupcall(e.data)) return this.onGroupcall(e.id, e.data, mode);
    if (e.kind !== 'call') return [];
    if (e.data.direction === 'outgoing' && this.isMyLeg(e.data)) return this.onLeg(e.id, e.data, mode);
    if (customerCalls && this.customerScope && e.data.direction === 'incoming') return this.onCustomerCall(e.id, e.data, mode);
    return [];
  }

  private endedBefore(d: Record<string, unknown>, since: number): boolean {
    if (d.status !== 'hangup') return false;
    const micros = parseVoipbinTime(d.tm_hangup) ?? parseVoipbinTime(d.tm_update);
    return micros !== undefined && micros / 1000 < since;
  }

  private isMyGroupcall(d: Record<string, unknown>): boolean {
    const me = this.identity;
    if (me.kind !== 'agent') return false;
    if (d.owner_id === me.agentId) return true;
    const dests = Array.isArray(d.destinations) ? d.destinations.map(readAddress) : [];
    return dests.some((a) => a?.type === 'agent' && a.target === me.agentId);
  }

  private isMyLeg(d: Record<string, unknown>): boolean {
    if (this.identity.kind !== 'agent') return false;
    if (d.owner_id === this.identity.agentId) return true;
    // Extension legs target the registered contact and may carry no owner (PROTOCOL.md §3.12).
    const dest = readAddress(d.destination);
    return this.identity.addresses.some((mine) => sameAddress(mine, dest));
  }

  private startedAt(d: Record<string, unknown>): number {
    const micros = parseVoipbinTime(d.tm_ringing) ?? parseVoipbinTime(d.tm_create);
    return micros === undefined ? this.now() : Math.floor(micros / 1000);
  }

  private create(id: string, resource: OfferView['resource'], scope: OfferScope, d: Record<string, unknown>, via: Address | undefined): Offer {
    // An older offer under this id (its resource was remapped to another offer since): released
    // in full, so no index keeps an offer the map no longer has.
    const old = this.offers.get(id);
    if (old !== undefined) this.forget(id, old);
    const offer: Offer = {
      view: { id, resource, scope, caller: readAddress(d.source), via, startedAt: this.startedAt(d), answered: false },
      groupcallId: undefined,
      legs: new Map(),
      rang: false,
      ended: false,
      endedAt: 0,
    };
    this.offers.set(id, offer);
    this.order.push({ id, offer });
    this.byResource.set(id, id);
    if (scope === 'me') this.mineByCaller.add(offer);
    return offer;
  }

  private find(id: string): Offer | undefined {
    const key = this.byResource.get(id);
    return key === undefined ? undefined : this.offers.get(key);
  }

  /**
   * An offer of mine from the same caller, started moments ago: the same ringing. REST state after
   * a gap lists each leg separately, already ended, so there ended offers count as well.
   */
  private matchByCaller(caller: Address | undefined, at: number, groupcallId: string | undefined, mode: OfferMode): Offer | undefined {
    for (const o of this.mineByCaller.of(caller)) {
      if ((o.ended && mode === 'live') || !sameAddress(o.view.caller, caller)) continue;
      if (Math.abs(o.view.startedAt - at) > CALLER_MATCH_MS) continue;
      if (groupcallId !== undefined && o.groupcallId !== undefined && o.groupcallId !== groupcallId) continue;
      return o;
    }
    return undefined;
  }

  private onGroupcall(id: string, d: Record<string, unknown>, mode: OfferMode): CallDecision[] {
    const callIds = Array.isArray(d.call_ids) ? d.call_ids.filter(isSet) : [];
    let offer = this.find(id);
    offer ??= callIds.map((c) => this.find(c)).find((o) => o !== undefined && o.view.scope === 'me');
    const status = typeof d.status === 'string' ? d.status : '';
    const answered = isSet(d.answer_call_id);
    const over = status === 'hangingup' || status === 'hangup';
    if (offer === undefined) {
      offer = this.matchByCaller(readAddress(d.source), this.startedAt(d), id, mode);
      if (offer === undefined) {
        if (mode === 'startup' && over) return [];
        // A destination of type agent is me; only a concrete address says where it rings.
        const dests = Array.isArray(d.destinations) ? d.destinations.map(readAddress) : [];
        offer = this.create(
          id,
          'groupcall',
          'me',
          d,
          dests.find((a) => a !== undefined && a.type !== 'agent'),
        );
      }
    }
    offer.groupcallId = id;
    this.byResource.set(id, offer.view.id);
    for (const c of callIds) this.byResource.set(c, offer.view.id);
    const out = this.routedAway(offer);
    if (answered) out.push(...this.answer(offer));
    if (over) out.push(...this.end(offer, mode));
    else if (!answered) out.push(...this.ring(offer));
    return out;
  }

  private onLeg(id: string, d: Record<string, unknown>, mode: OfferMode): CallDecision[] {
    const status = typeof d.status === 'string' ? d.status : '';
    let offer = this.find(id) ?? this.matchByCaller(readAddress(d.source), this.startedAt(d), undefined, mode);
    if (offer === undefined) {
      if (!RINGING_LEG.has(status) && mode !== 'gap') return [];
      offer = this.create(id, 'call', 'me', d, readAddress(d.destination));
    }
    this.byResource.set(id, offer.view.id);
    offer.view.via ??= readAddress(d.destination);
    offer.legs.set(id, status);
    const out = this.routedAway(offer);
    if (status === 'ringing') out.push(...this.ring(offer));
    else if (status === 'progressing') out.push(...this.answer(offer));
    else if (ENDED_LEG.has(status) && offer.groupcallId === undefined && [...offer.legs.values()].every((s) => ENDED_LEG.has(s))) {
      // Without a groupcall, the last leg to end ends the offer. With one, the groupcall decides
      // (a linear ring moves on to the next address).
      out.push(...this.end(offer, mode));
    }
    return out;
  }

  private onCustomerCall(id: string, d: Record<string, unknown>, mode: OfferMode): CallDecision[] {
    const status = typeof d.status === 'string' ? d.status : '';
    let offer = this.find(id);
    if (offer === undefined) {
      if (status !== 'ringing') return [];
      offer = this.create(id, 'call', 'customer', d, readAddress(d.destination));
    }
    if (status === 'ringing') return this.ring(offer);
    if (status === 'progressing') return this.answer(offer);
    if (ENDED_LEG.has(status)) return this.end(offer, mode);
    return [];
  }

  /** When a call reaches me, the customer-wide pop-up for the same caller has done its job. */
  private routedAway(mine: Offer): CallDecision[] {
    if (mine.view.scope !== 'me') return [];
    const shown = this.customerShownByCaller.of(mine.view.caller);
    if (shown.length === 0) return [];
    const out: CallDecision[] = [];
    // A copy: withdrawing deletes from the bucket being walked.
    for (const o of [...shown]) {
      if (!sameAddress(o.view.caller, mine.view.caller)) continue;
      o.ended = true;
      o.endedAt = this.now();
      this.customerShownByCaller.delete(o);
      out.push({ type: 'withdraw', offer: { ...o.view }, reason: 'routed' });
    }
    return out;
  }

  private ring(o: Offer): CallDecision[] {
    if (o.rang || o.ended || o.view.answered) return [];
    o.rang = true;
    if (o.view.scope === 'customer') this.customerShownByCaller.add(o);
    return [{ type: 'ring', offer: { ...o.view } }];
  }

  private answer(o: Offer): CallDecision[] {
    if (o.view.answered || o.ended) return [];
    o.view.answered = true;
    return o.rang ? [{ type: 'withdraw', offer: { ...o.view }, reason: 'answered' }] : [];
  }

  private end(o: Offer, mode: OfferMode): CallDecision[] {
    if (o.ended) return [];
    o.ended = true;
    this.customerShownByCaller.delete(o);
    o.endedAt = this.now();
    const view = { ...o.view };
    if (o.view.answered) return [];
    if (o.view.scope === 'customer') return o.rang ? [{ type: 'withdraw', offer: view, reason: 'ended' }] : [];
    // Missed: it rang for me (now or while I was away) and nobody here answered.
    if (!o.rang && mode === 'startup') return [];
    const out: CallDecision[] = [];
    if (o.rang) out.push({ type: 'withdraw', offer: view, reason: 'missed' });
    out.push({ type: 'missed', offer: view });
    return out;
  }

  /**
   * Bounded for weeks of uptime: over MAX_OFFERS the oldest go first (O(1) per event, since a Map
   * iterates in insertion order), and ended offers are swept after KEEP_ENDED_MS. The sweep walks
   * every offer, so it runs at most once per SWEEP_EVERY_MS: run on every event, it cost a
   * customer-wide view almost half of its frames per second.
   */
  private prune(): void {
    while (this.offers.size > this.maxOffers && this.orderHead < this.order.length) {
      const oldest = this.order[this.orderHead++];
      if (oldest !== undefined && this.offers.get(oldest.id) === oldest.offer) this.forget(oldest.id, oldest.offer);
    }
    // Amortised O(1): compacted once it holds twice as many entries as there are offers.
    if (this.order.length - this.orderHead > 2 * Math.max(this.maxOffers, this.offers.size) || this.orderHead > this.maxOffers) {
      this.order = this.order.slice(this.orderHead).filter((e) => this.offers.get(e.id) === e.offer);
      this.orderHead = 0;
    }
    const now = this.now();
    // abs(): after the wall clock jumped back, sweep at once rather than when it catches up.
    if (Math.abs(now - this.lastSweep) < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [id, o] of this.offers) {
      if (o.ended && now - o.endedAt > KEEP_ENDED_MS) this.forget(id, o);
    }
  }

  private forget(id: string, o: Offer): void {
    this.offers.delete(id);
    this.mineByCaller.delete(o);
    this.customerShownByCaller.delete(o);
    // Only the resources still tied to this offer: one remapped to another offer stays with it.
    this.release(id, id);
    if (o.groupcallId !== undefined) this.release(o.groupcallId, id);
    for (const leg of o.legs.keys()) this.release(leg, id);
  }

  private release(resource: string, offerId: string): void {
    if (this.byResource.get(resource) === offerId) this.byResource.delete(resource);
  }
}
