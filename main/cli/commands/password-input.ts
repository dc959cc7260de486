import { NotifierError } from '../../core/platform/index.js';

/**
 * Secrets come in on standard input, never as arguments (which other users can see in the
 * process list and which land in shell history). Piped: all of stdin minus one trailing newline,
 * so `printf 'pw' |` and `echo pw |` both work and a password ending in spaces stays intact.
 * A terminal: a prompt on stderr with echo off.
 */
export function trimOneNewline(text: string): string {
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}

export async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function promptHidden(prompt: string, stdin: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    process.stderr.write(prompt);
    let value = '';
    const finish = (err?: NotifierError): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err !== undefined) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new NotifierError('bad_usage', 'Sign-in cancelled.'));
        if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

export async function readSecretFromStdin(what: string, stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  const value = stdin.isTTY ? await promptHidden(`${what}: `, stdin) : trimOneNewline(await readAll(stdin));
  if (value === '') throw new NotifierError('bad_usage', `No ${what.toLowerCase()} on standard input.`);
  return value;
}
