import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeTextFrames, type VoipbinEmulator } from '../../emulator/index.js';
import { makeSms } from '../../emulator/fixtures.js';
import { seedAccount, startEmulator, type Account } from '../support/harness.js';
import { CliProcess } from '../support/cli-process.js';

let emu: VoipbinEmulator;
let acct: Account;
const procs: CliProcess[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu);
});
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  await emu.stop();
});

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('run --json under a slow stdout reader', () => {
  it('stops reading the socket while stdout is full, and prints every accepted frame once the reader catches up', async () => {
    const p = new CliProcess(['run', '--json', '--notify', 'none', '--api-url', emu.url, '--log-level', 'debug'], { VOIPBIN_TOKEN: acct.jwt });
    procs.push(p);
    await p.until('subscribed and caught up', (ls) => ls.some((l) => l.type === 'catchup'));
    const conn = emu.connections().find((c) => !c.closed);
    expect(conn).toBeDefined();

    // The reader stops reading. Far more frames than the pipe, both sockets' kernel buffers and a
    // client that kept reading into memory would need: ~40 MB of frames, ~10 MB of lines.
    p.child.stdout.pause();
    const sms = Array.from({ length: 40_000 }, (_, i) =>
      makeSms({ customer_id: acct.customerId, text: `message ${i} ${'x'.repeat(800)}`, source: { type: 'tel', target: '+15550100000' } }),
    );
    let written = false;
    const writing = emu.writeEncoded(encodeTextFrames(sms.map((m) => JSON.stringify(m))), { connId: conn?.id }).then(() => {
      written = true;
    });
    await settle(3_000);
    // The command held the socket instead of its memory: the emulator could not hand over the feed.
    expect(written).toBe(false);
    expect(p.stderr).toContain('stdout is full: reading from VoIPBIN paused');

    // The reader catches up: every frame arrives, each printed once, on the same connection.
    p.child.stdout.resume();
    await writing;
    await p.until('every message', (ls) => ls.filter((l) => l.type === 'event' && l.resource === 'sms').length >= sms.length, 60_000);
    expect(p.stderr).toContain('stdout drained: reading again');
    const ids = p
      .lines()
      .filter((l) => l.type === 'event' && l.resource === 'sms')
      .map((l) => l.id);
    expect(ids).toEqual(sms.map((m) => m.id));
    expect(p.lines().filter((l) => l.type === 'state' && l.state === 'reconnecting')).toEqual([]);
    p.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.lines().at(-1)).toMatchObject({ type: 'state', state: 'stopped' });
  }, 90_000);
});
