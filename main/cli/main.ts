#!/usr/bin/env -S node --max-semi-space-size=2 --v8-pool-size=1
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createRequire } from 'node:module';
import { createLogger, type LogLevel, NotifierError, tuneHeapGrowth } from '../core/platform/index.js';
import { HumanOutput, JsonOutput, errorLine, jsonLine } from './output/run-output.js';
import { EXIT } from './exit-codes.js';
import { stdoutLines } from './output/terminal.js';
import { checkConsoleTemplate } from '../../shared/console-link.js';

/**
 * `voipbin-notifier`: the core, headless. Argument parsing is commander's; every failure becomes
 * an exit code from cli/exit-codes.ts and, with --json, an `error` line on stdout.
 */
const require = createRequire(import.meta.url);
const { version } = require('../../../package.json') as { version: string };

interface CommonFlags {
  apiUrl?: string;
  token?: string;
  accesskey?: string;
  json?: boolean;
  logLevel?: LogLevel;
  logFormat: 'human' | 'json';
}

function splitList(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ];
}

type AddCommand = (root: Command, setExit: (code: number) => void) => void;

/**
 * The other subcommands, each loaded only when it is the one asked for (all of them for help or a
 * name we do not know, so commander can list them or suggest one): `run`, which stays up all day,
 * does not hold the emulator behind `demo` or the login, reply and webhook code in its memory.
 */
const SUBCOMMANDS: Record<string, () => Promise<AddCommand>> = {
  login: async () => (await import('./commands/login.js')).addLoginCommand,
  logout: async () => (await import('./commands/logout.js')).addLogoutCommand,
  whoami: async () => (await import('./commands/whoami.js')).addWhoamiCommand,
  status: async () => (await import('./commands/status.js')).addStatusCommand,
  reply: async () => (await import('./commands/reply.js')).addReplyCommand,
  transcripts: async () => (await import('./commands/transcripts.js')).addTranscriptsCommand,
  webhook: async () => (await import('./commands/webhook.js')).addWebhookCommand,
  demo: async () => (await import('./commands/demo.js')).addDemoCommand,
};

/** The subcommands to define for these arguments (the root has no options of its own before one). */
function subcommandsFor(argv: readonly string[]): (() => Promise<AddCommand>)[] {
  const asked = argv[2];
  if (asked === 'run') return [];
  const one = Object.entries(SUBCOMMANDS).find(([name]) => name === asked)?.[1];
  return one !== undefined ? [one] : Object.values(SUBCOMMANDS);
}

async function program(argv: readonly string[], setExit: (code: number) => void): Promise<Command> {
  const root = new Command('voipbin-notifier')
    .description('Stay connected to VoIPBIN and report calls and messages for an agent.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  root
    .command('run')
    .description('Listen for events until interrupted (Ctrl-C). Credentials: --token/--accesskey, VOIPBIN_TOKEN/VOIPBIN_ACCESSKEY, or what "login" saved.')
    .option('--api-url <url>', 'VoIPBIN API root (self-hosted servers); env VOIPBIN_API_URL', undefined)
    .option('--token <jwt>', 'agent token from sign-in (prefer env VOIPBIN_TOKEN: arguments are visible to other users)')
    .option('--accesskey <key>', 'access key vb_… (prefer env VOIPBIN_ACCESSKEY)')
    .option('--topics <list>', 'comma-separated topics instead of the defaults for your identity', splitList)
    .option('--json', 'one JSON object per line on stdout (stable interface)')
    .addOption(new Option('--notify <how>', 'native: also show OS notifications; none: only print them').choices(['native', 'none']).default('native'))
    .option('--privacy', 'hide phone numbers and message text in notifications, and the words of transcript lines')
    .option('--customer-calls', 'admins/managers: also notify inbound calls for the whole customer')
    .option('--transcripts', 'also print live call transcripts as `transcript` lines (off by default: they are sensitive)')
    .addOption(
      new Option('--console-url <template>', 'where "Open in console" on a call pop-up leads; {id} is the call, {type} calls or groupcalls').argParser(
        parseConsoleTemplate,
      ),
    )
    .option('--wait-for-login', 'with the saved sign-in: when it is refused, expires or is missing, wait for "login" instead of exiting')
    .option(
      '--back-to-available',
      'agents: after a call, once the wrap-up is over, set your status back to available if it is still busy (unless it was changed meanwhile)',
    )
    .addOption(
      new Option('--wrap-up <seconds>', 'agents: how long after a call you may stay busy before being reminded (0: at once)')
        .default(60)
        .argParser(parseWrapUp),
    )
    .addOption(
      new Option('--log-level <level>', 'stderr log level (default: info with --json; warn otherwise, as stdout already tells the rest)').choices([
        'debug',
        'info',
        'warn',
        'error',
        'silent',
      ]),
    )
    .addOption(new Option('--log-format <format>', 'stderr log format').choices(['human', 'json']).default('human'))
    .action(
      async (
        flags: CommonFlags & {
          topics?: string[];
          notify: 'native' | 'none';
          privacy?: boolean;
          customerCalls?: boolean;
          waitForLogin?: boolean;
          consoleUrl?: string;
          backToAvailable?: boolean;
          wrapUp: number;
          transcripts?: boolean;
        },
      ) => {
        // Human mode: stdout tells the story, so stderr adds only what it does not (each thing said once).
        const log = createLogger({ level: flags.logLevel ?? (flags.json === true ? 'info' : 'warn'), format: flags.logFormat });
        const out = flags.json === true ? new JsonOutput() : new HumanOutput();
        const { runCommand } = await import('./commands/run.js');
        setExit(
          await runCommand(
            {
              apiUrl: flags.apiUrl,
              token: flags.token,
              accesskey: flags.accesskey,
              topics: flags.topics,
              notify: flags.notify,
              privacy: flags.privacy === true,
              customerCalls: flags.customerCalls === true,
              waitForLogin: flags.waitForLogin === true,
              consoleUrlTemplate: flags.consoleUrl,
              backToAvailable: flags.backToAvailable === true,
              wrapUpSeconds: flags.wrapUp,
              transcripts: flags.transcripts === true,
            },
            process.env,
            out,
            log,
          ),
        );
      },
    );
  const adds = await Promise.all(subcommandsFor(argv).map((load) => load()));
  for (const add of adds) add(root, setExit);
  return root;
}

/** Whole or fractional seconds, 0 to an hour: a longer wrap-up is an agent nobody reminds. */
function parseWrapUp(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 3600) throw new InvalidArgumentError('give the wrap-up time in seconds, from 0 to 3600.');
  return n;
}

function parseConsoleTemplate(value: string): string {
  const verdict = checkConsoleTemplate(value);
  if (!verdict.ok) throw new InvalidArgumentError(verdict.reason);
  return value.trim();
}

async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const wantsJson = argv.includes('--json');
  const cli = await program(argv, (c) => {
    exitCode = c;
  });
  // Asking what the command can do is not an error: no arguments at all print the help, exit 0.
  if (argv.length <= 2) {
    cli.outputHelp();
    return EXIT.ok;
  }
  try {
    await cli.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      if (e.exitCode === 0) return EXIT.ok;
      if (wantsJson) jsonLine(errorLine(new NotifierError('bad_usage', e.message.replace(/^error: /, ''))));
      return EXIT.usage;
    }
    throw e;
  }
  return exitCode;
}

// The young generation's size is the shebang's flag (it is fixed once the heap exists); the old
// generation's growth can be set now, and so also holds for `node dist/main/cli/main.js`.
tuneHeapGrowth();
main(process.argv).then(
  async (code) => {
    process.exitCode = code;
    // Every line printed reaches the reader first (within reason: a reader that stopped reading
    // cannot keep us alive).
    await stdoutLines.settled(2_000);
    // Sockets and timers are closed by then; exit explicitly so a stray handle cannot keep us alive.
    setTimeout(() => process.exit(code), 50).unref();
  },
  (e: unknown) => {
    stdoutLines.flush();
    console.error(e);
    process.exit(EXIT.failure);
  },
);
