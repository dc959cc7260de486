import type { Command } from 'commander';
import type { CredentialFlags } from '../../core/account/index.js';
import { parseSettableStatus, presenceWords, readMyStatus, requireAgent, setMyStatus, type Presence } from '../../core/presence/index.js';
import { runOneShot, type OutputFlags } from '../output/command-output.js';
import { addCredentialOptions, addOutputOptions, commandRestClient } from './credentials-option.js';
import { EXIT } from '../exit-codes.js';

/**
 * `voipbin-notifier status [available|away|busy|offline]`: my status as the server holds it, or
 * set it. Queues ring only available agents, and VoIPBIN leaves an agent busy after every call.
 */
export function addStatusCommand(parent: Command, setExit: (code: number) => void): void {
  const cmd = parent
    .command('status')
    .argument('[status]', 'set it: available, away, busy or offline')
    .description('Show your agent status (queue calls reach only "available"), or set it.');
  addOutputOptions(addCredentialOptions(cmd)).action(async (value: string | undefined, flags: CredentialFlags & OutputFlags) => {
    setExit(
      await runOneShot(flags, async (out) => {
        // A wrong value is refused before anything is sent (exit 2): the server would store it.
        const wanted = value === undefined ? undefined : parseSettableStatus(value);
        const { credential, rest } = await commandRestClient(flags, process.env);
        requireAgent(credential);
        // Reading the status is itself the server's check of the sign-in (a refused one is a 401).
        const before = await readMyStatus(rest);
        const now = wanted === undefined ? before : await setMyStatus(rest, wanted);
        out.result(
          statusLine(now, wanted === undefined ? undefined : before),
          wanted === undefined ? presenceWords(now) : `${presenceWords(now)} (was ${before.status || 'unknown'})`,
        );
        return EXIT.ok;
      }),
    );
  });
}

function statusLine(p: Presence, previous: Presence | undefined): Record<string, unknown> & { type: string } {
  return {
    type: 'status',
    status: p.status,
    receiving_queue_calls: p.receivingQueueCalls,
    ...(previous !== undefined ? { previous: previous.status } : {}),
  };
}
