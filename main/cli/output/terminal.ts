import { redactor, jsonTerminalSafe, terminalSafe } from '../../core/platform/index.js';
import { LineWriter } from './line-writer.js';

/**
 * The only way the command writes to its terminal. Event text, server messages and account
 * fields are someone else's words: nothing printed may carry a control sequence (OSC 52 writes
 * the clipboard, CSI 2J clears the screen, CR overwrites what the user reads), and no secret may
 * leave unredacted.
 */
type Stream = 'stdout' | 'stderr';

/** stdout in batches, with back-pressure (./line-writer.ts); stderr as it comes, next to the log. */
export const stdoutLines = new LineWriter(process.stdout);

function out(stream: Stream, text: string): void {
  if (stream === 'stdout') stdoutLines.write(text);
  else process.stderr.write(text + '\n');
}

/** Text for a person: controls removed (line breaks kept), secrets redacted. */
export function printText(text: string, stream: Stream = 'stdout'): void {
  out(stream, redactor.redact(terminalSafe(text)));
}

/** One line of a log-like stream (`run` without --json): line breaks inside it become spaces, so no line can be faked. */
export function printOneLine(text: string): void {
  out('stdout', redactor.redact(terminalSafe(text.replace(/[\r\n\u2028\u2029]+/g, ' '))));
}

/** A JSON line: JSON escapes C0 controls itself; C1 controls are escaped too (same value, nothing a terminal obeys). */
export function printJson(line: object): void {
  out('stdout', jsonTerminalSafe(redactor.redact(JSON.stringify(line))));
}

/** A JSON line that carries one secret on purpose (`webhook show --show-secret`): everything else is redacted. */
export function printJsonRevealing(line: Record<string, unknown>, field: string, secret: string): void {
  const safe = redactor.redactValue(line) as Record<string, unknown>;
  out('stdout', jsonTerminalSafe(JSON.stringify({ ...safe, [field]: secret })));
}

/** Text that carries one secret on purpose, in place of `marker`. */
export function printTextRevealing(text: string, marker: string, secret: string): void {
  out('stdout', redactor.redact(terminalSafe(text)).split(marker).join(terminalSafe(secret)));
}
