import { execFile } from 'node:child_process';

/**
 * Can this desktop show our tray icon? On Linux a tray icon needs a StatusNotifierItem host (the
 * org.kde.StatusNotifierWatcher name on the session bus) or, on X11 only, an old XEmbed tray.
 * Stock GNOME has neither, and creating the tray still "succeeds": the icon is simply nowhere, the
 * app looks gone, and the agent cannot see whether calls can reach them (peer-notifiers §3.4).
 * macOS and Windows always have a menu bar / notification area.
 */
export type TrayHostStatus = 'available' | 'missing' | 'unknown';

export interface TrayHost {
  status: TrayHostStatus;
  /** What was found, for the log and diagnostics. */
  why: string;
  /** For 'missing': what the agent can do about it, in words. */
  advice: string | null;
}

/** Runs a command; resolves with its stdout, rejects if it cannot be run or fails. */
export type CommandRunner = (file: string, args: readonly string[], timeoutMs: number) => Promise<string>;

export const WATCHER_NAME = 'org.kde.StatusNotifierWatcher';

/** Runs commands for real, in `env` (whose PATH and DBUS_SESSION_BUS_ADDRESS decide what is asked). */
export function systemRunner(env: NodeJS.ProcessEnv = process.env): CommandRunner {
  return (file, args, timeoutMs) =>
    new Promise((resolve, reject) => {
      execFile(file, [...args], { env, timeout: timeoutMs, encoding: 'utf8', windowsHide: true }, (error: Error | null, stdout: string) => {
        if (error !== null) reject(error);
        else resolve(stdout);
      });
    });
}

/**
 * Whether the watcher name has an owner, asked of the session bus with whichever D-Bus command the
 * desktop has (dbus-send comes with the bus itself, gdbus with GLib); undefined if neither answers.
 */
export async function statusNotifierWatcherOwned(run: CommandRunner = systemRunner(), timeoutMs = 2_000): Promise<boolean | undefined> {
  const askers: readonly { file: string; args: readonly string[]; read: (out: string) => boolean | undefined }[] = [
    {
      file: 'dbus-send',
      args: [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        `string:${WATCHER_NAME}`,
      ],
      read: (out) => (/boolean true/.test(out) ? true : /boolean false/.test(out) ? false : undefined),
    },
    {
      file: 'gdbus',
      args: [
        'call',
        '--session',
        '--dest',
        'org.freedesktop.DBus',
        '--object-path',
        '/org/freedesktop/DBus',
        '--method',
        'org.freedesktop.DBus.NameHasOwner',
        WATCHER_NAME,
      ],
      read: (out) => (/\(true,\)/.test(out) ? true : /\(false,\)/.test(out) ? false : undefined),
    },
  ];
  for (const a of askers) {
    try {
      const answer = a.read(await run(a.file, a.args, timeoutMs));
      if (answer !== undefined) return answer;
    } catch {
      // Not installed, or no session bus: the next asker, then "don't know".
    }
  }
  return undefined;
}

const KEEP_WINDOW =
  'Until there is one, VoIPBIN Notifier keeps its window open (minimised in the dock or taskbar) so you can always see whether calls can reach you; closing the window only minimises it.';

/** The verdict from what the bus said and what desktop this is (pure: the table-driven part). */
export function judgeTrayHost(watcher: boolean | undefined, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): TrayHost {
  if (platform !== 'linux') return { status: 'available', why: `${platform} always has a tray`, advice: null };
  if (watcher === true) return { status: 'available', why: `${WATCHER_NAME} is on the session bus`, advice: null };
  if (watcher === undefined) return { status: 'unknown', why: 'could not ask the session bus (no dbus-send or gdbus, or no bus)', advice: null };
  const desktop = env.XDG_CURRENT_DESKTOP ?? '';
  const wayland = env.XDG_SESSION_TYPE === 'wayland' || (env.WAYLAND_DISPLAY ?? '') !== '';
  const gnome = desktop.split(':').some((d) => d.toUpperCase() === 'GNOME');
  const why = `no ${WATCHER_NAME} on the session bus (${desktop === '' ? 'unknown desktop' : desktop}${wayland ? ', Wayland' : ''})`;
  if (gnome) {
    return {
      status: 'missing',
      why,
      advice: `GNOME shows tray icons only with the AppIndicator extension: install “AppIndicator and KStatusNotifierItem Support” (package gnome-shell-extension-appindicator), turn it on in Extensions, and the icon appears by itself. ${KEEP_WINDOW}`,
    };
  }
  if (wayland) {
    return {
      status: 'missing',
      why,
      advice: `This desktop has no tray that shows StatusNotifierItem icons; its panel may offer a tray or “status notifier” applet. ${KEEP_WINDOW}`,
    };
  }
  // X11 without a watcher may still have an XEmbed tray (i3bar, older panels), which Electron falls back to.
  return { status: 'unknown', why: `${why}; an X11 tray may still show the icon`, advice: null };
}

export async function probeTrayHost(o: { platform: NodeJS.Platform; env: NodeJS.ProcessEnv; run?: CommandRunner }): Promise<TrayHost> {
  if (o.platform !== 'linux') return judgeTrayHost(true, o.platform, o.env);
  return judgeTrayHost(await statusNotifierWatcherOwned(o.run ?? systemRunner(o.env)), o.platform, o.env);
}

/**
 * Keeps asking: at login the app often starts before the shell's tray extension has registered,
 * and a shell restart or a disabled extension takes the tray away mid-day. Reports changes only.
 */
export class TrayHostMonitor {
  private timer: NodeJS.Timeout | undefined;
  private last: TrayHost | undefined;
  private running = false;

  constructor(
    private readonly probe: () => Promise<TrayHost>,
    private readonly onChange: (host: TrayHost, previous: TrayHost | undefined) => void,
    private readonly intervalMs = 30_000,
  ) {}

  get current(): TrayHost | undefined {
    return this.last;
  }

  /** Resolves after the first answer, so the caller can decide how to start. */
  async start(): Promise<TrayHost> {
    this.running = true;
    const first = await this.check();
    this.schedule();
    return first;
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  /** Ask now (e.g. after waking up), and report a change. */
  async check(): Promise<TrayHost> {
    const host = await this.probe();
    const previous = this.last;
    this.last = host;
    if (previous === undefined || previous.status !== host.status) this.onChange(host, previous);
    return host;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.check()
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }
}
