/**
 * Wraps the store key with the OS keychain (Electron's safeStorage), without importing electron:
 * the entry passes safeStorage in, tests pass a fake. The store generates the random key and
 * keeps the wrapped blob in its key file; this module only protects and unprotects it.
 */
import { TrykError } from '../shared/bridge/result';

/** The part of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron; absent elsewhere. */
  getSelectedStorageBackend?(): string;
}

export interface KeychainStoreKey {
  kind: 'keychain';
  protect(key: Buffer): Buffer;
  unprotect(blob: Buffer): Buffer;
}

export const STORE_KEY_BYTES = 32;
/** Marks a wrapped key (and its format version), so a wrong file is recognised, not "decrypted". */
const MAGIC = Buffer.from('TKC1', 'ascii');

/**
 * Why the keychain cannot protect the key, or null when it can. On Linux without a secret
 * service Electron falls back to 'basic_text', a password built into Chromium: that is
 * plaintext with extra steps, so it is refused like no keychain at all.
 */
export function keychainProblem(safe: SafeStorageLike, platform: NodeJS.Platform = process.platform): string | null {
  if (!safe.isEncryptionAvailable()) {
    return 'The operating system keychain is not available, so the store key cannot be protected.';
  }
  if (platform === 'linux' && safe.getSelectedStorageBackend?.() === 'basic_text') {
    return 'No keyring (GNOME Keyring or KWallet) is running, so the store key cannot be protected.';
  }
  return null;
}

/** The store key source for the desktop app; throws `unavailable` rather than ever keeping the key in plain text. */
export function keychainStoreKey(safe: SafeStorageLike, platform: NodeJS.Platform = process.platform): KeychainStoreKey {
  const problem = keychainProblem(safe, platform);
  if (problem) throw new TrykError('unavailable', problem);
  return {
    kind: 'keychain',
    protect(key) {
      if (key.length !== STORE_KEY_BYTES) throw new TrykError('internal', `the store key must be ${STORE_KEY_BYTES} bytes`);
      // safeStorage takes strings; base64 keeps every key byte intact through it.
      return Buffer.concat([MAGIC, safe.encryptString(key.toString('base64'))]);
    },
    unprotect(blob) {
      if (blob.length <= MAGIC.length || !blob.subarray(0, MAGIC.length).equals(MAGIC)) {
        throw new TrykError('store_corrupt', 'The key file is not a keychain-wrapped Tryk key.');
      }
      let text: string;
      try {
        text = safe.decryptString(blob.subarray(MAGIC.length));
      } catch {
        throw new TrykError(
          'store_wrong_key',
          "The OS keychain cannot unwrap this store's key (was the data directory copied from another user or machine?).",
        );
      }
      const key = Buffer.from(text, 'base64');
      if (key.length !== STORE_KEY_BYTES || key.toString('base64') !== text) {
        throw new TrykError('store_corrupt', 'The unwrapped store key has the wrong shape.');
      }
      return key;
    },
  };
}
