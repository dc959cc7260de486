import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real Linux desktop notification stack for tests: Xvfb, a private D-Bus session bus, the dunst
 * notification daemon, and dbus-monitor recording every org.freedesktop.Notifications call.
 */
export const DESKTOP_TOOLS = ['Xvfb', 'dbus-daemon', 'dunst', 'dbus-monitor', 'notify-send'] as const;

export function missingDesktopTools(): string[] {
  return DESKTOP_TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
}

export interface NotifyCall {
  appName: string;
  replacesId: number;
  summary: string;
  body: string;
  hints: string;
  expireTimeout: number;
}

async function waitFor(what: string, pred: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error(`desktop session: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export class DesktopSession {
  readonly env: Record<string, string>;
  private monitorOut = '';
  private constructor(
    private readonly procs: ChildProcess[],
    env: Record<string, string>,
    private readonly monitor: ChildProcess,
  ) {
    this.env = env;
    monitor.stdout?.on('data', (d: Buffer) => (this.monitorOut += d.toString('utf8')));
  }

  static async start(opts: { daemon?: boolean } = {}): Promise<DesktopSession> {
    const display = `:${90 + Math.floor(Math.random() * 400)}`;
    const procs: ChildProcess[] = [];
    const xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    procs.push(xvfb);
    const dir = mkdtempSync(join(tmpdir(), 'vbn-desktop-'));
    // A session bus without service activation: only the daemon we start can answer.
    const config = join(dir, 'session.conf');
    writeFileSync(config, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:dir=${dir}</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`);
    const bus = spawn('dbus-daemon', ['--config-file', config, '--nofork', '--print-address'], { stdio: ['ignore', 'pipe', 'ignore'] });
    procs.push(bus);
    let address = '';
    bus.stdout.on('data', (d: Buffer) => (address += d.toString('utf8')));
    await waitFor('the D-Bus session bus', () => address.includes('\n'));
    const env = { DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: address.trim(), XDG_RUNTIME_DIR: dir };
    const monitor = spawn('dbus-monitor', ['--session', "interface='org.freedesktop.Notifications'"], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
    procs.push(monitor);
    const session = new DesktopSession(procs, env, monitor);
    await waitFor('dbus-monitor', () => session.monitorOut.length > 0);
    if (opts.daemon !== false) {
      const dunstrc = join(dir, 'dunstrc');
      writeFileSync(dunstrc, '[global]\n    font = Monospace 11\n    origin = top-right\n    offset = 16x16\n    width = 420\n    frame_width = 2\n');
      procs.push(spawn('dunst', ['-config', dunstrc], { env: { ...process.env, ...env }, stdio: 'ignore' }));
      await waitFor('dunst on the bus', () => {
        const r = spawnSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.ListNames'], { env: { ...process.env, ...env } });
        return r.stdout.toString().includes('org.freedesktop.Notifications');
      });
    }
    return session;
  }

  /** Every Notify call seen on the bus so far, decoded from dbus-monitor's text. */
  notifyCalls(): NotifyCall[] {
    const calls: NotifyCall[] = [];
    for (const block of this.monitorOut.split(/\n(?=method call|signal|method return|error)/)) {
      if (!block.startsWith('method call') || !block.includes('member=Notify')) continue;
      const strings = [...block.matchAll(/^ {3}string "((?:[^"\\]|\\.)*)"/gm)].map((m) => m[1] ?? '');
      const uints = [...block.matchAll(/^ {3}uint32 (\d+)/gm)].map((m) => Number(m[1]));
      const ints = [...block.matchAll(/^ {3}int32 (-?\d+)/gm)].map((m) => Number(m[1]));
      calls.push({
        appName: strings[0] ?? '',
        replacesId: uints[0] ?? 0,
        summary: strings[2] ?? '',
        body: strings[3] ?? '',
        hints: block.slice(block.indexOf('array [')),
        expireTimeout: ints.at(-1) ?? 0,
      });
    }
    return calls;
  }

  async waitForNotify(pred: (c: NotifyCall) => boolean, timeoutMs = 8_000): Promise<NotifyCall> {
    let found: NotifyCall | undefined;
    await waitFor('a matching Notify call', () => (found = this.notifyCalls().find(pred)) !== undefined, timeoutMs);
    return found!;
  }

  /** Screenshot of the whole virtual screen (imagemagick `import`). */
  screenshot(path: string, crop?: string): void {
    const args = ['-display', this.env.DISPLAY!, '-window', 'root', ...(crop !== undefined ? ['-crop', crop] : []), path];
    const r = spawnSync('import', args);
    if (r.status !== 0) throw new Error(`import failed: ${r.stderr.toString()}`);
  }

  stop(): void {
    for (const p of this.procs.reverse()) p.kill('SIGKILL');
  }
}
