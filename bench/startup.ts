import { spawn } from 'node:child_process';
import type { BenchResult } from './report.js';
import { CLI, callCentre, median, ms } from './support.js';

/** Process start → subscribed (and → first catch-up done) for the built command, several times. */
export async function startup(o: { runs: number }): Promise<BenchResult> {
  const cc = await callCentre();
  const subscribed: number[] = [];
  const caughtUp: number[] = [];
  try {
    for (let i = 0; i < o.runs; i++) {
      const t0 = performance.now();
      const child = spawn(process.execPath, [CLI, 'run', '--json', '--notify', 'none', '--api-url', cc.emu.url], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, VOIPBIN_TOKEN: cc.token, VOIPBIN_NOTIFIER_CONFIG_DIR: '/nonexistent-bench-config' },
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (d: string) => {
          out += d;
          if (subscribed.length === i && out.includes('"type":"subscribed"')) subscribed.push(performance.now() - t0);
          if (out.includes('"type":"catchup"')) {
            caughtUp.push(performance.now() - t0);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`voipbin-notifier run exited with ${code}: ${out}`)));
      });
      child.kill('SIGTERM');
      await exited;
    }
    const med = median(subscribed);
    return {
      name: 'Startup',
      rows: [
        { metric: 'process start → subscribed, median', result: ms(med), target: '—', met: undefined },
        { metric: 'process start → catch-up done, median', result: ms(median(caughtUp)), target: '—', met: undefined },
      ],
      details: [
        `\`voipbin-notifier run --json --notify none\` with an agent token, started ${o.runs} times; timed from spawn to its`,
        '`subscribed` line (Node start-up, loading the modules, the WebSocket handshake and the acknowledged subscription)',
        `and to its first \`catchup\` line (the REST reconciliation). Each run: subscribed ${subscribed.map(ms).join(', ')}.`,
      ],
    };
  } finally {
    await cc.emu.stop();
  }
}
