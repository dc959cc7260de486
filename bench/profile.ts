import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeTextFrames } from '../emulator/index.js';
import { realisticFeed } from './feed.js';
import { WatchedProcess } from './side-by-side.js';
import { callCentre, newestConnection } from './support.js';
import { resolveApiUrl } from '../main/core/api/api-url.js';

/**
 * `npm run bench -- --cpu-prof`: the real command under the worst feed with V8's sampling profiler
 * on, then the functions that took the most time, by self time. The .cpuprofile stays on disk for
 * Chrome DevTools (Performance → Load profile) or speedscope; the table points at where to look.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function topSelfTime(profile: CpuProfile, top = 40): { name: string; share: number }[] {
  // Shares of the time the process was busy: waiting for the next pass is not a cost.
  const busy = profile.nodes.filter((n) => n.callFrame.functionName !== '(idle)');
  const total = busy.reduce((n, x) => n + (x.hitCount ?? 0), 0);
  const by = new Map<string, number>();
  for (const n of busy) {
    const f = n.callFrame;
    const file = f.url.startsWith('file:') ? relative(ROOT, fileURLToPath(f.url)) : f.url;
    const where = file === '' ? '' : ` ${file}:${f.lineNumber + 1}`;
    const key = `${f.functionName === '' ? '(anonymous)' : f.functionName}${where}`;
    by.set(key, (by.get(key) ?? 0) + (n.hitCount ?? 0));
  }
  return [...by]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, hits]) => ({ name, share: hits / Math.max(1, total) }));
}

export async function profileCommand(o: { frames: number; passes: number }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'vbn-cpu-prof-'));
  const cc = await callCentre();
  const p = new WatchedProcess('command', {
    apiUrl: cc.emu.url,
    wsUrl: resolveApiUrl(cc.emu.url).websocket,
    token: cc.token,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  try {
    await p.ready();
    const connId = newestConnection(cc.emu);
    for (let i = 0; i < o.passes; i++) {
      const feed = realisticFeed(cc.world, { unique: Math.ceil(o.frames / 2), seed: 900 + i, mix: 'ringing-me' });
      const done = p.until(feed.sentinelId);
      await cc.emu.writeEncoded(encodeTextFrames(feed.frames.map((f) => f.text)), { connId });
      await done;
    }
  } finally {
    // SIGTERM: the command stops cleanly, and Node writes the profile on the way out.
    await p.stop();
    await cc.emu.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no profile was written in ${dir}`);
  const path = join(dir, file);
  const rows = topSelfTime(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile);
  return [
    `CPU profile of \`voipbin-notifier run --json\` under the worst feed (${o.passes} × ${o.frames.toLocaleString('en-US')} frames): ${path}`,
    '',
    '| share of busy time (self) | function |',
    '|---|---|',
    ...rows.map((r) => `| ${(r.share * 100).toFixed(1)}% | ${r.name.replace(/\|/g, '\\|')} |`),
  ].join('\n');
}
