import { NotifierError, redactor } from '../platform/index.js';

/**
 * The two credential kinds VoIPBIN accepts and how each travels (PROTOCOL.md §1.2, §6).
 * A JWT goes in `Authorization: Bearer`; an access key in `Cookie: accesskey=` — never as
 * `token` (the server parses any `token` as a JWT, with no fallback) and never in a URL.
 */
export type Credential = { kind: 'jwt'; token: string } | { kind: 'accesskey'; key: string };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const ACCESSKEY_SHAPE = /^vb_[A-Za-z0-9_-]+$/;

/**
 * Accepts a pasted credential in either option: `vb_…` is always an access key, a three-part
 * base64url string is a JWT. Registers it with the redactor before anything can print it.
 */
export function parseCredential(raw: string, given: 'token' | 'accesskey'): Credential {
  const value = raw.trim().replace(/^Bearer\s+/i, '');
  redactor.add(value);
  if (value === '') {
    throw new NotifierError('credentials_missing', `The ${given === 'token' ? 'token' : 'access key'} is empty.`);
  }
  if (ACCESSKEY_SHAPE.test(value)) return { kind: 'accesskey', key: value };
  if (JWT_SHAPE.test(value) && value.startsWith('eyJ')) return { kind: 'jwt', token: value };
  throw new NotifierError(
    'credentials_invalid',
    given === 'token'
      ? 'That token is neither an agent token (a JWT from sign-in, starting "eyJ") nor an access key (starting "vb_"). Copy it again without extra characters.'
      : 'That access key does not look like a VoIPBIN access key (they start with "vb_"). Copy it again without extra characters.',
  );
}

/** Headers that authenticate one HTTP request or WebSocket upgrade. */
export function authHeaders(cred: Credential): Record<string, string> {
  return cred.kind === 'jwt' ? { Authorization: `Bearer ${cred.token}` } : { Cookie: `accesskey=${cred.key}` };
}

export function credentialSecret(cred: Credential): string {
  return cred.kind === 'jwt' ? cred.token : cred.key;
}

/** The credential from explicit options: exactly one of token / access key. */
export function credentialFrom(sources: { token?: string | undefined; accesskey?: string | undefined }, where: string): Credential {
  const token = sources.token?.trim() || undefined;
  const accesskey = sources.accesskey?.trim() || undefined;
  if (token !== undefined && accesskey !== undefined) {
    throw new NotifierError('bad_usage', `Both a token and an access key were given ${where}; give only one.`);
  }
  if (token !== undefined) return parseCredential(token, 'token');
  if (accesskey !== undefined) return parseCredential(accesskey, 'accesskey');
  throw new NotifierError('credentials_missing', `No credentials ${where}.`);
}
