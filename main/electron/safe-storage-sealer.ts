import { safeStorage } from 'electron';
import type { Sealer } from '../core/account/index.js';
import { decideProtection, type ProtectionDecision } from '../desktop/session/credential-protection.js';

/**
 * The credential store's Sealer backed by Electron safeStorage (Keychain, DPAPI, libsecret or
 * KWallet). Call after app 'ready': safeStorage answers nothing useful before.
 */
export const safeStorageSealer: Sealer = {
  seal: (plain) => safeStorage.encryptStringAsync(plain),
  unseal: async (sealed) => (await safeStorage.decryptStringAsync(sealed)).result,
};

export async function credentialProtection(platform: NodeJS.Platform = process.platform): Promise<ProtectionDecision & { sealer: Sealer | undefined }> {
  const available = await safeStorage.isAsyncEncryptionAvailable();
  const backend = platform === 'linux' && available ? safeStorage.getSelectedStorageBackend() : undefined;
  const decision = decideProtection({ available, backend, platform });
  return { ...decision, sealer: decision.seal ? safeStorageSealer : undefined };
}
