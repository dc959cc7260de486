import { describe, expect, it } from 'vitest';
import { TrayHostMonitor, judgeTrayHost, type TrayHost } from '../../main/desktop/shell/tray-host.js';

describe('can this desktop show the tray icon', () => {
  it.each([
    // [watcher on the bus, platform, desktop, session type, verdict]
    [undefined, 'darwin', '', '', 'available'],
    [undefined, 'win32', '', '', 'available'],
    [true, 'linux', 'GNOME', 'wayland', 'available'],
    [true, 'linux', 'KDE', 'x11', 'available'],
    [false, 'linux', 'GNOME', 'x11', 'missing'],
    [false, 'linux', 'ubuntu:GNOME', 'wayland', 'missing'],
    [false, 'linux', 'sway', 'wayland', 'missing'],
    [false, 'linux', 'i3', 'x11', 'unknown'],
    [false, 'linux', 'XFCE', 'x11', 'unknown'],
    [undefined, 'linux', 'GNOME', 'wayland', 'unknown'],
  ] as const)('watcher %s on %s %s (%s) → %s', (watcher, platform, desktop, session, verdict) => {
    const host = judgeTrayHost(watcher, platform, { XDG_CURRENT_DESKTOP: desktop, XDG_SESSION_TYPE: session });
    expect(host.status).toBe(verdict);
    // Advice only when something is to be done, and it always says why the window stays.
    if (verdict === 'missing') expect(host.advice).toMatch(/closing the window only minimises it/);
    else expect(host.advice).toBeNull();
  });

  it('GNOME is told about the AppIndicator extension; other Wayland desktops about their panel', () => {
    expect(judgeTrayHost(false, 'linux', { XDG_CURRENT_DESKTOP: 'GNOME' }).advice).toMatch(/AppIndicator and KStatusNotifierItem Support/);
    expect(judgeTrayHost(false, 'linux', { XDG_CURRENT_DESKTOP: 'Hyprland', WAYLAND_DISPLAY: 'wayland-1' }).advice).toMatch(/panel may offer a tray/);
  });
});

describe('TrayHostMonitor', () => {
  const host = (status: TrayHost['status']): TrayHost => ({ status, why: status, advice: null });

  it('reports the first answer and then only changes; a failing probe keeps it watching', async () => {
    const answers: (TrayHost | Error)[] = [host('missing'), host('missing'), new Error('bus busy'), host('available'), host('available')];
    const seen: string[] = [];
    const monitor = new TrayHostMonitor(
      () => {
        const a = answers.shift() ?? host('available');
        return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
      },
      (h, prev) => seen.push(`${prev?.status ?? 'none'}→${h.status}`),
      5,
    );
    try {
      expect((await monitor.start()).status).toBe('missing');
      const deadline = Date.now() + 2_000;
      while (answers.length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(answers).toHaveLength(0);
      expect(seen).toEqual(['none→missing', 'missing→available']);
    } finally {
      monitor.stop();
    }
  });
});
