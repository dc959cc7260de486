#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { createRequire } from 'node:module';
import { createLogger, type LogLevel } from './core/log.js';
import { NotifierError } from './core/errors.js';
import { runCommand } from './cli/run-command.js';
import { HumanOutput, JsonOutput, errorLine, jsonLine } from './cli/output.js';
import { EXIT } from './cli/exit-codes.js';

/**
 * `voipbin-notifier`: the core, headless. Argument parsing is commander's; every failure becomes
 * an exit code from cli/exit-codes.ts and, with --json, an `error` line on stdout.
 */
const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

interface CommonFlags {
  apiUrl?: string;
  token?: string;
  accesskey?: string;
  json?: boolean;
  logLevel: LogLevel;
  logFormat: 'human' | 'json';
}

function splitList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

function program(setExit: (code: number) => void): Command {
  const root = new Command('voipbin-notifier')
    .description('Stay connected to VoIPBIN and report calls and messages for an agent.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  root
    .command('run')
    .description('Listen for events until interrupted (Ctrl-C). Credentials: --token/--accesskey or VOIPBIN_TOKEN/VOIPBIN_ACCESSKEY.')
    .option('--api-url <url>', 'VoIPBIN API root (self-hosted servers); env VOIPBIN_API_URL', undefined)
    .option('--token <jwt>', 'agent token from sign-in (prefer env VOIPBIN_TOKEN: arguments are visible to other users)')
    .option('--accesskey <key>', 'access key vb_… (prefer env VOIPBIN_ACCESSKEY)')
    .option('--topics <list>', 'comma-separated topics instead of the defaults for your identity', splitList)
    .option('--json', 'one JSON object per line on stdout (stable interface)')
    .addOption(new Option('--log-level <level>', 'stderr log level').choices(['debug', 'info', 'warn', 'error', 'silent']).default('info'))
    .addOption(new Option('--log-format <format>', 'stderr log format').choices(['human', 'json']).default('human'))
    .action(async (flags: CommonFlags & { topics?: string[] }) => {
      const log = createLogger({ level: flags.logLevel, format: flags.logFormat });
      const out = flags.json === true ? new JsonOutput() : new HumanOutput();
      setExit(await runCommand(
        { apiUrl: flags.apiUrl, token: flags.token, accesskey: flags.accesskey, topics: flags.topics },
        process.env,
        out,
        log,
      ));
    });
  return root;
}

async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const wantsJson = argv.includes('--json');
  try {
    await program((c) => { exitCode = c; }).parseAsync(argv);
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

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    // Sockets and timers are closed by then; exit explicitly so a stray handle cannot keep us alive.
    setTimeout(() => process.exit(code), 50).unref();
  },
  (e: unknown) => {
    console.error(e);
    process.exit(EXIT.failure);
  },
);
