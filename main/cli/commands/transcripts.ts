import { InvalidArgumentError, Option, type Command } from 'commander';
import { createLogger, type LogLevel } from '../../core/platform/index.js';
import { isUuid } from '../../../shared/topics.js';
import { HumanOutput, JsonOutput } from '../output/run-output.js';
import { runCommand } from './run.js';

/**
 * `voipbin-notifier transcripts [--call ID] [--json]`: live call transcripts until Ctrl-C, with
 * the same credentials as `run`. Customer-scope sign-ins hear them on the WebSocket; an agent-only
 * token reads each call of its own while it is in progress (PROTOCOL.md §2.5).
 */
interface TranscriptsFlags {
  apiUrl?: string;
  token?: string;
  accesskey?: string;
  json?: boolean;
  call?: string;
  logLevel?: LogLevel;
  logFormat: 'human' | 'json';
}

function parseCallId(value: string): string {
  const v = value.trim();
  if (!isUuid(v)) throw new InvalidArgumentError('give the call id (a UUID, as the console and `run --json` show it).');
  return v.toLowerCase();
}

export function addTranscriptsCommand(parent: Command, setExit: (code: number) => void): void {
  parent
    .command('transcripts')
    .description('Follow live call transcripts until interrupted (Ctrl-C): who said what, as it is said. Credentials as for "run".')
    .option('--api-url <url>', 'VoIPBIN API root (self-hosted servers); env VOIPBIN_API_URL', undefined)
    .option('--token <jwt>', 'agent token from sign-in (prefer env VOIPBIN_TOKEN: arguments are visible to other users)')
    .option('--accesskey <key>', 'access key vb_… (prefer env VOIPBIN_ACCESSKEY)')
    .addOption(new Option('--call <id>', 'only this call').argParser(parseCallId))
    .option('--json', 'one JSON object per line on stdout (stable interface)')
    .addOption(new Option('--log-level <level>', 'stderr log level').choices(['debug', 'info', 'warn', 'error', 'silent']))
    .addOption(new Option('--log-format <format>', 'stderr log format').choices(['human', 'json']).default('human'))
    .action(async (flags: TranscriptsFlags) => {
      const log = createLogger({ level: flags.logLevel ?? (flags.json === true ? 'info' : 'warn'), format: flags.logFormat });
      setExit(
        await runCommand(
          {
            apiUrl: flags.apiUrl,
            token: flags.token,
            accesskey: flags.accesskey,
            topics: undefined,
            notify: 'none',
            privacy: false,
            customerCalls: false,
            waitForLogin: false,
            transcriptsOnly: { onlyCall: flags.call },
          },
          process.env,
          flags.json === true ? new JsonOutput() : new HumanOutput({ events: false }),
          log,
        ),
      );
    });
}
