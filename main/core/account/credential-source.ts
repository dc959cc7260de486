import { resolveApiUrl, type ApiEndpoints, credentialFrom, type Credential } from '../api/index.js';
import type { CredentialStore, StoredCredentials } from './credential-store.js';
import { NotifierError } from '../platform/index.js';

/**
 * Which credential a command uses: command-line options, then environment variables
 * (VOIPBIN_TOKEN / VOIPBIN_ACCESSKEY), then what `login` saved. The API URL follows the same
 * order, except that a saved API URL applies only to the saved credential: a token belongs to
 * the server that issued it, and must not be sent to another one by accident.
 */
export interface CredentialFlags {
  apiUrl?: string | undefined;
  token?: string | undefined;
  accesskey?: string | undefined;
}

export type CredentialSource = 'flags' | 'env' | 'stored';

export interface ResolvedCredentials {
  credential: Credential;
  endpoints: ApiEndpoints;
  source: CredentialSource;
  /** The saved record, when the credential came from it. */
  stored: StoredCredentials | undefined;
}

const present = (v: string | undefined): boolean => v !== undefined && v.trim() !== '';

export async function resolveCredentials(flags: CredentialFlags, env: NodeJS.ProcessEnv, store: CredentialStore | undefined): Promise<ResolvedCredentials> {
  const explicitUrl = present(flags.apiUrl) ? flags.apiUrl : present(env.VOIPBIN_API_URL) ? env.VOIPBIN_API_URL : undefined;

  if (present(flags.token) || present(flags.accesskey)) {
    return { credential: credentialFrom(flags, 'on the command line'), endpoints: resolveApiUrl(explicitUrl), source: 'flags', stored: undefined };
  }
  if (present(env.VOIPBIN_TOKEN) || present(env.VOIPBIN_ACCESSKEY)) {
    return {
      credential: credentialFrom({ token: env.VOIPBIN_TOKEN, accesskey: env.VOIPBIN_ACCESSKEY }, 'in VOIPBIN_TOKEN / VOIPBIN_ACCESSKEY'),
      endpoints: resolveApiUrl(explicitUrl),
      source: 'env',
      stored: undefined,
    };
  }
  const stored = await store?.load();
  if (stored !== undefined) {
    const savedFor = resolveApiUrl(stored.apiUrl);
    const asked = explicitUrl === undefined ? savedFor : resolveApiUrl(explicitUrl);
    if (asked.root !== savedFor.root) {
      // A token belongs to the server that issued it: sending it elsewhere hands it to that server.
      throw new NotifierError(
        'credentials_missing',
        `No saved sign-in for ${asked.root}: the saved one is for ${savedFor.root} and is never sent to another server. Sign in there with "voipbin-notifier login --api-url ${asked.root}", or pass --token/--accesskey for it.`,
      );
    }
    return { credential: stored.credential, endpoints: savedFor, source: 'stored', stored };
  }
  throw new NotifierError(
    'credentials_missing',
    'No credentials: sign in with "voipbin-notifier login", pass --token <agent token> or --accesskey <vb_…>, or set VOIPBIN_TOKEN or VOIPBIN_ACCESSKEY.',
  );
}
