import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { seedAccount, startEmulator } from '../support/harness.js';
import { CliProcess, type JsonLine } from '../support/cli-process.js';
import { closedLoopbackPort, startBlackHole, type BlackHole } from '../support/loopback.js';

/**
 * Ctrl-C (SIGINT) and SIGTERM end every command at once, whatever it is waiting for: exit 0 within
 * 2 s, and the last --json line says the command stopped. Each demo scene and each `run` state is
 * interrupted once with each signal.
 */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** What the issue promises a user; the command's own release of sockets and pop-ups is capped below it. */
const EXIT_WITHIN_MS = 2_000;

/** The command as a child process, killed when its own test ends (tests here run concurrently). */
function start(ctx: TestContext, args: string[], env: Record<string, string | undefined> = {}): CliProcess {
  const p = new CliProcess(args, env);
  ctx.onTestFinished(async () => {
    p.kill('SIGKILL');
    await p.exited;
  });
  return p;
}

/** Sends `signal` and checks the promise: a prompt exit 0 whose last line is the stopped state. */
async function interruptAndCheck(p: CliProcess, signal: NodeJS.Signals): Promise<JsonLine[]> {
  const sent = Date.now();
  p.kill(signal);
  const code = await Promise.race([p.exited, new Promise<'late'>((r) => setTimeout(() => r('late'), EXIT_WITHIN_MS))]);
  expect(code, `exit after ${signal} (${Date.now() - sent} ms)\nstdout:\n${p.stdout}\nstderr:\n${p.stderr}`).toBe(0);
  const lines = p.lines();
  expect(lines.at(-1)).toMatchObject({ type: 'state', state: 'stopped', reason: 'interrupted' });
  return lines;
}

describe('demo: a signal in any scene ends it', () => {
  // The narration that opens each scene of the scripted day, and what else to wait for inside it.
  const scenes: { step: string; then?: (lines: JsonLine[]) => boolean }[] = [
    { step: 'VoIPBIN emulator at' },
    { step: 'Jane Cooper calls' },
    { step: 'You answer on the desk phone' },
    { step: 'Carlos Diaz calls' },
    { step: 'Priya Shah calls' },
    { step: 'A customer texts' },
    { step: 'Sam writes in the Support team chat' },
    // Offline, backing off between refused connections.
    { step: 'The network drops', then: (ls) => ls.some((l) => l.type === 'state' && l.state === 'reconnecting' && Number(l.attempt) >= 2) },
    // Waiting for the reconnect's catch-up.
    { step: 'The network is back' },
    { step: 'The laptop sleeps' },
    { step: 'The laptop wakes' },
    { step: 'That was the day' },
  ];
  const cases = scenes.flatMap((scene) => SIGNALS.map((signal) => ({ ...scene, signal })));

  it.concurrent.for(cases)('$signal during "$step"', async ({ step, then, signal }, ctx) => {
    const p = start(ctx, ['demo', '--json', '--notify', 'none', '--speed', '4']);
    const stepIndex = (ls: JsonLine[]): number => ls.findIndex((l) => l.type === 'demo' && String(l.step).startsWith(step));
    await p.until(`the step "${step}"`, (ls) => stepIndex(ls) >= 0, 25_000);
    if (then !== undefined) await p.until(`inside "${step}"`, (ls) => then(ls.slice(stepIndex(ls))), 10_000);
    const lines = await interruptAndCheck(p, signal);
    // Nothing more of the story after the stop.
    const stopped = lines.findIndex((l) => l.type === 'state' && l.state === 'stopped');
    expect(lines.slice(stopped + 1)).toEqual([]);
  });
});

describe('run: a signal in any state ends it', () => {
  let emu: VoipbinEmulator;
  let blackHole: BlackHole;
  let configDir: string;

  beforeAll(async () => {
    emu = await startEmulator();
    blackHole = await startBlackHole();
    configDir = mkdtempSync(join(tmpdir(), 'vbn-signals-'));
  });
  afterAll(async () => {
    await blackHole.close();
    await emu.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  const lastState = (ls: JsonLine[]): unknown => ls.filter((l) => l.type === 'state').at(-1)?.state;

  it.for(SIGNALS)('%s while connecting: the WebSocket upgrade is not answered', async (signal, ctx) => {
    const acct = seedAccount(emu);
    const p = start(ctx, ['run', '--json', '--notify', 'none', '--api-url', blackHole.url], { VOIPBIN_TOKEN: acct.jwt });
    await p.until('connecting', (ls) => lastState(ls) === 'connecting');
    await new Promise((r) => setTimeout(r, 200));
    await interruptAndCheck(p, signal);
  });

  it.for(SIGNALS)('%s while connecting with an access key: reading the account is not answered', async (signal, ctx) => {
    const acct = seedAccount(emu);
    const p = start(ctx, ['run', '--json', '--notify', 'none', '--api-url', blackHole.url], { VOIPBIN_ACCESSKEY: acct.accesskey });
    await p.until('connecting', (ls) => lastState(ls) === 'connecting');
    await new Promise((r) => setTimeout(r, 200));
    await interruptAndCheck(p, signal);
  });

  it.for(SIGNALS)('%s while backing off between refused connections', async (signal, ctx) => {
    const acct = seedAccount(emu);
    const port = await closedLoopbackPort();
    const p = start(ctx, ['run', '--json', '--notify', 'none', '--api-url', `http://127.0.0.1:${port}`], { VOIPBIN_TOKEN: acct.jwt });
    await p.until('a backoff', (ls) => ls.some((l) => l.type === 'state' && l.state === 'reconnecting' && Number(l.attempt) >= 3));
    await interruptAndCheck(p, signal);
  });

  it.for(SIGNALS)('%s while waiting for a login', async (signal, ctx) => {
    const p = start(ctx, ['run', '--json', '--notify', 'none', '--wait-for-login'], { VOIPBIN_NOTIFIER_CONFIG_DIR: configDir });
    await p.until('waiting for login', (ls) => ls.some((l) => l.type === 'waiting_for_login'));
    await interruptAndCheck(p, signal);
  });

  it.for(SIGNALS)('%s while catching up: the calls listing is not answered', async (signal, ctx) => {
    const acct = seedAccount(emu);
    const release = emu.holdRest('/v1.0/service_agents/calls');
    try {
      const p = start(ctx, ['run', '--json', '--notify', 'none', '--api-url', emu.url], { VOIPBIN_TOKEN: acct.jwt });
      await p.until('subscribed', (ls) => lastState(ls) === 'subscribed');
      await emu.waitFor(() => emu.heldRequests.some((r) => r.path === '/v1.0/service_agents/calls'));
      const lines = await interruptAndCheck(p, signal);
      expect(lines.some((l) => l.type === 'catchup')).toBe(false);
    } finally {
      release();
    }
  });
});
