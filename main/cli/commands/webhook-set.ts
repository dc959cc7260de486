import type { Command } from 'commander';
import type { CredentialFlags } from '../../core/account/index.js';
import { authorityOf, parseWebhookMethod, disableWebhook, setWebhook, type WebhookChange, parseWebhookUrl } from '../../core/webhook/index.js';
import { oneLine } from '../../core/platform/index.js';
import { runOneShot, type CommandOutput, type OutputFlags } from '../output/command-output.js';
import { addCredentialOptions, addOutputOptions, commandRestClient } from './credentials-option.js';
import { EXIT } from '../exit-codes.js';

/**
 * `webhook set` and `webhook disable`. Both rewrite the whole customer record (VoIPBIN has no
 * partial update), carrying the other five fields through unchanged, and refuse with `conflict`
 * (exit 1) when someone else changed the account meanwhile: see core/customer-webhook.ts.
 */
type Flags = CredentialFlags & OutputFlags;

function report(out: CommandOutput, c: WebhookChange, human: string): void {
  for (const w of c.warnings) out.warning(w.code, w.message);
  const u = c.update;
  out.result(
    { type: 'webhook_updated', method: u.method, uri: u.uri, enabled: u.uri !== '', preserved: [...u.preserved] },
    `${human}\nUnchanged: ${u.preserved.join(', ')}.`,
  );
}

export function addWebhookSetCommands(webhook: Command, setExit: (code: number) => void): void {
  const set = webhook
    .command('set')
    .description("Point the account's webhook at a URL (keeps name, detail, email, phone number and address as they are).")
    .requiredOption('--uri <url>', 'public http(s) URL VoIPBIN will send every event to')
    .option('--method <method>', 'POST, PUT, GET or DELETE (default: the current method, else POST)');
  addOutputOptions(addCredentialOptions(set)).action(async (flags: Flags & { uri: string; method?: string }) => {
    setExit(
      await runOneShot(flags, async (out) => {
        const method = flags.method === undefined ? undefined : parseWebhookMethod(flags.method);
        // Bad input is told before anything goes over the network.
        parseWebhookUrl(flags.uri);
        const { rest, credential } = await commandRestClient(flags, process.env);
        const c = await setWebhook({ rest, authority: authorityOf(credential) }, { uri: flags.uri, method });
        report(out, c, `Webhook set: ${c.update.method} ${oneLine(c.update.uri)}\nCheck it with: voipbin-notifier webhook test`);
        return EXIT.ok;
      }),
    );
  });

  const disable = webhook
    .command('disable')
    .description('Stop VoIPBIN sending events to the webhook (clears the URI, keeps the method and every other field).');
  addOutputOptions(addCredentialOptions(disable)).action(async (flags: Flags) => {
    setExit(
      await runOneShot(flags, async (out) => {
        const { rest, credential } = await commandRestClient(flags, process.env);
        const c = await disableWebhook({ rest, authority: authorityOf(credential) });
        const kept = c.update.method !== '' ? ` The method (${oneLine(c.update.method, 20)}) is kept, so "webhook set --uri …" re-enables it as it was.` : '';
        report(out, c, `Webhook disabled: VoIPBIN no longer sends events to a URL.${kept}`);
        return EXIT.ok;
      }),
    );
  });
}
