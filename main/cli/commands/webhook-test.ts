import type { Command } from 'commander';
import type { CredentialFlags } from '../../core/account/index.js';
import { authorityOf, parseWebhookMethod, SAMPLE_EVENT_TYPES, SIGNATURE_HEADER, testWebhook } from '../../core/webhook/index.js';
import { oneLine } from '../../core/platform/index.js';
import { runOneShot, type OutputFlags } from '../output/command-output.js';
import { addCredentialOptions, addOutputOptions, commandRestClient } from './credentials-option.js';
import { EXIT } from '../exit-codes.js';

/**
 * `voipbin-notifier webhook test`: one sample event, delivered the way VoIPBIN delivers (signed
 * with the account's secret, same method, headers and timeouts), and what VoIPBIN would make of
 * the answer (core/webhook/actions.ts). Only a --uri typed here may be this machine, so a
 * receiver under development can be checked before it is exposed.
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
    setExit(
      await runOneShot(flags, async (out, log) => {
        const method = flags.method === undefined ? undefined : parseWebhookMethod(flags.method);
        const { rest, credential } = await commandRestClient(flags, process.env);
        const authority = authorityOf(credential);
        const agentId = authority !== undefined && 'agentId' in authority && typeof authority.agentId === 'string' ? authority.agentId : undefined;
        log.info(`sending ${flags.event} to ${flags.uri ?? "the account's webhook"}`);
        const t = await testWebhook({ rest, authority }, { event: flags.event, uri: flags.uri, method, agentId });
        for (const w of t.warnings) out.warning(w.code, w.message);
        const r = t.result;
        const line = {
          type: 'webhook_test',
          event: t.event,
          method: t.method,
          uri: t.uri,
          status: r.status ?? null,
          latency_ms: r.latencyMs,
          verdict: r.verdict,
          signed: r.signed,
          message: r.explanation,
          ...(r.redirects.length > 0 ? { redirects: r.redirects } : {}),
          ...(r.error !== undefined ? { error: r.error } : {}),
          ...(r.responseExcerpt !== undefined ? { response_excerpt: r.responseExcerpt } : {}),
        };
        // The URI (any admin may set it) and the receiver's reply are someone else's text: one plain line each.
        const human = [
          `${oneLine(t.method, 20)} ${oneLine(t.uri)} → ${r.status ?? 'no response'} in ${r.latencyMs} ms: ${r.verdict.replace('_', ' ')}`,
          oneLine(r.explanation),
          r.signed ? `Signed with ${SIGNATURE_HEADER} using the account's signing secret.` : 'Sent unsigned.',
          ...(r.responseExcerpt !== undefined ? [`Receiver said: ${oneLine(r.responseExcerpt, 300)}`] : []),
        ].join('\n');
        out.result(line, human);
        return r.verdict === 'delivered' ? EXIT.ok : EXIT.failure;
      }),
    );
  });
}
