import { readAddress } from '../stream/index.js';
import { partyName, privateParty } from '../notify/index.js';
import { parseVoipbinTime } from '../platform/index.js';
import type { Address } from '../account/index.js';
import type { ResourceEvent } from '../stream/index.js';
import { isUuid } from '../../../shared/topics.js';

/**
 * The calls I speak on, as my own call and groupcall frames tell it (PROTOCOL.md §3.12): a leg
 * owned by me goes `progressing` when I answer and `hangup` at the end; it is a leg of the
 * customer's call (`master_call_id`), which is what a transcribe usually references, and of the
 * groupcall that rang me (the notification's resource). Bounded: the last few calls only.
 */
export interface MyCall {
  legId: string;
  /** The customer's call this leg belongs to, if the frame said. */
  masterId: string | undefined;
  /** The groupcall that rang me for it, once its frame named this leg. */
  groupcallId: string | undefined;
  /** Who I am speaking with, and the same without numbers (privacy mode). */
  party: string;
  privateParty: string;
  answeredAt: number;
  endedAt: number | undefined;
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const MAX_CALLS = 10;
const MAX_GROUPS = 50;

const uuidOf = (v: unknown): string | undefined => (typeof v === 'string' && isUuid(v) && v !== NIL_UUID ? v.toLowerCase() : undefined);
/** An address that is the agent's own phone: what VoIPBIN rings an agent at (§3.12). */
const isAgentPhone = (a: Address | undefined): boolean => a?.type === 'agent' || a?.type === 'extension';

/**
 * The other party of a call of mine. A leg that rang me (to my phone, of a groupcall, or a leg of
 * a customer's call) has the caller as `source`. Any other call of mine is one I make: an outgoing
 * call from VoIPBIN to them, or an incoming one from my own phone — an incoming call is owned by
 * the agent whose address is its caller (§3.12) — and they are its `destination`.
 */
function otherParty(data: Record<string, unknown>, rangMe: boolean): { who: Address | undefined; fallback: string } {
  const source = readAddress(data.source);
  const destination = readAddress(data.destination);
  if (isAgentPhone(destination) || (rangMe && !isAgentPhone(source))) return { who: source, fallback: 'a caller' };
  return { who: destination, fallback: 'a customer' };
}

/**
 * When I answered, as far as we know. Live, when the frame came; learnt later (a catch-up, or the
 * listing of my calls at subscribe, which may answer after a newer call's frame), when the row
 * says it was answered (`tm_progressing`), never later than now: a call answered an hour ago and
 * found now is not the call I am on more than the one I answered a minute ago.
 */
function answeredAt(e: ResourceEvent): number {
  if (e.source !== 'catchup') return e.receivedAt;
  const micros = parseVoipbinTime(e.data.tm_progressing);
  return micros === undefined ? e.receivedAt : Math.min(Math.floor(micros / 1000), e.receivedAt);
}

export class MyCalls {
  /** Oldest first. */
  private readonly calls = new Map<string, MyCall>();
  /** Leg → the groupcall that rang it. */
  private readonly groupOfLeg = new Map<string, string>();

  constructor(private readonly agentId: string) {}

  /** True when the event changed a call of mine (answered, or ended). */
  handle(e: ResourceEvent): boolean {
    // Ids go into REST queries and the call window's state: a UUID, or not a call of mine.
    const id = uuidOf(e.id);
    if (e.data.owner_id !== this.agentId || id === undefined) return false;
    if (e.kind === 'groupcall') {
      const legs = Array.isArray(e.data.call_ids) ? e.data.call_ids : [];
      for (const leg of legs) {
        const l = uuidOf(leg);
        if (l === undefined) continue;
        this.groupOfLeg.set(l, id);
        const known = this.calls.get(l);
        if (known !== undefined) known.groupcallId = id;
      }
      while (this.groupOfLeg.size > MAX_GROUPS) this.groupOfLeg.delete(this.groupOfLeg.keys().next().value ?? '');
      return false;
    }
    if (e.kind !== 'call') return false;
    const known = this.calls.get(id);
    if (e.status === 'progressing' && known === undefined) {
      const masterId = uuidOf(e.data.master_call_id);
      const groupcallId = this.groupOfLeg.get(id);
      const { who, fallback } = otherParty(e.data, groupcallId !== undefined || masterId !== undefined);
      this.calls.set(id, {
        legId: id,
        masterId,
        groupcallId,
        party: partyName(who),
        privateParty: privateParty(who, fallback),
        answeredAt: answeredAt(e),
        endedAt: undefined,
      });
      if (this.calls.size > MAX_CALLS) this.calls.delete(this.calls.keys().next().value ?? '');
      return true;
    }
    if (e.status === 'hangup' && known !== undefined) return this.end(id, e.receivedAt);
    return false;
  }

  /** The call ended without its hangup heard (the server no longer has it): true when it was going on. */
  end(legId: string, at: number): boolean {
    const known = this.calls.get(legId.toLowerCase());
    if (known === undefined || known.endedAt !== undefined) return false;
    known.endedAt = at;
    return true;
  }

  /** The call I am on now (the latest answered and not hung up, whatever order they were learnt in). */
  current(): MyCall | undefined {
    let found: MyCall | undefined;
    for (const c of this.calls.values()) if (c.endedAt === undefined && (found === undefined || c.answeredAt >= found.answeredAt)) found = c;
    return found;
  }

  byLeg(legId: string): MyCall | undefined {
    return this.calls.get(legId.toLowerCase());
  }

  /** The call of mine this id is the leg or the customer's call of. */
  byReference(callId: string): MyCall | undefined {
    const id = callId.toLowerCase();
    const leg = this.calls.get(id);
    if (leg !== undefined) return leg;
    for (const c of this.calls.values()) if (c.masterId === id) return c;
    return undefined;
  }

  /** The call a groupcall (a ringing pop-up's resource) became, if I answered it. */
  ofGroupcall(groupcallId: string): MyCall | undefined {
    for (const c of this.calls.values()) if (c.groupcallId === groupcallId.toLowerCase()) return c;
    return undefined;
  }

  /** The call ids a transcribe of this call may reference. */
  static references(c: MyCall): string[] {
    return c.masterId === undefined ? [c.legId] : [c.masterId, c.legId];
  }
}
