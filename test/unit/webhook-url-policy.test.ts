import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, reservedAddress, type Lookup } from '../../main/core/webhook/url-policy.js';

/** DNS answers for made-up names; real names (localhost) go to the system resolver in other tests. */
const dns =
  (table: Record<string, string[]>): Lookup =>
  (host) => {
    const a = table[host];
    return a === undefined ? Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })) : Promise.resolve(a);
  };

describe('reservedAddress (mirrors VoIPBIN urlvalidator.go)', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['127.255.0.9', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.10', /private/],
    ['169.254.169.254', /link-local.*metadata/],
    ['0.0.0.0', /unspecified/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.254', /carrier-grade NAT/],
    ['192.0.0.8', /IETF/],
    ['192.0.2.1', /TEST-NET-1/],
    ['198.51.100.7', /TEST-NET-2/],
    ['203.0.113.9', /TEST-NET-3/],
    ['198.18.0.1', /benchmarking/],
    ['198.19.255.1', /benchmarking/],
    ['224.0.0.251', /multicast/],
    ['240.0.0.1', /reserved/],
    ['255.255.255.255', /reserved/],
    ['::', /unspecified/],
    ['::1', /loopback/],
    ['fc00::1', /unique local/],
    ['fd12:3456::1', /unique local/],
    ['fe80::1', /link-local/],
    ['febf::1', /link-local/],
    ['2001:db8::5', /documentation/],
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:192.168.0.1', /private/],
    ['fec0::1', /site-local/],
    ['feff::1', /site-local/],
    ['64:ff9b:1::5', /local-use NAT64/],
    ['ff02::1', /multicast/],
    ['100::1', /discard/],
    // IPv6 addresses that carry an IPv4 one reach that host, so they are judged by it.
    ['::127.0.0.1', /reaches 127\.0\.0\.1, a loopback/],
    ['::7f00:1', /reaches 127\.0\.0\.1/],
    ['::10.0.0.1', /reaches 10\.0\.0\.1, a private/],
    ['64:ff9b::7f00:1', /reaches 127\.0\.0\.1, a loopback/],
    ['64:ff9b::169.254.169.254', /reaches 169\.254\.169\.254, a link-local/],
    ['2002:7f00:1::', /reaches 127\.0\.0\.1/],
    ['2002:c0a8:101:1::1', /reaches 192\.168\.1\.1, a private/],
  ])('%s is refused (%s)', (ip, what) => {
    expect(reservedAddress(ip)?.what).toMatch(what);
  });

  it.each([
    '8.8.8.8',
    '172.32.0.1',
    '172.15.255.255',
    '100.128.0.1',
    '198.20.0.1',
    '93.184.215.14',
    '2606:4700::1111',
    '2001:db9::1',
    // The same schemes carrying public IPv4 addresses stay public.
    '64:ff9b::808:808',
    '2002:808:808::1',
    '::8.8.8.8',
  ])('%s is public', (ip) => {
    expect(reservedAddress(ip)).toBeUndefined();
  });

  it('flags loopback separately, for `webhook test`', () => {
    expect(reservedAddress('127.0.0.1')?.loopback).toBe(true);
    expect(reservedAddress('::1')?.loopback).toBe(true);
    expect(reservedAddress('10.0.0.1')?.loopback).toBe(false);
  });
});

describe('checkWebhookUrl', () => {
  const lookup = dns({
    'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'intranet.example.com': ['93.184.215.14', '10.0.0.8'],
  });

  it('accepts a public https URL without warnings', async () => {
    const r = await checkWebhookUrl(' https://hooks.example.com/voipbin?x=1 ', { lookup });
    expect(r.url.href).toBe('https://hooks.example.com/voipbin?x=1');
    expect(r.addresses).toEqual(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']);
    expect(r.warnings).toEqual([]);
  });

  it('warns for plain http and for credentials in the URL', async () => {
    const r = await checkWebhookUrl('http://user:pw@hooks.example.com/x', { lookup });
    expect(r.warnings.map((w) => w.code)).toEqual(['insecure_http', 'credentials_in_url']);
  });

  it('rejects malformed URLs and other schemes as invalid input', async () => {
    for (const bad of ['hooks.example.com/x', '/relative', 'ftp://hooks.example.com/', 'javascript:alert(1)', '']) {
      await expect(checkWebhookUrl(bad, { lookup })).rejects.toMatchObject({ code: 'invalid_webhook_url' });
    }
  });

  it('refuses literal private, loopback and link-local hosts, saying why and what to do', async () => {
    for (const [url, what] of [
      ['https://192.168.1.20/hook', 'private network address'],
      ['https://127.0.0.1:8080/hook', 'loopback'],
      ['https://[::1]/hook', 'IPv6 loopback'],
      ['https://[fe80::1]/hook', 'link-local'],
      ['http://169.254.169.254/latest/meta-data', 'link-local'],
      ['https://0x7f.1/hook', 'loopback'],
    ] as const) {
      const err = await checkWebhookUrl(url, { lookup }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, url).toMatchObject({ code: 'webhook_url_refused' });
      expect((err as Error).message).toContain(what);
      expect((err as Error).message).toMatch(/tunnel or a public reverse proxy/);
    }
  });

  it('refuses a name if any of its addresses is private, as VoIPBIN does', async () => {
    await expect(checkWebhookUrl('https://intranet.example.com/x', { lookup })).rejects.toMatchObject({
      code: 'webhook_url_refused',
      message: expect.stringContaining('intranet.example.com resolves to 10.0.0.8') as unknown,
    });
  });

  it('resolves real names: localhost is this machine', async () => {
    await expect(checkWebhookUrl('https://localhost:9000/hook')).rejects.toMatchObject({ code: 'webhook_url_refused' });
  });

  it('allows loopback only when asked (a typed webhook test URL), with a warning and without the http one', async () => {
    const r = await checkWebhookUrl('http://127.0.0.1:9000/hook', { allowLoopback: true, lookup });
    expect(r.warnings.map((w) => w.code)).toEqual(['loopback_target']);
    await expect(checkWebhookUrl('http://10.0.0.1/hook', { allowLoopback: true, lookup })).rejects.toMatchObject({ code: 'webhook_url_refused' });
    const stored = await checkWebhookUrl('http://127.0.0.1:9000/hook', { lookup }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((stored as Error).message).toMatch(/Only a --uri you type yourself may point at this machine/);
  });

  it('a name that is partly this machine and partly not is refused even for a typed test', async () => {
    const split = dns({ 'split.example.com': ['93.184.215.14', '127.0.0.1'] });
    await expect(checkWebhookUrl('http://split.example.com/x', { allowLoopback: true, lookup: split })).rejects.toMatchObject({
      code: 'webhook_url_refused',
      message: expect.stringContaining('resolves to 127.0.0.1') as unknown,
    });
  });

  it('for a delivery, a host that does not resolve (or a resolver that does not answer) is refused, not guessed', async () => {
    await expect(checkWebhookUrl('https://not-yet.example.net/hook', { lookup, requireAddress: true })).rejects.toMatchObject({
      code: 'webhook_url_unresolvable',
      message: expect.stringMatching(/nothing was sent/) as unknown,
    });
    const hanging: Lookup = () => new Promise(() => undefined);
    await expect(checkWebhookUrl('https://slow.example.net/', { lookup: hanging, lookupTimeoutMs: 50, requireAddress: true })).rejects.toMatchObject({
      code: 'webhook_url_unresolvable',
    });
  });

  it('warns (does not refuse) when the host does not resolve from here', async () => {
    const r = await checkWebhookUrl('https://not-yet.example.net/hook', { lookup });
    expect(r.warnings).toEqual([{ code: 'unresolvable_host', message: expect.stringMatching(/does not resolve from here.*ENOTFOUND/) as unknown }]);
  });

  it('gives up on a resolver that does not answer', async () => {
    const hanging: Lookup = () => new Promise(() => undefined);
    const r = await checkWebhookUrl('https://slow.example.net/', { lookup: hanging, lookupTimeoutMs: 50 });
    expect(r.warnings[0]?.code).toBe('unresolvable_host');
  });
});
