import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import type { AxeResults, RunOptions } from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { PERMISSION } from '../../emulator/index.js';
import { AgentRing, publishAll } from '../../emulator/scenarios.js';
import { makeConversationMessage, makeTranscribe, makeTranscript } from '../../emulator/fixtures.js';
import { browserAvailable, launchChromium, pageErrors, startDesktop, type DesktopHarness } from './desktop-harness.js';

/**
 * axe-core against the real windows, in every view and state an agent can meet, in both colour
 * schemes: a hidden panel is not audited, so each tab, error and alert is brought on screen first.
 * Every violation fails, whatever its impact: there are none today, and a new one is cheapest to
 * fix (or, if axe is wrong, to exempt with a reason) when it appears.
 */
const RUN = browserAvailable();

let browser: Browser;
let d: DesktopHarness;
let axeSource: string;

beforeAll(async () => {
  if (!RUN) return;
  browser = await launchChromium();
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
});
afterAll(async () => {
  if (RUN) await browser.close();
});
beforeEach(async () => {
  if (RUN) d = await startDesktop(browser);
});
afterEach(async () => {
  if (RUN) await d.stop();
});

interface Finding {
  where: string;
  id: string;
  impact: string;
  help: string;
  nodes: { target: string; summary: string }[];
}

const AXE_OPTIONS: RunOptions = {
  resultTypes: ['violations'],
  // Experimental, so off by default; a history row read aloud must start with what is printed on it.
  rules: { 'label-content-name-mismatch': { enabled: true } },
};

/** Every violation on the page as it is now, in light and then in dark. */
async function audit(page: Page, where: string): Promise<Finding[]> {
  // Evaluated over DevTools rather than as a <script>: the window's CSP allows no inline script.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(`${axeSource}\n;undefined`);
  const out: Finding[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const violations = await page.evaluate(async (options) => {
      const axe = (globalThis as unknown as { axe: { run(context: Document, o: RunOptions): Promise<AxeResults> } }).axe;
      const r = await axe.run(document, options);
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? 'unknown',
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), summary: n.failureSummary ?? '' })),
      }));
    }, AXE_OPTIONS);
    out.push(...violations.map((v) => ({ where: `${where} (${colorScheme})`, ...v })));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return out;
}

/** One entry per rule and element, with every view it was seen in: the list stays short enough to act on. */
function report(findings: readonly Finding[]): string {
  const grouped = new Map<string, { f: Finding; target: string; summary: string; where: string[] }>();
  for (const f of findings) {
    for (const n of f.nodes) {
      const key = `${f.id} ${n.target} ${n.summary}`;
      const g = grouped.get(key) ?? { f, target: n.target, summary: n.summary, where: [] };
      g.where.push(f.where);
      grouped.set(key, g);
    }
  }
  return [...grouped.values()]
    .map((g) => [`${g.f.id} [${g.f.impact}] ${g.f.help}`, `at ${g.target}`, g.summary.replace(/\n\s*/g, ' '), `in: ${g.where.join(', ')}`].join('\n  '))
    .join('\n');
}

function expectClean(findings: readonly Finding[]): void {
  expect(findings.length, `axe found:\n${report(findings)}`).toBe(0);
}

interface Agent {
  customerId: string;
  agentId: string;
}

function seed(): Agent {
  const customer = d.emu.addCustomer({ name: 'Acme Support', email: 'ops@acme.example', webhook_method: 'POST', webhook_uri: 'https://93.184.215.14/hook' });
  const agent = d.emu.addAgent({
    customerId: customer.id,
    username: 'alex',
    password: 'correct horse battery',
    name: 'Alex Morgan',
    permission: PERMISSION.CustomerAgent | PERMISSION.CustomerAdmin,
    addresses: [{ type: 'extension', target: '2001', name: 'desk phone' }],
  });
  return { customerId: customer.id, agentId: agent.id };
}

async function fillSignIn(page: Page, apiUrl: string, password: string): Promise<void> {
  await page.locator('form.sign-in details').evaluate((el) => {
    (el as HTMLDetailsElement).open = true;
  });
  await page.getByLabel('API address').fill(apiUrl);
  await page.getByLabel('Username', { exact: true }).fill('alex');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A loopback port nothing listens on: one just given up by a server. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function ring(a: Agent, name: string, number: string): AgentRing {
  return new AgentRing({
    customerId: a.customerId,
    agentId: a.agentId,
    caller: { type: 'tel', target: number, target_name: name },
    legTo: [{ type: 'extension', target: '2001', name: 'desk phone' }],
  });
}

describe.skipIf(!RUN)('accessibility (axe-core)', () => {
  it('signed out: the sign-in form, a wrong password, an unreachable server', async () => {
    seed();
    const page = await d.open();
    await expect.poll(() => page.locator('#status-headline').textContent()).toBe('Signed out');
    const findings = await audit(page, 'signed out');

    await fillSignIn(page, d.emu.url, 'not the password');
    await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toMatch(/^Wrong username or password/);
    findings.push(...(await audit(page, 'wrong password')));

    await fillSignIn(page, `http://127.0.0.1:${await closedPort()}`, 'correct horse battery');
    await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toMatch(/^Cannot reach VoIPBIN at .*refused/);
    findings.push(...(await audit(page, 'server unreachable')));

    for (const tab of ['Status', 'Topics', 'Notifications']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.locator(`#panel-${tab.toLowerCase()} .card`).first().waitFor();
      findings.push(...(await audit(page, `signed out, ${tab}`)));
    }

    // The banners above the tabs: a desktop without a tray.
    d.app.setTrayHost({ status: 'missing', why: 'no StatusNotifierWatcher on the session bus', advice: 'Install the AppIndicator extension.' });
    await page.locator('#tray-missing').waitFor();
    findings.push(...(await audit(page, 'no tray icon')));
    expectClean(findings);
    expect(pageErrors(page)).toEqual([]);
  });

  it('signed in: every tab, with history, topic verdicts, the call window (ringing, live transcript) and the reply window', async () => {
    const a = seed();
    await d.app.signIn({ method: 'password', apiUrl: d.emu.url, username: 'alex', password: 'correct horse battery' });
    await d.until('subscribed', () => d.app.state.connection.state === 'subscribed');
    // A missed and an answered call give the history both its openable rows and each chip colour.
    const carlos = ring(a, 'Carlos Diaz', '+15550111');
    publishAll(d.emu, carlos.start());
    publishAll(d.emu, carlos.giveUp('noanswer'));
    const jane = ring(a, 'Jane Cooper', '+15550100');
    publishAll(d.emu, jane.start());
    publishAll(d.emu, jane.answer(0));
    await d.until('history', () => d.app.notifications.history(20).length >= 3);

    const page = await d.open();
    await expect.poll(() => page.locator('#status-headline').textContent()).toBe('Receiving calls');
    await page.locator('#panel-status .history-item').first().waitFor();
    const findings = await audit(page, 'Status');
    await page.locator('#panel-status details.advanced').evaluate((el) => {
      (el as HTMLDetailsElement).open = true;
    });
    findings.push(...(await audit(page, 'Status, console link open')));

    await page.getByRole('tab', { name: 'Account' }).click();
    await page.getByTestId('signed-in-name').waitFor();
    findings.push(...(await audit(page, 'Account')));

    await page.getByRole('tab', { name: 'Topics' }).click();
    await page.getByText('My own list').waitFor();
    findings.push(...(await audit(page, 'Topics, defaults')));
    await page.getByText('My own list').click();
    const input = page.getByTestId('topic-input');
    await input.fill('queue:x');
    await expect.poll(() => page.getByTestId('topic-verdict').textContent()).toMatch(/^Not accepted/);
    findings.push(...(await audit(page, 'Topics, invalid topic')));
    await input.fill(`agent_id:${a.agentId}:queuecall:queuecall_`);
    await expect.poll(() => page.getByTestId('topic-verdict').textContent()).toMatch(/^OK/);
    findings.push(...(await audit(page, 'Topics, valid topic')));

    await page.getByRole('tab', { name: 'Notifications' }).click();
    await page.getByTestId('pause-state').waitFor();
    findings.push(...(await audit(page, 'Notifications')));

    await page.getByRole('tab', { name: 'Webhook' }).click();
    await expect.poll(() => page.getByTestId('webhook-state').textContent()).toMatch(/^Enabled/);
    findings.push(...(await audit(page, 'Webhook')));

    const priya = ring(a, 'Priya Natarajan', '+15550177');
    publishAll(d.emu, priya.start());
    await d.until('ringing', () => d.app.state.ringing.length === 1);
    const pop = await d.open({ page: 'call.html', width: 400, height: 200 });
    await pop.locator('.call').waitFor();
    findings.push(...(await audit(pop, 'call window, ringing')));
    publishAll(d.emu, priya.giveUp('noanswer'));
    await expect.poll(() => pop.locator('.call').count()).toBe(0);
    findings.push(...(await audit(pop, 'call window, empty')));

    // The reply window, writing and after a failed send.
    const conv = d.emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    d.emu.publish(
      'conversation_message_created',
      makeConversationMessage({ customer_id: a.customerId, conversation_id: conv, direction: 'incoming', text: 'Is my order on its way?' }),
    );
    await d.until('the message', () => d.sink.shown.some((p) => p.replyTo !== undefined));
    d.app.replies.start(d.sink.shown.find((p) => p.replyTo !== undefined)!.resourceId);
    const reply = await d.open({ page: 'reply.html', width: 440, height: 340 });
    await reply.locator('.reply textarea').waitFor();
    findings.push(...(await audit(reply, 'reply window, writing')));
    await reply.locator('.reply textarea').fill('It ships today');
    d.emu.failNextRest(`/v1.0/service_agents/conversations/${conv}/messages`, 1, 500);
    await reply.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => reply.getByRole('alert').textContent()).toMatch(/not sent/);
    findings.push(...(await audit(reply, 'reply window, failed send')));
    await d.app.replies.inline('no-longer-in-history', 'Call me back at 5');
    await reply.locator('.reply-note textarea').waitFor();
    findings.push(...(await audit(reply, 'reply window, a refused reply kept in a note')));

    // The call window on my call, with its live transcript.
    await d.app.notifications.update({ liveTranscripts: true });
    await d.until('transcript topics', () => (d.app.sessions.current?.session.listener?.topics ?? []).some((t) => t.includes(':transcript:')));
    await d.until('subscribed again', () => d.app.state.connection.state === 'subscribed');
    const onCall = ring(a, 'Jane Cooper', '+15550100');
    publishAll(d.emu, [...onCall.start(), ...onCall.answer(0)]);
    // The server has the transcript topics: the transcribe frame reaches the app.
    await d.emu.waitFor(() => d.emu.connections().some((x) => !x.closed && x.topics.some((t) => t.includes(':transcript:'))));
    const t = makeTranscribe({ customer_id: a.customerId, reference_id: onCall.legs[0]!.master_call_id });
    d.emu.publish('transcribe_created', t);
    await d.until('on the call', () => d.app.state.liveCall !== null);
    d.emu.publish('transcript_created', makeTranscript({ customer_id: a.customerId, transcribe_id: t.id, direction: 'in', message: 'Hello?' }));
    d.emu.publish('transcript_created', makeTranscript({ customer_id: a.customerId, transcribe_id: t.id, direction: 'out', message: 'Hi, how can I help?' }));
    await pop.locator('#live-lines li').nth(1).waitFor();
    findings.push(...(await audit(pop, 'call window, live transcript')));

    expectClean(findings);
    expect(pageErrors(page)).toEqual([]);
    expect(pageErrors(pop)).toEqual([]);
    expect(pageErrors(reply)).toEqual([]);
  });

  it('not receiving calls: the alert, on every tab', async () => {
    seed();
    await d.app.signIn({ method: 'password', apiUrl: d.emu.url, username: 'alex', password: 'correct horse battery' });
    await d.until('subscribed', () => d.app.state.connection.state === 'subscribed');
    const page = await d.open();
    await d.emu.refuseConnections(true);
    await d.until('alert', () => d.app.state.alert !== null, 10_000);
    await page.locator('#alert').waitFor();
    const findings: Finding[] = [];
    for (const tab of ['Status', 'Account', 'Topics', 'Notifications', 'Webhook']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.locator(`#panel-${tab.toLowerCase()} .card`).first().waitFor();
      findings.push(...(await audit(page, `alert, ${tab}`)));
    }
    expectClean(findings);
    expect(pageErrors(page)).toEqual([]);
  });
});
