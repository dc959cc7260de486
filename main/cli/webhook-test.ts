import type { Command } from 'commander';
import type { CredentialFlags } from '../core/credential-source.js';
import { authorityOf, parseWebhookMethod, readWebhook } from '../core/customer-webhook.js';
import { NotifierError } from '../core/errors.js';
import { checkWebhookUrl } from '../core/webhook-url-policy.js';
import { SAMPLE_EVENT_TYPES, isSampleEventType, sampleEventData, webhookBody } from '../core/webhook-sample-events.js';
import { SIGNATURE_HEADER, deliverTestWebhook } from '../core/webhook-test-delivery.js';
import { runOneShot, type OutputFlags } from './command-output.js';
import { addCredentialOptions, addOutputOptions, commandRestClient } from './credentials-option.js';
import { EXIT } from './exit-codes.js';

/**
 * `voipbin-notifier webhook test`: one sample event, delivered the way VoIPBIN delivers (signed
 * with the account's secret, same method, headers and timeouts), and what VoIPBIN would make of
 * the answer. Loopback targets are allowed here — and only here — so a receiver under
 * development can be checked before it is exposed.
 */
interface TestFlags extends CredentialFlags, OutputFlags {
  uri?: string;
  method?: string;
  event: string;
}

export function addWebhookTestCommand(webhook: Command, setExit: (code: number) => void): void {
  const cmd = webhook
    .command('test')
    .description('Send a signed sample event to the webhook exactly as VoIPBIN would, and report status, latency and verdict.')
    .option('--uri <url>', "send to this URL instead of the account's webhook (may be this machine)")
    .option('--method <method>', "POST, PUT, GET or DELETE instead of the account's method")
    .option('--event <type>', `sample event: ${SAMPLE_EVENT_TYPES.join(', ')}`, 'call_hangup');
  addOutputOptions(addCredentialOptions(cmd)).action(async (flags: TestFlags) => {
    setExit(await runOneShot(flags, async (out, log) => {
      const event = flags.event.trim();
      if (!isSampleEventType(event)) {
        throw new NotifierError('bad_usage', `Unknown sample event "${event}"; choose one of ${SAMPLE_EVENT_TYPES.join(', ')}.`);
      }
      const methodOverride = flags.method === undefined ? undefined : parseWebhookMethod(flags.method);
      // Vet a given URL before anything goes over the network.
      const given = flags.uri === undefined ? undefined : await checkWebhookUrl(flags.uri, { allowLoopback: true });

      const { rest, credential } = await commandRestClient(flags, process.env);
      const settings = await readWebhook(rest, authorityOf(credential));
      const checked = given ?? (settings.uri !== '' ? await checkWebhookUrl(settings.uri, { allowLoopback: true }) : undefined);
      if (checked === undefined) {
        throw new NotifierError('bad_usage', 'The account has no webhook URI: pass --uri, or set one with "voipbin-notifier webhook set --uri …".');
      }
      for (const w of checked.warnings) out.warning(w.code, w.message);
      let method = methodOverride ?? settings.method;
      if (method === '') {
        method = 'GET';
        out.warning('method_unset', 'The account has no webhook method; VoIPBIN then sends GET (with the body). Set one with "webhook set --method POST".');
      }
      if (settings.secret === undefined) {
        out.warning('unsigned', `The account has no signing secret, so VoIPBIN sends no ${SIGNATURE_HEADER} header; this test is unsigned too.`);
      }

      const authority = authorityOf(credential);
      const agentId = authority !== undefined && 'agentId' in authority && typeof authority.agentId === 'string' ? authority.agentId : undefined;
      const body = webhookBody(event, sampleEventData(event, { customerId: settings.customerId, agentId }));
      const uri = flags.uri?.trim() ?? settings.uri;
      log.info(`sending ${event} to ${uri}`);
      const r = await deliverTestWebhook({ url: checked.url, method, body, secret: settings.secret, allowLoopback: true });

      const line = {
        type: 'webhook_test',
        event,
        method,
        uri,
        status: r.status ?? null,
        latency_ms: r.latencyMs,
        verdict: r.verdict,
        signed: r.signed,
        message: r.explanation,
        ...(r.redirects.length > 0 ? { redirects: r.redirects } : {}),
        ...(r.error !== undefined ? { error: r.error } : {}),
        ...(r.responseExcerpt !== undefined ? { response_excerpt: r.responseExcerpt } : {}),
      };
      const human = [
        `${method} ${uri} → ${r.status ?? 'no response'} in ${r.latencyMs} ms: ${r.verdict.replace('_', ' ')}`,
        r.explanation,
        r.signed ? `Signed with ${SIGNATURE_HEADER} using the account's signing secret.` : 'Sent unsigned.',
        ...(r.responseExcerpt !== undefined ? [`Receiver said: ${r.responseExcerpt}`] : []),
      ].join('\n');
      out.result(line, human);
      return r.verdict === 'delivered' ? EXIT.ok : EXIT.failure;
    }));
  });
}
