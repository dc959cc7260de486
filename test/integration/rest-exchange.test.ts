import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { RestClient, parseCredential, resolveApiUrl } from '../../main/core/api/index.js';
import { login } from '../../main/core/account/index.js';
import { isNotifierError } from '../../main/core/platform/index.js';

/**
 * REST and sign-in go over node:http, not fetch: what fetch did for us (no redirects followed,
 * a deadline for the whole exchange, connections reused) is done here, and a hostile server
 * cannot make us buffer without bound. Real loopback servers.
 */
const KEY = 'vb_restexchangetestkey';

interface Loopback {
  url: string;
  requests: IncomingMessage[];
  connections: number;
  server: Server;
}

const open: Server[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Loopback> {
  const lb: Loopback = { url: '', requests: [], connections: 0, server: createServer() };
  lb.server.on('connection', () => lb.connections++);
  lb.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    lb.requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((r) => lb.server.listen(0, '127.0.0.1', r));
  open.push(lb.server);
  lb.url = `http://127.0.0.1:${(lb.server.address() as AddressInfo).port}`;
  return lb;
}

function client(url: string, timeoutMs?: number): RestClient {
  return new RestClient({ endpoints: resolveApiUrl(url), credential: parseCredential(KEY, 'accesskey'), timeoutMs });
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (!isNotifierError(e)) throw e;
    return { code: e.code, message: e.userMessage };
  }
  throw new Error('it did not fail');
}

describe('REST over node:http', () => {
  it('a redirect is not followed: the credential never reaches where it points, and the message says where', async () => {
    const elsewhere = await serve((_q, s) => s.end('{}'));
    const api = await serve((_q, s) => {
      s.writeHead(301, { Location: `${elsewhere.url}/v1.0/customer` });
      s.end();
    });
    const f = await failure(client(api.url).get('/customer', z.unknown()));
    expect(f.code).toBe('network');
    expect(f.message).toBe(
      `Cannot reach VoIPBIN at ${api.url} (reading the account): it redirects to ${elsewhere.url}, and redirects are not followed because they would carry your credential along (check the API URL).`,
    );
    expect(elsewhere.requests).toHaveLength(0);
    expect(api.requests[0]!.headers.cookie).toBe(`accesskey=${KEY}`);
  });

  it('sign-in is never redirected either: the password goes nowhere else', async () => {
    const elsewhere = await serve((_q, s) => s.end('{}'));
    const api = await serve((_q, s) => {
      s.writeHead(307, { Location: `${elsewhere.url}/auth/login` });
      s.end();
    });
    const f = await failure(login(resolveApiUrl(api.url), 'agent@example.com', 'pw-never-elsewhere'));
    expect(f.message).toBe(
      `Cannot sign in at ${api.url}: it redirects to ${elsewhere.url}, and a redirect is not followed with a password (check the API URL).`,
    );
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('a body past 16 MB is cut off and refused as a bad answer, not buffered', async () => {
    const chunk = Buffer.alloc(1_048_576, 0x20);
    let written = 0;
    const api = await serve((_q, s) => {
      s.writeHead(200, { 'Content-Type': 'application/json' });
      const more = (): void => {
        while (written < 64) {
          written++;
          if (!s.write(chunk)) return void s.once('drain', more);
        }
        s.end();
      };
      more();
    });
    const f = await failure(client(api.url).get('/customer', z.unknown()));
    expect(f).toEqual({ code: 'bad_response', message: "While reading the account, VoIPBIN's answer was too large (the answer is larger than 16 MB)." });
    expect(written).toBeLessThan(64);
  });

  it('the deadline covers the whole answer: a server that trickles its body is given up on', async () => {
    const api = await serve((_q, s) => {
      s.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      const t = setInterval(() => s.write(' '), 100);
      s.on('close', () => clearInterval(t));
    });
    const f = await failure(client(api.url, 1_000).get('/customer', z.unknown()));
    expect(f.message).toBe(`Cannot reach VoIPBIN at ${api.url} (reading the account): no answer within 1 s.`);
  });

  it('an answer cut short by the server is a network failure that says so', async () => {
    const api = await serve((_q, s) => {
      s.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      s.write('{"id":', () => s.socket?.destroy());
    });
    const f = await failure(client(api.url).get('/customer', z.unknown()));
    expect(f.code).toBe('network');
    expect(f.message).toMatch(/^Cannot reach VoIPBIN at .* \(reading the account\): .*(closed before the whole answer arrived|aborted|ECONNRESET).*\.$/);
  });

  it('requests one after another share one kept-alive connection', async () => {
    const api = await serve((_q, s) => {
      s.setHeader('Content-Type', 'application/json');
      s.end('{"id":"c1"}');
    });
    const rest = client(api.url);
    for (let i = 0; i < 3; i++) expect(await rest.get('/customer', z.object({ id: z.string() }))).toEqual({ id: 'c1' });
    expect(api.requests).toHaveLength(3);
    expect(api.connections).toBe(1);
  });

  it('a JSON body is sent whole, with its length, and a non-ASCII answer decoded as UTF-8', async () => {
    let received = '';
    const api = await serve((q, s) => {
      q.setEncoding('utf8');
      q.on('data', (d: string) => (received += d));
      q.on('end', () => {
        s.setHeader('Content-Type', 'application/json');
        s.end(JSON.stringify({ name: 'Zoë 東京 ☎' }));
      });
    });
    const answer = await client(api.url).put('/customer', { name: 'Zoë 東京 ☎' }, z.object({ name: z.string() }));
    expect(answer).toEqual({ name: 'Zoë 東京 ☎' });
    expect(JSON.parse(received)).toEqual({ name: 'Zoë 東京 ☎' });
    expect(api.requests[0]!.headers['content-length']).toBe(String(Buffer.byteLength(received)));
  });
});
