import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { findDeepLink, parseDeepLink } from '../../main/desktop/shell/deep-link.js';

const CALL = '5f8d6c1e-1111-4a2b-9c3d-000000000001';

describe('voipbin-notifier:// links', () => {
  it.each([
    ['voipbin-notifier://settings', { kind: 'settings' }],
    ['voipbin-notifier://settings/', { kind: 'settings' }],
    [`voipbin-notifier://call/${CALL}`, { kind: 'call', callId: CALL }],
    [`voipbin-notifier://call/${CALL.toUpperCase()}`, { kind: 'call', callId: CALL }],
    [`voipbin-notifier:call/${CALL}`, { kind: 'call', callId: CALL }],
  ])('%s', (raw, expected) => {
    expect(parseDeepLink(raw)).toEqual(expected);
  });

  it.each([
    ['voipbin-notifier://call/not-a-uuid', /call id/],
    ['voipbin-notifier://call', /call id/],
    ['voipbin-notifier://delete-everything', /unknown link "delete-everything"/],
    [`voipbin-notifier://call/${CALL}/hangup`, /extra path/],
    ['https://evil.example/call/x', /not a voipbin-notifier/],
    ['not a url', /not a URL/],
  ])('refuses %s', (raw, reason) => {
    const link = parseDeepLink(raw);
    expect(link.kind).toBe('invalid');
    if (link.kind === 'invalid') expect(link.reason).toMatch(reason);
  });

  it('finds the link among the arguments Windows and Linux pass to a second instance', () => {
    expect(findDeepLink(['/opt/VoIPBIN Notifier/voipbin-notifier', '--hidden', `voipbin-notifier://call/${CALL}`])).toBe(`voipbin-notifier://call/${CALL}`);
    expect(findDeepLink(['app', '--hidden'])).toBeUndefined();
  });

  it('the Electron entry registers the scheme and routes links from every OS path', () => {
    const main = readFileSync(new URL('../../main/electron/main.ts', import.meta.url), 'utf8');
    expect(main).toMatch(/setAsDefaultProtocolClient\(URL_SCHEME\)/);
    expect(main).toMatch(/app\.on\('open-url'/);
    expect(main).toMatch(/app\.on\('second-instance', \(_event, argv\)/);
    expect(main).toMatch(/findDeepLink\(process\.argv\)/);
  });
});
