import { setTimeout as delay } from 'node:timers/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { resolveApiUrl, parseCredential, RestClient } from '../../core/api/index.js';
import { decodeAgentToken } from '../../core/account/index.js';
import { createLogger, type Logger, type LogLevel } from '../../core/platform/index.js';
import { defaultTopics } from '../../core/stream/index.js';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../shared/notification-settings.js';
import { VoipbinEmulator, PERMISSION } from '../../../emulator/index.js';
import { makeChatMessage, makeSms } from '../../../emulator/fixtures.js';
import { AgentRing, publishAll } from '../../../emulator/scenarios.js';
import { HumanOutput, JsonOutput, jsonLine, type Output } from '../output/run-output.js';
import { startHeadlessNotifier, type HeadlessNotifier } from './headless-notifier.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { printText } from '../output/terminal.js';

/**
 * `voipbin-notifier demo`: a VoIPBIN emulator on loopback, the real headless notifier against it,
 * and a scripted day — so anyone sees real notifications within seconds, with no account.
 */
export interface DemoOptions {
  json: boolean;
  notify: 'native' | 'none';
  /** 2 = twice as fast. */
  speed: number;
  /** Exit when the script ends instead of waiting for Ctrl-C. */
  once: boolean;
}

const DESK = { type: 'extension', target: '2001', name: 'desk phone' };
/** The demo's wrap-up after a call (the real default is 60 s), at speed 1. */
const WRAP_UP_SECONDS = 3;
const MOBILE = { type: 'tel', target: '+15550002001', name: 'mobile' };
const caller = (name: string, number: string): { type: string; target: string; target_name: string } => ({ type: 'tel', target: number, target_name: name });

export async function demoCommand(opts: DemoOptions, out: Output, log: Logger): Promise<number> {
  const interrupted = new AbortController();
  // The script's end: the session stopped (by a signal, or by itself). Every wait ends with it.
  const over = new AbortController();
  const onSignal = (): void => interrupted.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const emu = await VoipbinEmulator.start({ rateLimits: false });
  const narrate = (step: string): void => {
    if (over.signal.aborted) return;
    if (opts.json) jsonLine({ type: 'demo', step });
    else printText(`\n▶ ${step}`);
  };
  // Every wait of the script ends (rejects) when Ctrl-C or SIGTERM arrives, even one begun after
  // it: the script stops where it is instead of waiting for something that will never come.
  const pause = (seconds: number): Promise<void> => delay((seconds * 1000) / opts.speed, undefined, { signal: over.signal });

  try {
    const customer = emu.addCustomer({ name: 'Acme Support', email: 'support@acme.example' });
    const me = emu.addAgent({
      customerId: customer.id,
      username: 'alex',
      password: 'demo-password',
      name: 'Alex Morgan',
      permission: PERMISSION.CustomerAgent | PERMISSION.CustomerManager,
      addresses: [DESK, MOBILE],
    });
    const teammate = emu.addAgent({
      customerId: customer.id,
      username: 'sam',
      password: 'demo-password',
      name: 'Sam Lee',
      permission: PERMISSION.CustomerAgent,
    });
    // In the customer's contacts: Jane's pop-up adds her company; the texter's number becomes a name.
    emu.addContact({ customerId: customer.id, displayName: 'Jane Cooper', company: 'Cooper Logistics', jobTitle: 'Operations lead', phones: ['+15550100'] });
    emu.addContact({ customerId: customer.id, firstName: 'Maria', lastName: 'Lopez', company: 'Lopez Bakery', phones: ['+15550142'] });
    const supportTeam = emu.addChat({ customerId: customer.id, type: 'group', name: 'Support team', participants: [me.id, teammate.id] });
    const endpoints = resolveApiUrl(emu.url);
    const credential = parseCredential(emu.issueJwt(me.id), 'token');
    const identity = decodeAgentToken(credential.kind === 'jwt' ? credential.token : '');
    narrate(`VoIPBIN emulator at ${emu.url}; signed in as Alex Morgan (desk phone 2001, mobile +15550002001).${opts.once ? '' : ' Ctrl-C ends the demo.'}`);
    const notifier = startHeadlessNotifier({
      endpoints,
      credential,
      identity,
      topics: (id) => defaultTopics(id),
      rest: new RestClient({ endpoints, credential }),
      log,
      out,
      notify: opts.notify,
      settings: () => DEFAULT_NOTIFICATION_SETTINGS,
      // A short wrap-up, so the busy trap shows within the scripted day.
      presence: { wrapUpMs: (WRAP_UP_SECONDS * 1000) / opts.speed },
    });
    const interrupt = (): void => notifier.session.stop('interrupted');
    if (interrupted.signal.aborted) interrupt();
    else interrupted.signal.addEventListener('abort', interrupt, { once: true });
    void notifier.session.stopped.then(() => over.abort());
    // The story waits for the reconnect and its catch-up, so it reads the same at any speed.
    const caughtUp = (): Promise<void> => nextCatchup(notifier.session, over.signal);
    // The day starts once the notifier listens (subscribed and caught up): at any speed, on any
    // machine, the first call's frames cannot race the subscription.
    const listening = caughtUp();
    let shown = 0;
    let missed = 0;
    notifier.session.on('notification', (n) => {
      shown++;
      if (n.kind === 'missed_call') missed++;
    });
    const ring = (who: ReturnType<typeof caller>): AgentRing => new AgentRing({ customerId: customer.id, agentId: me.id, caller: who, legTo: [DESK, MOBILE] });

    const script: (() => Promise<void> | void)[] = [
      () => pause(1.5),
      async () => {
        const r = ring(caller('Jane Cooper', '+15550100'));
        narrate('Jane Cooper calls: your desk phone and mobile ring (her company comes from your VoIPBIN contacts).');
        publishAll(emu, r.start());
        await pause(3);
        narrate('You answer on the desk phone: the pop-up goes away.');
        publishAll(emu, r.answer(0));
        await pause(2);
        narrate(
          `Jane hangs up. VoIPBIN keeps you Busy after a call, and queues ring only Available agents: after a ${WRAP_UP_SECONDS} s wrap-up, you are reminded.`,
        );
        // The story waits for the reminder itself: a fixed pause could end before it on a busy machine at a high --speed.
        const reminded = nextReminder(notifier, over.signal);
        publishAll(emu, r.hangup());
        await Promise.race([reminded, pause(WRAP_UP_SECONDS + 10)]);
        await pause(1.5);
        narrate('You set yourself Available again ("voipbin-notifier status available").');
        await notifier.presence?.set('available');
      },
      async () => {
        await pause(2);
        const r = ring(caller('Carlos Diaz', '+15550111'));
        narrate('Carlos Diaz calls and nobody picks up.');
        publishAll(emu, r.start());
        await pause(4);
        publishAll(emu, r.giveUp('noanswer'));
      },
      async () => {
        await pause(2);
        const r = ring(caller('Priya Shah', '+15550122'));
        narrate('Priya Shah calls; you take it on your mobile (answered elsewhere).');
        publishAll(emu, r.start());
        await pause(3);
        publishAll(emu, r.answer(1));
        await pause(1.5);
        publishAll(emu, r.hangup());
      },
      async () => {
        await pause(2);
        narrate('A customer texts the support number: the sender is found in your contacts.');
        emu.publish(
          'message_created',
          makeSms({
            customer_id: customer.id,
            source: { type: 'tel', target: '+15550142' },
            targets: [{ destination: { type: 'tel', target: '+15550199' }, status: 'received', parts: 1 }],
            text: "Hi! My order #4411 hasn't arrived yet. Could someone call me back?",
          }),
        );
        await pause(2);
        narrate('Sam writes in the Support team chat.');
        emu.publish(
          'chatmessage_created',
          makeChatMessage({ customer_id: customer.id, owner_id: teammate.id, chat_id: supportTeam, text: 'Can you cover the VIP queue after lunch?' }),
          { participants: [me.id] },
        );
      },
      async () => {
        await pause(3);
        narrate('The network drops. While you are offline, Dana Whitfield calls and gives up.');
        await emu.refuseConnections(true);
        const r = ring(caller('Dana Whitfield', '+15550133'));
        publishAll(emu, r.start());
        publishAll(emu, r.giveUp('cancel'));
        await pause(4);
        narrate('The network is back: the notifier reconnects and catches up.');
        const back = caughtUp();
        await emu.refuseConnections(false);
        await back;
      },
      async () => {
        await pause(5);
        narrate('The laptop sleeps (the connection goes silent). Omar Haddad calls meanwhile.');
        emu.goSilent();
        const r = ring(caller('Omar Haddad', '+15550144'));
        publishAll(emu, r.start());
        await pause(2);
        narrate('The laptop wakes: the notifier reconnects at once, and the call still ringing pops up.');
        const back = caughtUp();
        notifier.session.reconnectNow('resumed from sleep');
        await back;
        await pause(4);
        publishAll(emu, r.answer(0));
        await pause(1.5);
        publishAll(emu, r.hangup());
      },
    ];
    try {
      await listening;
      for (const step of script) await step();
      await pause(1);
      narrate(`That was the day: ${shown} notification${shown === 1 ? '' : 's'}, ${missed} of them missed calls.${opts.once ? '' : ' Press Ctrl-C to exit.'}`);
      if (opts.once) notifier.session.stop('demo finished');
    } catch (e) {
      if (!over.signal.aborted) {
        // A step that failed: stop (closing ringing pop-ups) before saying why, never leave them up.
        notifier.session.stop('the demo failed');
        await notifier.stopped;
        throw e;
      }
    }
    const final = await notifier.stopped;
    return final.code === undefined ? EXIT.ok : exitCodeFor(final.code);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await emu.stop();
  }
}

/** The session's next catch-up; rejects when `signal` aborts (at once if it already has). */
function nextCatchup(session: HeadlessNotifier['session'], signal: AbortSignal): Promise<void> {
  const next = new Promise<void>((resolve, reject) => {
    signal.throwIfAborted();
    const onAbort = (): void => {
      off();
      reject(signal.reason as Error);
    };
    const off = session.on('catchup', () => {
      signal.removeEventListener('abort', onAbort);
      off();
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
  // Awaited only after the network comes back: an abort before then is not an unhandled rejection.
  next.catch(() => undefined);
  return next;
}

/** The busy trap's next reminder; rejects when the demo is stopped. */
function nextReminder(notifier: HeadlessNotifier, signal: AbortSignal): Promise<void> {
  const next = new Promise<void>((resolve, reject) => {
    signal.throwIfAborted();
    const onAbort = (): void => {
      off?.();
      reject(signal.reason as Error);
    };
    const off = notifier.presence?.on('reminder', () => {
      signal.removeEventListener('abort', onAbort);
      off?.();
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
  next.catch(() => undefined);
  return next;
}

export function addDemoCommand(root: Command, setExit: (code: number) => void): void {
  root
    .command('demo')
    .description('Play a scripted day against a built-in VoIPBIN emulator: real notifications, no account needed.')
    .option('--json', 'one JSON object per line on stdout (the same lines as run, plus {"type":"demo"} narration)')
    .addOption(new Option('--notify <how>', 'native: show OS notifications; none: only print them').choices(['native', 'none']).default('native'))
    .addOption(new Option('--speed <factor>', 'play faster (2 = twice as fast)').argParser(parseSpeed).default(1))
    .option('--once', 'exit when the day is over instead of waiting for Ctrl-C')
    .addOption(new Option('--log-level <level>', 'stderr log level').choices(['debug', 'info', 'warn', 'error', 'silent']).default('warn'))
    .action(async (flags: { json?: boolean; notify: 'native' | 'none'; speed: number; once?: boolean; logLevel: LogLevel }) => {
      const log = createLogger({ level: flags.logLevel });
      const out = flags.json === true ? new JsonOutput() : new HumanOutput({ events: false });
      setExit(await demoCommand({ json: flags.json === true, notify: flags.notify, speed: flags.speed, once: flags.once === true }, out, log));
    });
}

function parseSpeed(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.1 || n > 100) throw new InvalidArgumentError('use a number from 0.1 to 100');
  return n;
}
