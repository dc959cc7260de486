import { createServer as createHttpServer } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestClient, parseCredential, resolveApiUrl } from '../../main/core/api/index.js';
import { createLogger, describeNetworkError, isNotifierError } from '../../main/core/platform/index.js';
import { Listener } from '../../main/core/stream/index.js';
import { FAST_STREAM, PERMISSION, Recorder } from '../support/harness.js';
import { runCli } from '../support/cli-process.js';
import { closedLoopbackPort, startBlackHole, type BlackHole } from '../support/loopback.js';

/**
 * A connection that fails says why, in words and with the code a support engineer searches for:
 * never a bare "fetch failed". Real sockets: a closed port, a name that does not resolve, a TLS
 * server with a self-signed certificate, and a server that never answers.
 */
const KEY = 'vb_networkerrorstestkey';
const TLS_DIR = new URL('../support/tls/', import.meta.url);

let tls: TlsServer;
let tlsUrl: string;
let silent: BlackHole;
let closedUrl: string;

beforeAll(async () => {
  tls = createTlsServer(
    { key: readFileSync(new URL('self-signed.key.pem', TLS_DIR)), cert: readFileSync(new URL('self-signed.cert.pem', TLS_DIR)) },
    (_req, res) => {
      res.end('{}');
    },
  );
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  silent = await startBlackHole();
  closedUrl = `http://127.0.0.1:${await closedLoopbackPort()}`;
});
afterAll(async () => {
  tls.closeAllConnections();
  await new Promise<void>((r) => tls.close(() => r()));
  await silent.close();
});

async function restFailure(apiUrl: string, timeoutMs?: number): Promise<string> {
  const rest = new RestClient({ endpoints: resolveApiUrl(apiUrl), credential: parseCredential(KEY, 'accesskey'), timeoutMs });
  try {
    await rest.get('/customer', z.unknown());
  } catch (e) {
    if (!isNotifierError(e)) throw e;
    expect(e.code).toBe('network');
    return e.userMessage;
  }
  throw new Error('the request did not fail');
}

describe('REST: the cause of a failed request is named', () => {
  it('a closed port: refused, ECONNREFUSED', async () => {
    const m = await restFailure(closedUrl);
    expect(m).toMatch(
      /^Cannot reach VoIPBIN at http:\/\/127\.0\.0\.1:\d+ \(reading the account\): the connection was refused \(nothing is listening there\) \(ECONNREFUSED\)\.$/,
    );
  });

  it('a host name that does not resolve: ENOTFOUND (or EAI_AGAIN where no DNS answers), with the name', async () => {
    const m = await restFailure('https://no-such-host.invalid');
    expect(m).toMatch(/the host name no-such-host\.invalid (was not found|could not be looked up).*\((ENOTFOUND|EAI_AGAIN)\)/);
  });

  it('a self-signed certificate: what is wrong with it, its code, and what to do for a private CA', async () => {
    const m = await restFailure(tlsUrl);
    expect(m).toContain('the server presents a self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)');
    expect(m).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('https:// to a plain-http server: the handshake failure, named, with the likely mistake', async () => {
    const plain = createHttpServer((_req, res) => res.end('{}'));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    try {
      const m = await restFailure(`https://127.0.0.1:${(plain.address() as AddressInfo).port}`);
      expect(m).toMatch(
        /the TLS handshake failed \(is the API URL https:\/\/ for a server that speaks plain http\?\) \((ERR_SSL_WRONG_VERSION_NUMBER|EPROTO)\)/,
      );
    } finally {
      plain.closeAllConnections();
      await new Promise<void>((r) => plain.close(() => r()));
    }
  });

  it('a server that never answers: no answer within the time allowed', async () => {
    const m = await restFailure(silent.url, 1_000);
    expect(m).toMatch(/\(reading the account\): no answer within 1 s\.$/);
  });

  it('of one attempt per address, the one that is not "no route" is told (IPv6 unroutable, IPv4 refused)', () => {
    const unroutable = Object.assign(new Error('connect ENETUNREACH 2001:db8::1:443'), { code: 'ENETUNREACH' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 192.0.2.1:443'), { code: 'ECONNREFUSED' });
    const failed = new TypeError('fetch failed', { cause: new AggregateError([unroutable, refused]) });
    expect(describeNetworkError(failed)).toBe('the connection was refused (nothing is listening there) (ECONNREFUSED)');
  });

  it('never a bare "fetch failed"', async () => {
    for (const url of [closedUrl, tlsUrl, 'https://no-such-host.invalid']) expect(await restFailure(url)).not.toMatch(/fetch failed/);
  });
});

describe('the event stream and the command say the same', () => {
  it('wss:// to a self-signed server: the reconnecting state names the certificate problem', async () => {
    const endpoints = resolveApiUrl(tlsUrl);
    const credential = parseCredential(KEY, 'accesskey');
    const customerId = '4f2a9c1e-3b7d-4e8a-9f10-2c5d6e7f8a9b';
    const listener = new Listener({
      endpoints,
      credential,
      identity: { kind: 'accesskey', customerId, customerName: undefined, permission: PERMISSION.CustomerAdmin, expiresAt: undefined },
      topics: [`customer_id:${customerId}:call:call_`],
      logger: createLogger({ level: 'silent' }),
      rest: new RestClient({ endpoints, credential }),
      stream: FAST_STREAM,
    });
    const rec = new Recorder(listener);
    listener.start();
    try {
      await rec.until('a reconnecting state', () => rec.seen.state.some((s) => s.to.state === 'reconnecting'));
      const retry = rec.seen.state.find((s) => s.to.state === 'reconnecting')!.to;
      expect(retry).toMatchObject({
        reason: expect.stringContaining('the server presents a self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)') as unknown,
      });
    } finally {
      await listener.close();
    }
  });

  it('whoami against a closed port: one line that names the cause', async () => {
    const r = await runCli(['whoami', '--api-url', closedUrl], { VOIPBIN_ACCESSKEY: KEY });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^error: Cannot reach VoIPBIN at .*the connection was refused .*\(ECONNREFUSED\)\.\n$/);
  });
});
