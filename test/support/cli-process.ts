import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = fileURLToPath(new URL('../../dist/main/cli/main.js', import.meta.url));

/**
 * Unless a test passes its own VOIPBIN_NOTIFIER_CONFIG_DIR, the command sees an empty config
 * directory: credentials saved on the developer's machine must never leak into a test.
 */
export const NO_CONFIG_DIR = join(tmpdir(), `voipbin-notifier-test-no-config-${process.pid}`);

export interface JsonLine {
  type: string;
  [k: string]: unknown;
}

/** The built command as a child process, its stdout parsed as JSON lines. */
export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string | undefined> = {}) {
    this.child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, VOIPBIN_NOTIFIER_CONFIG_DIR: NO_CONFIG_DIR, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (d: Buffer) => (this.stdout += d.toString('utf8')));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Complete lines only: a pipe hands stdout over in chunks that may end inside a line. */
  lines(): JsonLine[] {
    return this.stdout
      .slice(0, this.stdout.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as JsonLine);
  }

  async until(what: string, pred: (lines: JsonLine[]) => boolean, timeoutMs = 8_000): Promise<void> {
    const start = Date.now();
    while (!pred(this.lines())) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  kill(signal: NodeJS.Signals = 'SIGINT'): void {
    this.child.kill(signal);
  }
}

/** Runs the command to completion; `stdin`, if given, is written and closed (e.g. a password). */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string; lines: JsonLine[] }> {
  const p = new CliProcess(args, env);
  if (stdin !== undefined) p.child.stdin.end(stdin);
  const code = await p.exited;
  // Parsed on first use, so human-mode runs (not JSON) can use the same helper.
  return {
    code,
    stdout: p.stdout,
    stderr: p.stderr,
    get lines() {
      return p.lines();
    },
  };
}
