import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeTextFrames } from '../emulator/index.js';
import { realisticFeed } from './feed.js';
import { WatchedProcess } from './side-by-side.js';
import { callCentre, newestConnection } from './support.js';
import { resolveApiUrl } from '../main/core/api/api-url.js';
import type { BenchResult } from './report.js';

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

export interface CommandProfile {
  path: string;
  passes: number;
  frames: number;
  top: { name: string; share: number }[];
}

export async function profileCommand(o: { frames: number; passes: number }): Promise<CommandProfile> {
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
  return { path, passes: o.passes, frames: o.frames, top: topSelfTime(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile) };
}

const table = (rows: readonly { name: string; share: number }[]): string[] => [
  '| share of busy time (self) | function |',
  '|---|---|',
  ...rows.map((r) => `| ${(r.share * 100).toFixed(1)}% | ${r.name.replace(/\|/g, '\\|')} |`),
];

/** `--cpu-prof`: the table alone, and where the profile is. */
export function profileText(p: CommandProfile): string {
  return [
    `CPU profile of \`voipbin-notifier run --json\` under the worst feed (${p.passes} × ${p.frames.toLocaleString('en-US')} frames): ${p.path}`,
    '',
    ...table(p.top),
  ].join('\n');
}

/**
 * Where the command's time went when issue 14 was filed (a profile of `run --json --notify none`
 * on a feed of the agent's own call legs with 50% duplicates, ~39k frames/s): kept as the
 * "before", since that code is gone; the "after" is measured by every full run.
 */
const BEFORE = [
  '- 59% matching a call leg to its offer by caller: `onLeg` → `matchByCaller`, and `routedAway`, walked every remembered offer (up to 2,000) on every call frame',
  '- ~6% redacting every output line: five global regex passes per line, secret-shaped text or not',
  '- every frame decoded to a string before the exact-copy check; a key string and a fingerprint string built per frame in ordering; output lines built as objects, then stringified, redacted and concatenated',
];

/** The full run's Profile section: the top of the profile now, beside what it was. */
export async function profileBench(o: { frames: number; passes: number }): Promise<BenchResult> {
  const p = await profileCommand(o);
  // The full run keeps only the table: a profile of every run would pile up in the temp folder.
  rmSync(dirname(p.path), { recursive: true, force: true });
  const first = p.top[0];
  return {
    name: 'Profile',
    rows: [
      {
        metric: 'worst feed: the function with the most self time',
        result: first === undefined ? '—' : `${(first.share * 100).toFixed(1)}% ${first.name}`,
        target: '—',
        met: undefined,
      },
    ],
    details: [
      `The real command (\`run --json\`, as in Command) under V8's sampling profiler (\`--cpu-prof\`), ${p.passes} passes of`,
      `${p.frames.toLocaleString('en-US')} frames of the worst feed; shares of the time the process was busy, by self time.`,
      '`npm run bench -- --cpu-prof` writes the same profile for DevTools or speedscope.',
      '',
      'Before (when issue 14 was filed):',
      '',
      ...BEFORE,
      '',
      'Now, top 15:',
      '',
      ...table(p.top.slice(0, 15)),
    ],
  };
}
