import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import { NotifierError, describeError, oneLine } from '../platform/index.js';

/**
 * Which webhook URLs VoIPBIN can deliver to. Its webhook sender refuses any host that resolves
 * to a private or reserved address — the list below mirrors its `privateNetworks`
 * (bin-webhook-manager urlvalidator.go, PROTOCOL.md §5) — and fails such deliveries without
 * retrying. Nothing checks the URI when it is saved, so an admin learns of the mistake only
 * when events silently stop arriving; we check before saving instead.
 */
interface Range {
  readonly net: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
  readonly what: string;
  readonly loopback?: true;
}

const RANGES: readonly Range[] = [
  { net: '127.0.0.0', prefix: 8, family: 'ipv4', what: 'a loopback address (this machine)', loopback: true },
  { net: '10.0.0.0', prefix: 8, family: 'ipv4', what: 'a private network address (RFC 1918)' },
  { net: '172.16.0.0', prefix: 12, family: 'ipv4', what: 'a private network address (RFC 1918)' },
  { net: '192.168.0.0', prefix: 16, family: 'ipv4', what: 'a private network address (RFC 1918)' },
  { net: '169.254.0.0', prefix: 16, family: 'ipv4', what: 'a link-local address (includes cloud metadata services)' },
  { net: '0.0.0.0', prefix: 8, family: 'ipv4', what: 'an unspecified ("this network") address' },
  { net: '100.64.0.0', prefix: 10, family: 'ipv4', what: 'a carrier-grade NAT address (RFC 6598)' },
  { net: '192.0.0.0', prefix: 24, family: 'ipv4', what: 'an IETF protocol assignment address' },
  { net: '192.0.2.0', prefix: 24, family: 'ipv4', what: 'a documentation address (TEST-NET-1)' },
  { net: '198.51.100.0', prefix: 24, family: 'ipv4', what: 'a documentation address (TEST-NET-2)' },
  { net: '203.0.113.0', prefix: 24, family: 'ipv4', what: 'a documentation address (TEST-NET-3)' },
  { net: '198.18.0.0', prefix: 15, family: 'ipv4', what: 'a benchmarking address (RFC 2544)' },
  // Not in VoIPBIN's list, but HTTP (TCP) can never reach a multicast group either.
  { net: '224.0.0.0', prefix: 4, family: 'ipv4', what: 'a multicast address' },
  { net: '240.0.0.0', prefix: 4, family: 'ipv4', what: 'a reserved address (240.0.0.0/4, includes broadcast)' },
  { net: '::', prefix: 128, family: 'ipv6', what: 'the unspecified IPv6 address' },
  { net: '::1', prefix: 128, family: 'ipv6', what: 'the IPv6 loopback address (this machine)', loopback: true },
  { net: 'fc00::', prefix: 7, family: 'ipv6', what: 'an IPv6 unique local address (fc00::/7)' },
  { net: 'fe80::', prefix: 10, family: 'ipv6', what: 'an IPv6 link-local address (fe80::/10)' },
  // Deprecated, but still routed inside many sites.
  { net: 'fec0::', prefix: 10, family: 'ipv6', what: 'an IPv6 site-local address (fec0::/10)' },
  { net: '2001:db8::', prefix: 32, family: 'ipv6', what: 'an IPv6 documentation address (2001:db8::/32)' },
  { net: '64:ff9b:1::', prefix: 48, family: 'ipv6', what: 'a local-use NAT64 address (64:ff9b:1::/48)' },
  { net: '100::', prefix: 64, family: 'ipv6', what: 'an IPv6 discard address (100::/64)' },
  { net: 'ff00::', prefix: 8, family: 'ipv6', what: 'an IPv6 multicast address' },
];

/** 8 groups of 16 bits, or undefined for a malformed address (zone ids are dropped). */
function ipv6Groups(ip: string): number[] | undefined {
  let text = ip.split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted !== null) {
    const b = (dotted[1] ?? '').split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${(((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16)}:${(((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16)}`;
  }
  const [head = '', tail, extra] = text.split('::');
  if (extra !== undefined) return undefined;
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

const v4 = (hi: number, lo: number): string => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/**
 * The IPv4 address an IPv6 address carries to an IPv4 host: IPv4-compatible (::a.b.c.d), NAT64
 * (64:ff9b::/96) and 6to4 (2002::/16) addresses reach that IPv4 host, so they are judged by it.
 * (IPv4-mapped ::ffff:a.b.c.d is matched by BlockList itself.)
 */
export function embeddedIpv4(ip: string): string | undefined {
  const g = ipv6Groups(ip);
  if (g === undefined) return undefined;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0 && (g6 !== 0 || g7 > 1)) return v4(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return v4(g6, g7);
  if (g0 === 0x2002) return v4(g1, g2);
  return undefined;
}

// One BlockList per range so a match can say which range it was; BlockList also matches
// IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 ranges, as Go's IPNet.Contains does.
const CHECKERS = RANGES.map((r) => {
  const list = new BlockList();
  list.addSubnet(r.net, r.prefix, r.family);
  return { range: r, list };
});

export interface ReservedAddress {
  what: string;
  loopback: boolean;
}

/** Why VoIPBIN would refuse this IP address, or undefined if it is public. */
export function reservedAddress(ip: string): ReservedAddress | undefined {
  const family = isIP(ip);
  if (family === 0) return undefined;
  for (const { range, list } of CHECKERS) {
    if (list.check(ip, family === 4 ? 'ipv4' : 'ipv6')) return { what: range.what, loopback: range.loopback === true };
  }
  const inner = family === 6 ? embeddedIpv4(ip) : undefined;
  const carried = inner === undefined ? undefined : reservedAddress(inner);
  return carried === undefined ? undefined : { what: `an IPv6 address that reaches ${inner ?? ''}, ${carried.what}`, loopback: carried.loopback };
}

export type Lookup = (hostname: string) => Promise<string[]>;

export const systemLookup: Lookup = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export interface UrlWarning {
  code: 'insecure_http' | 'unresolvable_host' | 'credentials_in_url' | 'loopback_target';
  message: string;
}

export interface CheckedWebhookUrl {
  url: URL;
  /** Addresses the host resolved to here (empty if it did not resolve). */
  addresses: string[];
  warnings: UrlWarning[];
}

export interface WebhookUrlPolicyOptions {
  /**
   * Only a URL the user typed for `webhook test` may be this machine (a receiver under
   * development), and only when every address of it is: never a stored URL, which any admin of the
   * account can set, and never a redirect.
   */
  allowLoopback?: boolean;
  /** For a delivery: a host that does not resolve here is refused (nothing to connect to that was checked). */
  requireAddress?: boolean;
  lookup?: Lookup;
  lookupTimeoutMs?: number;
}

function hostOf(url: URL): string {
  return url.hostname.startsWith('[') && url.hostname.endsWith(']') ? url.hostname.slice(1, -1) : url.hostname;
}

async function resolveHost(host: string, lookup: Lookup, timeoutMs: number): Promise<string[]> {
  if (isIP(host) !== 0) return [host];
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      lookup(host),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const ADVICE =
  'VoIPBIN delivers webhooks from its own servers over the internet and refuses private, loopback and link-local targets. ' +
  'Use a public https:// URL; to receive on your own machine or LAN, expose the receiver through a tunnel or a public reverse proxy.';

/** The syntax half of the check, with no network: throws `invalid_webhook_url` for what is not an http(s) URL with a host. */
export function parseWebhookUrl(raw: string): URL {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new NotifierError(
      'invalid_webhook_url',
      `"${oneLine(text, 200)}" is not an absolute URL; expected something like https://hooks.example.com/voipbin.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new NotifierError('invalid_webhook_url', `The webhook URL must start with https:// (or http://), not ${oneLine(url.protocol, 40)}//.`);
  }
  if (hostOf(url) === '') throw new NotifierError('invalid_webhook_url', 'The webhook URL has no host name.');
  return url;
}

/**
 * Parses and vets a webhook URL. Throws `invalid_webhook_url` for malformed ones and
 * `webhook_url_refused` for hosts VoIPBIN will never deliver to; returns warnings for
 * ones that work but deserve a second look.
 */
export async function checkWebhookUrl(raw: string, opts: WebhookUrlPolicyOptions = {}): Promise<CheckedWebhookUrl> {
  const url = parseWebhookUrl(raw);
  const host = hostOf(url);
  const warnings: UrlWarning[] = [];
  if (url.protocol === 'http:') {
    warnings.push({
      code: 'insecure_http',
      message: 'The webhook URL uses plain http: event data (caller numbers, message texts) would cross the internet unencrypted. Prefer https://.',
    });
  }
  if (url.username !== '' || url.password !== '') {
    warnings.push({
      code: 'credentials_in_url',
      message: 'The webhook URL contains a user name or password; every admin of the account can read it. Prefer verifying the X-VoIPBIN-Signature header.',
    });
  }

  let addresses: string[];
  try {
    addresses = await resolveHost(host, opts.lookup ?? systemLookup, opts.lookupTimeoutMs ?? 5_000);
    if (addresses.length === 0) throw new Error('no addresses');
  } catch (e) {
    const why = `${host} does not resolve from here (${describeError(e)})`;
    if (opts.requireAddress === true)
      throw new NotifierError('webhook_url_unresolvable', `${why}, so nothing was sent: no address could be checked before connecting.`, { host });
    warnings.push({ code: 'unresolvable_host', message: `${why}; VoIPBIN cannot deliver unless it resolves on the public internet.` });
    return { url, addresses: [], warnings };
  }
  // This machine only as a whole: a name that is partly local and partly not could be either.
  const local = addresses.every((ip) => reservedAddress(ip)?.loopback === true);
  for (const ip of addresses) {
    const reserved = reservedAddress(ip);
    if (reserved === undefined || (reserved.loopback && local && opts.allowLoopback === true)) continue;
    const via = ip === host ? `${host} is ${reserved.what}` : `${host} resolves to ${ip}, ${reserved.what}`;
    const advice =
      reserved.loopback && opts.allowLoopback !== true
        ? `${ADVICE} Only a --uri you type yourself may point at this machine, to test a receiver there.`
        : ADVICE;
    throw new NotifierError('webhook_url_refused', `VoIPBIN will never deliver to this URL: ${via}. ${advice}`, { address: ip });
  }
  if (local) {
    warnings.push({
      code: 'loopback_target',
      message: `${host} is this machine (${addresses.join(', ')}); VoIPBIN itself could never deliver here, so this only tests your receiver.`,
    });
    // Plain http to this machine crosses no network: the warning would only be noise.
    return { url, addresses, warnings: warnings.filter((w) => w.code !== 'insecure_http') };
  }
  return { url, addresses, warnings };
}
