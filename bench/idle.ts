import { readdirSync, readFileSync } from 'node:fs';
import { resolveApiUrl } from '../main/core/api/api-url.js';
import type { BenchResult } from './report.js';
import { WatchedProcess } from './side-by-side.js';
import { callCentre, sleep } from './support.js';
import { startSystemBusWithLogind } from './system-bus.js';

/** V8's start-up work (JIT, the memory reducer's collections from 8 s on) is over by then, in both processes. */
const SETTLE_MS = 40_000;

/**
 * What the command costs an agent's machine on a quiet day: the command and the bare client, side
 * by side, both subscribed and idle with the server's 10 s pings, for `seconds`. CPU is the run
 * time of every thread (/proc/<pid>/task/<tid>/schedstat, ns); a wake-up is a voluntary context
 * switch of any thread (the thread slept and something woke it: a timer, a packet).
 */
interface Usage {
  cpuNs: number;
  wakeups: number;
}

function usageOf(pid: number): Usage {
  let cpuNs = 0;
  let wakeups = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      cpuNs += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      const m = /voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
      wakeups += Number(m?.[1] ?? 0);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return { cpuNs, wakeups };
}

export async function idle(o: { seconds: number }): Promise<BenchResult> {
  const cc = await callCentre();
  const systemBus = await startSystemBusWithLogind();
  const wsUrl = resolveApiUrl(cc.emu.url).websocket;
  const procs = [
    new WatchedProcess('bare', { apiUrl: cc.emu.url, wsUrl, token: cc.token }),
    // Where logind is on the system bus (a Linux desk), and where it is not (the clock is also read at each ping).
    ...(systemBus !== undefined
      ? [new WatchedProcess('command', { apiUrl: cc.emu.url, wsUrl, token: cc.token, env: { DBUS_SYSTEM_BUS_ADDRESS: systemBus.address } })]
      : []),
    new WatchedProcess('command', { apiUrl: cc.emu.url, wsUrl, token: cc.token, env: { DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent-bench-bus' } }),
  ];
  const labels = ['bare client', ...(systemBus !== undefined ? ['command, logind on the system bus'] : []), 'command, no logind'];
  try {
    for (const p of procs) await p.ready();
    await sleep(SETTLE_MS);
    const before = procs.map((p) => usageOf(p.pid));
    await sleep(o.seconds * 1000);
    const per = procs.map((p, i) => {
      const a = usageOf(p.pid);
      const b = before[i] ?? { cpuNs: 0, wakeups: 0 };
      const minutes = o.seconds / 60;
      return { cpuMsPerMin: (a.cpuNs - b.cpuNs) / 1e6 / minutes, wakeupsPerMin: (a.wakeups - b.wakeups) / minutes };
    });
    const bare = per[0] ?? { cpuMsPerMin: NaN, wakeupsPerMin: NaN };
    const rows = per.slice(1).flatMap((command, i) => {
      const label = labels[i + 1] ?? 'command';
      const cpuRatio = command.cpuMsPerMin / bare.cpuMsPerMin;
      const wakeRatio = command.wakeupsPerMin / bare.wakeupsPerMin;
      return [
        {
          metric: `idle CPU per minute, ${label} / bare client`,
          result: `${cpuRatio.toFixed(2)}× (${command.cpuMsPerMin.toFixed(1)} ms vs ${bare.cpuMsPerMin.toFixed(1)} ms)`,
          target: '≤ 1.5×',
          met: cpuRatio <= 1.5,
        },
        {
          metric: `idle wake-ups per minute, ${label} / bare client`,
          result: `${wakeRatio.toFixed(2)}× (${command.wakeupsPerMin.toFixed(0)} vs ${bare.wakeupsPerMin.toFixed(0)})`,
          target: '≤ 2×',
          met: wakeRatio <= 2,
        },
      ];
    });
    return {
      name: 'Idle',
      rows,
      details: [
        `\`voipbin-notifier run --json --notify none --customer-calls\` and a bare \`ws\` client, side by side, all subscribed to the`,
        `emulator (which pings every 10 s, as VoIPBIN does), measured over ${o.seconds} s after ${SETTLE_MS / 1000} s of settling (V8's start-up work — JIT,`,
        "the memory reducer's collections — is over by then in every process). CPU: run time of every thread (schedstat);",
        'wake-ups: voluntary context switches of every thread. The command runs twice: with logind on the system bus (a',
        'private dbus-daemon with a connection owning org.freedesktop.login1, as on a Linux desk), where wake-ups are told and',
        "the clock is read only at the watchdog deadline, and without, where it is also read at each of the server's pings.",
        ...(systemBus === undefined ? ['(dbus-daemon is not installed here: only the run without logind.)'] : []),
      ],
    };
  } finally {
    for (const p of procs) await p.stop();
    systemBus?.stop();
    await cc.emu.stop();
  }
}
