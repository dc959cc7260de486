import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real Linux desktop notification stack for tests: Xvfb, a private D-Bus session bus, the dunst
 * notification daemon, and dbus-monitor recording every org.freedesktop.Notifications call.
 */
export const DESKTOP_TOOLS = ['Xvfb', 'dbus-daemon', 'dunst', 'dunstctl', 'dbus-monitor'] as const;

export function missingDesktopTools(): string[] {
  return DESKTOP_TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
}

export interface NotifyCall {
  appName: string;
  replacesId: number;
  appIcon: string;
  summary: string;
  body: string;
  /** The action keys and labels, in order. */
  actions: string[];
  hints: string;
  expireTimeout: number;
  /** The id the server answered with; undefined while no reply was seen (or the call failed). */
  id: number | undefined;
}

/** dbus-monitor prints a string between quotes as it is, unescaped: its value runs to the last quote on the line. */
const STRING_LINE = (indent: number): RegExp => new RegExp(`^ {${indent}}string "(.*)"$`, 'gm');

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

  /** `markup`: dunst's setting; 'full' (its default) renders body markup and says so, 'no' shows text as it is. */
  static async start(opts: { daemon?: boolean; markup?: 'full' | 'no' } = {}): Promise<DesktopSession> {
    const display = `:${90 + Math.floor(Math.random() * 400)}`;
    const procs: ChildProcess[] = [];
    const xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    procs.push(xvfb);
    const dir = mkdtempSync(join(tmpdir(), 'vbn-desktop-'));
    // A session bus without service activation: only the daemon we start can answer.
    const config = join(dir, 'session.conf');
    writeFileSync(
      config,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:dir=${dir}</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`,
    );
    const bus = spawn('dbus-daemon', ['--config-file', config, '--nofork', '--print-address'], { stdio: ['ignore', 'pipe', 'ignore'] });
    procs.push(bus);
    let address = '';
    bus.stdout.on('data', (d: Buffer) => (address += d.toString('utf8')));
    await waitFor('the D-Bus session bus', () => address.includes('\n'));
    const env = { DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: address.trim(), XDG_RUNTIME_DIR: dir };
    // Method returns too: they carry the id each Notify was given.
    const monitor = spawn('dbus-monitor', ['--session', "interface='org.freedesktop.Notifications'", "type='method_return'"], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    procs.push(monitor);
    const session = new DesktopSession(procs, env, monitor);
    await waitFor('dbus-monitor', () => session.monitorOut.length > 0);
    if (opts.daemon !== false) {
      const dunstrc = join(dir, 'dunstrc');
      writeFileSync(
        dunstrc,
        `[global]\n    font = Monospace 11\n    origin = top-right\n    offset = 16x16\n    width = 420\n    frame_width = 2\n    markup = ${opts.markup ?? 'full'}\n`,
      );
      procs.push(spawn('dunst', ['-config', dunstrc], { env: { ...process.env, ...env }, stdio: 'ignore' }));
      await waitFor('dunst on the bus', () => {
        const r = spawnSync(
          'dbus-send',
          ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.ListNames'],
          { env: { ...process.env, ...env } },
        );
        return r.stdout.toString().includes('org.freedesktop.Notifications');
      });
    }
    return session;
  }

  private blocks(): string[] {
    return this.monitorOut.split(/\n(?=method call|signal|method return|error)/);
  }

  /** Every Notify call seen on the bus so far, decoded from dbus-monitor's text, with the id the server replied. */
  notifyCalls(): NotifyCall[] {
    const blocks = this.blocks();
    const replies = new Map<string, number>();
    for (const b of blocks) {
      const m = /^method return .*? -> destination=(\S+) serial=\d+ reply_serial=(\d+)\n {3}uint32 (\d+)/.exec(b);
      if (m !== null) replies.set(`${m[1]}/${m[2]}`, Number(m[3]));
    }
    const calls: NotifyCall[] = [];
    for (const block of blocks) {
      if (!block.startsWith('method call') || !block.includes('member=Notify')) continue;
      const head = /sender=(\S+) -> destination=\S+ serial=(\d+)/.exec(block);
      const strings = [...block.matchAll(STRING_LINE(3))].map((m) => m[1] ?? '');
      const uints = [...block.matchAll(/^ {3}uint32 (\d+)/gm)].map((m) => Number(m[1]));
      const ints = [...block.matchAll(/^ {3}int32 (-?\d+)/gm)].map((m) => Number(m[1]));
      const arrays = block.split(/^ {3}array \[/m);
      const actions = [...(arrays[1] ?? '').matchAll(STRING_LINE(6))].map((m) => m[1] ?? '');
      calls.push({
        appName: strings[0] ?? '',
        replacesId: uints[0] ?? 0,
        appIcon: strings[1] ?? '',
        summary: strings[2] ?? '',
        body: strings[3] ?? '',
        actions,
        hints: arrays.slice(2).join('array ['),
        expireTimeout: ints.at(-1) ?? 0,
        id: head === null ? undefined : replies.get(`${head[1]}/${head[2]}`),
      });
    }
    return calls;
  }

  /** The ids passed to CloseNotification so far. */
  closeCalls(): number[] {
    return this.blocks()
      .filter((b) => b.startsWith('method call') && b.includes('member=CloseNotification'))
      .map((b) => Number(/^ {3}uint32 (\d+)/m.exec(b)?.[1]));
  }

  /** How many pop-ups dunst has on screen now (dunstctl). */
  displayed(): number {
    const r = spawnSync('dunstctl', ['count', 'displayed'], { env: { ...process.env, ...this.env } });
    return Number(r.stdout.toString().trim());
  }

  async waitForDisplayed(n: number, timeoutMs = 5_000): Promise<void> {
    await waitFor(`${n} pop-up(s) on screen`, () => this.displayed() === n, timeoutMs);
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
