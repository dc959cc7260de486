import type { IncomingMessage } from 'node:http';
import { apiErrorFrom, type CredentialKind } from '../api/index.js';
import { NotifierError, type ErrorCode } from '../platform/index.js';

/**
 * What a refused WebSocket upgrade means. VoIPBIN answers a refused upgrade with a plain HTTP
 * response and its error envelope (PROTOCOL.md §1.2); a 2xx without an upgrade is a delegate
 * token, which authenticates but may not stream.
 */

/** Failures that retrying cannot fix: the user (or an admin) must act. */
const FATAL: ReadonlySet<ErrorCode> = new Set(['auth_failed', 'account_frozen', 'account_expired', 'account_deleted', 'forbidden', 'unsupported_token']);

export function isFatal(e: NotifierError): boolean {
  return FATAL.has(e.code);
}

/** Reads (at most 64 KiB of) the refusal and turns it into a typed error. */
export async function readRefusal(res: IncomingMessage, credential: CredentialKind): Promise<NotifierError> {
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, 2_000);
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 64 * 1024) chunks.push(chunk);
    });
    res.on('end', done);
    res.on('error', done);
    res.on('aborted', done);
  });
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) {
    // A delegate token passes authentication but the handler refuses it without a word (§1.2).
    return new NotifierError(
      'unsupported_token',
      'VoIPBIN accepted the credentials but refused the event stream (delegate tokens cannot use it). Use an agent sign-in or an access key.',
    );
  }
  const header = (name: string): string | undefined => {
    const v = res.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return apiErrorFrom(
    { status, body: Buffer.concat(chunks).toString('utf8'), retryAfter: header('retry-after'), requestId: header('x-request-id') },
    'the event stream connection',
    credential,
  );
}
