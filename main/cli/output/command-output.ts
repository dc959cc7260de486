import { createLogger, type Logger, type LogLevel, NotifierError, describeError, isNotifierError } from '../../core/platform/index.js';
import { errorLines, errorSentences, jsonLine } from './run-output.js';
import { printJsonRevealing, printText, printTextRevealing } from './terminal.js';
import { exitCodeFor } from '../exit-codes.js';

/**
 * Output of the one-shot commands (login, logout, whoami, webhook …). With --json: one JSON
 * object per line on stdout, each with a `type` (public interface: fields are only added).
 * Without: results on stdout, warnings and errors on stderr. Everything goes out through
 * ./terminal.ts (redacted, no control sequences), except the one value a user explicitly asked
 * to see (`webhook show --show-secret`).
 */
export type Line = Record<string, unknown> & { type: string };

export interface OutputFlags {
  json?: boolean | undefined;
  logLevel?: LogLevel | undefined;
  logFormat?: 'human' | 'json' | undefined;
}

export class CommandOutput {
  constructor(readonly json: boolean) {}

  /** The command's result: a JSON line, or human text on stdout. */
  result(line: Line, human: string): void {
    if (this.json) jsonLine(line);
    else printText(human);
  }

  /** Something to know that is not a failure: a `warning` line, or a note on stderr. */
  warning(code: string, message: string): void {
    this.notice({ type: 'warning', code, message }, `warning: ${message}`);
  }

  /** Any other non-result line (e.g. `token_expiry`): stdout with --json, stderr for people. */
  notice(line: Line, human: string): void {
    if (this.json) jsonLine(line);
    else printText(human, 'stderr');
  }

  error(e: NotifierError): void {
    if (this.json) for (const line of errorLines(e)) jsonLine(line);
    else {
      const hint = e.code === 'auth_failed' ? `\n${signInHint(e)}` : '';
      printText(
        `${errorSentences(e)
          .map((s) => `error: ${s}`)
          .join('\n')}${hint}`,
        'stderr',
      );
    }
  }

  /**
   * Writes a result that contains one secret on purpose. Every other value is still redacted;
   * only `secret` goes out verbatim.
   */
  revealing(line: Line, secretField: string, secret: string, human: (secret: string) => string): void {
    if (this.json) {
      printJsonRevealing(line, secretField, secret);
    } else {
      // Printable, so the control-character filter leaves it in place for the secret to replace.
      const marker = '\u2063SECRET\u2063';
      printTextRevealing(human(marker), marker, secret);
    }
  }
}

/** How to get a credential that works again: a refused access key is replaced, not signed in again. */
function signInHint(e: NotifierError): string {
  return e.details.credential === 'accesskey'
    ? 'Then save it with: voipbin-notifier login --token-stdin (or pass it as --accesskey / VOIPBIN_ACCESSKEY)'
    : 'Sign in with: voipbin-notifier login --username <name> --password-stdin';
}

/**
 * Runs one command body with its output and logger, and turns whatever it throws into the
 * exit code (cli/exit-codes.ts) plus an `error` line or message.
 */
export async function runOneShot(flags: OutputFlags, body: (out: CommandOutput, log: Logger) => Promise<number>): Promise<number> {
  const out = new CommandOutput(flags.json === true);
  const log = createLogger({ level: flags.logLevel ?? 'warn', format: flags.logFormat ?? 'human' });
  try {
    return await body(out, log);
  } catch (e) {
    const err = isNotifierError(e) ? e : new NotifierError('server_error', `Unexpected failure: ${describeError(e)}`);
    out.error(err);
    log.debug('command failed', { code: err.code, details: err.details });
    return exitCodeFor(err.code);
  }
}
