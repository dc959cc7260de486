import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeError, NotifierError } from '../../core/platform/index.js';

/**
 * Start at login, hidden in the tray. macOS and Windows have login items (Electron's
 * setLoginItemSettings); Linux desktops read XDG autostart entries, which Electron does not
 * write, so this module writes one. Every entry passes `--hidden`: an agent's desk should not
 * open a settings window at every login (a recurring complaint about peer apps).
 */
export const HIDDEN_FLAG = '--hidden';
export const AUTOSTART_FILE = 'voipbin-notifier.desktop';

export interface LoginItemSettings {
  openAtLogin: boolean;
  /** macOS: start without showing windows. */
  openAsHidden: boolean;
  /** Windows: arguments given to the executable at login. */
  args: string[];
}

export function loginItemSettings(enabled: boolean): LoginItemSettings {
  return { openAtLogin: enabled, openAsHidden: true, args: [HIDDEN_FLAG] };
}

/** Whether this launch should stay in the tray: `--hidden`, or the OS says it started us at login. */
export function startsHidden(argv: readonly string[], openedAtLogin: boolean): boolean {
  return argv.includes(HIDDEN_FLAG) || openedAtLogin;
}

/** Desktop Entry spec: arguments with spaces or specials are double-quoted, with \\ " ` $ escaped. */
function quoteExecArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `"${arg.replace(/([\\"`$])/g, '\\$1')}"`;
}

export function desktopEntry(executable: string, args: readonly string[] = [HIDDEN_FLAG]): string {
  const exec = [executable, ...args].map(quoteExecArg).join(' ').replaceAll('%', '%%');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=VoIPBIN Notifier',
    'Comment=Notifications for VoIPBIN calls and messages',
    `Exec=${exec}`,
    'Terminal=false',
    'Categories=Network;Telephony;',
    'X-GNOME-Autostart-enabled=true',
    // Give the session's tray host a moment to appear before we register our icon.
    'X-GNOME-Autostart-Delay=5',
    '',
  ].join('\n');
}

export function xdgAutostartDir(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  return join(env.XDG_CONFIG_HOME?.trim() || join(home, '.config'), 'autostart');
}

/**
 * The executable to start at login: inside an AppImage, process.execPath is a temporary mount
 * that is gone after logout; $APPIMAGE is the file the user actually has.
 */
export function autostartExecutable(execPath: string, env: NodeJS.ProcessEnv): string {
  return env.APPIMAGE?.trim() || execPath;
}

export class XdgAutostart {
  readonly file: string;

  constructor(
    dir: string,
    private readonly executable: string,
  ) {
    this.file = join(dir, AUTOSTART_FILE);
  }

  async isEnabled(): Promise<boolean> {
    try {
      const text = await readFile(this.file, 'utf8');
      return !/^\s*Hidden\s*=\s*true\s*$/m.test(text) && !/^\s*X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(text);
    } catch {
      return false;
    }
  }

  async set(enabled: boolean): Promise<void> {
    try {
      if (!enabled) {
        await rm(this.file, { force: true });
        return;
      }
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(this.file, desktopEntry(this.executable), { mode: 0o644 });
    } catch (e) {
      throw new NotifierError('config_invalid', `Could not ${enabled ? 'turn on' : 'turn off'} start at login (${this.file}): ${describeError(e)}`);
    }
  }
}
