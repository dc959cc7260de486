import type { Command } from 'commander';
import { type StoredCredentials, decodeAgentToken } from '../../core/account/index.js';
import { runOneShot, type OutputFlags } from '../output/command-output.js';
import { addOutputOptions, credentialStore } from './credentials-option.js';
import { EXIT } from '../exit-codes.js';

/**
 * `voipbin-notifier logout`: forget the saved credentials. VoIPBIN has no sign-out or revocation
 * endpoint (PROTOCOL.md §6), so a copied token stays valid until it expires; say so.
 */
function tokenExpiry(stored: StoredCredentials | undefined): Date | undefined {
  if (stored?.credential.kind !== 'jwt') return undefined;
  try {
    return decodeAgentToken(stored.credential.token).expiresAt;
  } catch {
    return undefined;
  }
}

export function addLogoutCommand(parent: Command, setExit: (code: number) => void): void {
  const cmd = parent.command('logout').description('Remove the credentials saved by "login".');
  addOutputOptions(cmd).action(async (flags: OutputFlags) => {
    setExit(
      await runOneShot(flags, async (out) => {
        const store = credentialStore(process.env);
        let stored: StoredCredentials | undefined;
        try {
          stored = await store.load();
        } catch {
          // A corrupted file is exactly what logout should be able to remove.
          stored = undefined;
        }
        const removed = await store.clear();
        const expires = tokenExpiry(stored);
        const note =
          expires !== undefined && expires.getTime() > Date.now()
            ? ` VoIPBIN cannot revoke tokens: a copy of it would stay valid until ${expires.toISOString()}.`
            : '';
        out.result(
          { type: 'logout', removed, path: store.location },
          removed ? `Removed the saved credentials (${store.location}).${note}` : `No saved credentials (${store.location}).`,
        );
        return EXIT.ok;
      }),
    );
  });
}
