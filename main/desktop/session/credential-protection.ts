/**
 * How the saved sign-in is protected, decided from what Electron's safeStorage reports.
 * macOS Keychain and Windows DPAPI always work; Linux depends on a keyring (libsecret, KWallet)
 * and otherwise falls back to a fixed key ("basic_text") that protects nothing. The user is
 * told plainly whenever the OS keychain is not what protects the token.
 */
export type Protection = 'keychain' | 'weak' | 'plaintext';

export interface ProtectionDecision {
  protection: Protection;
  /** Seal with safeStorage (true), or write the 0600 JSON file the command line uses (false). */
  seal: boolean;
  warning: string | undefined;
}

export interface SafeStorageReport {
  available: boolean;
  /** Linux only: safeStorage.getSelectedStorageBackend(). */
  backend: string | undefined;
  platform: NodeJS.Platform;
}

export function decideProtection(r: SafeStorageReport): ProtectionDecision {
  if (!r.available) {
    return {
      protection: 'plaintext',
      seal: false,
      warning:
        'No system keyring is available, so your sign-in is saved unencrypted in a file only your user account can read. Install and unlock a keyring (GNOME Keyring or KWallet) to protect it.',
    };
  }
  if (r.platform === 'linux' && (r.backend === 'basic_text' || r.backend === 'unknown')) {
    return {
      protection: 'weak',
      seal: true,
      warning:
        'No system keyring was found, so your sign-in is only obfuscated, not protected. Install and unlock a keyring (GNOME Keyring or KWallet) and sign in again.',
    };
  }
  return { protection: 'keychain', seal: true, warning: undefined };
}
