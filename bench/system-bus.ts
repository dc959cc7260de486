import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageBus } from '@particle/dbus-next';

/**
 * A Linux desk's system bus with logind on it, for the idle benchmark: a private dbus-daemon and a
 * connection owning org.freedesktop.login1 (it only has to be there; the command then learns of
 * wake-ups from it instead of reading the clock at each ping). Undefined where dbus-daemon is missing.
 */
export interface BenchSystemBus {
  address: string;
  stop(): void;
}

export async function startSystemBusWithLogind(): Promise<BenchSystemBus | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'vbn-bench-bus-'));
  const config = join(dir, 'bus.conf');
  writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:dir=${dir}</listen><policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`,
  );
  let daemon: ChildProcess;
  try {
    daemon = spawn('dbus-daemon', ['--config-file', config, '--nofork', '--print-address'], { stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
  const address = await new Promise<string | undefined>((resolve) => {
    let out = '';
    daemon.on('error', () => resolve(undefined));
    daemon.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (out.includes('\n')) resolve(out.trim());
    });
  });
  if (address === undefined) return undefined;
  const dbus = await import('@particle/dbus-next');
  const logind: MessageBus = dbus.sessionBus({ busAddress: address });
  const owned = await Promise.race([
    logind.requestName('org.freedesktop.login1', 0).then(() => true),
    new Promise<false>((r) => setTimeout(() => r(false), 5_000).unref()),
  ]);
  if (!owned) {
    logind.disconnect();
    daemon.kill();
    return undefined;
  }
  return {
    address,
    stop: () => {
      logind.disconnect();
      daemon.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
