import { z } from 'zod';
import type { Credential, RestClient } from '../api/index.js';
import { NotifierError } from '../platform/index.js';
import { decodeAgentToken, resolveIdentity, type Identity } from './identity.js';

/**
 * Who the credential belongs to, confirmed by the server. Decoding a JWT locally says who it
 * claims to be; only a request shows that this server accepts it (right server, right key, not
 * expired by the server's clock). An expired token is refused locally first, with its date.
 */
const MeSchema = z.object({ id: z.string() });

export async function verifiedIdentity(cred: Credential, rest: RestClient, now: number = Date.now()): Promise<Identity> {
  if (cred.kind === 'accesskey') return resolveIdentity(cred, rest);
  const identity = decodeAgentToken(cred.token);
  if (identity.expiresAt !== undefined && identity.expiresAt.getTime() <= now) {
    throw new NotifierError(
      'auth_failed',
      `This sign-in expired at ${identity.expiresAt.toISOString()}; VoIPBIN will refuse it. Sign in again to keep receiving calls.`,
    );
  }
  const me = await rest.get('/me', MeSchema);
  if (me.id.toLowerCase() !== identity.agentId) {
    throw new NotifierError('bad_response', 'VoIPBIN says this token belongs to a different agent than the token itself claims.');
  }
  return identity;
}
