import { readdirSync, readFileSync } from 'node:fs';
import { resolveApiUrl } from '../main/core/api/api-url.js';
import type { BenchResult } from './report.js';
import { WatchedProcess } from './side-by-side.js';
import { callCentre, sleep } from './support.js';

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
  const wsUrl = resolveApiUrl(cc.emu.url).websocket;
  const procs = [
    new WatchedProcess('bare', { apiUrl: cc.emu.url, wsUrl, token: cc.token }),
    new WatchedProcess('command', { apiUrl: cc.emu.url, wsUrl, token: cc.token }),
  ];
  try {
    for (const p of procs) await p.ready();
    // Start-up's last work (the catch-up, JIT, the first GC) is not idle.
    await sleep(5_000);
    const before = procs.map((p) => usageOf(p.pid));
    await sleep(o.seconds * 1000);
    const per = procs.map((p, i) => {
      const a = usageOf(p.pid);
      const b = before[i] ?? { cpuNs: 0, wakeups: 0 };
      const minutes = o.seconds / 60;
      return { cpuMsPerMin: (a.cpuNs - b.cpuNs) / 1e6 / minutes, wakeupsPerMin: (a.wakeups - b.wakeups) / minutes };
    });
    const [bare, command] = per as [(typeof per)[0], (typeof per)[0]];
    const cpuRatio = command.cpuMsPerMin / bare.cpuMsPerMin;
    const wakeRatio = command.wakeupsPerMin / bare.wakeupsPerMin;
    return {
      name: 'Idle',
      rows: [
        {
          metric: 'idle CPU per minute, command / bare client',
          result: `${cpuRatio.toFixed(2)}× (${command.cpuMsPerMin.toFixed(1)} ms vs ${bare.cpuMsPerMin.toFixed(1)} ms)`,
          target: '≤ 1.5×',
          met: cpuRatio <= 1.5,
        },
        {
          metric: 'idle wake-ups per minute, command / bare client',
          result: `${wakeRatio.toFixed(2)}× (${command.wakeupsPerMin.toFixed(0)} vs ${bare.wakeupsPerMin.toFixed(0)})`,
          target: '≤ 2×',
          met: wakeRatio <= 2,
        },
      ],
      details: [
        `\`voipbin-notifier run --json --notify none --customer-calls\` and a bare \`ws\` client, side by side, both subscribed to the`,
        `emulator (which pings every 10 s, as VoIPBIN does), measured over ${o.seconds} s after 5 s of settling. CPU: run time of every`,
        'thread (schedstat); wake-ups: voluntary context switches of every thread.',
      ],
    };
  } finally {
    for (const p of procs) await p.stop();
    await cc.emu.stop();
  }
}
