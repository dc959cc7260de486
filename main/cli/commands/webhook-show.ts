import type { Command } from 'commander';
import type { CredentialFlags } from '../../core/account/index.js';
import { authorityOf, readWebhook } from '../../core/webhook/index.js';
import { runOneShot, type OutputFlags } from '../output/command-output.js';
import { addCredentialOptions, addOutputOptions, commandRestClient } from './credentials-option.js';
import { EXIT } from '../exit-codes.js';
import { oneLine } from '../../core/platform/index.js';

/** `voipbin-notifier webhook show`: method, URI and whether a signing secret exists (the secret only on request). */
export function addWebhookShowCommand(webhook: Command, setExit: (code: number) => void): void {
  const cmd = webhook
    .command('show')
    .description("Show the account's webhook: method, URI and whether a signing secret exists.")
    .option('--show-secret', 'also print the signing secret (it lets anyone forge events to your receiver)');
  addOutputOptions(addCredentialOptions(cmd)).action(async (flags: CredentialFlags & OutputFlags & { showSecret?: boolean }) => {
    setExit(
      await runOneShot(flags, async (out) => {
        const { rest, credential } = await commandRestClient(flags, process.env);
        const w = await readWebhook(rest, authorityOf(credential));
        const line = { type: 'webhook', method: w.method, uri: w.uri, enabled: w.uri !== '', secret_set: w.secret !== undefined };
        const human = (secretText: string): string =>
          [
            // Any admin of the account can set these: shown as one line of plain text each.
            `method: ${w.method !== '' ? oneLine(w.method, 20) : '(not set: VoIPBIN sends GET)'}`,
            `uri:    ${w.uri !== '' ? oneLine(w.uri) : '(none: webhook disabled)'}`,
            `signing secret: ${secretText}`,
          ].join('\n');
        if (flags.showSecret === true && w.secret !== undefined) {
          out.revealing(line, 'secret', w.secret, human);
        } else {
          out.result(line, human(w.secret === undefined ? 'not set (deliveries are unsigned)' : 'set (hidden; --show-secret to reveal)'));
        }
        return EXIT.ok;
      }),
    );
  });
}
