import type { Command } from 'commander';
import { type CredentialFlags, verifiedIdentity } from '../../core/account/index.js';
import { RestClient } from '../../core/api/index.js';
import { runOneShot, type OutputFlags } from '../output/command-output.js';
import { addCredentialOptions, addOutputOptions, commandCredentials } from './credentials-option.js';
import { describeIdentity, identityFields, reportExpiry } from '../output/identity-lines.js';
import { EXIT } from '../exit-codes.js';

/** `voipbin-notifier whoami`: whose credentials these are, checked with the server; never the token. */
export function addWhoamiCommand(parent: Command, setExit: (code: number) => void): void {
  const cmd = parent.command('whoami').description('Show who the credentials belong to: agent, customer, permissions and expiry (never the token).');
  addOutputOptions(addCredentialOptions(cmd)).action(async (flags: CredentialFlags & OutputFlags) => {
    setExit(
      await runOneShot(flags, async (out) => {
        const { credential, endpoints, source } = await commandCredentials(flags, process.env);
        const identity = await verifiedIdentity(credential, new RestClient({ endpoints, credential }));
        const from = { flags: 'command line', env: 'environment', stored: 'saved sign-in' }[source];
        out.result(
          { type: 'whoami', ...identityFields(identity), source, api_url: endpoints.root },
          [describeIdentity(identity).join('\n'), `server: ${endpoints.root} (credentials from the ${from})`].join('\n'),
        );
        reportExpiry(out, identity);
        return EXIT.ok;
      }),
    );
  });
}
