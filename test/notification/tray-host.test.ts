import { mkdtempSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TrayHostMonitor, WATCHER_NAME, probeTrayHost, statusNotifierWatcherOwned, systemRunner, type TrayHost } from '../../main/desktop/shell/tray-host.js';
import { BusNameOwner, busNameOwnerAvailable } from '../support/bus-name-owner.js';
import { DesktopSession, missingDesktopTools } from '../support/desktop-session.js';

/**
 * Whether a Linux desktop can show the tray icon, asked of a real private session bus with the
 * real dbus-send and gdbus, while a real process takes and drops the StatusNotifierWatcher name.
 */
const missing = [...missingDesktopTools(), ...(busNameOwnerAvailable() ? [] : ['python3-dbus'])];
if (missing.length > 0 && process.env.CI === 'true') {
  throw new Error(`the tray host tests need ${missing.join(', ')} (installed by .ci/run)`);
}

let desktop: DesktopSession | undefined;
let owner: BusNameOwner | undefined;
afterEach(async () => {
  await owner?.release();
  owner = undefined;
  desktop?.stop();
  desktop = undefined;
});

/** A PATH holding only the named D-Bus command, to prove each asker works on its own. */
function pathWithOnly(tool: 'dbus-send' | 'gdbus'): string {
  const dir = mkdtempSync(join(tmpdir(), `vbn-only-${tool}-`));
  const found = (process.env.PATH ?? '')
    .split(':')
    .map((d) => join(d, tool))
    .find((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
  if (found === undefined) throw new Error(`${tool} is not installed`);
  symlinkSync(found, join(dir, tool));
  return dir;
}

describe.runIf(missing.length === 0)('tray host on a real session bus', () => {
  it.each(['dbus-send', 'gdbus'] as const)('%s: no watcher, then a watcher, then none again', async (tool) => {
    desktop = await DesktopSession.start({ daemon: false });
    const env = { ...desktop.env, PATH: pathWithOnly(tool) };
    expect(await statusNotifierWatcherOwned(systemRunner(env))).toBe(false);
    owner = await BusNameOwner.own(WATCHER_NAME, desktop.env);
    expect(await statusNotifierWatcherOwned(systemRunner(env))).toBe(true);
    await owner.release();
    owner = undefined;
    expect(await statusNotifierWatcherOwned(systemRunner(env))).toBe(false);
  });

  it('GNOME without the AppIndicator extension is told what to do; the icon is found once the extension registers', async () => {
    desktop = await DesktopSession.start({ daemon: false });
    const env = { ...process.env, ...desktop.env, XDG_CURRENT_DESKTOP: 'ubuntu:GNOME', XDG_SESSION_TYPE: 'wayland' };
    const seen: [TrayHost['status'], TrayHost['status'] | undefined][] = [];
    const monitor = new TrayHostMonitor(
      () => probeTrayHost({ platform: 'linux', env }),
      (h, prev) => seen.push([h.status, prev?.status]),
      50,
    );
    try {
      const first = await monitor.start();
      expect(first.status).toBe('missing');
      expect(first.advice).toMatch(/AppIndicator/);
      expect(first.why).toContain(WATCHER_NAME);

      // The shell's extension loads after our autostart: the monitor notices by itself.
      owner = await BusNameOwner.own(WATCHER_NAME, desktop.env);
      await until(() => monitor.current?.status === 'available');
      await owner.release();
      owner = undefined;
      await until(() => monitor.current?.status === 'missing');
      expect(seen).toEqual([
        ['missing', undefined],
        ['available', 'missing'],
        ['missing', 'available'],
      ]);
    } finally {
      monitor.stop();
    }
  });

  it('no session bus at all, or no D-Bus command: unknown, not a false alarm', async () => {
    const noBus = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(tmpdir(), 'vbn-no-such-bus')}`, XDG_CURRENT_DESKTOP: 'GNOME' };
    expect(await probeTrayHost({ platform: 'linux', env: noBus })).toMatchObject({ status: 'unknown', advice: null });
    desktop = await DesktopSession.start({ daemon: false });
    const noTools = { ...desktop.env, PATH: mkdtempSync(join(tmpdir(), 'vbn-empty-path-')), XDG_CURRENT_DESKTOP: 'GNOME' };
    expect(await probeTrayHost({ platform: 'linux', env: noTools })).toMatchObject({ status: 'unknown', advice: null });
  });
});

async function until(pred: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
