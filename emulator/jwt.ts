// HS256 JWTs as bin-api-manager issues and parses them (PROTOCOL.md §6).
import { createHmac, timingSafeEqual } from 'node:crypto';

const HASH_FOR_ALG: Record<string, string> = {
  // The server's key func accepts any HMAC method (SigningMethodHMAC), not just HS256.
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
};

function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** jwt-go pads and decodes with URL-safe base64; anything else is malformed. */
function decodeSegment(seg: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*$/.test(seg) || seg.length % 4 === 1) return null;
  return Buffer.from(seg, 'base64url');
}

function parseObject(buf: Buffer | null): Record<string, unknown> | null {
  if (buf === null) return null;
  try {
    const v: unknown = JSON.parse(buf.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function signJwt(claims: Record<string, unknown>, key: string): string {
  const head = encodeSegment({ alg: 'HS256', typ: 'JWT' });
  const body = encodeSegment(claims);
  const sig = createHmac('sha256', key).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/**
 * Verifies signature and the registered time claims jwt-go checks when present
 * (exp/nbf/iat, numeric). The server's own `expire` claim is checked by the caller
 * because it is a string compare against the formatted current time.
 */
export function verifyJwt(token: string, key: string, now: Date): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [head, body, sig] = parts as [string, string, string];
  const header = parseObject(decodeSegment(head));
  if (header === null || typeof header.alg !== 'string') return null;
  const hash = HASH_FOR_ALG[header.alg];
  if (hash === undefined) return null;
  const given = decodeSegment(sig);
  if (given === null) return null;
  const expected = createHmac(hash, key).update(`${head}.${body}`).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const claims = parseObject(decodeSegment(body));
  if (claims === null) return null;
  const nowSec = now.getTime() / 1000;
  if (typeof claims.exp === 'number' && nowSec > claims.exp) return null;
  if (typeof claims.nbf === 'number' && nowSec < claims.nbf) return null;
  if (typeof claims.iat === 'number' && nowSec < claims.iat) return null;
  return claims;
}
