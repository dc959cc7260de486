import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { makeTranscribe, makeTranscript } from '../../emulator/fixtures.js';
import { resolveApiUrl } from '../../main/core/api/api-url.js';
import { parseCredential } from '../../main/core/api/credentials.js';
import { RestClient } from '../../main/core/api/rest-client.js';
import { TranscriptPoller, type PolledSegments } from '../../main/core/transcripts/transcript-poller.js';
import { TranscriptFollower, type TranscriptHeard } from '../../main/core/transcripts/transcript-follower.js';
import { decodeAgentToken } from '../../main/core/account/identity.js';
import { PERMISSION, memoryLogger, seedAccount, startEmulator, type Account } from '../support/harness.js';

/**
 * The agent token's transcript poll against the emulator, quickened: it reads only while a call
 * is followed, pages newest first down to what it has, and never runs for good — not after a
 * hangup whose last reads keep failing, not after a refused sign-in.
 */
let emu: VoipbinEmulator;
let acct: Account;
let poller: TranscriptPoller | undefined;
beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu);
});
afterEach(async () => {
  poller?.dispose();
  await emu.stop();
});

function start(found: PolledSegments[], jwt = acct.jwt): TranscriptPoller {
  const rest = new RestClient({ endpoints: resolveApiUrl(emu.url), credential: parseCredential(jwt, 'token') });
  poller = new TranscriptPoller({ rest, logger: memoryLogger().logger, pollMs: 30, found: (p) => found.push(p) });
  return poller;
}

const reads = (): number => emu.requests.filter((r) => r.path === '/v1.0/service_agents/transcribes').length;
const until = async (what: string, pred: () => boolean): Promise<void> => {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > 5_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('transcript poll (agent tokens)', () => {
  it('reads more than a page of segments once each, then only what is new', async () => {
    const call = 'c0ffee00-0000-4000-8000-0000000000aa';
    const t = makeTranscribe({ customer_id: acct.customerId, reference_id: call });
    emu.publish('transcribe_created', t);
    for (let i = 0; i < 230; i++) {
      emu.publish('transcript_created', makeTranscript({ customer_id: acct.customerId, transcribe_id: t.id, message: `s${i}` }));
    }
    const found: PolledSegments[] = [];
    start(found).follow(call, []);
    await until('all of them', () => found.flatMap((f) => f.segments).length === 230);
    // Oldest first, as said.
    expect(found.flatMap((f) => f.segments).map((s) => s.text)).toEqual(Array.from({ length: 230 }, (_, i) => `s${i}`));
    emu.publish('transcript_created', makeTranscript({ customer_id: acct.customerId, transcribe_id: t.id, message: 'new' }));
    await until('the new one', () => found.flatMap((f) => f.segments).length === 231);
    expect(found.at(-1)).toMatchObject({ callId: call, transcribeId: t.id, segments: [expect.objectContaining({ text: 'new' })] });
  });

  it('a page that fails halfway loses nothing: what the failed read listed is read again, each segment once', async () => {
    const call = 'c0ffee00-0000-4000-8000-0000000000ad';
    const t = makeTranscribe({ customer_id: acct.customerId, reference_id: call });
    emu.publish('transcribe_created', t);
    for (let i = 0; i < 230; i++) {
      emu.publish('transcript_created', makeTranscript({ customer_id: acct.customerId, transcribe_id: t.id, message: `s${i}` }));
    }
    // The first read's second page fails (after its first page of 100 was listed).
    emu.afterRest('GET', '/v1.0/service_agents/transcripts', (n) => {
      if (n === 1) emu.failNextRest('/v1.0/service_agents/transcripts', 1, 500);
    });
    const found: PolledSegments[] = [];
    start(found).follow(call, []);
    await until('all of them', () => found.flatMap((f) => f.segments).length >= 230);
    await new Promise((r) => setTimeout(r, 100));
    expect(found.flatMap((f) => f.segments).map((s) => s.text)).toEqual(Array.from({ length: 230 }, (_, i) => `s${i}`));
  });

  it('a call followed again with more references reads those too', async () => {
    const leg = 'c0ffee00-0000-4000-8000-0000000000ae';
    const customerCall = 'c0ffee00-0000-4000-8000-0000000000af';
    const t = makeTranscribe({ customer_id: acct.customerId, reference_id: customerCall });
    emu.publish('transcribe_created', t);
    emu.publish('transcript_created', makeTranscript({ customer_id: acct.customerId, transcribe_id: t.id, message: 'on the customer call' }));
    const found: PolledSegments[] = [];
    const p = start(found);
    p.follow(leg, []);
    await until('a read', () => reads() >= 1);
    expect(found).toEqual([]);
    // Its frame named the customer's call only later.
    p.follow(leg, [customerCall]);
    await until('the customer call read', () => found.length === 1);
    expect(found[0]).toMatchObject({ callId: customerCall, segments: [expect.objectContaining({ text: 'on the customer call' })] });
  });

  it('after hangup, reads that keep failing are given up after three tries', async () => {
    const p = start([]);
    p.follow('c0ffee00-0000-4000-8000-0000000000ab', []);
    await until('a read', () => reads() >= 1);
    emu.failNextRest('/v1.0/service_agents/transcribes', 1_000, 500);
    p.ended('c0ffee00-0000-4000-8000-0000000000ab');
    await until('no call followed', () => p.following === 0);
    const after = reads();
    await new Promise((r) => setTimeout(r, 300));
    expect(reads()).toBe(after);
  });

  it('a refused sign-in (401) stops every poll at once', async () => {
    const refused = start([], emu.issueJwt(acct.agentId, { expire: new Date(Date.now() - 1000) }));
    refused.follow('c0ffee00-0000-4000-8000-0000000000ac', []);
    await until('stopped', () => refused.following === 0);
  });

  it('an account blocked mid-call (403 ACCOUNT_FROZEN) stops every poll too: retrying cannot cure it', async () => {
    const p = start([]);
    p.follow('c0ffee00-0000-4000-8000-0000000000b1', []);
    await until('a read', () => reads() >= 1);
    expect(p.following).toBe(1);
    emu.setCustomerStatus(acct.customerId, 'frozen');
    await until('stopped', () => p.following === 0);
    const after = reads();
    await new Promise((r) => setTimeout(r, 300));
    expect(reads()).toBe(after);
  });
});

describe('transcript follower', () => {
  it('tells nothing after dispose(), not even a segment whose lookup was under way', async () => {
    const admin = seedAccount(emu, PERMISSION.CustomerAdmin);
    const call = 'c0ffee00-0000-4000-8000-0000000000b0';
    const t = makeTranscribe({ customer_id: admin.customerId, reference_id: call });
    emu.addTranscribe(t);
    emu.delayRest('/v1.0/transcribes/', 300);
    const rest = new RestClient({ endpoints: resolveApiUrl(emu.url), credential: parseCredential(admin.jwt, 'token') });
    const make = (): { f: TranscriptFollower; heard: TranscriptHeard[] } => {
      const f = new TranscriptFollower({ rest, identity: decodeAgentToken(admin.jwt), logger: memoryLogger().logger });
      const heard: TranscriptHeard[] = [];
      f.on('transcript', (h) => heard.push(h));
      return { f, heard };
    };
    const segment = makeTranscript({ customer_id: admin.customerId, transcribe_id: t.id, message: 'said late' });
    const frame = {
      kind: 'transcript',
      id: segment.id,
      status: undefined,
      updatedAt: undefined,
      eventType: 'transcript_created',
      data: segment,
      source: 'stream',
      receivedAt: Date.now(),
    } as const;
    const kept = make();
    const disposed = make();
    kept.f.handle(frame);
    disposed.f.handle(frame);
    disposed.f.dispose();
    await until('the kept one told', () => kept.heard.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(kept.heard[0]).toMatchObject({ callId: call, segment: { text: 'said late' } });
    expect(disposed.heard).toEqual([]);
    kept.f.dispose();
  });
});
