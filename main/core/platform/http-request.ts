import { request as plainRequest, type IncomingMessage } from 'node:http';
import { request as tlsRequest } from 'node:https';

/**
 * One HTTP exchange over node:http/https, for VoIPBIN's REST API and sign-in. Not fetch():
 * undici compiles its WebAssembly HTTP parser on the first fetch, ~15 MB of resident memory for a
 * process that otherwise holds one socket — and fetch's extras (cookies it does not keep anyway,
 * redirects we refuse, decompression of answers we never ask to be compressed) are all switched
 * off here. Node's global agents keep connections alive for 5 s, as fetch did.
 */
export interface HttpExchange {
  method: string;
  url: URL;
  headers: Readonly<Record<string, string>>;
  body?: string | undefined;
  /** For the whole exchange, answer included: a server that trickles its body is given up on too. */
  timeoutMs: number;
  /** A REST answer is written by someone else: past this many bytes it is refused, not buffered. */
  maxBytes?: number;
}

export interface HttpAnswer {
  status: number;
  text: string;
  header(name: string): string | null;
}

/** The name describeNetworkError reads as "no answer within N s". */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** An answer longer than maxBytes; the exchange is cut, the rest never read. */
export class AnswerTooLargeError extends Error {
  override readonly name = 'AnswerTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`the answer is larger than ${Math.round(maxBytes / 1_048_576)} MB`);
  }
}

const DEFAULT_MAX_BYTES = 16 * 1_048_576;

export function httpExchange(x: HttpExchange): Promise<HttpAnswer> {
  const maxBytes = x.maxBytes ?? DEFAULT_MAX_BYTES;
  const send = x.url.protocol === 'https:' ? tlsRequest : plainRequest;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const headers: Record<string, string | number> = { ...x.headers };
    if (x.body !== undefined) headers['Content-Length'] = Buffer.byteLength(x.body);
    const req = send(x.url, { method: x.method, headers });
    // Why we cut the exchange, told whichever of the request's and the answer's events comes first.
    let cut: Error | undefined;
    const cutWith = (e: Error): void => {
      cut = e;
      req.destroy(e);
    };
    const timer = setTimeout(() => cutWith(new TimeoutError(`no answer within ${x.timeoutMs} ms`)), x.timeoutMs);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      reject(cut ?? e);
    };
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          cutWith(new AnswerTooLargeError(maxBytes));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail(new Error('the connection closed before the whole answer arrived'));
      });
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, text, header: (name) => oneHeader(res, name) });
      });
    });
    req.end(x.body);
  });
}

function oneHeader(res: IncomingMessage, name: string): string | null {
  const v = res.headers[name.toLowerCase()];
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(', ') : v;
}

/** A redirect is never followed (it would replay the credential wherever it points); where it pointed helps the user fix the URL. */
export function redirectTarget(answer: HttpAnswer, from: URL): string | undefined {
  if (answer.status < 300 || answer.status >= 400) return undefined;
  const location = answer.header('location');
  if (location === null) return 'elsewhere';
  try {
    return new URL(location, from).origin;
  } catch {
    return 'elsewhere';
  }
}
