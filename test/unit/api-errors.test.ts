import { describe, expect, it } from 'vitest';
import { apiErrorFrom, parseRetryAfter } from '../../main/core/api/api-errors.js';
import { requestWords } from '../../main/core/api/rest-client.js';

const env = (status: string, reason: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ error: { status, reason, message: 'm', request_id: 'r-1', ...extra } });

describe('VoIPBIN error envelopes', () => {
  it('maps statuses to codes a user can act on', () => {
    expect(apiErrorFrom({ status: 401, body: env('UNAUTHENTICATED', 'INVALID_CREDENTIALS'), retryAfter: null, requestId: null }, 'x').code).toBe('auth_failed');
    const frozen = apiErrorFrom(
      {
        status: 403,
        body: env('PERMISSION_DENIED', 'ACCOUNT_FROZEN', { details: [{ deletion_effective_at: '2026-12-30T00:00:00Z' }] }),
        retryAfter: null,
        requestId: null,
      },
      'x',
    );
    expect(frozen.code).toBe('account_frozen');
    expect(frozen.userMessage).toMatch(/frozen.*2026-12-30/);
    expect(apiErrorFrom({ status: 403, body: env('PERMISSION_DENIED', 'AGENT_AUTH_REQUIRED'), retryAfter: null, requestId: null }, 'x').code).toBe('forbidden');
    const limited = apiErrorFrom({ status: 429, body: env('RESOURCE_EXHAUSTED', 'RATE_LIMIT_EXCEEDED'), retryAfter: '7', requestId: null }, 'x');
    expect([limited.code, limited.retryAfterMs, limited.requestId]).toEqual(['rate_limited', 7000, 'r-1']);
    expect(apiErrorFrom({ status: 502, body: '<html>', retryAfter: null, requestId: 'h' }, 'x')).toMatchObject({ code: 'server_error', requestId: 'h' });
    expect(apiErrorFrom({ status: 400, body: '', retryAfter: null, requestId: null }, 'x').code).toBe('invalid_request');
  });

  it('blocked accounts: expired and deleted stop like frozen, each saying what to do', () => {
    const expired = apiErrorFrom(
      {
        status: 403,
        body: env('PERMISSION_DENIED', 'ACCOUNT_EXPIRED', { details: [{ recovery_endpoint: 'POST /auth/email-verify-resend' }] }),
        retryAfter: null,
        requestId: null,
      },
      'reading the account',
    );
    expect(expired.code).toBe('account_expired');
    expect(expired.userMessage).toMatch(
      /account has expired.*reading the account is refused.*confirm the account's email address \(VoIPBIN can send the confirmation again: POST \/auth\/email-verify-resend\)/,
    );
    const deleted = apiErrorFrom({ status: 403, body: env('PERMISSION_DENIED', 'ACCOUNT_DELETED'), retryAfter: null, requestId: null }, 'x');
    expect(deleted.code).toBe('account_deleted');
    expect(deleted.userMessage).toMatch(/has been deleted.*Ask your administrator/);
  });

  it('a 5xx promises nothing about retrying (a PUT is never retried), and server text stays one plain line', () => {
    expect(apiErrorFrom({ status: 503, body: '', retryAfter: null, requestId: null }, 'saving the account').userMessage).toBe(
      'VoIPBIN had a server error (503) while saving the account.',
    );
    const hostile = apiErrorFrom(
      { status: 403, body: JSON.stringify({ error: { reason: 'X', message: 'nope\u001b[2J\nforged line' } }), retryAfter: null, requestId: null },
      'x',
    );
    expect(hostile.userMessage).toBe('VoIPBIN refused x: nope [2J forged line.');
  });
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000 + 5_000).toUTCString(), 10_000)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('requests are named in words', () => {
  it.each([
    ['GET', '/customer', 'reading the account'],
    ['PUT', '/customer', 'saving the account'],
    ['GET', '/me', 'reading who you are'],
    ['GET', '/accesskeys', 'reading the access keys'],
    ['GET', '/service_agents/calls', 'reading your calls'],
    ['GET', '/service_agents/calls/c0ffee00-0000-4000-8000-000000000001', 'reading a call'],
    ['GET', '/calls', "reading the account's calls"],
    ['GET', '/groupcalls', "reading the account's group calls"],
    // Anything else keeps its method and path rather than a guess.
    ['DELETE', '/customer', 'DELETE /customer'],
    ['GET', '/customers', 'GET /customers'],
  ])('%s %s → %s', (method, path, words) => {
    expect(requestWords(method, path)).toBe(words);
  });
});
