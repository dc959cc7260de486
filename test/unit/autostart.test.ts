import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XdgAutostart, autostartExecutable, desktopEntry, loginItemSettings, startsHidden, xdgAutostartDir } from '../../main/desktop/shell/autostart.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vbn-autostart-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('autostart', () => {
  it('desktop entry: Exec quoted per the Desktop Entry spec, hidden, GNOME-enabled', () => {
    const e = desktopEntry('/opt/VoIPBIN Notifier/voipbin-notifier');
    expect(e).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
    expect(e).toContain('Exec="/opt/VoIPBIN Notifier/voipbin-notifier" --hidden\n');
    expect(desktopEntry('/usr/bin/x', ['--a=$HOME', '100%'])).toContain('Exec=/usr/bin/x "--a=\\$HOME" 100%%\n');
    expect(e).toContain('X-GNOME-Autostart-enabled=true');
  });

  it('XDG entry: enable, detect, disable; a user-disabled entry counts as off', async () => {
    const a = new XdgAutostart(join(dir, 'autostart'), '/usr/bin/voipbin-notifier');
    expect(await a.isEnabled()).toBe(false);
    await a.set(true);
    expect(await a.isEnabled()).toBe(true);
    expect(await readFile(a.file, 'utf8')).toContain('Exec=/usr/bin/voipbin-notifier --hidden');
    await writeFile(a.file, `${await readFile(a.file, 'utf8')}Hidden=true\n`);
    expect(await a.isEnabled()).toBe(false);
    await a.set(false);
    await a.set(false);
    expect(await a.isEnabled()).toBe(false);
  });

  it('an unwritable place is a sentence, not a stack', async () => {
    await writeFile(join(dir, 'file'), '');
    await expect(new XdgAutostart(join(dir, 'file', 'autostart'), '/x').set(true)).rejects.toMatchObject({
      code: 'config_invalid',
      message: expect.stringMatching(/^Could not turn on start at login/) as unknown,
    });
  });

  it('paths and flags', () => {
    expect(xdgAutostartDir({ XDG_CONFIG_HOME: '/c' }, '/h')).toBe('/c/autostart');
    expect(xdgAutostartDir({}, '/h')).toBe('/h/.config/autostart');
    expect(autostartExecutable('/tmp/.mount_x/voipbin-notifier', { APPIMAGE: '/home/a/VoIPBIN.AppImage' })).toBe('/home/a/VoIPBIN.AppImage');
    expect(autostartExecutable('/usr/bin/voipbin-notifier', {})).toBe('/usr/bin/voipbin-notifier');
    expect(loginItemSettings(true)).toEqual({ openAtLogin: true, openAsHidden: true, args: ['--hidden'] });
    expect(startsHidden(['/usr/bin/x', '--hidden'], false)).toBe(true);
    expect(startsHidden(['/usr/bin/x'], true)).toBe(true);
    expect(startsHidden(['/usr/bin/x'], false)).toBe(false);
  });
});
