import { describe, expect, it } from 'vitest';
import { decodeAgentToken } from '../../main/core/account/identity.js';
import { BODY_MAX, TITLE_MAX } from '../../main/core/notify/content.js';
import { displayText, escapeMarkup, jsonTerminalSafe, menuLabel, terminalSafe, truncate } from '../../main/core/platform/untrusted-text.js';
import { NodeNotifierSink } from '../../main/cli/sinks/node-notifier-sink.js';
import { AgentRing, type Frame } from '../../emulator/scenarios.js';
import { makeChatMessage, makeSms } from '../../emulator/fixtures.js';
import { PipelineDesk as Desk } from '../support/pipeline-desk.js';
import { fakeAgentJwt, agentPayload, AGENT_ID, CUSTOMER_ID, OTHER_ID } from '../support/jwt.js';

/**
 * Text written by callers and customers (names, numbers, message texts) reaches the agent as
 * plain, bounded text — whatever its type, length or hidden characters — and never costs the
 * notification.
 */
const admin = decodeAgentToken(fakeAgentJwt(agentPayload({ permission: 0x30 })));
const sms = (o: Record<string, unknown>): Frame => ({ eventType: 'message_created', data: { ...makeSms({ customer_id: CUSTOMER_ID }), ...o } });
const ringFrom = (caller: Record<string, unknown>): Frame[] =>
  new AgentRing({ customerId: CUSTOMER_ID, agentId: AGENT_ID, caller, legTo: [{ type: 'extension', target: '2001' }] }).start();
const codePoints = (s: string): number => Array.from(s).length;

describe('odd field types never cost a notification', () => {
  it.each([
    ['a number', 42],
    ['an object', { first: 'Mallory' }],
    ['an array', ['Mallory']],
    ['null', null],
  ])("an SMS whose sender name is %s reads as the sender's number", (_what, name) => {
    const desk = new Desk(admin).feed([sms({ source: { type: 'tel', target: '+15550142', name } })]);
    expect(desk.notes).toHaveLength(1);
    expect(desk.notes[0]).toMatchObject({ kind: 'inbound_message', title: 'SMS from +15550142 to +15551230000' });
  });

  it('an SMS with no usable source, targets or text still pops up, as unknown', () => {
    const desk = new Desk(admin).feed([
      sms({ source: 'Mallory', targets: [null, 7], text: { evil: true } }),
      sms({ source: { target: 99, name: { x: 1 } }, targets: [{ destination: 'x' }], text: 12 }),
    ]);
    expect(desk.notes.map((n) => [n.title, n.body])).toEqual([
      ['SMS from Unknown caller', '(no text)'],
      ['SMS from Unknown caller', '(no text)'],
    ]);
  });

  it('a call whose caller is not an address, or whose name is not a string, rings as its number or "Unknown caller"', () => {
    const desk = new Desk(admin).feed(ringFrom({ type: 'tel', target: '+15550100', name: 7, target_name: { a: 1 } }));
    expect(desk.notes[0]!.title).toBe('Incoming call from +15550100');
  });

  it('team chat from a sender whose id is not a string is from "a teammate"', () => {
    const desk = new Desk(admin).feed([
      { eventType: 'chatmessage_created', data: { ...makeChatMessage({ customer_id: CUSTOMER_ID, owner_id: OTHER_ID }), owner_id: 5, text: ['hi'] } },
    ]);
    expect(desk.notes[0]).toMatchObject({ kind: 'chat_message', title: 'Team chat from a teammate', body: '(attachment)' });
  });
});

describe('hidden and oversized text', () => {
  it('a 200 KB caller name is cut to a bounded title with an ellipsis', () => {
    const desk = new Desk(admin).feed(ringFrom({ type: 'tel', target: '+15550100', target_name: 'A'.repeat(200_000) }));
    const title = desk.notes[0]!.title;
    expect(codePoints(title)).toBeLessThanOrEqual(TITLE_MAX);
    expect(title).toMatch(/^Incoming call from A+…$/);
  });

  it('NUL, escape sequences, line breaks and bidirectional overrides are gone from titles and bodies', () => {
    const desk = new Desk(admin).feed([
      sms({
        source: { type: 'tel', target: '+15550142', name: 'Bank\u0000\u001b]52;c;ZXZpbA==\u0007 \u202eknab\u202c\nsupport' },
        text: 'Line one\r\nLine two\u001b[2J\u2066 done\u0085',
      }),
    ]);
    const n = desk.notes[0]!;
    expect(n.title).toBe('SMS from Bank ]52;c;ZXZpbA== knab support to +15551230000');
    expect(n.body).toBe('Line one Line two [2J done');
    // eslint-disable-next-line no-control-regex -- asserting the absence of control characters
    expect(JSON.stringify(n)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\\u00[01]/);
  });

  it('an emoji at the cut is kept whole', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab😀…');
    expect(truncate('😀'.repeat(500), BODY_MAX)).toBe('😀'.repeat(BODY_MAX - 1) + '…');
    expect(displayText('  plain  text ', 50)).toBe('plain text');
  });
});

describe('escapes for each place text is shown', () => {
  it('terminal: ESC, C0 and C1 controls go, tabs and line breaks stay', () => {
    expect(terminalSafe('a\u001b[2Jb\u001b]52;c;eA==\u0007c\u009b31md\re\tf\ng')).toBe('a[2Jb]52;c;eA==c31mde\tf\ng');
    expect(terminalSafe('Jane Cooper — 😀')).toBe('Jane Cooper — 😀');
  });

  it('JSON lines: C1 characters, which JSON leaves raw, become escapes that parse to the same text', () => {
    const line = JSON.stringify({ t: 'x\u009b2Jy\u001b' });
    const safe = jsonTerminalSafe(line);
    expect(safe).toBe('{"t":"x\\u009b2Jy\\u001b"}');
    expect(JSON.parse(safe)).toEqual({ t: 'x\u009b2Jy\u001b' });
  });

  it('markup: & < > are entities, so nothing can be bold or a link', () => {
    expect(escapeMarkup('Tom & Jerry: <b>URGENT</b> <a href="https://evil.example">pay</a>')).toBe(
      'Tom &amp; Jerry: &lt;b&gt;URGENT&lt;/b&gt; &lt;a href="https://evil.example"&gt;pay&lt;/a&gt;',
    );
  });

  it('menus: & is shown, not taken as a mnemonic', () => {
    expect(menuLabel('Tom & Jerry && co')).toBe('Tom && Jerry &&&& co');
  });

  it('macOS and Windows helpers: a text starting with "-" cannot be read as one of their options', () => {
    const p = { kind: 'inbound_message' as const, resourceId: 'm1', title: '-remove ALL', body: '--help', sound: true, urgent: false, at: 0 };
    for (const platform of ['darwin', 'win32'] as const) {
      const o = new NodeNotifierSink({ platform }).options(p);
      expect([o.title, o.message], platform).toEqual(['\u2060-remove ALL', '\u2060--help']);
    }
  });
});
