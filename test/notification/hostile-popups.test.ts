import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { makeSms } from '../../emulator/fixtures.js';
import { AgentRing, publishAll } from '../../emulator/scenarios.js';
import { PERMISSION, seedAccount, startEmulator, type Account } from '../support/harness.js';
import { CliProcess, type JsonLine } from '../support/cli-process.js';
import { DesktopSession, missingDesktopTools } from '../support/desktop-session.js';
import { serverRendersMarkup } from '../../main/core/notify/freedesktop-notifications.js';

/**
 * Anyone can text the account's number or choose the name their call shows. Here such text
 * goes the whole way — emulator → the real command → D-Bus → dunst — and must stay text: never an
 * option of the notification tool, never markup, never a reason to lose the ringing call's pop-up.
 */
const missing = missingDesktopTools();
if (missing.length > 0 && process.env.CI === 'true') {
  throw new Error(`the notification suite needs ${missing.join(', ')} (installed by .ci/run)`);
}

let emu: VoipbinEmulator;
let acct: Account;
let desktop: DesktopSession | undefined;
const procs: CliProcess[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  // A manager hears the customer's SMS, which is where strangers write.
  acct = seedAccount(emu, PERMISSION.CustomerAgent | PERMISSION.CustomerManager);
});
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  desktop?.stop();
  desktop = undefined;
  await emu.stop();
});

async function notifier(markup: 'full' | 'no' = 'full'): Promise<{ p: CliProcess; d: DesktopSession }> {
  const d = await DesktopSession.start({ markup });
  desktop = d;
  const p = new CliProcess(['run', '--json', '--notify', 'native', '--api-url', emu.url], { ...d.env, VOIPBIN_TOKEN: acct.jwt });
  procs.push(p);
  await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
  return { p, d };
}

function text(body: string, name?: string): void {
  emu.publish(
    'message_created',
    makeSms({
      customer_id: acct.customerId,
      source: { type: 'tel', target: '+15550142', ...(name !== undefined ? { name } : {}) },
      text: body,
    }),
  );
}

const ringing = (caller: { type: string; target: string; target_name?: string }): AgentRing =>
  new AgentRing({ customerId: acct.customerId, agentId: acct.agentId, caller, legTo: [{ type: 'extension', target: '2001' }] });

const notificationLines = (p: CliProcess): JsonLine[] => p.lines().filter((l) => l.type === 'notification');

describe.runIf(missing.length === 0)('hostile text in pop-ups, on a real desktop', () => {
  it('an SMS that reads like notify-send options is shown as its text and cannot replace the ringing call', async () => {
    const { p, d } = await notifier();
    publishAll(emu, ringing({ type: 'tel', target: '+15550100', target_name: 'Jane Cooper' }).start());
    const call = await d.waitForNotify((c) => c.summary === 'Incoming call from Jane Cooper' && c.id !== undefined);
    // Three: more than three texts in two seconds would be summed up by the storm guard.
    for (const attack of [`--replace-id=${call.id}`, '--help', '--icon=/etc/passwd']) text(attack);
    await p.until('three messages', (ls) => ls.filter((l) => l.type === 'notification' && l.kind === 'inbound_message').length === 3);
    await d.waitForNotify((c) => c.body === '--icon=/etc/passwd');
    const sms = d.notifyCalls().filter((c) => c.summary.startsWith('SMS from'));
    expect(sms.map((c) => [c.body, c.replacesId])).toEqual([
      [`--replace-id=${call.id}`, 0],
      ['--help', 0],
      ['--icon=/etc/passwd', 0],
    ]);
    expect(sms.every((c) => c.appIcon === call.appIcon)).toBe(true);
    expect(notificationLines(p).every((l) => l.shown === true)).toBe(true);
    // The call's pop-up is still there, beside the three texts.
    await d.waitForDisplayed(4);
    expect(d.closeCalls()).toEqual([]);
  });

  it('markup in a caller name or a text shows literally: no bold, no link', async () => {
    const { p, d } = await notifier('full');
    text('Tom & Jerry: <b>URGENT</b> <a href="https://evil.example/pay">pay here</a>', 'Tom & Jerry <i>Bank</i>');
    await p.until('the message', (ls) => ls.some((l) => l.type === 'notification'));
    const sms = await d.waitForNotify((c) => c.summary.startsWith('SMS from'));
    // The summary is plain text by the spec; the body is markup to dunst, so it travels escaped.
    expect(sms.summary).toBe('SMS from Tom & Jerry <i>Bank</i> to +15551230000');
    expect(sms.body).toBe('Tom &amp; Jerry: &lt;b&gt;URGENT&lt;/b&gt; &lt;a href="https://evil.example/pay"&gt;pay here&lt;/a&gt;');
    // The line carries the text itself: escaping is the sink's business, for its daemon.
    expect(notificationLines(p)[0]?.body).toBe('Tom & Jerry: <b>URGENT</b> <a href="https://evil.example/pay">pay here</a>');
    await d.waitForDisplayed(1);
    if (process.env.SCREENSHOTS !== undefined) {
      mkdirSync(process.env.SCREENSHOTS, { recursive: true });
      await new Promise((r) => setTimeout(r, 300));
      d.screenshot(join(process.env.SCREENSHOTS, 'hostile-markup-dunst.png'), '480x200+780+0');
    }
  });

  it('a daemon that renders no markup gets the text as it is (escaping there would show "&amp;")', async () => {
    const { p, d } = await notifier('no');
    text('Tom & Jerry: <b>URGENT</b>');
    await p.until('the message', (ls) => ls.some((l) => l.type === 'notification'));
    expect((await d.waitForNotify((c) => c.summary.startsWith('SMS from'))).body).toBe('Tom & Jerry: <b>URGENT</b>');
  });

  it('a 200 KB caller name and a NUL still ring as a bounded pop-up, and the line says it was shown', async () => {
    const { p, d } = await notifier();
    publishAll(emu, ringing({ type: 'tel', target: '+15550100', target_name: 'M'.repeat(200_000) }).start());
    publishAll(emu, ringing({ type: 'tel', target: '+15550111', target_name: 'Null\u0000Byte\u202eevil' }).start());
    await p.until('two calls', (ls) => ls.filter((l) => l.type === 'notification').length === 2);
    const calls = d.notifyCalls();
    expect(calls.map((c) => c.summary)).toEqual([expect.stringMatching(/^Incoming call from M{50,}…$/), 'Incoming call from Null Byteevil']);
    expect(Array.from(calls[0]!.summary).length).toBeLessThanOrEqual(120);
    expect(notificationLines(p).map((l) => l.shown)).toEqual([true, true]);
    await d.waitForDisplayed(2);
    expect(p.lines().filter((l) => l.type === 'error')).toEqual([]);
  });

  it('an SMS whose sender name is a number or an object still pops up, under the number', async () => {
    const { p, d } = await notifier();
    emu.publish('message_created', { ...makeSms({ customer_id: acct.customerId, text: 'one' }), source: { type: 'tel', target: '+15550142', name: 42 } });
    emu.publish('message_created', {
      ...makeSms({ customer_id: acct.customerId, text: 'two' }),
      source: { type: 'tel', target: '+15550143', name: { first: 'x' } },
    });
    await p.until('two messages', (ls) => ls.filter((l) => l.type === 'notification').length === 2);
    expect(d.notifyCalls().map((c) => [c.summary, c.body])).toEqual([
      ['SMS from +15550142 to +15551230000', 'one'],
      ['SMS from +15550143 to +15551230000', 'two'],
    ]);
  });

  it('the desktop app asks the server whether it renders markup (its libnotify does not escape): yes, no, or unknown without a daemon', async () => {
    for (const [markup, expected] of [
      ['full', true],
      ['no', false],
    ] as const) {
      const d = await DesktopSession.start({ markup });
      try {
        expect(await serverRendersMarkup({ ...process.env, ...d.env })).toBe(expected);
      } finally {
        d.stop();
      }
    }
    const none = await DesktopSession.start({ daemon: false });
    try {
      expect(await serverRendersMarkup({ ...process.env, ...none.env })).toBeUndefined();
    } finally {
      none.stop();
    }
  });
});
