import { Option, type Command } from 'commander';
import { resolveApiUrl, type ApiEndpoints, credentialFrom, parseCredential, type Credential, RestClient } from '../../core/api/index.js';
import { login, type CredentialStore, type Identity, verifiedIdentity } from '../../core/account/index.js';
import { NotifierError, redactor } from '../../core/platform/index.js';
import { runOneShot, type OutputFlags } from '../output/command-output.js';
import { addOutputOptions, credentialStore } from './credentials-option.js';
import { describeIdentity, identityFields } from '../output/identity-lines.js';
import { EXIT } from '../exit-codes.js';
import { readSecretFromStdin } from './password-input.js';

/**
 * `voipbin-notifier login`: sign in with username + password (read from stdin), or check and
 * save a pasted token / access key; the result is saved for every later command.
 */
interface LoginFlags extends OutputFlags {
  apiUrl?: string;
  username?: string;
  passwordStdin?: boolean;
  password?: string;
  token?: string;
  accesskey?: string;
  tokenStdin?: boolean;
}

/** Re-signing in goes to the same server as before unless told otherwise. */
async function loginEndpoints(flags: LoginFlags, env: NodeJS.ProcessEnv, store: CredentialStore): Promise<ApiEndpoints> {
  const explicit = flags.apiUrl?.trim() || env.VOIPBIN_API_URL?.trim() || undefined;
  if (explicit !== undefined) return resolveApiUrl(explicit);
  try {
    return resolveApiUrl((await store.load())?.apiUrl);
  } catch {
    // An unreadable old file must not stand in the way of signing in again; it is about to be replaced.
    return resolveApiUrl(undefined);
  }
}

async function pastedCredential(flags: LoginFlags): Promise<Credential | undefined> {
  if (flags.tokenStdin === true) {
    if (flags.token !== undefined || flags.accesskey !== undefined)
      throw new NotifierError('bad_usage', 'Give the token either on standard input (--token-stdin) or as an option, not both.');
    return parseCredential(await readSecretFromStdin('Token or access key'), 'token');
  }
  if (flags.token !== undefined || flags.accesskey !== undefined) return credentialFrom(flags, 'on the command line');
  return undefined;
}

async function signIn(flags: LoginFlags, endpoints: ApiEndpoints): Promise<{ credential: Credential; identity: Identity; username: string | undefined }> {
  if (flags.password !== undefined) {
    redactor.add(flags.password);
    throw new NotifierError(
      'bad_usage',
      'Refusing --password: arguments are visible to other users and stay in shell history. Pipe the password in with --password-stdin (or type it at the prompt).',
    );
  }
  const pasted = await pastedCredential(flags);
  if (pasted !== undefined) {
    if (flags.username !== undefined) throw new NotifierError('bad_usage', 'Give either --username (with --password-stdin) or a token / access key, not both.');
    const identity = await verifiedIdentity(pasted, new RestClient({ endpoints, credential: pasted }));
    return { credential: pasted, identity, username: identity.kind === 'agent' ? identity.username : undefined };
  }
  if (flags.username === undefined) {
    throw new NotifierError('bad_usage', 'Sign in with --username <name> --password-stdin, or save an agent token or access key with --token-stdin.');
  }
  // On a terminal a hidden prompt is as safe as stdin; in scripts the flag makes the intent explicit.
  if (flags.passwordStdin !== true && !process.stdin.isTTY) {
    throw new NotifierError(
      'bad_usage',
      'The password is read from standard input: add --password-stdin (e.g. `printf %s "$PW" | voipbin-notifier login --username alice --password-stdin`).',
    );
  }
  const password = await readSecretFromStdin('Password');
  const result = await login(endpoints, flags.username, password);
  return { credential: { kind: 'jwt', token: result.token }, identity: result.identity, username: result.username };
}

export function addLoginCommand(parent: Command, setExit: (code: number) => void): void {
  const cmd = parent
    .command('login')
    .description('Sign in to VoIPBIN and save the credentials for this user (file readable only by you); "logout" removes them.')
    .option(
      '--api-url <url>',
      'VoIPBIN API root (self-hosted servers); env VOIPBIN_API_URL; default: the server of the previous sign-in, else https://api.voipbin.net',
    )
    .option('--username <name>', 'agent username')
    .option('--password-stdin', 'read the password from standard input (prompted without echo on a terminal)')
    .option('--token-stdin', 'instead of a password: read an agent token or access key (vb_…) from standard input, check it and save it')
    .option('--token <jwt>', 'save this agent token or access key (prefer --token-stdin)')
    .option('--accesskey <key>', 'save this access key vb_… (prefer --token-stdin)')
    .addOption(new Option('--password <password>').hideHelp());
  addOutputOptions(cmd).action(async (flags: LoginFlags) => {
    setExit(
      await runOneShot(flags, async (out) => {
        const store = credentialStore(process.env);
        const endpoints = await loginEndpoints(flags, process.env, store);
        const { credential, identity, username } = await signIn(flags, endpoints);
        await store.save({ apiUrl: endpoints.root, credential, username, savedAt: new Date() });
        const lines = [`Signed in to ${endpoints.root} as ${describeIdentity(identity).join('\n  ')}`, `Saved to ${store.location} (readable only by you).`];
        out.result({ type: 'login', ...identityFields(identity), api_url: endpoints.root, saved_to: store.location }, lines.join('\n'));
        return EXIT.ok;
      }),
    );
  });
}
