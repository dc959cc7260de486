import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PERMISSION } from '../../emulator/index.js';
import { AgentRing, publishAll } from '../../emulator/scenarios.js';
import { makeConversationMessage, makeSms, makeTranscribe, makeTranscript, transcriptOffset } from '../../emulator/fixtures.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { validateTopic } from '../../shared/topics.js';
import { clockTime } from '../../shared/status-words.js';
import { FileCredentialStore } from '../../main/core/account/credential-store.js';
import { browserAvailable, launchChromium, pageErrors, startDesktop, testSealer, type DesktopHarness } from './desktop-harness.js';

const RUN = browserAvailable();

let browser: Browser;
let d: DesktopHarness;

beforeAll(async () => {
  if (RUN) browser = await launchChromium();
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

interface Agent {
  customerId: string;
  agentId: string;
  username: string;
  password: string;
}

function seed(permission: number = PERMISSION.CustomerAgent): Agent {
  const customer = d.emu.addCustomer({
    name: 'Acme Support',
    email: 'ops@acme.example',
    phone_number: '+15550001111',
    address: 'Main St 1',
    detail: 'VIP line',
    webhook_method: 'POST',
    webhook_uri: 'https://93.184.215.14/old-hook',
  });
  const username = `alex${Math.floor(Math.random() * 1e6)}`;
  const agent = d.emu.addAgent({
    customerId: customer.id,
    username,
    password: 'correct horse battery',
    name: 'Alex Morgan',
    permission,
    addresses: [{ type: 'extension', target: '2001', name: 'desk phone' }],
  });
  return { customerId: customer.id, agentId: agent.id, username, password: 'correct horse battery' };
}

async function signIn(page: Page, a: Agent, password = a.password): Promise<void> {
  await page.getByRole('tab', { name: 'Account' }).click();
  await page.locator('form.sign-in details').evaluate((el) => {
    (el as unknown as { open: boolean }).open = true;
  });
  await page.getByLabel('API address').fill(d.emu.url);
  await page.getByLabel('Username', { exact: true }).fill(a.username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The Connection card of the Status tab, term → value. */
async function connectionFacts(page: Page): Promise<Record<string, string>> {
  return page.locator('#panel-status dl.facts').evaluate((dl) => {
    const out: Record<string, string> = {};
    for (const dt of dl.querySelectorAll('dt')) out[dt.textContent ?? ''] = dt.nextElementSibling?.textContent ?? '';
    return out;
  });
}

async function signedInAndSubscribed(page: Page, a: Agent): Promise<void> {
  await signIn(page, a);
  await d.until('subscribed', () => d.app.state.connection.state === 'subscribed');
  await expect.poll(() => page.locator('#status-headline').textContent()).toBe('Receiving calls');
}

describe.skipIf(!RUN)('settings window in Chromium', () => {
  it('sign-in: a wrong password is said inline; the right one shows who is signed in and connects', async () => {
    const a = seed(PERMISSION.CustomerAgent | PERMISSION.CustomerManager);
    const page = await d.open();
    // Signed out: the window opens on the sign-in form and says so in the header.
    await expect.poll(() => page.locator('#status-headline').textContent()).toBe('Signed out');
    expect(await page.getByRole('tab', { name: 'Account' }).getAttribute('aria-selected')).toBe('true');

    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByTestId('sign-in-error').textContent()).toBe('Enter your username.');

    await signIn(page, a, 'not the password');
    await expect
      .poll(() => page.getByTestId('sign-in-error').textContent())
      .toBe('Wrong username or password, or VoIPBIN could not check them just now (if you are sure of them, try again in a minute).');
    expect(d.app.state.account.signedIn).toBe(false);

    await page.getByLabel('Password', { exact: true }).fill(a.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await d.until('subscribed', () => d.app.state.connection.state === 'subscribed');
    await expect.poll(() => page.locator('#status-headline').textContent()).toBe('Receiving calls');
    await page.getByRole('tab', { name: 'Account' }).click();
    expect(await page.getByTestId('signed-in-name').textContent()).toBe('Alex Morgan');
    const account = await page.locator('#panel-account').innerText();
    // The customer by its name (read from /service_agents/customer), not its UUID.
    expect(account).toMatch(/Customer\s+Acme Support\n/);
    expect(account).toMatch(/customer manager\s*agent/);
    expect(account).toContain('In the system keychain');
    expect(await page.getByTestId('token-expiry').textContent()).toMatch(/\(in 7 days\)$/);

    // Nothing secret ever reached the page: not the password, not the token.
    const html = await page.content();
    expect(html).not.toContain(a.password);
    const view = d.app.state.account;
    expect(view.signedIn && view.credentialHint).toMatch(/^agent token ••••.{4}$/);
    const stored = await new FileCredentialStore({ dir: d.dir, sealer: testSealer }).load();
    const token = stored?.credential.kind === 'jwt' ? stored.credential.token : '';
    expect(token).toMatch(/^eyJ/);
    expect(html).not.toContain(token);
    expect(html).toContain(`••••${token.slice(-4)}`);
    const saved = await readFile(join(d.dir, 'credentials.sealed'));
    expect(saved.toString('utf8')).not.toContain(a.username);
    expect(pageErrors(page)).toEqual([]);

    // State pushes (every event) must not pull keyboard focus away from where the agent is.
    await page.getByRole('button', { name: 'Sign out' }).focus();
    const pushes = d.app.state.connection.lastEventAt;
    d.emu.publish(
      'message_created',
      makeSms({
        customer_id: a.customerId,
        source: { type: 'tel', target: '+15550142' },
        targets: [{ destination: { type: 'tel', target: '+15550199' }, status: 'received', parts: 1 }],
        text: 'hi',
      }),
    );
    await expect.poll(() => d.app.state.connection.lastEventAt).not.toBe(pushes);
    await expect.poll(() => d.app.state.unread).toBe(1);
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sign out');

    // Sign out: back to the form, the saved sign-in is gone.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.locator('#status-headline').textContent()).toBe('Signed out');
    await expect(readFile(join(d.dir, 'credentials.sealed'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('sign-in with an access key shows the customer, when the key runs out, and the webhook tab', async () => {
    const a = seed();
    // Another key of the customer, listed alongside: only ours (matched by its prefix) counts.
    d.emu.addAccessKey(a.customerId, { expire: new Date(Date.now() + 90 * 86_400_000) });
    const key = d.emu.addAccessKey(a.customerId, { expire: new Date(Date.now() + 20 * 3_600_000) });
    const page = await d.open();
    await page.getByLabel('Access key', { exact: true }).check();
    await page.getByText('Self-hosted VoIPBIN').click();
    await page.getByLabel('API address').fill(d.emu.url);
    await page.locator('input[name="secret"]').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await d.until('subscribed', () => d.app.state.connection.state === 'subscribed');
    await page.getByRole('tab', { name: 'Account' }).click();
    expect(await page.getByTestId('signed-in-name').textContent()).toBe('Acme Support');
    const expiry = page.getByTestId('token-expiry');
    expect(await expiry.textContent()).toMatch(/\(in (19|20) h( \d+ min)?\) — create a new access key soon$/);
    expect(await expiry.getAttribute('data-tone')).toBe('warn');
    expect(await page.getByText('Key expires').isVisible()).toBe(true);
    expect(d.sink.shown.find((p) => p.resourceId === 'token-expiry')).toMatchObject({
      title: 'Your access key expires tomorrow',
      body: expect.stringMatching(/^Your VoIPBIN access key expires in (19|20) h/) as unknown,
    });
    expect(await page.getByRole('tab', { name: 'Webhook' }).isVisible()).toBe(true);
    expect(await page.content()).not.toContain(key);
  });

  it("topics: typed topics are judged as you type, with the core's own reasons; saving resubscribes", async () => {
    const a = seed();
    const page = await d.open();
    await signedInAndSubscribed(page, a);
    await page.getByRole('tab', { name: 'Topics' }).click();
    await page.getByText('My own list').click();
    const input = page.getByTestId('topic-input');
    const who = { kind: 'agent' as const, agentId: a.agentId, customerId: a.customerId, permission: PERMISSION.CustomerAgent };

    for (const bad of [`customer_id:${a.customerId}:message:message_created`, 'agent_id:*:call', `agent_id:${a.agentId.toUpperCase()}:call:call_`, 'queue:x']) {
      await input.fill(bad);
      const verdict = validateTopic(bad, who);
      expect(verdict.ok).toBe(false);
      expect(await page.getByTestId('topic-verdict').textContent()).toBe(`Not accepted: ${verdict.ok ? '' : verdict.reason}.`);
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByRole('button', { name: 'Add', exact: true }).isDisabled()).toBe(true);
    }
    const good = `agent_id:${a.agentId}:queuecall:queuecall_`;
    await input.fill(good);
    expect(await page.getByTestId('topic-verdict').textContent()).toBe('OK: My queue calls — every change.');
    // Accepted with a note: the OK is in the ok colour and only the note in the warning one, in both schemes.
    await input.fill(`agent_id:${a.agentId}:queuecall`);
    expect(await page.getByTestId('topic-verdict').textContent()).toMatch(/^OK: .*\. Note: a 3-part topic receives every event twice/);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const colours = await page.evaluate(() => {
        const colour = (el: Element | null): string => (el === null ? 'missing' : getComputedStyle(el).color);
        const probe = document.createElement('span');
        document.body.append(probe);
        const of = (v: string): string => {
          probe.style.color = `var(${v})`;
          return getComputedStyle(probe).color;
        };
        const out = {
          ok: colour(document.querySelector('[data-testid="topic-verdict-ok"]')),
          note: colour(document.querySelector('[data-testid="topic-verdict-note"]')),
          okVar: of('--ok'),
          warnVar: of('--busy'),
        };
        probe.remove();
        return out;
      });
      expect(colours.ok, colorScheme).toBe(colours.okVar);
      expect(colours.ok, colorScheme).not.toBe(colours.warnVar);
      expect(colours.note, colorScheme).toBe(colours.warnVar);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await input.fill(good);
    await input.press('Enter');
    // Presets the sign-in may not use are disabled and say why.
    const sms = page.getByRole('button', { name: '+ Customer SMS' });
    expect(await sms.isDisabled()).toBe(true);
    expect(await page.locator('#panel-topics').innerText()).toMatch(
      /Customer SMS: customer-wide topics need the customer admin or customer manager permission/,
    );
    // Remove one default.
    await page.getByRole('button', { name: 'Remove My team chat — new ones' }).click();
    await page.getByRole('button', { name: 'Save topics' }).click();
    await expect.poll(() => page.locator('#panel-topics .result').textContent()).toMatch(/^Saved/);
    const topics = JSON.parse(await readFile(join(d.dir, 'settings.json'), 'utf8')) as { topics: string[] };
    expect(topics.topics).toContain(good);
    expect(topics.topics).not.toContain(`agent_id:${a.agentId}:chatmessage:chatmessage_created`);
    // The live socket got the change: the emulator saw the subscribe for the new topic.
    await d.emu.waitFor(() => d.emu.clientMessages.some((m) => m.text.includes(good)));
    expect(d.app.state.connection.state).toBe('subscribed');
  });

  it("webhook: edit keeps the account's other fields, the secret stays masked, test delivery reports status, latency and verdict", async () => {
    const a = seed(PERMISSION.CustomerAgent | PERMISSION.CustomerAdmin);
    const receiver = await WebhookReceiver.start();
    try {
      const before = d.emu.getCustomer(a.customerId)!;
      const page = await d.open();
      await signedInAndSubscribed(page, a);
      await page.getByRole('tab', { name: 'Webhook' }).click();
      await expect.poll(() => page.getByTestId('webhook-state').textContent()).toBe('Enabled — POST https://93.184.215.14/old-hook');
      const masked = await page.getByTestId('webhook-secret').textContent();
      const secret = before.webhook_secret ?? '';
      expect(masked).toBe(`••••••••${secret.slice(-4)}`);

      // A URL VoIPBIN can never deliver to is refused with the reason, and nothing is written.
      await page.getByTestId('webhook-uri').fill('https://192.168.1.20/hook');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => page.locator('#panel-webhook .webhook-form .result').textContent())
        .toMatch(/VoIPBIN will never deliver to this URL: 192\.168\.1\.20 is a private network address/);
      expect(d.emu.requests.filter((r) => r.method === 'PUT')).toEqual([]);

      await page.getByTestId('webhook-uri').fill('https://93.184.215.14/voipbin');
      await page.getByTestId('webhook-method').selectOption('PUT');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => page.getByTestId('webhook-state').textContent()).toBe('Enabled — PUT https://93.184.215.14/voipbin');
      const after = d.emu.getCustomer(a.customerId)!;
      for (const f of ['name', 'detail', 'email', 'phone_number', 'address'] as const) expect(after[f], f).toBe(before[f]);
      expect(after).toMatchObject({ webhook_method: 'PUT', webhook_uri: 'https://93.184.215.14/voipbin' });

      await page.getByRole('button', { name: 'Copy' }).click();
      await expect.poll(() => d.clipboard.text).toBe(secret);
      expect(await page.content()).not.toContain(secret);

      // Test delivery to a receiver on this machine, signed like VoIPBIN signs.
      receiver.respond = (_req, res) => res.writeHead(204).end();
      await page.getByTestId('webhook-test-event').selectOption('message_created');
      await page.getByTestId('webhook-test-uri').fill(`${receiver.url}/hook`);
      await page.getByTestId('webhook-send-test').click();
      const result = page.getByTestId('webhook-test-result');
      await expect.poll(() => result.innerText()).toMatch(/^Delivered · HTTP 204 · \d+ ms · signed\n+The receiver accepted the event \(HTTP 204\)\./);
      expect(await result.innerText()).toMatch(/this machine .* only tests your receiver/);
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]).toMatchObject({ method: 'PUT', path: '/hook' });
      expect(JSON.parse(receiver.received[0]!.body.toString()) as unknown).toMatchObject({ type: 'message_created' });

      receiver.respond = (_req, res) => res.writeHead(403).end('bad signature');
      await page.getByTestId('webhook-send-test').click();
      await expect.poll(() => result.innerText()).toMatch(/^Rejected — event lost · HTTP 403/);
      expect(await result.innerText()).toContain('Receiver said: bad signature');

      await page.getByRole('button', { name: 'Disable' }).click();
      await expect.poll(() => page.getByTestId('webhook-state').textContent()).toBe('Disabled — VoIPBIN sends events to no URL.');
      expect(d.emu.getCustomer(a.customerId)).toMatchObject({ webhook_uri: '', webhook_method: 'PUT', name: before.name, email: before.email });
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await receiver.stop();
    }
  });

  it("webhook: another admin's edit while the panel is open is a conflict, and a stored URI on this machine is never tested", async () => {
    const a = seed(PERMISSION.CustomerAgent | PERMISSION.CustomerAdmin);
    const local = await WebhookReceiver.start();
    try {
      const page = await d.open();
      await signedInAndSubscribed(page, a);
      await page.getByRole('tab', { name: 'Webhook' }).click();
      await expect.poll(() => page.getByTestId('webhook-state').textContent()).toBe('Enabled — POST https://93.184.215.14/old-hook');

      // Meanwhile, in the VoIPBIN console, a co-admin renames the account.
      d.emu.editCustomer(a.customerId, { name: 'Acme Support EMEA' });
      await page.getByTestId('webhook-uri').fill('https://93.184.215.14/voipbin');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => page.locator('#panel-webhook .webhook-form .result').textContent())
        .toMatch(/Someone else changed the account .*\(name\)\. Nothing was written.*Your entry is kept\./);
      expect(d.emu.requests.filter((r) => r.method === 'PUT')).toEqual([]);
      expect(d.emu.getCustomer(a.customerId)).toMatchObject({ name: 'Acme Support EMEA', webhook_uri: 'https://93.184.215.14/old-hook' });
      // What was typed is still there; saved again, it lands on top of the other admin's change.
      expect(await page.getByTestId('webhook-uri').inputValue()).toBe('https://93.184.215.14/voipbin');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => page.getByTestId('webhook-state').textContent()).toBe('Enabled — POST https://93.184.215.14/voipbin');
      expect(d.emu.getCustomer(a.customerId)).toMatchObject({ name: 'Acme Support EMEA', webhook_uri: 'https://93.184.215.14/voipbin' });

      // A co-admin points the stored URI at this machine: the window's test refuses to send it anywhere.
      d.emu.editCustomer(a.customerId, { webhook_uri: `${local.url}/steal` });
      expect(await d.handlers['webhook:test']({ event: 'call_hangup' })).toMatchObject({
        ok: false,
        error: { code: 'webhook_url_refused', message: expect.stringMatching(/will never deliver to this URL: 127\.0\.0\.1 is a loopback address/) as unknown },
      });
      expect(local.received).toEqual([]);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await local.stop();
    }
  });

  it('agents without customer admin see no webhook tab, and the channel refuses them anyway', async () => {
    const a = seed(PERMISSION.CustomerAgent | PERMISSION.CustomerManager);
    const page = await d.open();
    await signedInAndSubscribed(page, a);
    expect(await page.getByRole('tab', { name: 'Webhook' }).isHidden()).toBe(true);
    expect(await d.handlers['webhook:get'](undefined)).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/customer admin permission/) as unknown },
    });
  });

  it('notifications: toggles persist and apply, pause shows in the header, a test pops up, history fills', async () => {
    const a = seed();
    const page = await d.open();
    await signedInAndSubscribed(page, a);
    await page.getByRole('tab', { name: 'Notifications' }).click();

    await page.getByTestId('privacy').check({ force: true });
    await expect.poll(() => page.locator('#panel-notifications > .result').textContent()).toBe('Saved: privacy mode on.');
    await page.getByLabel('Sound for Team chat').check();
    await page.getByLabel('Show Customer messages (SMS, conversations)').uncheck();
    await expect
      .poll(
        async () =>
          (
            JSON.parse(await readFile(join(d.dir, 'settings.json'), 'utf8')) as {
              notifications: { privacy: boolean; kinds: Record<string, { enabled: boolean; sound: boolean }> };
            }
          ).notifications,
      )
      .toMatchObject({ privacy: true, kinds: { chat_message: { enabled: true, sound: true }, inbound_message: { enabled: false } } });

    // A call now pops up with the privacy text, and lands in the history.
    const ring = new AgentRing({
      customerId: a.customerId,
      agentId: a.agentId,
      caller: { type: 'tel', target: '+15550100', target_name: '+15550100' },
      legTo: [{ type: 'extension', target: '2001', name: 'desk phone' }],
    });
    publishAll(d.emu, ring.start());
    await expect.poll(() => d.sink.shown.map((p) => p.title)).toContain('Incoming call from a caller');
    publishAll(d.emu, ring.giveUp('noanswer'));
    await expect.poll(() => d.app.state.unread).toBe(1);
    await page.getByRole('tab', { name: 'Status' }).click();
    const recent = page.locator('#panel-status .history');
    await expect.poll(() => recent.innerText()).toMatch(/^Missed call\s+Missed call from \+15550100\s+at \d\d:\d\d/i);
    // Held messages are recorded, not shown.
    d.emu.publish(
      'message_created',
      makeSms({
        customer_id: a.customerId,
        source: { type: 'tel', target: '+15550142' },
        targets: [{ destination: { type: 'tel', target: '+15550199' }, status: 'received', parts: 1 }],
        text: 'hello',
      }),
    );

    // Clicking a call opens it in the console.
    await page
      .getByRole('button', { name: /^Unread\. Missed call: Missed call from \+15550100\. at \d\d:\d\d\. \d\d:\d\d · just now\. Opens in the VoIPBIN console$/ })
      .click();
    await expect.poll(() => d.opened).toEqual([`https://admin.voipbin.net/#/resources/calls/groupcalls_detail/${ring.groupcall.id}`]);
    await expect.poll(() => d.app.state.unread).toBe(0);

    await page.getByRole('tab', { name: 'Notifications' }).click();
    await page.getByTestId('pause-1h').click();
    await expect.poll(() => page.locator('#status-headline').textContent()).toBe('Notifications paused');
    expect(await page.getByTestId('pause-state').textContent()).toMatch(/^Paused until \d\d:\d\d\. Calls still ring\.$/);
    expect(d.app.notifications.settings.pausedUntil).toBeGreaterThan(Date.now() + 3_500_000);
    await page.getByTestId('pause-resume').click();
    await expect.poll(() => page.locator('#status-headline').textContent()).toBe('Receiving calls');

    await page.getByTestId('send-test').click();
    await expect.poll(() => page.locator('#panel-notifications .card .result').last().textContent()).toMatch(/^Sent\./);
    expect(d.sink.shown.at(-1)).toMatchObject({ kind: 'incoming_call', title: 'Test: incoming call from Jane Cooper', urgent: true });

    // The OS starts refusing pop-ups: the window says so loudly and offers a fix.
    d.sink.refuse = 'notifications are turned off for this app';
    await page.getByTestId('send-test').click();
    await expect
      .poll(() => page.locator('#alert').innerText())
      .toMatch(/^Calls cannot pop up\n+The system refuses to show notifications \(notifications are turned off for this app\)/);
    expect(d.app.state.alert?.reason).toBe('notifications_blocked');
    d.sink.refuse = undefined;
    await page.getByRole('button', { name: 'Try a test notification' }).click();
    await expect.poll(() => page.locator('#alert').isHidden()).toBe(true);
  });

  it("Status tab: my status since when; still busy past the wrap-up, the banner says queue calls won't reach me and its Set me Available fixes it", async () => {
    const a = seed();
    const page = await d.open();
    await signedInAndSubscribed(page, a);
    await d.until('my status', () => d.app.state.presence?.status === 'available');
    const since = d.app.state.presence!.since;
    await expect
      .poll(async () => (await connectionFacts(page))['Your status'])
      .toBe(`Available since ${clockTime(since)} (just now) — queue calls can reach you`);

    // A call of mine answered and over: VoIPBIN leaves me busy (wrap-up 0: no wait).
    await d.app.notifications.update({ wrapUpSeconds: 0 });
    const ring = new AgentRing({
      customerId: a.customerId,
      agentId: a.agentId,
      caller: { type: 'tel', target: '+15550100' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(d.emu, [...ring.start(), ...ring.answer(0), ...ring.hangup()]);
    await d.until('not available', () => d.app.state.alert?.reason === 'not_available');
    const busySince = d.app.state.presence!.since;
    expect(busySince).toBeGreaterThanOrEqual(since);
    await expect
      .poll(async () => (await connectionFacts(page))['Your status'])
      .toBe(`Busy since ${clockTime(busySince)} (just now) — queue calls can't reach you`);
    const banner = page.locator('#alert');
    await expect.poll(() => banner.innerText()).toMatch(/^Connected · Busy — queue calls won't reach you\n+VoIPBIN's queues ring only Available agents/);
    await banner.getByRole('button', { name: 'Set me Available' }).click();
    await expect.poll(() => banner.isHidden()).toBe(true);
    expect(d.app.state.presence).toMatchObject({ status: 'available', changedBy: 'me', receivingQueueCalls: true });
    expect(d.emu.requests.filter((r) => r.method === 'PUT' && r.path === '/v1.0/service_agents/me/status').map((r) => r.body)).toEqual([
      '{"status":"available"}',
    ]);
    await expect.poll(async () => (await connectionFacts(page))['Your status']).toMatch(/^Available since \d\d:\d\d \(just now\) — queue calls can reach you$/);
    expect(pageErrors(page)).toEqual([]);
  });

  it('not receiving calls: a lost stream turns into the alert after the grace period, and back', async () => {
    const a = seed();
    const page = await d.open();
    await signedInAndSubscribed(page, a);
    const droppedAt = Date.now();
    await d.emu.refuseConnections(true);
    await expect.poll(() => page.locator('#status-headline').textContent(), { timeout: 10_000 }).toBe('Not receiving calls');
    expect(d.sink.shown.filter((p) => p.resourceId === 'not-receiving')).toHaveLength(1);
    // A few refused attempts, so that attempts and reconnections could be confused.
    await d.until('retries', () => (d.app.state.connection.retry ?? 0) >= 3);

    // Since when: the drop, not the end of the grace period after it.
    const since = d.app.state.alert?.since ?? 0;
    expect(since).toBeGreaterThanOrEqual(droppedAt);
    expect(since).toBeLessThan(droppedAt + 1_000);
    expect(await page.locator('#status-detail').textContent()).toBe(`since ${clockTime(since)}`);
    // Why, and what is being done about it, told once, in the banner.
    const banner = page.locator('#alert');
    const reason = d.app.state.connection.reason ?? '';
    expect(reason).toMatch(/ECONNREFUSED/);
    await expect.poll(() => banner.innerText()).toMatch(/^VoIPBIN cannot be reached\n+Cannot reach VoIPBIN at .*ECONNREFUSED/);
    expect(await banner.innerText()).toContain(reason);
    expect(await banner.innerText()).toMatch(/The notifier keeps retrying: (next try in \d+ s|trying again now|trying now) \(attempt \d+\)\./);
    expect(await page.getByRole('alert').innerText()).not.toMatch(/attempt/);
    // One Reconnect button on screen, on every tab.
    for (const tab of ['Status', 'Account', 'Topics']) {
      await page.getByRole('tab', { name: tab }).click();
      expect(await page.getByRole('button', { name: /Reconnect/ }).count(), tab).toBe(1);
    }
    await page.getByRole('tab', { name: 'Status' }).click();
    // The Status facts agree with the banner: no "None" beside a current cause, no healthy-sounding last event.
    const facts = await connectionFacts(page);
    expect(facts['Last error'], JSON.stringify(facts)).toBeUndefined();
    expect(facts.Why).toBeUndefined();
    expect(facts['Last event']).toMatch(/^(None before the outage|\d\d:\d\d, before the outage)$/);
    expect(facts.State).toMatch(/^Reconnecting, (next try in \d+ s|trying again now) \(attempt \d+\)$|^Connecting, trying now \(attempt \d+\)$/);
    // Refused attempts are not reconnections.
    expect(facts.Reconnected).toBe('Not yet');

    await d.emu.refuseConnections(false);
    await page.getByRole('button', { name: 'Reconnect now' }).click();
    await expect.poll(() => page.locator('#status-headline').textContent(), { timeout: 10_000 }).toBe('Receiving calls');
    expect(await banner.isHidden()).toBe(true);
    // Once or twice (the pending retry may beat the click), never once per refused attempt.
    const made = d.app.state.connection.reconnects;
    expect(made).toBeGreaterThanOrEqual(1);
    expect(made).toBeLessThanOrEqual(2);
    await expect.poll(async () => (await connectionFacts(page)).Reconnected).toBe(made === 1 ? 'Once' : '2 times');
    const after = await connectionFacts(page);
    expect(after['Last error']).toBe('None');
    expect(after['Last event']).toMatch(/^(None yet|just now \(\d\d:\d\d\))$/);
    // With the banner gone, the Status tab's own button is the one on screen.
    expect(await page.getByRole('button', { name: /Reconnect/ }).count()).toBe(1);
    expect(pageErrors(page)).toEqual([]);
  });

  it('the console link setting says which console it is', async () => {
    const page = await d.open();
    await page.getByRole('tab', { name: 'Status' }).click();
    const summary = page.locator('#panel-status details.advanced summary');
    expect(await summary.textContent()).toBe('Where calls open: the VoIPBIN console (web)');
    await summary.click();
    expect(await page.getByLabel('Address of a call in the VoIPBIN console').inputValue()).toMatch(/^https:\/\/admin\.voipbin\.net\/.*\{id\}/);
    expect(await page.getByText('Console link', { exact: true }).count()).toBe(0);
  });

  it('call window: the ringing call with its caller and ring time, Open in console, Open contact for a caller in contacts, Dismiss; gone when answered; off when turned off', async () => {
    const a = seed();
    const settings = await d.open();
    await signedInAndSubscribed(settings, a);
    const pop = await d.open({ page: 'call.html', width: 400, height: 200 });
    await expect.poll(() => pop.title()).toBe('No call ringing');
    expect(await pop.locator('.call').count()).toBe(0);

    const jane = new AgentRing({
      customerId: a.customerId,
      agentId: a.agentId,
      caller: { type: 'tel', target: '+15550100', target_name: 'Jane Cooper' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(d.emu, jane.start());
    const card = pop.locator('.call');
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.locator('.call-title').textContent()).toBe('Incoming call from Jane Cooper');
    expect(await card.locator('.call-body').textContent()).toBe('Ringing on extension 2001');
    expect(await pop.title()).toBe('Incoming call from Jane Cooper');
    // The ring time counts up by itself.
    const first = await card.locator('.call-ringing').textContent();
    expect(first).toMatch(/^0:0\d$/);
    await expect.poll(() => card.locator('.call-ringing').textContent(), { timeout: 3_000 }).not.toBe(first);

    await card.getByRole('button', { name: 'Open in console' }).click();
    await expect.poll(() => d.opened.length).toBe(1);
    expect(d.opened[0]).toMatch(/^https:\/\/admin\.voipbin\.net\/#\/resources\/calls\/(groupcalls|calls)_detail\/[0-9a-f-]{36}$/);

    // Dismiss takes it out of the window only: the OS pop-up and the history keep it.
    await card.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => card.count()).toBe(0);
    expect(d.app.state.ringing).toEqual([]);
    expect(d.sink.shown.some((p) => p.title === 'Incoming call from Jane Cooper')).toBe(true);

    // A caller found in VoIPBIN contacts: "Open contact" opens their page in the console's contacts.
    const priyaId = d.emu.addContact({ customerId: a.customerId, displayName: 'Priya Natarajan', company: 'Northwind Traders', phones: ['+15550177'] });
    const priya = new AgentRing({
      customerId: a.customerId,
      agentId: a.agentId,
      caller: { type: 'tel', target: '+15550177' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(d.emu, priya.start());
    await expect.poll(() => card.locator('.call-title').allTextContents()).toEqual(['Incoming call from Priya Natarajan']);
    expect(await card.getByRole('button', { name: 'Open in console' }).count()).toBe(1);
    await card.getByRole('button', { name: 'Open contact' }).click();
    await expect.poll(() => d.opened.length).toBe(2);
    expect(d.opened[1]).toBe(`https://admin.voipbin.net/#/resources/contacts/contacts_detail/${priyaId}`);
    publishAll(d.emu, priya.giveUp('noanswer'));
    await expect.poll(() => card.count()).toBe(0);

    // Another call: shown, not in contacts (no "Open contact"); answered on the desk phone: gone by itself.
    const ravi = new AgentRing({
      customerId: a.customerId,
      agentId: a.agentId,
      caller: { type: 'tel', target: '+15550199', target_name: 'Ravi Shah' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(d.emu, ravi.start());
    await expect.poll(() => card.locator('.call-title').allTextContents()).toEqual(['Incoming call from Ravi Shah']);
    expect(await card.getByRole('button', { name: 'Open contact' }).count()).toBe(0);
    publishAll(d.emu, ravi.answer());
    await expect.poll(() => card.count()).toBe(0);

    // Turned off in the settings: calls still pop up natively, the window stays empty.
    await settings.getByRole('tab', { name: 'Notifications' }).click();
    await settings.getByRole('switch', { name: 'Call window', exact: true }).uncheck({ force: true });
    await expect.poll(() => d.app.notifications.settings.callWindow).toBe(false);
    const sam = new AgentRing({
      customerId: a.customerId,
      agentId: a.agentId,
      caller: { type: 'tel', target: '+15550142', target_name: 'Sam Lee' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(d.emu, sam.start());
    await expect.poll(() => d.sink.shown.some((p) => p.title === 'Incoming call from Sam Lee')).toBe(true);
    expect(d.app.state.ringing).toEqual([]);
    expect(await card.count()).toBe(0);
    expect(pageErrors(pop)).toEqual([]);
  });

  it('no tray icon on this desktop: the window says so and how to fix it, offers Quit, and the banner goes once a tray appears', async () => {
    const page = await d.open();
    await expect.poll(() => page.locator('#tray-missing').count()).toBe(0);
    d.app.setTrayHost({
      status: 'missing',
      why: 'no org.kde.StatusNotifierWatcher on the session bus (GNOME, Wayland)',
      advice: 'GNOME shows tray icons only with the AppIndicator extension. Closing the window only minimises it.',
    });
    const banner = page.locator('#tray-missing');
    await expect.poll(() => banner.isVisible()).toBe(true);
    expect(await banner.innerText()).toMatch(/No tray icon on this desktop[\s\S]*AppIndicator extension[\s\S]*Quitting stops call notifications/);
    await banner.getByRole('button', { name: 'Quit VoIPBIN Notifier' }).click();
    await expect.poll(() => d.quits.count).toBe(1);
    expect(d.app.diagnostics.text()).toContain('tray icon: missing');
    d.app.setTrayHost({ status: 'available', why: 'org.kde.StatusNotifierWatcher is on the session bus', advice: null });
    await expect.poll(() => banner.count()).toBe(0);
  });

  it('accessible: every control labelled, tabs by keyboard, readable at 480 px in both schemes', async () => {
    const a = seed(PERMISSION.CustomerAgent | PERMISSION.CustomerAdmin);
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await d.open({ colorScheme, width: 480 });
      if (!d.app.state.account.signedIn) await signedInAndSubscribed(page, a);
      for (const tab of ['Status', 'Account', 'Topics', 'Notifications', 'Webhook']) {
        await page.getByRole('tab', { name: tab }).click();
        await page.waitForTimeout(150);
        const problems = await page.evaluate(() => {
          const out: string[] = [];
          const visible = (el: Element): boolean => (el as HTMLElement).offsetParent !== null || (el as HTMLElement).getClientRects().length > 0;
          for (const el of document.querySelectorAll('input, select, textarea')) {
            const i = el as HTMLInputElement;
            if (i.type === 'hidden' || !visible(el.closest('label') ?? el)) continue;
            if ((i.labels?.length ?? 0) === 0 && !i.getAttribute('aria-label')) out.push(`unlabelled ${el.outerHTML.slice(0, 80)}`);
          }
          for (const b of document.querySelectorAll('button')) {
            if (!visible(b)) continue;
            if ((b.textContent ?? '').trim() === '' && !b.getAttribute('aria-label')) out.push(`nameless button ${b.outerHTML.slice(0, 80)}`);
          }
          if (document.documentElement.scrollWidth > window.innerWidth) out.push(`horizontal overflow: ${document.documentElement.scrollWidth}px`);
          return out;
        });
        expect(problems, `${tab} (${colorScheme})`).toEqual([]);
      }
      // Arrow keys move between tabs and focus follows.
      await page.getByRole('tab', { name: 'Status' }).focus();
      await page.keyboard.press('ArrowRight');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-account');
      expect(await page.locator('#panel-account').isVisible()).toBe(true);
      await page.keyboard.press('End');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-webhook');
      // Focus is visible.
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
      expect(outline).toBe('solid');
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).toBe(colorScheme === 'dark' ? 'rgb(20, 23, 28)' : 'rgb(245, 246, 248)');
      expect(pageErrors(page)).toEqual([]);
    }
  });
  it('reply window: what was written, a text box that keeps what is typed; a failed send says why under the kept text; Send delivers it', async () => {
    // Conversation messages reach customer topics only: an admin hears them.
    const a = seed(PERMISSION.CustomerAdmin);
    const conv = d.emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    await d.app.signIn({ method: 'password', apiUrl: d.emu.url, username: a.username, password: a.password });
    await d.until('subscribed', () => d.app.state.connection.state === 'subscribed');
    d.emu.publish(
      'conversation_message_created',
      makeConversationMessage({
        customer_id: a.customerId,
        conversation_id: conv,
        direction: 'incoming',
        text: 'Is my order on its way? <b>#4411</b>',
        source: { type: 'tel', target: '+15557654321', target_name: 'Maria Lopez' },
      }),
    );
    await d.until('the message', () => d.sink.shown.some((p) => p.replyTo !== undefined));
    const message = d.sink.shown.find((p) => p.replyTo !== undefined)!;
    // The Reply button on the pop-up:
    expect(d.app.replies.start(message.resourceId).opened).toBe(true);
    const win = await d.open({ page: 'reply.html', width: 440, height: 340 });
    const card = win.locator('.reply');
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.getByRole('heading').textContent()).toBe('Reply — Message from Maria Lopez');
    // Text, never markup.
    expect(await card.locator('.reply-quote').textContent()).toBe('Is my order on its way? <b>#4411</b>');
    expect(await win.title()).toBe('Reply — Message from Maria Lopez');
    const box = card.getByRole('textbox', { name: 'Reply — Message from Maria Lopez' });
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);

    // Typed text reaches the main process by itself: a closed window loses nothing.
    await box.fill('It ships today');
    await expect.poll(() => d.app.state.replies[0]?.text).toBe('It ships today');

    d.emu.failNextRest(`/v1.0/service_agents/conversations/${conv}/messages`, 1, 500);
    await card.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => card.getByRole('alert').textContent()).toMatch(/^Your reply was not sent: .* Your text is still here\.$/);
    expect(await box.inputValue()).toBe('It ships today');
    expect(await box.getAttribute('aria-invalid')).toBe('true');

    // Discard asks twice when there is text; Ctrl+Enter sends.
    await card.getByRole('button', { name: 'Discard' }).click();
    expect(await card.getByRole('button', { name: 'Discard text?' }).count()).toBe(1);
    expect(d.app.state.replies).toHaveLength(1);
    await box.press('End');
    await box.pressSequentially(' 🙂');
    await box.press('Control+Enter');
    await expect.poll(() => card.count()).toBe(0);
    expect(await win.locator('#reply-line').textContent()).toBe('Sent.');
    const sent = d.emu.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect(sent.map((r) => [r.status, JSON.parse(r.body) as unknown])).toEqual([
      [500, { text: 'It ships today', medias: [] }],
      [200, { text: 'It ships today 🙂', medias: [] }],
    ]);
    expect(d.app.state.replies).toEqual([]);
    expect(pageErrors(win)).toEqual([]);
  });
  it('reply window: an inline reply that failed shows its text in the card the window had open empty; a refused one is a note with its text to copy, dismissed only on purpose', async () => {
    const a = seed(PERMISSION.CustomerAdmin);
    const conv = d.emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    await d.app.signIn({ method: 'password', apiUrl: d.emu.url, username: a.username, password: a.password });
    await d.until('subscribed', () => d.app.state.connection.state === 'subscribed');
    d.emu.publish(
      'conversation_message_created',
      makeConversationMessage({ customer_id: a.customerId, conversation_id: conv, direction: 'incoming', text: 'Still open?' }),
    );
    await d.until('the message', () => d.sink.shown.some((p) => p.replyTo !== undefined));
    const message = d.sink.shown.find((p) => p.replyTo !== undefined)!;
    d.app.replies.start(message.resourceId);
    const win = await d.open({ page: 'reply.html', width: 440, height: 340 });
    const card = win.locator('.reply');
    const box = card.getByRole('textbox');
    await expect.poll(() => card.count()).toBe(1);
    expect(await box.inputValue()).toBe('');

    // Typed into the OS pop-up instead, and refused by the server: the open card now holds it.
    d.emu.failNextRest(`/v1.0/service_agents/conversations/${conv}/messages`, 1, 500);
    expect((await d.app.replies.inline(message.resourceId, 'Until 6 tonight.')).sent).toBe(false);
    await expect.poll(() => box.inputValue()).toBe('Until 6 tonight.');
    await expect.poll(() => card.getByRole('alert').textContent()).toMatch(/^Your reply was not sent: .* Your text is still here\.$/);
    expect(await card.count()).toBe(1);
    // What the agent types next is theirs: a later push does not put the old text back.
    await box.fill('Until 6 tonight, 8 on Fridays.');
    await expect.poll(() => d.app.state.replies[0]?.text).toBe('Until 6 tonight, 8 on Fridays.');
    await d.app.notifications.update({ privacy: true });
    await expect.poll(() => card.locator('.reply-quote').textContent()).toBe('Message hidden (privacy mode)');
    expect(await box.inputValue()).toBe('Until 6 tonight, 8 on Fridays.');

    // An inline reply to a message no longer here: a note holds the text.
    const refused = await d.app.replies.inline('no-longer-in-history', 'Call me back at 5');
    const note = win.locator('.reply-note');
    await expect.poll(() => note.count()).toBe(1);
    expect(await note.locator('.reply-note-message').textContent()).toBe(refused.message);
    const kept = note.getByRole('textbox', { name: 'What you wrote' });
    expect([await kept.inputValue(), await kept.getAttribute('readonly')]).toEqual(['Call me back at 5', '']);
    await note.getByRole('button', { name: 'Dismiss' }).click();
    expect(await note.getByRole('button', { name: 'Discard text?' }).count()).toBe(1);
    expect(d.app.state.replyNotes).toHaveLength(1);
    await note.getByRole('button', { name: 'Discard text?' }).click();
    await expect.poll(() => note.count()).toBe(0);
    expect(d.app.state.replyNotes).toEqual([]);
    expect(d.app.state.replies.map((r) => r.text)).toEqual(['Until 6 tonight, 8 on Fridays.']);
    expect(pageErrors(win)).toEqual([]);
  });
  it('reply window: words typed just before signing out (their save not sent yet) are saved as the draft leaves the window, and are there when the agent is back', async () => {
    const a = seed(PERMISSION.CustomerAdmin);
    const conv = d.emu.addConversation({ customerId: a.customerId, ownerId: a.agentId });
    const signIn = (): Promise<unknown> => d.app.signIn({ method: 'password', apiUrl: d.emu.url, username: a.username, password: a.password });
    await signIn();
    await d.until('subscribed', () => d.app.state.connection.state === 'subscribed');
    d.emu.publish(
      'conversation_message_created',
      makeConversationMessage({ customer_id: a.customerId, conversation_id: conv, direction: 'incoming', text: 'Are you there?' }),
    );
    await d.until('the message', () => d.sink.shown.some((p) => p.replyTo !== undefined));
    d.app.replies.start(d.sink.shown.find((p) => p.replyTo !== undefined)!.resourceId);
    const win = await d.open({ page: 'reply.html', width: 440, height: 340 });
    const card = win.locator('.reply');
    await expect.poll(() => card.count()).toBe(1);
    // The window's own timers stand still: the save of what is typed stays on its way.
    await win.clock.install();
    await card.getByRole('textbox').fill('Yes, calling you in five');
    expect(d.app.state.replies.map((r) => r.text)).toEqual(['']);

    // Signed out, an untouched draft leaves the window — but this one was being written.
    await d.app.signOut();
    await expect.poll(() => d.app.state.replies.map((r) => r.text)).toEqual(['Yes, calling you in five']);
    await expect.poll(() => card.getByRole('textbox').inputValue()).toBe('Yes, calling you in five');
    await signIn();
    await d.until('subscribed again', () => d.app.state.connection.state === 'subscribed');
    expect(d.app.state.replies).toEqual([expect.objectContaining({ quote: 'Are you there?', text: 'Yes, calling you in five', state: 'writing' })]);
    expect(pageErrors(win)).toEqual([]);
  });
  it('call window: the live transcript of my call (opt-in) — caller and agent told apart, late lines in place, Copy transcript; hidden in privacy mode', async () => {
    const a = seed(PERMISSION.CustomerAgent | PERMISSION.CustomerAdmin);
    await d.app.signIn({ method: 'password', apiUrl: d.emu.url, username: a.username, password: a.password });
    await d.until('subscribed', () => d.app.state.connection.state === 'subscribed');
    const settings = await d.open();
    await settings.getByRole('tab', { name: 'Notifications' }).click();
    const toggleLive = settings.getByRole('switch', { name: 'Live transcript in the call window' });
    expect(await toggleLive.isChecked()).toBe(false);
    await toggleLive.check({ force: true });
    await expect.poll(() => d.app.notifications.settings.liveTranscripts).toBe(true);
    await d.until('subscribed again', () => (d.app.sessions.current?.session.listener?.topics ?? []).some((t) => t.includes(':transcript:')));

    const pop = await d.open({ page: 'call.html', width: 400, height: 420 });
    const ring = new AgentRing({
      customerId: a.customerId,
      agentId: a.agentId,
      caller: { type: 'tel', target: '+15550100', target_name: 'Jane Cooper' },
      legTo: [{ type: 'extension', target: '2001' }],
    });
    publishAll(d.emu, [...ring.start(), ...ring.answer(0)]);
    const live = pop.locator('#live');
    // Answered but not transcribed: no transcript card.
    await d.until('answered', () => d.app.sessions.current?.transcripts.follower?.myCalls?.current() !== undefined);
    expect(await live.isVisible()).toBe(false);

    // The server has the transcript topics: the transcribe frame reaches the app.
    await d.emu.waitFor(() => d.emu.connections().some((x) => !x.closed && x.topics.some((t) => t.includes(':transcript:'))));
    const t = makeTranscribe({ customer_id: a.customerId, reference_id: ring.legs[0]!.master_call_id });
    d.emu.publish('transcribe_created', t);
    await expect.poll(() => live.isVisible()).toBe(true);
    expect(await pop.locator('#live-title').textContent()).toBe('On a call with Jane Cooper');
    expect(await pop.locator('#live-lines').textContent()).toMatch(/^Listening/);
    expect(await pop.getByRole('button', { name: 'Copy transcript' }).isDisabled()).toBe(true);
    const said = (sec: number, direction: 'in' | 'out', message: string): void => {
      d.emu.publish(
        'transcript_created',
        makeTranscript({ customer_id: a.customerId, transcribe_id: t.id, direction, message, tm_transcript: transcriptOffset(sec * 1000) }),
      );
    };
    said(4, 'in', 'Hi, my order has not arrived <b>#4411</b>');
    said(6, 'out', 'Let me check that for you');
    await expect.poll(() => pop.locator('#live-lines li').count()).toBe(2);
    said(3, 'in', 'Hello?');
    await expect.poll(() => pop.locator('#live-lines li').count()).toBe(3);
    expect(await pop.locator('#live-lines li').allTextContents()).toEqual([
      'CallerHello?',
      'CallerHi, my order has not arrived <b>#4411</b>',
      'AgentLet me check that for you',
    ]);
    expect(await pop.locator('#live-lines li').evaluateAll((els: Element[]) => els.map((e) => e.getAttribute('class') ?? ''))).toEqual([
      'caller',
      'caller',
      'agent',
    ]);

    await pop.getByRole('button', { name: 'Copy transcript' }).click();
    await expect.poll(() => d.clipboard.text).toContain('Agent: Let me check that for you');
    expect(await pop.locator('#call-line').textContent()).toBe('Copied 3 lines of the transcript.');

    await settings.getByRole('switch', { name: 'Privacy mode' }).check({ force: true });
    await expect.poll(() => pop.locator('#live-lines').textContent()).toBe('Transcript hidden (privacy mode).');
    // Nothing to copy in privacy mode (it would put the hidden words on the clipboard).
    expect(await pop.getByRole('button', { name: 'Copy transcript' }).isDisabled()).toBe(true);
    await settings.getByRole('switch', { name: 'Privacy mode' }).uncheck({ force: true });
    await expect.poll(() => pop.locator('#live-lines li').count()).toBe(3);

    publishAll(d.emu, ring.hangup());
    await expect.poll(() => live.isVisible()).toBe(false);
    // The history entry of that call copies it, for this session.
    await settings.getByRole('tab', { name: 'Notifications' }).click();
    d.clipboard.text = '';
    await settings.getByRole('button', { name: 'Copy transcript' }).first().click();
    await expect.poll(() => d.clipboard.text).toContain('Caller: Hello?');
    expect(pageErrors(pop)).toEqual([]);
    expect(pageErrors(settings)).toEqual([]);
  });
});
