import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomerRecord, VoipbinEmulator } from '../../emulator/index.js';
import { PERMISSION, startEmulator } from '../support/harness.js';
import { agentToken as agentTokenOf, fullCustomer as fullCustomerOf, putBodies, webhookCli } from '../support/webhook-accounts.js';

let emu: VoipbinEmulator;

beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  await emu.stop();
});

const FIVE = ['name', 'detail', 'email', 'phone_number', 'address'] as const;

const fullCustomer = (over: Partial<CustomerRecord> = {}): CustomerRecord => fullCustomerOf(emu, over);
const agentToken = (customerId: string, permission: number): string => agentTokenOf(emu, customerId, permission);
const cli = (args: string[], credential: string, extraEnv: Record<string, string> = {}): ReturnType<typeof webhookCli> =>
  webhookCli(emu, args, credential, extraEnv);
const puts = (): string[] => putBodies(emu);

describe('webhook set / disable keep every other field of the account', () => {
  it('set: the five other fields are byte-for-byte unchanged, and all seven are sent', async () => {
    const c = fullCustomer();
    const before = emu.getCustomer(c.id)!;
    const r = await cli(['set', '--uri', 'https://93.184.215.14/voipbin?k=1', '--method', 'post', '--json'], agentToken(c.id, PERMISSION.CustomerAdmin));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.lines).toEqual([
      {
        type: 'webhook_updated',
        method: 'POST',
        uri: 'https://93.184.215.14/voipbin?k=1',
        enabled: true,
        preserved: ['name', 'detail', 'email', 'phone_number', 'address'],
      },
    ]);
    const after = emu.getCustomer(c.id)!;
    for (const f of FIVE) expect(after[f], f).toBe(before[f]);
    expect(after).toMatchObject({ webhook_method: 'POST', webhook_uri: 'https://93.184.215.14/voipbin?k=1', webhook_secret: before.webhook_secret });
    const [body] = puts();
    expect(Object.keys(JSON.parse(body!) as object).sort()).toEqual([...FIVE, 'webhook_method', 'webhook_uri'].sort());
    // GET is always made first: the PUT is built from what it returned.
    const order = emu.requests.map((q) => `${q.method} ${q.path}`);
    expect(order.indexOf('GET /v1.0/customer')).toBeLessThan(order.indexOf('PUT /v1.0/customer'));
  });

  it('set: fields GET omits (empty) go back as "", and --method defaults to the current one', async () => {
    const c = emu.addCustomer({ name: 'Bare Co', email: 'a@b.example', webhook_method: 'DELETE' });
    const key = emu.addAccessKey(c.id);
    const before = emu.getCustomer(c.id)!;
    const r = await cli(['set', '--uri', 'https://93.184.215.14/x', '--json'], key);
    expect(r.code, r.stderr).toBe(0);
    const after = emu.getCustomer(c.id)!;
    for (const f of FIVE) expect(after[f], f).toBe(before[f]);
    expect(after.webhook_method).toBe('DELETE');
    expect(JSON.parse(puts()[0]!)).toEqual({
      name: 'Bare Co',
      detail: '',
      email: 'a@b.example',
      phone_number: '',
      address: '',
      webhook_method: 'DELETE',
      webhook_uri: 'https://93.184.215.14/x',
    });
    // Access key transport: cookie only.
    for (const q of emu.requests) {
      expect(q.headers.cookie).toBe(`accesskey=${key}`);
      expect(q.headers.authorization).toBeUndefined();
    }
  });

  it('disable clears only the URI and keeps the method, saying so', async () => {
    const c = fullCustomer();
    const before = emu.getCustomer(c.id)!;
    const token = agentToken(c.id, PERMISSION.CustomerAdmin | PERMISSION.CustomerAgent);
    const r = await cli(['disable', '--json'], token);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toEqual([{ type: 'webhook_updated', method: 'PUT', uri: '', enabled: false, preserved: [...FIVE] }]);
    const after = emu.getCustomer(c.id)!;
    for (const f of FIVE) expect(after[f], f).toBe(before[f]);
    expect(after).toMatchObject({ webhook_method: 'PUT', webhook_uri: '' });

    const human = await cli(['disable'], token);
    expect(human.stdout).toMatch(/Webhook disabled.*The method \(PUT\) is kept/s);
    expect(human.stdout).toMatch(/Unchanged: name, detail, email, phone_number, address\./);
  });
});

describe('webhook set: validation before anything is sent', () => {
  it('refuses private, loopback and link-local targets with an explanation (exit 2, no PUT)', async () => {
    const c = fullCustomer();
    const token = agentToken(c.id, PERMISSION.CustomerAdmin);
    for (const uri of ['https://192.168.10.5/hook', 'http://localhost:8080/hook', 'https://[fe80::1]/x']) {
      const r = await cli(['set', '--uri', uri, '--json'], token);
      expect(r.code, uri).toBe(2);
      expect(r.lines.at(-1)).toMatchObject({
        type: 'error',
        code: 'webhook_url_refused',
        message: expect.stringMatching(/VoIPBIN will never deliver to this URL/) as unknown,
      });
    }
    expect(puts()).toEqual([]);
    expect(emu.getCustomer(c.id)!.webhook_uri).toBe('https://old.example.com/hook');
  });

  it('refuses malformed URLs and unknown methods (exit 2); warns for plain http', async () => {
    const c = fullCustomer();
    const token = agentToken(c.id, PERMISSION.CustomerAdmin);
    const bad = await cli(['set', '--uri', 'hooks.example.com/x', '--json'], token);
    expect(bad.code).toBe(2);
    expect(bad.lines[0]).toMatchObject({ code: 'invalid_webhook_url' });
    const method = await cli(['set', '--uri', 'https://93.184.215.14/x', '--method', 'PATCH', '--json'], token);
    expect(method.code).toBe(2);
    expect(method.lines[0]).toMatchObject({ code: 'bad_usage', message: expect.stringMatching(/POST, PUT, GET, DELETE/) as unknown });
    expect(puts()).toEqual([]);

    const http = await cli(['set', '--uri', 'http://93.184.215.14/x', '--json'], token);
    expect(http.code).toBe(0);
    expect(http.lines.map((l) => l.type)).toEqual(['warning', 'webhook_updated']);
    expect(http.lines[0]).toMatchObject({ code: 'insecure_http', message: expect.stringMatching(/unencrypted/) as unknown });
  });
});

describe('webhook permissions', () => {
  it('403 on change names the missing permission and what the token has; nothing changes', async () => {
    const c = fullCustomer();
    const before = emu.getCustomer(c.id)!;
    const r = await cli(['set', '--uri', 'https://93.184.215.14/x', '--json'], agentToken(c.id, PERMISSION.CustomerManager | PERMISSION.CustomerAgent));
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      {
        type: 'error',
        code: 'forbidden',
        message:
          'Changing the webhook needs the customer admin permission; this token has: customer manager, agent. Ask an administrator of the VoIPBIN account.',
        missing_permission: 'customer admin',
      },
    ]);
    expect(emu.getCustomer(c.id)).toEqual(before);

    const agentOnly = await cli(['show'], agentToken(c.id, PERMISSION.CustomerAgent));
    expect(agentOnly.code).toBe(1);
    expect(agentOnly.stderr).toMatch(/Reading the webhook settings needs the customer admin or customer manager permission; this token has: agent\./);
  });
});

describe('webhook show', () => {
  it('shows method, URI and that a secret exists, never the secret unless asked', async () => {
    const c = fullCustomer();
    const secret = emu.getCustomer(c.id)!.webhook_secret;
    const token = agentToken(c.id, PERMISSION.CustomerManager);
    const json = await cli(['show', '--json', '--log-level', 'debug'], token);
    expect(json.code).toBe(0);
    expect(json.lines).toEqual([{ type: 'webhook', method: 'PUT', uri: 'https://old.example.com/hook', enabled: true, secret_set: true }]);
    const human = await cli(['show'], token);
    expect(human.stdout).toBe('method: PUT\nuri:    https://old.example.com/hook\nsigning secret: set (hidden; --show-secret to reveal)\n');
    for (const out of [json.stdout, json.stderr, human.stdout, human.stderr]) expect(out).not.toContain(secret);

    const revealed = await cli(['show', '--json', '--show-secret'], token);
    expect(revealed.lines).toEqual([{ type: 'webhook', method: 'PUT', uri: 'https://old.example.com/hook', enabled: true, secret_set: true, secret }]);
    expect(revealed.stderr).not.toContain(secret);
  });
});
