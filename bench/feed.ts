import type { Address } from '../emulator/index.js';
import { makeAgentResource, makeChatMessage, makeConversationMessage, makeQueuecall, makeRecording, makeSms, makeTranscript } from '../emulator/fixtures.js';
import { AgentRing, InboundCall, type Frame } from '../emulator/scenarios.js';
import { newUuid } from '../emulator/uuid.js';

/**
 * What a supervisor's customer-wide subscription carries, as VoIPBIN sends it: interleaved call
 * lifecycles (customer inbound calls, other agents being rung, now and then this agent), SMS,
 * conversation messages, queue calls, agent status, recordings, transcripts and team chat, and every
 * frame delivered twice (the old + new topic formats of PROTOCOL.md §1.7), the copy a few frames
 * later. Structure is seeded, so every run has the same mix; ids and times are fresh.
 */
export interface FeedWorld {
  customerId: string;
  /** The agent the measured client signs in as: a few calls ring for them. */
  agentId: string;
  agentAddresses: Address[];
  /** Other agents of the call centre, rung customer-wide. */
  otherAgents: string[];
}

export interface FeedFrame extends Frame {
  /** Pre-serialised bare resource JSON, as written to the socket. */
  text: string;
}

/** mulberry32: tiny, seedable, good enough to pick story kinds. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Story = Generator<Frame, void, void>;

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const phone = (rand: () => number): string => `+1555${String(Math.floor(rand() * 10_000_000)).padStart(7, '0')}`;
const NAMES = ['Jane Cooper', 'Carlos Diaz', 'Priya Shah', 'Omar Haddad', 'Dana Whitfield', 'Wei Chen', ''];
const caller = (rand: () => number): Address => {
  const name = pick(rand, NAMES);
  return name === '' ? { type: 'tel', target: phone(rand) } : { type: 'tel', target: phone(rand), target_name: name };
};

function* inboundCall(w: FeedWorld, rand: () => number): Story {
  const c = new InboundCall({ customerId: w.customerId, caller: caller(rand), number: { type: 'tel', target: '+15551230000' } });
  yield* c.start();
  if (rand() < 0.6) {
    yield* c.answer();
    yield* c.giveUp('cancel').map((f) => ({ ...f, data: { ...f.data, hangup_reason: 'normal' } }));
  } else {
    yield* c.giveUp(rand() < 0.5 ? 'cancel' : 'noanswer');
  }
}

function* agentRing(w: FeedWorld, rand: () => number, agentId: string, legTo: Address[]): Story {
  const r = new AgentRing({ customerId: w.customerId, agentId, caller: caller(rand), legTo });
  yield* r.start();
  if (rand() < 0.7) {
    yield* r.answer(Math.floor(rand() * legTo.length));
    yield* r.hangup();
  } else {
    yield* r.giveUp('noanswer');
  }
}

function* single(eventType: string, data: Record<string, unknown>): Story {
  yield { eventType, data };
}

function* queuecall(w: FeedWorld, rand: () => number): Story {
  const q = makeQueuecall({ customer_id: w.customerId, status: 'waiting' });
  yield { eventType: 'queuecall_waiting', data: structuredClone(q) };
  const served = rand() < 0.8;
  yield {
    eventType: served ? 'queuecall_serviced' : 'queuecall_abandoned',
    data: { ...q, status: served ? 'service' : 'abandoned', tm_update: later(q.tm_update) },
  };
  if (served) yield { eventType: 'queuecall_done', data: { ...q, status: 'done', tm_update: later(q.tm_update, 2) } };
}

function* recording(w: FeedWorld): Story {
  const r = makeRecording({ customer_id: w.customerId, status: 'recording' });
  yield { eventType: 'recording_started', data: structuredClone(r) };
  yield { eventType: 'recording_finished', data: { ...r, status: 'ended', tm_update: later(r.tm_update) } };
}

/** A later RFC 3339 stamp than `ts` (by `n` seconds), without touching the shared clock. */
function later(ts: string, n = 1): string {
  return new Date(Date.parse(ts) + n * 1000).toISOString().replace('Z', '000Z');
}

function nextStory(w: FeedWorld, rand: () => number): Story {
  const x = rand() * 100;
  if (x < 30) return inboundCall(w, rand);
  if (x < 49) return agentRing(w, rand, pick(rand, w.otherAgents), [{ type: 'extension', target: String(2100 + Math.floor(rand() * 200)) }]);
  if (x < 50) return agentRing(w, rand, w.agentId, w.agentAddresses);
  if (x < 60)
    return single(
      'message_created',
      makeSms({
        customer_id: w.customerId,
        source: { type: 'tel', target: phone(rand) },
        text: 'Hi, my order has not arrived yet. Could someone call me back?',
      }),
    );
  if (x < 70)
    return single('conversation_message_created', makeConversationMessage({ customer_id: w.customerId, source: { type: 'tel', target: phone(rand) } }));
  if (x < 80) return queuecall(w, rand);
  if (x < 88)
    return single(
      'agent_status_updated',
      makeAgentResource({ customer_id: w.customerId, id: pick(rand, w.otherAgents), status: pick(rand, ['available', 'away', 'busy', 'offline']) }),
    );
  if (x < 94) return recording(w);
  if (x < 97) return single('transcript_created', makeTranscript({ customer_id: w.customerId }));
  return single(
    'chatmessage_created',
    makeChatMessage({ customer_id: w.customerId, owner_id: pick(rand, w.otherAgents), text: 'Can you take the VIP queue after lunch?' }),
  );
}

export interface FeedOptions {
  /** Distinct frames (before duplication). */
  unique: number;
  /** Share of frames that are copies: 0.5 = every frame twice. */
  duplicateShare?: number;
  seed?: number;
  /** Stories in flight at once: how interleaved the calls are. */
  concurrency?: number;
  /**
   * realistic: the supervisor's customer-wide mix above. ringing-me: the worst case for a notifier —
   * every distinct frame a new call leg ringing this agent from a new caller (a supervisor's queue at
   * peak), so every one is a call offer to remember, match and decide.
   */
  mix?: 'realistic' | 'ringing-me';
}

/** One ringing leg for this agent, from a caller never seen before. */
function* ringingMe(w: FeedWorld, rand: () => number): Story {
  const r = new AgentRing({ customerId: w.customerId, agentId: w.agentId, caller: { type: 'tel', target: phone(rand) }, legTo: w.agentAddresses.slice(0, 1) });
  const ringing = r.start().at(-1);
  if (ringing !== undefined) yield ringing;
}

/** Frames in send order; the last one is a unique sentinel (an SMS) whose id ends the measurement. */
export function realisticFeed(w: FeedWorld, o: FeedOptions): { frames: FeedFrame[]; sentinelId: string } {
  const rand = seeded(o.seed ?? 7);
  const story = o.mix === 'ringing-me' ? (): Story => ringingMe(w, rand) : (): Story => nextStory(w, rand);
  const dupShare = o.duplicateShare ?? 0.5;
  const live: Story[] = [];
  for (let i = 0; i < (o.concurrency ?? 64); i++) live.push(story());
  const out: FeedFrame[] = [];
  const pending: { due: number; frame: FeedFrame }[] = [];
  const flushDue = (): void => {
    for (let i = 0; i < pending.length;) {
      const p = pending[i];
      if (p !== undefined && p.due <= out.length) {
        out.push(p.frame);
        pending.splice(i, 1);
      } else {
        i++;
      }
    }
  };
  let made = 0;
  while (made < o.unique - 1) {
    const slot = Math.floor(rand() * live.length);
    let current = live[slot];
    if (current === undefined) break;
    let step = current.next();
    while (step.done === true) {
      current = story();
      live[slot] = current;
      step = current.next();
    }
    const frame: FeedFrame = { ...step.value, text: JSON.stringify(step.value.data) };
    made++;
    flushDue();
    out.push(frame);
    // A copy of a share p of all frames means p/(1-p) copies per distinct frame.
    if (rand() < dupShare / (1 - dupShare)) pending.push({ due: out.length + Math.floor(rand() * 8), frame });
  }
  for (const p of pending) out.push(p.frame);
  const sentinelId = newUuid();
  const sentinel = makeSms({ id: sentinelId, customer_id: w.customerId, text: 'end of feed' });
  out.push({ eventType: 'message_created', data: sentinel, text: JSON.stringify(sentinel) });
  return { frames: out, sentinelId };
}
