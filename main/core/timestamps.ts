/**
 * VoIPBIN timestamps (PROTOCOL.md §3.11): RFC 3339 with up to microseconds today, the legacy
 * "YYYY-MM-DD hh:mm:ss.ffffff" (UTC) in older payloads and docs, and year 9999 meaning "unset".
 * Returned as microseconds since the epoch so updates within one millisecond still order correctly.
 */
const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

export function parseVoipbinTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const m = PATTERN.exec(value.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  if (year >= 9999) return undefined;
  let ms = Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return undefined;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  const micros = frac === undefined ? 0 : Number(frac.padEnd(6, '0').slice(0, 6));
  return ms * 1000 + micros;
}

export function microsToDate(micros: number): Date {
  return new Date(Math.floor(micros / 1000));
}
