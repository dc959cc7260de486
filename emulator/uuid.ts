import { randomUUID } from 'node:crypto';

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const HEX32 = /^[0-9a-fA-F]{32}$/;

/**
 * Parses a UUID the way gofrs/uuid `FromString` does (the server uses it for topic
 * scope ids, §2.2): canonical 36-char, 32 hex digits, or either form in braces;
 * any hex case. Returns the canonical lowercase form, or null when invalid.
 * The server compares parsed values, so `customer_id:<UPPERCASE id>` is a valid
 * topic even though it never matches a published (lowercase) topic.
 */
export function parseUuid(s: string): string | null {
  let hex: string;
  if (s.length === 36) {
    if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return null;
    hex = s.slice(0, 8) + s.slice(9, 13) + s.slice(14, 18) + s.slice(19, 23) + s.slice(24);
  } else if (s.length === 32) {
    hex = s;
  } else if (s.length === 34 || s.length === 38) {
    if (!s.startsWith('{') || !s.endsWith('}')) return null;
    return parseUuid(s.slice(1, -1));
  } else {
    return null;
  }
  if (!HEX32.test(hex)) return null;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** True for a parseable UUID that is not the nil UUID. */
export function isRealUuid(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const p = parseUuid(s);
  return p !== null && p !== NIL_UUID;
}

export function newUuid(): string {
  return randomUUID();
}
