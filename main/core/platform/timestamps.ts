/**
 * VoIPBIN timestamps (PROTOCOL.md §3.11): RFC 3339 with up to microseconds today, the legacy
 * "YYYY-MM-DD hh:mm:ss.ffffff" (UTC) in older payloads and docs, and year 9999 meaning "unset".
 * Returned as microseconds since the epoch so updates within one millisecond still order correctly.
 */
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Digits value[from, to) as a number, or NaN if any is not a digit. */
function digitsAt(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The two forms nearly every frame carries — "2026-11-23T01:02:03.456789Z" and the legacy
 * "2026-11-23 01:02:03.456789" — read by position: several timestamps per frame on a busy feed
 * made the general pattern a measurable share of the pipeline (bench: throughput).
 */
function parseCommonForm(value: string): number | undefined {
  const utc = value.length === 27 && value.charCodeAt(10) === 84 /* T */ && value.charCodeAt(26) === 90; /* Z */
  const legacy = value.length === 26 && value.charCodeAt(10) === 32; /* space */
  if (!utc && !legacy) return undefined;
  if (value[4] !== '-' || value[7] !== '-' || value[13] !== ':' || value[16] !== ':' || value[19] !== '.') return undefined;
  const hour = hourStart(value);
  const minute = digitsAt(value, 14, 16);
  const second = digitsAt(value, 17, 19);
  const micros = digitsAt(value, 20, 26);
  // Anything odd (a non-digit, year 9999, minute 75) goes the general way, which knows what to make of it.
  if (hour === undefined || !(minute < 60 && second < 60) || Number.isNaN(micros)) return undefined;
  return (hour + minute * 60_000 + second * 1_000) * 1000 + micros;
}

/**
 * The hour a timestamp is in, as epoch ms: the frames of a feed are from the same few hours, so
 * the last answer is kept (Date.UTC was most of the cost of a frame's two or three timestamps).
 */
let lastHourPrefix = '';
let lastHourMs = 0;
function hourStart(value: string): number | undefined {
  if (lastHourPrefix !== '' && value.startsWith(lastHourPrefix)) return lastHourMs;
  const year = digitsAt(value, 0, 4);
  const ms = Date.UTC(year, digitsAt(value, 5, 7) - 1, digitsAt(value, 8, 10), digitsAt(value, 11, 13));
  if (Number.isNaN(ms) || year >= 9999) return undefined;
  // "2026-11-23T01" and "2026-11-23 01" are the same hour, but a prefix of one form only: both fine.
  lastHourPrefix = value.slice(0, 13);
  lastHourMs = ms;
  return ms;
}

export function parseVoipbinTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const common = parseCommonForm(value);
  if (common !== undefined) return common;
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
