import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/**
 * A real process that owns a well-known name on a D-Bus session bus, as a desktop's tray host owns
 * org.kde.StatusNotifierWatcher. Uses Debian's python3-dbus (the system interpreter, not whatever
 * python3 is first on PATH), installed by .ci/run.
 */
export const SYSTEM_PYTHON = '/usr/bin/python3';

const OWN_NAME = [
  'import dbus, sys',
  'bus = dbus.SessionBus()',
  'reply = bus.request_name(sys.argv[1], dbus.bus.NAME_FLAG_DO_NOT_QUEUE)',
  'print("owned" if reply == dbus.bus.REQUEST_NAME_REPLY_PRIMARY_OWNER else "refused %d" % reply, flush=True)',
  // Holds the name until the test closes stdin (or kills it).
  'sys.stdin.read()',
].join('\n');

export function busNameOwnerAvailable(): boolean {
  return spawnSync(SYSTEM_PYTHON, ['-c', 'import dbus'], { stdio: 'ignore' }).status === 0;
}

export class BusNameOwner {
  private constructor(
    private readonly child: ChildProcess,
    private readonly gone: Promise<void>,
  ) {}

  static async own(name: string, env: Record<string, string>, timeoutMs = 5_000): Promise<BusNameOwner> {
    const child = spawn(SYSTEM_PYTHON, ['-c', OWN_NAME, name], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const deadline = Date.now() + timeoutMs;
    while (!out.includes('\n')) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`could not own ${name} on the test bus: ${err.trim() || out.trim() || 'no answer'}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    if (out.trim() !== 'owned') {
      child.kill('SIGKILL');
      throw new Error(`could not own ${name} on the test bus: ${out.trim()}`);
    }
    return new BusNameOwner(child, gone);
  }

  /** Gives the name up by ending the process, as a shell restart or a disabled extension does. */
  async release(): Promise<void> {
    this.child.stdin?.end();
    this.child.kill('SIGTERM');
    await this.gone;
  }
}
