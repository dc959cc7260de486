import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { resolveApiUrl } from '../../main/core/api/api-url.js';
import { accessKeyExpiry, resolveIdentity } from '../../main/core/account/identity.js';
import { RestClient } from '../../main/core/api/rest-client.js';
import { PERMISSION, seedAccount, startEmulator, type Account } from '../support/harness.js';

/** An access key's expiry, read from the customer's key list (GET /v1.0/accesskeys) by the key's prefix. */
let emu: VoipbinEmulator;
let acct: Account;
beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu);
});
afterEach(async () => {
  await emu.stop();
});

const restWith = (key: string): RestClient => new RestClient({ endpoints: resolveApiUrl(emu.url), credential: { kind: 'accesskey', key } });
const inDays = (d: number): Date => new Date(Math.floor((Date.now() + d * 86_400_000) / 1000) * 1000);

describe('access key expiry', () => {
  it('finds its own key among many, across pages, and the identity carries it', async () => {
    for (let i = 0; i < 150; i++) emu.addAccessKey(acct.customerId, { expire: inDays(30 + i) });
    const expire = inDays(3);
    const key = emu.addAccessKey(acct.customerId, { expire, name: 'desk 12' });
    for (let i = 0; i < 30; i++) emu.addAccessKey(acct.customerId, { expire: inDays(200 + i) });
    const rest = restWith(key);
    expect(await accessKeyExpiry(key, rest)).toEqual(expire);
    expect(await resolveIdentity({ kind: 'accesskey', key }, rest)).toMatchObject({ kind: 'accesskey', customerId: acct.customerId, expiresAt: expire });
    // Two pages of 100 (and the empty page after the last one), never the key itself in a URL.
    const listed = emu.requests.filter((q) => q.path === '/v1.0/accesskeys');
    expect(listed.length).toBeGreaterThanOrEqual(2);
    for (const q of listed) expect(Object.values(q.query)).not.toContain(key);
  });

  it('a prefix shared by live keys with different expiries is not guessed; a deleted twin does not count', async () => {
    const prefix = 'vb_AbCdEfGh';
    const ours = `${prefix}-ours-${'x'.repeat(20)}`;
    const twin = `${prefix}-twin-${'y'.repeat(20)}`;
    // Computed once: two calls a second apart would name different instants.
    const five = inDays(5);
    emu.addAccessKey(acct.customerId, { token: ours, expire: five });
    emu.addAccessKey(acct.customerId, { token: twin, expire: inDays(9) });
    expect(await accessKeyExpiry(ours, restWith(ours))).toBeUndefined();
    emu.revokeAccessKey(twin);
    expect(await accessKeyExpiry(ours, restWith(ours))).toEqual(five);
  });

  it('keys of other customers are not listed, and an unreadable list means "not known", not a failure', async () => {
    const other = seedAccount(emu, PERMISSION.CustomerAgent);
    const prefix = acct.accesskey.slice(0, 11);
    // A key of another customer that happens to share the prefix: the list is per customer.
    emu.addAccessKey(other.customerId, { token: `${prefix}${'z'.repeat(30)}`, expire: inDays(1) });
    const own = await accessKeyExpiry(acct.accesskey, restWith(acct.accesskey));
    // seedAccount's key: the emulator's default of a year.
    expect(own!.getTime()).toBeGreaterThan(Date.now() + 364 * 86_400_000);
    emu.failNextRest('/v1.0/accesskeys', 1, 503);
    expect(await accessKeyExpiry(acct.accesskey, restWith(acct.accesskey))).toBeUndefined();
  });
});
