import { cpus, freemem, platform, release, totalmem } from 'node:os';
import { mb } from './support.js';

/** What each benchmark hands back: table rows, plus detail lines for docs/BENCHMARKS.md. */
export interface Row {
  metric: string;
  result: string;
  target: string;
  /** undefined: informational, no target. */
  met: boolean | undefined;
}

export interface BenchResult {
  name: string;
  rows: Row[];
  /** Markdown: how it was measured, histograms, per-minute samples. */
  details: string[];
}

const verdict = (met: boolean | undefined): string => (met === undefined ? '—' : met ? 'met' : 'NOT met');

export function printTable(results: readonly BenchResult[]): string {
  const rows = results.flatMap((r) => r.rows.map((row) => [r.name, row.metric, row.result, row.target, verdict(row.met)]));
  const head = ['benchmark', 'metric', 'result', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function machineInfo(): string[] {
  const cpu = cpus();
  return [
    `- CPU: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown'}`,
    `- Memory: ${mb(totalmem())} total, ${mb(freemem())} free at the start`,
    `- OS: ${platform()} ${release()}`,
    `- Node.js: ${process.version}`,
  ];
}

export function markdown(results: readonly BenchResult[], startedAt: Date, config: Record<string, string | number>): string {
  const all = results.flatMap((r) => r.rows);
  const targets = all.filter((r) => r.met !== undefined);
  const missed = targets.filter((r) => r.met === false);
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    '# Benchmarks',
    '',
    '<!-- Written by `npm run bench` (bench/run.ts). Do not edit by hand: run it again. -->',
    '',
    `Run on ${startedAt.toISOString()}. ${targets.length - missed.length} of ${targets.length} targets met${missed.length > 0 ? ` (missed: ${missed.map((m) => m.metric).join('; ')})` : ''}.`,
    '',
    '| benchmark | metric | result | target | |',
    '|---|---|---|---|---|',
    ...results.flatMap((r) => r.rows.map((row) => `| ${esc(r.name)} | ${esc(row.metric)} | ${esc(row.result)} | ${esc(row.target)} | ${verdict(row.met)} |`)),
    '',
    '## Machine',
    '',
    ...machineInfo(),
    `- Settings: ${Object.entries(config)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
    '',
    'The machine is shared: other processes (test suites, builds) may have been running and can',
    'only make the numbers worse, never better. Each section below notes the load average around it;',
    'a load above the number of cores means the measured processes had to share them.',
    '',
    ...results.flatMap((r) => [`## ${r.name}`, '', ...r.details, '']),
  ].join('\n');
}
