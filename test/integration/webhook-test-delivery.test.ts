import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deliverTestWebhook, type DeliveryRequest } from '../../main/core/webhook/test-delivery.js';
import { checkWebhookUrl, type Lookup } from '../../main/core/webhook/url-policy.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

let rx: WebhookReceiver;
beforeEach(async () => {
  rx = await WebhookReceiver.start();
});
afterEach(async () => {
  await rx.stop();
});

const SECRET = 'dtW9AL9X6dvyEkmIrQ4hZG_NVmoCw_G4';
const BODY = '{"type":"call_hangup","data":{"id":"c1","status":"hangup"}}';

/** What a receiver does: HMAC the raw bytes with the shared secret and compare in constant time. */
function verifies(signature: string | string[] | undefined, body: Buffer, secret: string): boolean {
  if (typeof signature !== 'string' || !signature.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('hex'));
  const got = Buffer.from(signature.slice('sha256='.length));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** A typed --uri on this machine, checked as `webhook test` checks it, then delivered. */
async function send(over: Partial<DeliveryRequest> = {}, uri = `${rx.url}/hook?src=voipbin`): Promise<Awaited<ReturnType<typeof deliverTestWebhook>>> {
  const target = await checkWebhookUrl(uri, { allowLoopback: true });
  return deliverTestWebhook({ target, method: 'POST', body: BODY, secret: SECRET, ...over });
}

describe('deliverTestWebhook over real loopback HTTP', () => {
  it('sends the body byte for byte with the headers VoIPBIN sends, signed with the secret', async () => {
    const r = await send();
    expect(r).toMatchObject({ verdict: 'delivered', status: 200, signed: true, redirects: [], responseExcerpt: 'ok' });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.latencyMs).toBeLessThan(5_000);
    const got = rx.received[0]!;
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/hook?src=voipbin');
    expect(got.body.toString('utf8')).toBe(BODY);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength(BODY)));
    expect(verifies(got.headers['x-voipbin-signature'], got.body, SECRET)).toBe(true);
    expect(verifies(got.headers['x-voipbin-signature'], got.body, 'another-secret')).toBe(false);
  });

  it('carries the body on GET and DELETE too, as Go does', async () => {
    await send({ method: 'GET' });
    await send({ method: 'DELETE' });
    expect(rx.received.map((x) => [x.method, x.body.toString('utf8')])).toEqual([
      ['GET', BODY],
      ['DELETE', BODY],
    ]);
  });

  it('sends no signature header when the account has no secret', async () => {
    const r = await send({ secret: undefined });
    expect(r.signed).toBe(false);
    expect(rx.received[0]!.headers['x-voipbin-signature']).toBeUndefined();
  });

  it('4xx: VoIPBIN stops (counts it delivered), so the verdict is "rejected", with what the receiver said', async () => {
    rx.respond = (_q, res) => {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end('{"error":"bad signature"}');
    };
    const r = await send();
    expect(r).toMatchObject({ verdict: 'rejected', status: 401, responseExcerpt: '{"error":"bad signature"}' });
    expect(r.explanation).toMatch(/never retries/);
  });

  it('5xx: VoIPBIN would retry', async () => {
    rx.respond = (_q, res) => {
      res.writeHead(503);
      res.end();
    };
    const r = await send();
    expect(r).toMatchObject({ verdict: 'would_retry', status: 503 });
    expect(r.explanation).toMatch(/3 times, 1 s apart/);
    expect(rx.received).toHaveLength(1);
  });

  it('no listener: unreachable', async () => {
    const uri = `${rx.url}/hook`;
    await rx.stop();
    rx = await WebhookReceiver.start();
    const r = await send({}, uri);
    // The old port is closed (the new receiver got another one).
    expect(r).toMatchObject({ verdict: 'unreachable', status: undefined });
    expect(r.error).toMatch(/ECONNREFUSED/);
  });

  it('a receiver that never answers: timeout', async () => {
    rx.respond = () => undefined;
    const r = await send({ headersTimeoutMs: 200, totalTimeoutMs: 1_000 });
    expect(r).toMatchObject({ verdict: 'timeout', status: undefined });
    expect(r.latencyMs).toBeGreaterThanOrEqual(190);
    expect(r.latencyMs).toBeLessThan(1_000);
  });

  it('a receiver that sends headers but never finishes the body: timeout at the total limit', async () => {
    rx.respond = (_q, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('partial');
    };
    const r = await send({ headersTimeoutMs: 1_000, totalTimeoutMs: 300 });
    expect(r.verdict).toBe('timeout');
  });

  it('follows 307 with method and body, 302 as a GET without body, and at most 2 redirects', async () => {
    rx.respond = (q, res) => {
      if (q.path === '/a') res.writeHead(307, { Location: '/b' });
      else if (q.path === '/b') res.writeHead(302, { Location: `${rx.url}/c` });
      else res.writeHead(204);
      res.end();
    };
    const r = await send({}, `${rx.url}/a`);
    expect(r).toMatchObject({ verdict: 'delivered', status: 204, redirects: [`${rx.url}/b`, `${rx.url}/c`] });
    expect(rx.received.map((x) => [x.path, x.method, x.body.length > 0])).toEqual([
      ['/a', 'POST', true],
      ['/b', 'POST', true],
      ['/c', 'GET', false],
    ]);
    expect(verifies(rx.received[1]!.headers['x-voipbin-signature'], rx.received[1]!.body, SECRET)).toBe(true);

    rx.received.length = 0;
    rx.respond = (q, res) => {
      res.writeHead(308, { Location: `/loop${rx.received.length}` });
      res.end();
    };
    const loop = await send({}, `${rx.url}/loop`);
    expect(loop.verdict).toBe('unreachable');
    expect(loop.error).toMatch(/2 redirects/);
    expect(rx.received).toHaveLength(3);
  });

  it('a receiver on this machine may redirect only within its own origin: another local service never gets the signed request', async () => {
    const other = await WebhookReceiver.start();
    try {
      for (const location of [`${other.url}/admin`, `http://localhost:${new URL(rx.url).port}/same-port-other-host`, 'http://10.0.0.5/internal']) {
        rx.received.length = 0;
        rx.respond = (_q, res) => {
          res.writeHead(307, { Location: location });
          res.end();
        };
        const r = await send();
        expect(r.verdict, location).toBe('unreachable');
        expect(r.error, location).toMatch(/on this machine redirected to another origin.*refused/);
        expect(r.responseExcerpt, location).toBeUndefined();
        expect(rx.received, location).toHaveLength(1);
      }
      expect(other.received).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it('connects to the address the policy checked, not to what a second lookup says (DNS rebinding)', async () => {
    // The name exists only in this resolver: any second lookup by the HTTP stack would fail (ENOTFOUND).
    let asked = 0;
    const rebinding: Lookup = (host) => {
      asked++;
      return host === 'rebind.voipbin-test.invalid' ? Promise.resolve(['127.0.0.1']) : Promise.reject(new Error('ENOTFOUND'));
    };
    const target = await checkWebhookUrl(`http://rebind.voipbin-test.invalid:${new URL(rx.url).port}/pinned`, { allowLoopback: true, lookup: rebinding });
    const r = await deliverTestWebhook({ target, method: 'POST', body: BODY, secret: SECRET, lookup: rebinding });
    expect(r).toMatchObject({ verdict: 'delivered', status: 200 });
    expect(rx.received[0]).toMatchObject({
      path: '/pinned',
      headers: expect.objectContaining({ host: `rebind.voipbin-test.invalid:${new URL(rx.url).port}` }) as unknown,
    });
    expect(asked).toBe(1);
  });

  it('a host that does not resolve is not connected to at all', async () => {
    const target = await checkWebhookUrl('http://nowhere.voipbin-test.invalid/x', {
      lookup: () => Promise.reject(new Error('getaddrinfo ENOTFOUND nowhere.voipbin-test.invalid')),
    });
    expect(target.addresses).toEqual([]);
    const r = await deliverTestWebhook({ target, method: 'POST', body: BODY, secret: SECRET });
    expect(r).toMatchObject({
      verdict: 'unreachable',
      status: undefined,
      error: expect.stringMatching(/does not resolve from here; nothing was sent/) as unknown,
    });
  });
});
