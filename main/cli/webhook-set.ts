import type { Command } from 'commander';
import type { CredentialFlags } from '../core/credential-source.js';
import { authorityOf, parseWebhookMethod, updateWebhook, type WebhookUpdate } from '../core/customer-webhook.js';
import { checkWebhookUrl } from '../core/webhook-url-policy.js';
import { runOneShot, type CommandOutput, type OutputFlags } from './command-output.js';
import { addCredentialOptions, addOutputOptions, commandRestClient } from './credentials-option.js';
import { EXIT } from './exit-codes.js';

/**
 * `webhook set` and `webhook disable`. Both rewrite the whole customer record (VoIPBIN has no
 * partial update), carrying the other five fields through unchanged: see core/customer-webhook.ts.
 */
type Flags = CredentialFlags & OutputFlags;

function report(out: CommandOutput, u: WebhookUpdate, human: string): void {
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
    setExit(await runOneShot(flags, async (out) => {
      const method = flags.method === undefined ? undefined : parseWebhookMethod(flags.method);
      const checked = await checkWebhookUrl(flags.uri);
      for (const w of checked.warnings) out.warning(w.code, w.message);
      const { rest, credential } = await commandRestClient(flags, process.env);
      // Saved as typed (trimmed): the URL parser's normalised form could differ from what the receiver expects.
      const u = await updateWebhook(rest, { uri: flags.uri.trim(), method }, authorityOf(credential));
      report(out, u, `Webhook set: ${u.method} ${u.uri}\nCheck it with: voipbin-notifier webhook test`);
      return EXIT.ok;
    }));
  });

  const disable = webhook
    .command('disable')
    .description('Stop VoIPBIN sending events to the webhook (clears the URI, keeps the method and every other field).');
  addOutputOptions(addCredentialOptions(disable)).action(async (flags: Flags) => {
    setExit(await runOneShot(flags, async (out) => {
      const { rest, credential } = await commandRestClient(flags, process.env);
      const u = await updateWebhook(rest, { uri: '' }, authorityOf(credential));
      const kept = u.method !== '' ? ` The method (${u.method}) is kept, so "webhook set --uri …" re-enables it as it was.` : '';
      report(out, u, `Webhook disabled: VoIPBIN no longer sends events to a URL.${kept}`);
      return EXIT.ok;
    }));
  });
}
