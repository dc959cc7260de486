import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PERMISSION } from '../../emulator/index.js';
import { AgentRing, publishAll } from '../../emulator/scenarios.js';
import { makeChatMessage, makeConversationMessage, makeSms, makeTranscribe, makeTranscript, transcriptOffset } from '../../emulator/fixtures.js';
import { browserAvailable, launchChromium, pageErrors, startDesktop, type DesktopHarness } from './desktop-harness.js';
import { trayModel, type TrayMenuItem } from '../../main/desktop/shell/tray-model.js';

/**
 * The settings window as an agent sees it, every tab in light and dark at 480 px, on a realistic
 * day (calls, a missed one, an SMS, team chat), and the call window while a call rings. `npm run screenshots` writes them to
 * docs/screenshots for the README; a plain test run writes them to test-results/ so the
 * committed pictures only change on purpose.
 */
const RUN = browserAvailable();
const root = join(import.meta.dirname, '..', '..');
const outDir = process.env.SCREENSHOTS === 'docs' ? join(root, 'docs', 'screenshots') : join(root, 'test-results', 'screenshots');

let browser: Browser;
let d: DesktopHarness;

beforeAll(async () => {
  if (!RUN) return;
  browser = await launchChromium();
  d = await startDesktop(browser);
  await mkdir(outDir, { recursive: true });
}, 60_000);
afterAll(async () => {
  if (!RUN) return;
  await d.stop();
  await browser.close();
});

/** The tray menu model drawn as a native menu would draw it: a check mark on the current choice, submenus opened. */
function trayMenuHtml(items: readonly TrayMenuItem[], scheme: 'light' | 'dark'): string {
  const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const list = (xs: readonly TrayMenuItem[]): string =>
    `<ul>${xs
      .map(
        (i) =>
          `${i.separatorBefore === true ? '<li class="sep"></li>' : ''}<li class="${i.enabled ? '' : 'off'}">${i.checked === true ? '✓ ' : i.checked === false ? '&nbsp;&nbsp;&nbsp;' : ''}${esc(i.label)}${i.submenu !== undefined ? ` ▸${list(i.submenu)}` : ''}</li>`,
      )
      .join('')}</ul>`;
  const [bg, fg, dim] = scheme === 'dark' ? ['#2b2b2b', '#eee', '#999'] : ['#fafafa', '#222', '#888'];
  return `<!doctype html><html><body style="margin:0;background:${bg};color:${fg};font:14px 'DejaVu Sans',sans-serif">
<style>ul{list-style:none;margin:0;padding:4px 0 4px 12px}li{padding:3px 8px}li.off{color:${dim}}li.sep{border-top:1px solid ${dim};padding:0;margin:4px 0}</style>
${list(items)}</body></html>`;
}

async function shoot(page: Page, name: string): Promise<void> {
  // Let transitions and relative times settle; the caret would blink into the picture.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(200);
  const path = join(outDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  expect((await stat(path)).size).toBeGreaterThan(10_000);
}

describe.skipIf(!RUN)('screenshots', () => {
  it('every tab, light and dark, 480 px wide', async () => {
    const customer = d.emu.addCustomer({
      name: 'Acme Support',
      email: 'ops@acme.example',
      webhook_method: 'POST',
      webhook_uri: 'https://hooks.acme.example/voipbin',
    });
    const teammate = d.emu.addAgent({
      customerId: customer.id,
      username: 'sam',
      password: 'pw-pw-pw-pw',
      name: 'Sam Lee',
      permission: PERMISSION.CustomerAgent,
    });
    const me = d.emu.addAgent({
      customerId: customer.id,
      username: 'alex.morgan',
      password: 'correct horse battery',
      name: 'Alex Morgan',
      permission: PERMISSION.CustomerAgent | PERMISSION.CustomerAdmin,
      addresses: [{ type: 'extension', target: '2001', name: 'desk phone' }],
    });

    // Signed out, with the error a mistyped password gives.
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await d.open({ colorScheme });
      await page.getByText('Self-hosted VoIPBIN').click();
      await page.getByLabel('API address').fill(d.emu.url);
      await page.getByLabel('Username', { exact: true }).fill('alex.morgan');
      await page.getByLabel('Password', { exact: true }).fill('wrong');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect
        .poll(() => page.getByTestId('sign-in-error').textContent())
        .toBe('Wrong username or password, or VoIPBIN could not check them just now (if you are sure of them, try again in a minute).');
      await shoot(page, `sign-in-${colorScheme}`);
      await page.close();
    }

    await d.app.signIn({ method: 'password', apiUrl: d.emu.url, username: 'alex.morgan', password: 'correct horse battery' });
    await d.until('subscribed', () => d.app.state.connection.state === 'subscribed');
    const desk = [{ type: 'extension', target: '2001', name: 'desk phone' }];
    const jane = new AgentRing({
      customerId: customer.id,
      agentId: me.id,
      caller: { type: 'tel', target: '+15550100', target_name: 'Jane Cooper' },
      legTo: desk,
    });
    publishAll(d.emu, jane.start());
    publishAll(d.emu, jane.answer(0));
    const carlos = new AgentRing({
      customerId: customer.id,
      agentId: me.id,
      caller: { type: 'tel', target: '+15550111', target_name: 'Carlos Diaz' },
      legTo: desk,
    });
    publishAll(d.emu, carlos.start());
    publishAll(d.emu, carlos.giveUp('noanswer'));
    d.emu.publish(
      'message_created',
      makeSms({
        customer_id: customer.id,
        source: { type: 'tel', target: '+15550142' },
        targets: [{ destination: { type: 'tel', target: '+15550199' }, status: 'received', parts: 1 }],
        text: "Hi! My order #4411 hasn't arrived yet. Could someone call me back?",
      }),
    );
    d.emu.publish(
      'chatmessage_created',
      makeChatMessage({ customer_id: customer.id, owner_id: teammate.id, text: 'Can you cover the VIP queue after lunch?' }),
      { participants: [me.id] },
    );
    await d.until('history', () => d.app.notifications.history(20).length >= 4);

    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await d.open({ colorScheme });
      await expect.poll(() => page.locator('#status-headline').textContent()).toBe('Receiving calls');
      await shoot(page, `status-${colorScheme}`);
      await page.getByRole('tab', { name: 'Account' }).click();
      await shoot(page, `account-${colorScheme}`);
      await page.getByRole('tab', { name: 'Topics' }).click();
      await page.getByText('My own list').click();
      await page.getByTestId('topic-input').fill(`customer_id:${customer.id}:queue`);
      await expect.poll(() => page.getByTestId('topic-verdict').textContent()).toMatch(/^OK/);
      await shoot(page, `topics-${colorScheme}`);
      await page.getByRole('tab', { name: 'Notifications' }).click();
      await page.getByTestId('pause-state').waitFor();
      await shoot(page, `notifications-${colorScheme}`);
      await page.getByRole('tab', { name: 'Webhook' }).click();
      await page.getByTestId('webhook-state').waitFor();
      await page.getByTestId('webhook-test-uri').fill('https://hooks.acme.example/voipbin');
      await shoot(page, `webhook-${colorScheme}`);
      expect(pageErrors(page)).toEqual([]);
      await page.close();
    }

    // The tray menu as its model says it (main/desktop/shell/tray-model.ts): busy after Jane's call.
    await d.until('busy', () => d.app.state.presence?.status === 'busy');
    for (const colorScheme of ['light', 'dark'] as const) {
      // A page of its own: the app's pages forbid inline styles (their CSP), rightly.
      const page = await browser.newPage({ colorScheme, viewport: { width: 420, height: 300 } });
      await page.setContent(trayMenuHtml(trayModel(d.app.state, Date.now()).menu, colorScheme));
      await shoot(page, `tray-menu-${colorScheme}`);
      await page.close();
    }

    // The call window while a call rings for the agent, who is in the customer's contacts.
    d.emu.addContact({ customerId: customer.id, displayName: 'Priya Natarajan', company: 'Northwind Traders', jobTitle: 'Purchasing', phones: ['+15550177'] });
    const priya = new AgentRing({
      customerId: customer.id,
      agentId: me.id,
      caller: { type: 'tel', target: '+15550177', target_name: 'Priya Natarajan' },
      legTo: desk,
    });
    publishAll(d.emu, priya.start());
    await d.until(
      'ringing, named from contacts',
      () => d.app.state.ringing.length === 1 && (d.app.state.ringing[0]?.body.startsWith('Northwind Traders') ?? false),
    );
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await d.open({ colorScheme, page: 'call.html', width: 400, height: 162 });
      await page.locator('.call').waitFor();
      await shoot(page, `call-window-${colorScheme}`);
      expect(pageErrors(page)).toEqual([]);
      await page.close();
    }
    publishAll(d.emu, priya.giveUp('noanswer'));

    // The reply window, answering a customer's WhatsApp-style conversation message.
    const conv = d.emu.addConversation({ customerId: customer.id, ownerId: me.id });
    d.emu.publish(
      'conversation_message_created',
      makeConversationMessage({
        customer_id: customer.id,
        conversation_id: conv,
        direction: 'incoming',
        text: 'Hi, is my replacement router on its way? The tracking link says nothing since Monday.',
        source: { type: 'tel', target: '+15550188', target_name: 'Maria Lopez' },
      }),
    );
    const fromMaria = (): (typeof d.sink.shown)[number] | undefined => d.sink.shown.find((p) => p.replyTo?.kind === 'conversation');
    await d.until('the message', () => fromMaria() !== undefined);
    d.app.replies.start(fromMaria()!.resourceId);
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await d.open({ colorScheme, page: 'reply.html', width: 440, height: 300 });
      const box = page.locator('.reply textarea');
      await box.waitFor();
      await box.fill('Hi Maria, it left our warehouse this morning: you will have it tomorrow.');
      await shoot(page, `reply-window-${colorScheme}`);
      expect(pageErrors(page)).toEqual([]);
      await page.close();
    }

    // The call window on a call, with its live transcript (opt-in).
    await d.app.notifications.update({ liveTranscripts: true });
    await d.until('transcript topics', () => (d.app.sessions.current?.session.listener?.topics ?? []).some((t) => t.includes(':transcript:')));
    await d.until('subscribed again', () => d.app.state.connection.state === 'subscribed');
    const onCall = new AgentRing({
      customerId: customer.id,
      agentId: me.id,
      caller: { type: 'tel', target: '+15550177', target_name: 'Priya Natarajan' },
      legTo: desk,
    });
    publishAll(d.emu, [...onCall.start(), ...onCall.answer(0)]);
    // The server has the transcript topics: the transcribe frame reaches the app.
    await d.emu.waitFor(() => d.emu.connections().some((x) => !x.closed && x.topics.some((t) => t.includes(':transcript:'))));
    const transcribe = makeTranscribe({ customer_id: customer.id, reference_id: onCall.legs[0]!.master_call_id });
    d.emu.publish('transcribe_created', transcribe);
    await d.until('on the call', () => d.app.state.liveCall !== null);
    const lines: ['in' | 'out', string][] = [
      ['out', 'Thanks for calling Northwind support, this is Alex.'],
      ['in', 'Hi Alex, my replacement router still has not arrived.'],
      ['out', 'Sorry about that. Can you give me the order number?'],
      ['in', 'Sure, it is 4411.'],
      ['out', 'Thanks — I can see it left our warehouse this morning.'],
    ];
    lines.forEach(([direction, message], i) =>
      d.emu.publish(
        'transcript_created',
        makeTranscript({
          customer_id: customer.id,
          transcribe_id: transcribe.id,
          direction,
          message,
          tm_transcript: transcriptOffset(4_000 + i * 4_000),
        }),
      ),
    );
    await d.until('the transcript', () => d.app.state.liveCall?.count === lines.length);
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await d.open({ colorScheme, page: 'call.html', width: 400, height: 300 });
      await page
        .locator('#live-lines li')
        .nth(lines.length - 1)
        .waitFor();
      await shoot(page, `call-window-transcript-${colorScheme}`);
      expect(pageErrors(page)).toEqual([]);
      await page.close();
    }
    publishAll(d.emu, onCall.hangup());
    await d.app.notifications.update({ liveTranscripts: false });

    // Not receiving calls: the alert as the agent would see it.
    await d.emu.refuseConnections(true);
    await d.until('alert', () => d.app.state.alert !== null, 10_000);
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await d.open({ colorScheme });
      await page.locator('#alert').waitFor();
      await shoot(page, `alert-${colorScheme}`);
      await page.close();
    }
    await d.emu.refuseConnections(false);
  }, 90_000);
});
