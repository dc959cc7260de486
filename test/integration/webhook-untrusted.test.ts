import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomerRecord, VoipbinEmulator } from '../../emulator/index.js';
import { PERMISSION, startEmulator } from '../support/harness.js';
import { publicAddressOrSkip, type PublicAddress } from '../support/public-address.js';
import { agentToken, fullCustomer, putBodies, webhookCli } from '../support/webhook-accounts.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * The webhook URI on the account can be set by any admin of it, and a receiver answers what it
 * likes: neither may steer a test delivery into this machine or its network, and no edit may
 * overwrite what another admin changed meanwhile. Real sockets throughout: the "public" receiver
 * sits at a public address given to this machine (support/public-address.ts).
 */
let emu: VoipbinEmulator;
let local: WebhookReceiver;
// Added as the file loads, so the suite knows whether the public-address tests can run.
const pub: PublicAddress | undefined = publicAddressOrSkip();
let remote: WebhookReceiver | undefined;

afterAll(() => pub?.remove());
beforeEach(async () => {
  emu = await startEmulator();
  local = await WebhookReceiver.start();
  remote = pub === undefined ? undefined : await WebhookReceiver.start(pub.address);
});
afterEach(async () => {
  await local.stop();
  await remote?.stop();
  await emu.stop();
});

const admin = (c: CustomerRecord): string => agentToken(emu, c.id, PERMISSION.CustomerAdmin | PERMISSION.CustomerAgent);

describe("webhook test: the account's URI is held to VoIPBIN's delivery policy", () => {
  it.each([
    ['loopback', (port: string) => `http://127.0.0.1:${port}/steal`],
    ['localhost', (port: string) => `http://localhost:${port}/steal`],
    ['IPv4-mapped loopback', (port: string) => `http://[::ffff:127.0.0.1]:${port}/steal`],
    ['IPv4-compatible loopback', (port: string) => `http://[::127.0.0.1]:${port}/steal`],
    ['NAT64 of a private address', () => 'http://[64:ff9b::a00:1]/steal'],
    ['6to4 of loopback', () => 'http://[2002:7f00:1::]/steal'],
    ['site-local', () => 'http://[fec0::1]/steal'],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('a stored %s URI is refused and nothing is sent', async (_what, uri) => {
    const c = fullCustomer(emu, { webhook_uri: uri(new URL(local.url).port), webhook_method: 'POST' });
    const r = await webhookCli(emu, ['test', '--json'], admin(c));
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.lines.at(-1)).toMatchObject({
      type: 'error',
      code: 'webhook_url_refused',
      message: expect.stringMatching(/VoIPBIN will never deliver to this URL/) as unknown,
    });
    expect(local.received).toEqual([]);
  });

  it('the same receiver on this machine may be tested when the user types it (--uri)', async () => {
    const c = fullCustomer(emu, { webhook_uri: `http://127.0.0.1:${new URL(local.url).port}/x` });
    const r = await webhookCli(emu, ['test', '--uri', `${local.url}/typed`, '--json'], admin(c));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(local.received.map((q) => q.path)).toEqual(['/typed']);
  });
});

describe.runIf(pub !== undefined)('webhook test to a receiver at a public address', () => {
  it("delivers a signed sample to the account's webhook with its method, as VoIPBIN would", async () => {
    const c = fullCustomer(emu, { webhook_uri: `${remote!.url}/voipbin/events`, webhook_method: 'PUT' });
    const r = await webhookCli(emu, ['test', '--json'], admin(c));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.lines.at(-1)).toMatchObject({
      type: 'webhook_test',
      method: 'PUT',
      uri: `${remote!.url}/voipbin/events`,
      status: 200,
      verdict: 'delivered',
      signed: true,
    });
    // Public plain http: said, since event data would cross the internet unencrypted.
    expect(r.lines.filter((l) => l.type === 'warning').map((l) => l.code)).toEqual(['insecure_http']);
    expect(remote!.received.map((q) => [q.method, q.path])).toEqual([['PUT', '/voipbin/events']]);
  });

  it('a redirect into this machine is refused; one to another public origin is checked and followed', async () => {
    const c = fullCustomer(emu, { webhook_uri: `${remote!.url}/hook`, webhook_method: 'POST' });
    remote!.respond = (_q, res) => {
      res.writeHead(307, { Location: `${local.url}/internal` });
      res.end();
    };
    const into = await webhookCli(emu, ['test', '--json'], admin(c));
    expect(into.code).toBe(1);
    expect(into.lines.at(-1)).toMatchObject({
      type: 'webhook_test',
      verdict: 'unreachable',
      status: 307,
      error: expect.stringMatching(/redirect to http:\/\/127\.0\.0\.1:\d+\/internal refused: .*loopback/) as unknown,
    });
    expect(local.received).toEqual([]);

    const second = await WebhookReceiver.start(pub!.address);
    try {
      remote!.respond = (_q, res) => {
        res.writeHead(308, { Location: `${second.url}/moved` });
        res.end();
      };
      const onward = await webhookCli(emu, ['test', '--json'], admin(c));
      expect(onward.code, onward.stdout).toBe(0);
      expect(onward.lines.at(-1)).toMatchObject({ verdict: 'delivered', redirects: [`${second.url}/moved`] });
      expect(second.received.map((q) => [q.method, q.path])).toEqual([['POST', '/moved']]);
    } finally {
      await second.stop();
    }
  });
});

describe('webhook set and disable: no lost update', () => {
  it('another admin renaming the account between our two reads is a conflict: nothing is written, their edit stays', async () => {
    const c = fullCustomer(emu);
    emu.afterRest('GET', '/v1.0/customer', (n) => {
      if (n === 1) emu.editCustomer(c.id, { name: 'Renamed by Bo', email: 'bo@acme.example' });
    });
    const r = await webhookCli(emu, ['set', '--uri', 'https://93.184.215.14/new', '--json'], admin(c));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.lines.at(-1)).toMatchObject({
      type: 'error',
      code: 'conflict',
      message: expect.stringMatching(/Someone else changed the account .*\(name, email\)\. Nothing was written/) as unknown,
    });
    expect(putBodies(emu)).toEqual([]);
    expect(emu.getCustomer(c.id)).toMatchObject({ name: 'Renamed by Bo', email: 'bo@acme.example', webhook_uri: 'https://old.example.com/hook' });

    // Tried again, with nobody editing meanwhile, the change goes through on top of theirs.
    const again = await webhookCli(emu, ['set', '--uri', 'https://93.184.215.14/new'], admin(c));
    expect(again.code, again.stderr).toBe(0);
    expect(emu.getCustomer(c.id)).toMatchObject({ name: 'Renamed by Bo', email: 'bo@acme.example', webhook_uri: 'https://93.184.215.14/new' });
  });

  it('a PUT whose answer is lost after it was carried out is confirmed by reading the account back', async () => {
    const c = fullCustomer(emu);
    emu.resetRest('PUT', '/v1.0/customer', { afterHandling: true });
    const r = await webhookCli(emu, ['set', '--uri', 'https://93.184.215.14/new', '--json'], admin(c));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.lines.map((l) => (l.type === 'warning' ? l.code : l.type))).toEqual(['confirmed_by_read_back', 'webhook_updated']);
    expect(emu.getCustomer(c.id)).toMatchObject({ webhook_uri: 'https://93.184.215.14/new', name: c.name });
  });

  it('a PUT lost before it was carried out says so, and that the account is unchanged', async () => {
    const c = fullCustomer(emu);
    emu.resetRest('PUT', '/v1.0/customer', { afterHandling: false });
    const r = await webhookCli(emu, ['set', '--uri', 'https://93.184.215.14/new', '--json'], admin(c));
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toMatchObject({
      type: 'error',
      code: 'network',
      message: expect.stringMatching(/The change was not saved: .*read back and is unchanged; try again\./) as unknown,
    });
    expect(String(r.lines.at(-1)?.message)).not.toMatch(/will be retried/);
    expect(emu.getCustomer(c.id)).toMatchObject({ webhook_uri: 'https://old.example.com/hook' });
  });
});

describe('what others wrote is printed as plain text', () => {
  it('webhook show: a URI with escape sequences and line breaks is one harmless line', async () => {
    const c = fullCustomer(emu, { webhook_uri: 'https://evil.example/\u001b]52;c;cm0gLXJmIH4=\u0007\u001b[2J\nmethod: POST (forged line)' });
    const r = await webhookCli(emu, ['show'], admin(c));
    expect(r.code).toBe(0);
    // eslint-disable-next-line no-control-regex -- asserting the absence of control characters
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('method:'))).toEqual(['method: PUT']);
    expect(r.stdout).toContain('uri:    https://evil.example/ ]52;c;cm0gLXJmIH4= [2J method: POST (forged line)');
  });
});
