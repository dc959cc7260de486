import { describe, expect, it } from 'vitest';
import { trayModel, type TrayMenuItem } from '../../main/desktop/shell/tray-model.js';
import { TRAY_ICON_NAME, paintUnreadDot, trayIconPath } from '../../main/desktop/shell/tray-icons.js';
import { baseState } from '../support/app-state.js';

const NOW = new Date(2026, 10, 23, 10, 0, 0).getTime();
const labels = (items: readonly TrayMenuItem[]): string[] => items.map((i) => i.label);

describe('tray model', () => {
  it('shows my status with a check mark and sets it; says when queue calls cannot reach me; none without an agent', () => {
    const busy = trayModel(baseState({ presence: { status: 'busy', since: NOW - 90_000, changedBy: 'server', receivingQueueCalls: false } }), NOW);
    const status = busy.menu.find((i) => i.label.startsWith('Status'));
    expect(status?.label).toBe("Status: Busy — queue calls won't reach you");
    expect(status?.submenu?.map((i) => [i.label, i.checked, i.action])).toEqual([
      ['Available', false, { type: 'set-status', status: 'available' }],
      ['Away', false, { type: 'set-status', status: 'away' }],
      ['Busy', true, { type: 'set-status', status: 'busy' }],
      ['Offline', false, { type: 'set-status', status: 'offline' }],
    ]);
    const available = trayModel(baseState(), NOW).menu.find((i) => i.label.startsWith('Status'));
    expect(available?.label).toBe('Status: Available');
    expect(available?.submenu?.filter((i) => i.checked === true).map((i) => i.label)).toEqual(['Available']);
    // A value this version does not know checks nothing and is never read as available.
    const odd = trayModel(baseState({ presence: { status: '', since: 0, changedBy: 'server', receivingQueueCalls: false } }), NOW).menu.find((i) =>
      i.label.startsWith('Status'),
    );
    expect([odd?.label, odd?.submenu?.some((i) => i.checked === true)]).toEqual(["Status: Unknown — queue calls won't reach you", false]);
    expect(labels(trayModel(baseState({ presence: null }), NOW).menu).some((l) => l.startsWith('Status'))).toBe(false);
  });

  it.each([
    ['subscribed', baseState({ connection: { state: 'subscribed', lastEventAt: NOW - 120_000 } }), 'connected', 'Receiving calls · last event 2 min ago'],
    ['subscribed, no events', baseState({ connection: { state: 'subscribed' } }), 'connected', 'Receiving calls · no events yet'],
    ['connecting', baseState({ connection: { state: 'connecting' } }), 'connecting', 'Connecting… · opening the event stream'],
    ['checking the sign-in', baseState({ connection: { state: 'starting' } }), 'connecting', 'Connecting… · checking the sign-in'],
    ['reconnecting', baseState({ connection: { state: 'reconnecting', retryAt: NOW + 3_200 } }), 'connecting', 'Reconnecting… · retrying in 4 s'],
    ['offline', baseState({ connection: { state: 'reconnecting', online: false } }), 'offline', 'Offline · waiting for the network'],
    [
      'stopped',
      baseState({ connection: { state: 'stopped', lastError: { code: 'invalid_topic', message: 'VoIPBIN refused every topic.', at: NOW } } }),
      'offline',
      'Not receiving calls · VoIPBIN refused every topic.',
    ],
    [
      'alert',
      baseState({ alert: { reason: 'token_expired', title: 'Not receiving calls: sign-in expired', message: 'Sign in again.', since: NOW } }),
      'alert',
      'Not receiving calls: sign-in expired · Sign in again.',
    ],
    [
      'signed out',
      baseState({ account: { signedIn: false, apiUrl: 'https://api.voipbin.net' }, connection: { state: 'signed_out' } }),
      'signed_out',
      'Signed out · sign in to receive calls',
    ],
    ['paused for an hour', baseState({ pausedUntil: NOW + 3_600_000 }), 'paused', 'Notifications paused · until 11:00 · no events yet'],
    ['pause that has ended', baseState({ pausedUntil: NOW - 1 }), 'connected', 'Receiving calls · no events yet'],
  ])('%s', (_what, state, icon, line) => {
    const m = trayModel(state, NOW);
    expect(m.icon).toBe(icon);
    expect(m.menu[0]).toEqual({ label: line, enabled: false });
    expect(m.tooltip).toBe(`VoIPBIN Notifier — ${line}`);
    expect(m.windowTitle).toBe(`VoIPBIN Notifier — ${line.split(' · ')[0]!}`);
  });

  it('menu: status, recent, pause, reconnect, settings, quit; an alert or sign-out adds a way to fix it', () => {
    expect(labels(trayModel(baseState(), NOW).menu)).toEqual([
      'Receiving calls · no events yet',
      'Status: Available',
      'Recent notifications',
      'Pause notifications',
      'Reconnect now',
      'Settings…',
      'Quit VoIPBIN Notifier',
    ]);
    const out = trayModel(baseState({ account: { signedIn: false, apiUrl: '' } }), NOW).menu;
    expect(out[1]).toEqual({ label: 'Sign in…', enabled: true, action: { type: 'settings' } });
    expect(out.find((i) => i.label === 'Reconnect now')?.enabled).toBe(false);
    expect(out.find((i) => i.label === 'Pause notifications')?.enabled).toBe(false);
    const alert = trayModel(baseState({ alert: { reason: 'stream_down', title: 'Not receiving calls', message: 'x', since: NOW } }), NOW).menu;
    expect(alert[1]).toMatchObject({ label: 'Fix this…', action: { type: 'settings' } });
    // Connected but not available past the wrap-up: one click sets me available.
    const busy = trayModel(
      baseState({
        presence: { status: 'busy', since: NOW - 120_000, changedBy: 'server', receivingQueueCalls: false },
        alert: { reason: 'not_available', title: "Connected · Busy — queue calls won't reach you", message: 'x', since: NOW - 60_000 },
      }),
      NOW,
    ).menu;
    expect(busy.slice(0, 3).map((i) => [i.label, i.action])).toEqual([
      ["Connected · Busy — queue calls won't reach you · x", undefined],
      ['Set me Available', { type: 'set-status', status: 'available' }],
      ["Status: Busy — queue calls won't reach you", undefined],
    ]);
  });

  it('recent notifications: newest first, unread marked, click opens; badge and tooltip count unread', () => {
    const item = (seq: number, read: boolean, title: string): ReturnType<typeof baseState>['recent'][number] => ({
      seq,
      kind: 'missed_call',
      title,
      body: '',
      at: new Date(2026, 10, 23, 9, seq).getTime(),
      shown: true,
      heldBecause: null,
      read,
      openable: true,
      transcript: false,
    });
    const m = trayModel(baseState({ unread: 1, recent: [item(2, false, 'Missed call from Jane Cooper'), item(1, true, 'Missed call from +15550100')] }), NOW);
    expect(m.badge).toBe(1);
    expect(m.tooltip).toBe('VoIPBIN Notifier — Receiving calls · no events yet · 1 unread');
    const recent = m.menu.find((i) => i.label.startsWith('Recent'))!;
    expect(recent.label).toBe('Recent notifications (1 unread)');
    expect(recent.submenu).toEqual([
      { label: '● 09:02  Missed call from Jane Cooper', enabled: true, action: { type: 'open-history', seq: 2 } },
      { label: '09:01  Missed call from +15550100', enabled: true, action: { type: 'open-history', seq: 1 } },
      { label: 'Mark all as read', enabled: true, action: { type: 'mark-all-read' }, separatorBefore: true },
    ]);
    expect(trayModel(baseState(), NOW).menu.find((i) => i.label.startsWith('Recent'))?.submenu).toEqual([{ label: 'No notifications yet', enabled: false }]);
  });

  it('pause submenu: three lengths, resume only while paused', () => {
    const sub = (s: ReturnType<typeof baseState>): TrayMenuItem[] =>
      trayModel(s, NOW).menu.find((i) => i.submenu !== undefined && (i.label.includes('aused') || i.label.startsWith('Pause')))!.submenu!;
    expect(sub(baseState()).map((i) => [i.label, i.enabled, i.action])).toEqual([
      ['For 1 hour', true, { type: 'pause', choice: '1h' }],
      ['Until tomorrow 08:00', true, { type: 'pause', choice: 'tomorrow' }],
      ['Until I resume', true, { type: 'pause', choice: 'until_resumed' }],
      ['Resume notifications', false, { type: 'pause', choice: 'resume' }],
    ]);
    expect(sub(baseState({ pausedUntil: 'indefinite' }))[3]?.enabled).toBe(true);
    expect(trayModel(baseState({ pausedUntil: 'indefinite' }), NOW).menu.map((i) => i.label)).toContain('Notifications paused');
  });

  it('tooltips stay within the 127 characters Windows shows', () => {
    const long = baseState({ alert: { reason: 'stream_down', title: 'Not receiving calls', message: 'x'.repeat(300), since: NOW } });
    expect(trayModel(long, NOW).tooltip.length).toBe(127);
  });
});

describe('tray icons', () => {
  it('every state has an icon file per platform', () => {
    expect(trayIconPath('signed_out', 'darwin', '/a')).toBe('/a/tray/mac/signed-outTemplate.png');
    expect(trayIconPath('alert', 'win32', '/a')).toBe('/a/tray/win/offline.ico');
    expect(trayIconPath('paused', 'linux', '/a')).toBe('/a/tray/linux/paused-24.png');
    expect(new Set(Object.values(TRAY_ICON_NAME))).toEqual(new Set(['connected', 'connecting', 'offline', 'signed-out', 'paused']));
  });

  it('the unread dot is red with a white rim in the top-left corner, and leaves the rest alone', () => {
    const size = 32;
    const before = Buffer.alloc(size * size * 4, 0);
    const after = paintUnreadDot(before, size, size);
    const px = (x: number, y: number): number[] => [...after.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
    const r = Math.round(size * 0.2);
    expect(px(r, r)).toEqual([38, 38, 220, 255]);
    expect(px(r, 0)).toEqual([255, 255, 255, 255]);
    expect(px(size - 1, size - 1)).toEqual([0, 0, 0, 0]);
    expect(before.every((b) => b === 0)).toBe(true);
  });
});
