import type { Command } from 'commander';
import { decodeAgentToken, resolveIdentity, type CredentialFlags } from '../../core/account/index.js';
import { NotifierError } from '../../core/platform/index.js';
import { ReplyError, sendReply, type ReplyTarget } from '../../core/replies/index.js';
import { runOneShot, type OutputFlags } from '../output/command-output.js';
import { addCredentialOptions, addOutputOptions, commandRestClient } from './credentials-option.js';
import { readAll, trimOneNewline } from './password-input.js';
import { printText } from '../output/terminal.js';
import { EXIT } from '../exit-codes.js';

/**
 * `voipbin-notifier reply (--conversation ID | --chat ID) --text-stdin`: answers a customer's
 * conversation or a team chat without the console. The text comes from standard input only, like
 * a password (an argument would sit in shell history and the process list). Sent once; a failure
 * says the server's reason and gives the text back, so nothing typed is lost.
 */
interface ReplyFlags extends CredentialFlags, OutputFlags {
  conversation?: string;
  chat?: string;
  textStdin?: boolean;
}

export function addReplyCommand(parent: Command, setExit: (code: number) => void): void {
  const cmd = parent
    .command('reply')
    .description('Reply to a conversation (SMS, chat channels) or a team chat; the text is read from standard input.')
    .option('--conversation <id>', 'the conversation to answer (yours, or any for admins and access keys)')
    .option('--chat <id>', 'the team chat to write in (you must be a member)')
    .option('--text-stdin', 'read the reply from standard input (required: text never goes in arguments)');
  addOutputOptions(addCredentialOptions(cmd)).action(async (flags: ReplyFlags) => {
    setExit(
      await runOneShot(flags, async (out) => {
        const target = targetOf(flags);
        if (flags.textStdin !== true) {
          throw new NotifierError(
            'bad_usage',
            'The reply is read from standard input: add --text-stdin (e.g. `printf %s "$TEXT" | voipbin-notifier reply --chat ID --text-stdin`).',
          );
        }
        if (process.stdin.isTTY) printText('Type the reply, then Ctrl-D on a new line:', 'stderr');
        const text = trimOneNewline(await readAll(process.stdin));
        const { credential, rest } = await commandRestClient(flags, process.env);
        // A JWT names its agent without a request; an access key is checked by the server.
        const identity = credential.kind === 'jwt' ? decodeAgentToken(credential.token) : await resolveIdentity(credential, rest);
        try {
          const sent = await sendReply(rest, identity, target, text);
          const key = sent.target.kind === 'chat' ? 'chat_id' : 'conversation_id';
          out.result({ type: 'reply_sent', [key]: sent.target.id, message_id: sent.messageId }, `Sent (message ${sent.messageId}).`);
          return EXIT.ok;
        } catch (e) {
          if (!(e instanceof ReplyError)) throw e;
          // The text goes back where the person (or script) can take it: nothing typed is lost.
          out.notice({ type: 'reply_unsent', text: e.unsentText }, `Your text, not sent:\n${e.unsentText}`);
          throw e;
        }
      }),
    );
  });
}

function targetOf(flags: ReplyFlags): ReplyTarget {
  if (flags.conversation !== undefined && flags.chat !== undefined) throw new NotifierError('bad_usage', 'Give either --conversation or --chat, not both.');
  if (flags.conversation !== undefined) return { kind: 'conversation', id: flags.conversation.trim() };
  if (flags.chat !== undefined) return { kind: 'chat', id: flags.chat.trim() };
  throw new NotifierError('bad_usage', 'Say where the reply goes: --conversation ID or --chat ID.');
}
