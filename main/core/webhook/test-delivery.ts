import { createHmac } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describeError, redactor } from '../platform/index.js';
import { checkWebhookUrl, reservedAddress, type CheckedWebhookUrl, type Lookup } from './url-policy.js';

/**
 * One webhook delivery made exactly as VoIPBIN's webhook sender makes it (bin-webhook-manager
 * message.go, main.go; PROTOCOL.md §5): the configured method verbatim (GET and DELETE carry the
 * body too), `Content-Type: application/json`, `X-VoIPBIN-Signature: sha256=<hex HMAC-SHA256 of
 * the raw body>` when the customer has a secret, no other custom headers, at most 2 redirects,
 * 15 s to response headers and 30 s in all. Then the verdict VoIPBIN would reach: it retries
 * (3 attempts, 1 s apart) only on transport errors and 5xx; 2xx, 3xx and 4xx end delivery.
 *
 * The URL may have been set by any admin of the account, and the receiver's answers are its
 * own: every hop connects only to the addresses the URL policy checked for it (no second DNS
 * lookup that a rebinding name could answer differently), a redirect to another origin is
 * checked like a first hop, and a receiver on this machine (a typed --uri) may redirect only
 * within its own origin.
 */
export const SIGNATURE_HEADER = 'X-VoIPBIN-Signature';
export const VOIPBIN_ATTEMPTS = 3;

export function signWebhookBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export type DeliveryVerdict = 'delivered' | 'rejected' | 'would_retry' | 'unreachable' | 'timeout';

export interface DeliveryResult {
  verdict: DeliveryVerdict;
  /** Final HTTP status; undefined when no response came. */
  status: number | undefined;
  /** Until the final response's headers, or until the failure. */
  latencyMs: number;
  /** URLs followed after redirects, if any. */
  redirects: string[];
  signed: boolean;
  /** First bytes of the receiver's reply, redacted: often says why it refused. */
  responseExcerpt: string | undefined;
  error: string | undefined;
  /** One sentence for a person. */
  explanation: string;
}

export interface DeliveryRequest {
  /** The URL as the policy checked it (checkWebhookUrl with requireAddress), with the addresses it may connect to. */
  target: CheckedWebhookUrl;
  method: string;
  body: string;
  secret: string | undefined;
  totalTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** For vetting redirect targets. */
  lookup?: Lookup;
}

/** Connects to the checked addresses only, whatever DNS would say now. */
function pinnedLookup(addresses: readonly string[]): LookupFunction {
  const list = addresses.map((address) => ({ address, family: isIP(address) }));
  return (_hostname, options, callback) => {
    if (options.all === true) {
      callback(null, list);
      return;
    }
    const pick = list.find((a) => options.family === undefined || options.family === 0 || a.family === options.family) ?? list[0];
    if (pick === undefined) callback(Object.assign(new Error('no checked address to connect to'), { code: 'ENOTFOUND' }), '', 0);
    else callback(null, pick.address, pick.family);
  };
}

const MAX_REDIRECTS = 2;
const EXCERPT_BYTES = 300;

class DeliveryTimeout extends Error {
  constructor(
    readonly phase: 'headers' | 'total',
    readonly ms: number,
  ) {
    super(phase === 'headers' ? `no response headers within ${ms / 1000} s` : `no complete response within ${ms / 1000} s`);
  }
}

interface Hop {
  status: number;
  /** performance.now() when the headers arrived. */
  headersAt: number;
  location: string | undefined;
  excerpt: string;
}

function send(
  target: CheckedWebhookUrl,
  method: string,
  body: Buffer | undefined,
  headers: Record<string, string>,
  deadline: { signal: AbortSignal; headersTimeoutMs: number },
): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const url = target.url;
    const requester = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = requester(url, {
      method,
      headers: { ...headers, ...(body !== undefined ? { 'Content-Length': String(body.length) } : {}) },
      signal: deadline.signal,
      // A fresh connection per attempt, as a first delivery would have.
      agent: false,
      lookup: pinnedLookup(target.addresses),
    });
    const headersTimer = setTimeout(() => req.destroy(new DeliveryTimeout('headers', deadline.headersTimeoutMs)), deadline.headersTimeoutMs);
    req.on('error', (e) => {
      clearTimeout(headersTimer);
      reject(deadline.signal.aborted && deadline.signal.reason instanceof DeliveryTimeout ? deadline.signal.reason : e);
    });
    req.on('response', (res: IncomingMessage) => {
      clearTimeout(headersTimer);
      const headersAt = performance.now();
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (c: Buffer) => {
        if (kept < EXCERPT_BYTES) {
          chunks.push(c);
          kept += c.length;
        }
      });
      res.on('error', (e) => reject(deadline.signal.aborted && deadline.signal.reason instanceof DeliveryTimeout ? deadline.signal.reason : e));
      res.on('close', () => {
        if (!res.complete)
          reject(
            deadline.signal.aborted && deadline.signal.reason instanceof DeliveryTimeout
              ? deadline.signal.reason
              : new Error('the receiver closed the connection mid-response'),
          );
      });
      res.on('end', () => {
        const location = res.headers.location;
        resolve({
          status: res.statusCode ?? 0,
          headersAt,
          location: typeof location === 'string' ? location : undefined,
          excerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8'),
        });
      });
    });
    req.end(body);
  });
}

function explain(verdict: DeliveryVerdict, status: number | undefined, error: string | undefined): string {
  const retry = `VoIPBIN would try ${VOIPBIN_ATTEMPTS} times, 1 s apart, and then drop the event`;
  switch (verdict) {
    case 'delivered':
      return status !== undefined && status >= 300
        ? `The receiver answered ${status}; VoIPBIN counts any status below 500 as delivered and does not retry.`
        : `The receiver accepted the event (HTTP ${status ?? '?'}).`;
    case 'rejected':
      return `The receiver refused the event (HTTP ${status ?? '?'}). VoIPBIN counts a 4xx as delivered and never retries, so such events are lost: check the path, authentication and signature verification of the receiver.`;
    case 'would_retry':
      return `The receiver failed with HTTP ${status ?? '?'}; ${retry}.`;
    case 'timeout':
      return `The receiver did not answer in time (${error ?? 'timeout'}); ${retry}.`;
    case 'unreachable':
      return `The receiver could not be reached (${error ?? 'network error'}); ${retry}.`;
  }
}

function verdictFor(status: number): DeliveryVerdict {
  if (status >= 500) return 'would_retry';
  if (status >= 400) return 'rejected';
  return 'delivered';
}

/** Go's client: 307/308 replay method and body; 301/302/303 drop the body and switch to GET (HEAD stays HEAD). */
function methodAfterRedirect(status: number, method: string): { method: string; keepBody: boolean } {
  if (status === 307 || status === 308) return { method, keepBody: true };
  return { method: method === 'GET' || method === 'HEAD' ? method : 'GET', keepBody: false };
}

export async function deliverTestWebhook(req: DeliveryRequest): Promise<DeliveryResult> {
  redactor.add(req.secret);
  const totalTimeoutMs = req.totalTimeoutMs ?? 30_000;
  const headersTimeoutMs = Math.min(req.headersTimeoutMs ?? 15_000, totalTimeoutMs);
  const raw = Buffer.from(req.body, 'utf8');
  const signed = req.secret !== undefined && req.secret !== '';
  // Go's default User-Agent: what the receiver (and any firewall in front of it) will see from VoIPBIN.
  const baseHeaders: Record<string, string> = { 'User-Agent': 'Go-http-client/1.1', 'Content-Type': 'application/json' };
  if (signed) baseHeaders[SIGNATURE_HEADER] = signWebhookBody(req.secret ?? '', raw);

  const controller = new AbortController();
  const totalTimer = setTimeout(() => controller.abort(new DeliveryTimeout('total', totalTimeoutMs)), totalTimeoutMs);
  const started = performance.now();
  const redirects: string[] = [];
  let target = req.target;
  // A typed --uri on this machine: the only hop that was allowed to be local.
  const local = target.addresses.length > 0 && target.addresses.every((ip) => reservedAddress(ip)?.loopback === true);
  let method = req.method;
  let body: Buffer | undefined = raw;
  const result = (
    verdict: DeliveryVerdict,
    status: number | undefined,
    excerpt: string | undefined,
    error: string | undefined,
    at = performance.now(),
  ): DeliveryResult => ({
    verdict,
    status,
    latencyMs: Math.round(at - started),
    redirects,
    signed,
    responseExcerpt: excerpt === undefined || excerpt.trim() === '' ? undefined : redactor.redact(excerpt.trim()),
    error: error === undefined ? undefined : redactor.redact(error),
    explanation: redactor.redact(explain(verdict, status, error)),
  });

  try {
    if (target.addresses.length === 0)
      return result('unreachable', undefined, undefined, `${target.url.hostname} does not resolve from here; nothing was sent`);
    for (let hop = 0; ; hop++) {
      let reply: Hop;
      try {
        reply = await send(target, method, body, baseHeaders, {
          signal: controller.signal,
          headersTimeoutMs,
        });
      } catch (e) {
        if (e instanceof DeliveryTimeout) return result('timeout', undefined, undefined, e.message);
        return result('unreachable', undefined, undefined, describeError(e));
      }
      const isRedirect = [301, 302, 303, 307, 308].includes(reply.status) && reply.location !== undefined;
      if (!isRedirect) return result(verdictFor(reply.status), reply.status, reply.excerpt, undefined, reply.headersAt);
      if (hop >= MAX_REDIRECTS) {
        // Go's CheckRedirect error surfaces as a transport error, which VoIPBIN retries.
        return result('unreachable', reply.status, undefined, `stopped after ${MAX_REDIRECTS} redirects (VoIPBIN follows at most ${MAX_REDIRECTS})`);
      }
      let next: URL;
      try {
        next = new URL(reply.location ?? '', target.url);
      } catch {
        return result('unreachable', reply.status, undefined, 'the receiver redirected to something that is not a URL');
      }
      if (next.origin === target.url.origin) {
        // Same scheme, host and port: the addresses already checked.
        target = { url: next, addresses: target.addresses, warnings: [] };
      } else if (local) {
        return result(
          'unreachable',
          reply.status,
          undefined,
          `the receiver on this machine redirected to another origin (${next.origin}); a local test never leaves its own receiver, so the redirect was refused`,
        );
      } else {
        try {
          target = await checkWebhookUrl(next.href, { requireAddress: true, lookup: req.lookup });
        } catch (e) {
          return result('unreachable', reply.status, undefined, `redirect to ${next.href} refused: ${describeError(e)}`);
        }
      }
      redirects.push(next.href);
      const after = methodAfterRedirect(reply.status, method);
      method = after.method;
      if (!after.keepBody) body = undefined;
    }
  } finally {
    clearTimeout(totalTimer);
  }
}
