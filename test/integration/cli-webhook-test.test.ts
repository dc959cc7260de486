import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import type { CustomerRecord, VoipbinEmulator } from '../../emulator/index.js';
import { PERMISSION, startEmulator } from '../support/harness.js';
import { agentToken as agentTokenOf, fullCustomer as fullCustomerOf, putBodies, webhookCli } from '../support/webhook-accounts.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { publicAddressOrSkip } from '../support/public-address.js';

let emu: VoipbinEmulator;
/** On this machine: only a typed --uri may reach it. */
let rx: WebhookReceiver;
/** At a public address (support/public-address.ts): where the account's own webhook may point. */
let pubRx: WebhookReceiver | undefined;
const pub = publicAddressOrSkip();
afterAll(() => pub?.remove());

beforeEach(async () => {
  emu = await startEmulator();
  rx = await WebhookReceiver.start();
  pubRx = pub === undefined ? undefined : await WebhookReceiver.start(pub.address);
});
afterEach(async () => {
  await rx.stop();
  await pubRx?.stop();
  await emu.stop();
});

const fullCustomer = (over: Partial<CustomerRecord> = {}): CustomerRecord => fullCustomerOf(emu, over);
const agentToken = (customerId: string, permission: number): string => agentTokenOf(emu, customerId, permission);
const cli = (args: string[], credential: string, extraEnv: Record<string, string> = {}): ReturnType<typeof webhookCli> =>
  webhookCli(emu, args, credential, extraEnv);
const puts = (): string[] => putBodies(emu);

describe('webhook test', () => {
  function verify(signature: unknown, body: Buffer, secret: string): boolean {
    return signature === `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  }

  it.runIf(pub !== undefined)("delivers a signed sample to the account's webhook with its method, as VoIPBIN would", async () => {
    const rx = pubRx!;
    const c = fullCustomer({ webhook_uri: `${rx.url}/voipbin/events`, webhook_method: 'PUT' });
    const secret = emu.getCustomer(c.id)!.webhook_secret;
    const r = await cli(['test', '--json', '--log-level', 'debug'], agentToken(c.id, PERMISSION.CustomerAdmin | PERMISSION.CustomerAgent));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const result = r.lines.find((l) => l.type === 'webhook_test')!;
    expect(result).toMatchObject({
      type: 'webhook_test',
      event: 'call_hangup',
      method: 'PUT',
      uri: `${rx.url}/voipbin/events`,
      status: 200,
      verdict: 'delivered',
      signed: true,
    });
    expect(result.latency_ms).toBeTypeOf('number');
    // Plain http across the internet is worth a word.
    expect(r.lines.filter((l) => l.type === 'warning').map((l) => l.code)).toEqual(['insecure_http']);

    const got = rx.received[0]!;
    expect(got.method).toBe('PUT');
    expect(got.path).toBe('/voipbin/events');
    expect(got.headers['content-type']).toBe('application/json');
    expect(verify(got.headers['x-voipbin-signature'], got.body, secret)).toBe(true);
    const sent = JSON.parse(got.body.toString('utf8')) as { type: string; data: Record<string, unknown> };
    expect(Object.keys(sent)).toEqual(['type', 'data']);
    expect(sent.type).toBe('call_hangup');
    expect(sent.data).toMatchObject({ customer_id: c.id, status: 'hangup', hangup_reason: 'normal' });
    for (const out of [r.stdout, r.stderr]) expect(out).not.toContain(secret);
    // Testing does not change the account.
    expect(puts()).toEqual([]);
  });

  it('--uri, --method and --event override; a 5xx means VoIPBIN would retry (exit 1)', async () => {
    const c = fullCustomer();
    const secret = emu.getCustomer(c.id)!.webhook_secret;
    const key = emu.addAccessKey(c.id);
    rx.respond = (_q, res) => {
      res.writeHead(502);
      res.end('upstream down');
    };
    const r = await cli(['test', '--uri', `${rx.url}/alt`, '--method', 'get', '--event', 'message_created', '--json'], key);
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toMatchObject({
      type: 'webhook_test',
      event: 'message_created',
      method: 'GET',
      status: 502,
      verdict: 'would_retry',
      response_excerpt: 'upstream down',
    });
    const got = rx.received[0]!;
    expect(got.method).toBe('GET');
    expect((JSON.parse(got.body.toString('utf8')) as { type: string }).type).toBe('message_created');
    expect(verify(got.headers['x-voipbin-signature'], got.body, secret)).toBe(true);

    const human = await cli(['test', '--uri', `${rx.url}/alt`], key);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^PUT http:\/\/127\.0\.0\.1:\d+\/alt → 502 in \d+ ms: would retry$/m);
    expect(human.stdout).toMatch(/VoIPBIN would try 3 times, 1 s apart/);
  });

  it.runIf(pub !== undefined)('an account without a secret gets an unsigned test and is told so', async () => {
    const rx = pubRx!;
    const c = fullCustomer({ webhook_secret: '', webhook_uri: `${rx.url}/h`, webhook_method: 'POST' });
    const r = await cli(['test', '--json'], emu.addAccessKey(c.id));
    expect(r.code).toBe(0);
    expect(r.lines.find((l) => l.code === 'unsigned')).toMatchObject({ type: 'warning', message: expect.stringMatching(/no X-VoIPBIN-Signature/) as unknown });
    expect(r.lines.at(-1)).toMatchObject({ verdict: 'delivered', signed: false });
    expect(rx.received[0]!.headers['x-voipbin-signature']).toBeUndefined();
  });

  it('bad input is exit 2: unknown event, no webhook configured, private --uri', async () => {
    const c = fullCustomer({ webhook_uri: '' });
    const key = emu.addAccessKey(c.id);
    const unknown = await cli(['test', '--event', 'call_answered', '--json'], key);
    expect(unknown.code).toBe(2);
    expect(unknown.lines[0]).toMatchObject({ code: 'bad_usage', message: expect.stringMatching(/call_hangup/) as unknown });
    const none = await cli(['test', '--json'], key);
    expect(none.code).toBe(2);
    expect(none.lines[0]).toMatchObject({ code: 'bad_usage', message: expect.stringMatching(/no webhook URI/) as unknown });
    const lan = await cli(['test', '--uri', 'http://10.1.2.3/x', '--json'], key);
    expect(lan.code).toBe(2);
    expect(lan.lines.at(-1)).toMatchObject({ code: 'webhook_url_refused' });
    expect(rx.received).toEqual([]);
  });
});
