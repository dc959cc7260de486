import { Option, type Command } from 'commander';
import { configDir, FileCredentialStore, resolveCredentials, type CredentialFlags, type ResolvedCredentials } from '../../core/account/index.js';
import { RestClient } from '../../core/api/index.js';

/**
 * The one place the command decides which credentials and API URL to use — every subcommand,
 * `run` included: --token/--accesskey, then VOIPBIN_TOKEN/VOIPBIN_ACCESSKEY, then what
 * `voipbin-notifier login` saved (see core/credential-source.ts for the API URL rule).
 */
export function credentialStore(env: NodeJS.ProcessEnv): FileCredentialStore {
  return new FileCredentialStore({ dir: configDir(env) });
}

export async function commandCredentials(flags: CredentialFlags, env: NodeJS.ProcessEnv): Promise<ResolvedCredentials> {
  return resolveCredentials(flags, env, credentialStore(env));
}

/** --api-url, --token, --accesskey, worded as for `run`. */
export function addCredentialOptions(cmd: Command): Command {
  return cmd
    .option('--api-url <url>', 'VoIPBIN API root (self-hosted servers); env VOIPBIN_API_URL')
    .option('--token <jwt>', 'agent token (prefer env VOIPBIN_TOKEN or "login": arguments are visible to other users)')
    .option('--accesskey <key>', 'access key vb_… (prefer env VOIPBIN_ACCESSKEY or "login")');
}

/** --json, --log-level, --log-format for the one-shot commands. */
export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'one JSON object per line on stdout (stable interface)')
    .addOption(new Option('--log-level <level>', 'stderr log level').choices(['debug', 'info', 'warn', 'error', 'silent']).default('warn'))
    .addOption(new Option('--log-format <format>', 'stderr log format').choices(['human', 'json']).default('human'));
}

/** Credentials plus a REST client for them: what every subcommand that talks to VoIPBIN needs. */
export async function commandRestClient(flags: CredentialFlags, env: NodeJS.ProcessEnv): Promise<ResolvedCredentials & { rest: RestClient }> {
  const resolved = await commandCredentials(flags, env);
  return { ...resolved, rest: new RestClient({ endpoints: resolved.endpoints, credential: resolved.credential }) };
}
