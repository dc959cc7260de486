// Timestamp formats the server emits.

/**
 * Go layout "2006-01-02T15:04:05.000000Z" (utilhandler ISO8601Layout): fixed six
 * fractional digits. Used for the JWT `expire` claim (§6) and `next_page_token`.
 */
export function formatFixedMicros(d: Date): string {
  return `${d.toISOString().slice(0, 23)}000Z`;
}

/**
 * Go's RFC 3339 marshalling of *time.Time (RFC3339Nano): trailing zeros of the
 * fraction are trimmed and a zero fraction disappears (§3.11), e.g.
 * "2026-08-01T10:00:00.5Z". Clients must parse every variant.
 */
export function formatRfc3339Micros(micros: number): string {
  const whole = Math.floor(micros / 1000);
  const base = new Date(whole).toISOString().slice(0, 19);
  const frac = String(micros % 1_000_000)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return frac === '' ? `${base}Z` : `${base}.${frac}Z`;
}

export function formatRfc3339(d: Date): string {
  return formatRfc3339Micros(d.getTime() * 1000);
}

let lastMicros = 0;

/**
 * Current time as strictly increasing microseconds, so resources created in a
 * tight loop still have distinct, ordered tm_create values (pagination relies on it).
 */
export function uniqueNowMicros(): number {
  // Sub-millisecond digits are random so stamps look like the server's microsecond times.
  let m = Date.now() * 1000 + Math.floor(Math.random() * 1000);
  if (m <= lastMicros) m = lastMicros + 1;
  lastMicros = m;
  return m;
}

const TS = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?/;

/**
 * Normalises a timestamp to the fixed-micro layout so that values written with
 * different precision compare correctly as strings. Unparseable input is
 * returned unchanged.
 */
export function normalizeTimestamp(ts: string): string {
  const m = TS.exec(ts);
  if (!m) return ts;
  const frac = (m[3] ?? '').padEnd(6, '0').slice(0, 6);
  return `${m[1] ?? ''}T${m[2] ?? ''}.${frac}Z`;
}

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}
