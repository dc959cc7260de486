// Realistic call sequences, as VoIPBIN emits them (PROTOCOL.md §3.1, §3.2, §3.4, §3.12): an agent
// is rung through a groupcall it owns plus one outgoing leg per address of the agent, each leg with
// the original caller as `source`. Steps return frames (event type + bare resource) so tests can
// shuffle, duplicate or drop them; `publishAll` sends them through an emulator.
import type { Address } from './types.js';
import { makeCall, makeGroupcall, NIL_UUID, type CallResource, type GroupcallResource } from './fixtures.js';
import { formatRfc3339Micros, uniqueNowMicros } from './time.js';
import { newUuid } from './uuid.js';

export interface Frame {
  eventType: string;
  data: Record<string, unknown>;
}

export type GiveUpReason = 'cancel' | 'noanswer' | 'timeout' | 'busy';

/** Shared clock so every later step has a later tm_update. */
function stamp(): string {
  return formatRfc3339Micros(uniqueNowMicros());
}

const snapshot = (r: CallResource | GroupcallResource): Record<string, unknown> => structuredClone(r);

export class AgentRing {
  readonly groupcall: GroupcallResource;
  readonly legs: CallResource[];

  constructor(opts: { customerId: string; agentId: string; caller: Address; legTo: Address[]; ringMethod?: 'ring_all' | 'linear' }) {
    const t = stamp();
    const callerCall = newUuid();
    this.legs = opts.legTo.map((to) =>
      makeCall({
        customer_id: opts.customerId,
        owner_type: 'agent',
        owner_id: opts.agentId,
        direction: 'outgoing',
        status: 'dialing',
        source: opts.caller,
        destination: to,
        master_call_id: callerCall,
        tm_create: t,
        tm_update: t,
      }),
    );
    for (const leg of this.legs) delete leg.tm_ringing;
    this.groupcall = makeGroupcall({
      customer_id: opts.customerId,
      owner_id: opts.agentId,
      source: opts.caller,
      destinations: [{ type: 'agent', target: opts.agentId }],
      ring_method: opts.ringMethod ?? 'ring_all',
      call_ids: this.legs.map((l) => l.id),
      call_count: this.legs.length,
      tm_create: t,
      tm_update: t,
    });
  }

  /** groupcall_created, each leg created (dialing) and then ringing. */
  start(): Frame[] {
    const out: Frame[] = [{ eventType: 'groupcall_created', data: snapshot(this.groupcall) }];
    for (const leg of this.legs) out.push({ eventType: 'call_created', data: snapshot(leg) });
    for (const leg of this.legs) {
      leg.status = 'ringing';
      leg.tm_ringing = stamp();
      leg.tm_update = leg.tm_ringing;
      out.push({ eventType: 'call_ringing', data: snapshot(leg) });
    }
    return out;
  }

  /** One leg answers (on the desk phone, the mobile…); the groupcall hangs up the others. */
  answer(legIndex = 0): Frame[] {
    const answered = this.legs[legIndex];
    if (answered === undefined) throw new Error(`no leg ${legIndex}`);
    answered.status = 'progressing';
    answered.tm_progressing = stamp();
    answered.tm_update = answered.tm_progressing;
    const out: Frame[] = [{ eventType: 'call_progressing', data: snapshot(answered) }];
    this.groupcall.answer_call_id = answered.id;
    this.groupcall.tm_update = stamp();
    out.push({ eventType: 'groupcall_progressing', data: snapshot(this.groupcall) });
    for (const other of this.legs.filter((l) => l !== answered)) out.push(...this.endLeg(other, 'cancel'));
    return out;
  }

  /** The answered conversation ends. */
  hangup(): Frame[] {
    const out: Frame[] = [];
    for (const leg of this.legs.filter((l) => l.status !== 'hangup')) out.push(...this.endLeg(leg, 'normal'));
    out.push(...this.endGroupcall());
    return out;
  }

  /** Nobody answered: the caller hung up (cancel), or the ring timed out (noanswer/timeout). */
  giveUp(reason: GiveUpReason = 'noanswer'): Frame[] {
    const out: Frame[] = [];
    for (const leg of this.legs.filter((l) => l.status !== 'hangup')) out.push(...this.endLeg(leg, reason));
    out.push(...this.endGroupcall());
    return out;
  }

  private endLeg(leg: CallResource, reason: NonNullable<CallResource['hangup_reason']>): Frame[] {
    leg.status = 'hangup';
    leg.hangup_reason = reason;
    leg.hangup_by = reason === 'normal' ? 'remote' : 'local';
    leg.tm_hangup = stamp();
    leg.tm_update = leg.tm_hangup;
    return [{ eventType: 'call_hangup', data: snapshot(leg) }];
  }

  private endGroupcall(): Frame[] {
    this.groupcall.status = 'hangup';
    this.groupcall.tm_update = stamp();
    return [{ eventType: 'groupcall_hangup', data: snapshot(this.groupcall) }];
  }
}

/** A PSTN call arriving at one of the customer's numbers (the supervisor's customer-wide view). */
export class InboundCall {
  readonly call: CallResource;

  constructor(opts: { customerId: string; caller: Address; number: Address }) {
    const t = stamp();
    this.call = makeCall({
      customer_id: opts.customerId,
      owner_type: '',
      owner_id: NIL_UUID,
      direction: 'incoming',
      status: 'ringing',
      source: opts.caller,
      destination: opts.number,
      tm_create: t,
      tm_ringing: t,
      tm_update: t,
    });
  }

  start(): Frame[] {
    return [
      { eventType: 'call_created', data: snapshot(this.call) },
      { eventType: 'call_ringing', data: snapshot(this.call) },
    ];
  }

  answer(): Frame[] {
    this.call.status = 'progressing';
    this.call.tm_progressing = stamp();
    this.call.tm_update = this.call.tm_progressing;
    return [{ eventType: 'call_progressing', data: snapshot(this.call) }];
  }

  giveUp(reason: GiveUpReason = 'cancel'): Frame[] {
    this.call.status = 'hangup';
    this.call.hangup_reason = reason;
    this.call.tm_hangup = stamp();
    this.call.tm_update = this.call.tm_hangup;
    return [{ eventType: 'call_hangup', data: snapshot(this.call) }];
  }
}

export function publishAll(emu: { publish(eventType: string, data: Record<string, unknown>): number }, frames: readonly Frame[]): void {
  for (const f of frames) emu.publish(f.eventType, f.data);
}
