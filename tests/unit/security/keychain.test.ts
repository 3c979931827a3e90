import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keychainProblem, keychainStoreKey } from '../../../electron/keychain';
import type { SafeStorageLike } from '../../../electron/keychain';
import { TrykError } from '../../../shared/bridge/result';

/** A stand-in keychain that really encrypts (AES-GCM under a per-"user" secret), like safeStorage does. */
function fakeKeychain(options: { available?: boolean; backend?: string; secret?: Buffer } = {}): SafeStorageLike & {
  plaintextsSeen: string[];
} {
  const secret = options.secret ?? randomBytes(32);
  const plaintextsSeen: string[] = [];
  return {
    plaintextsSeen,
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString(plain) {
      plaintextsSeen.push(plain);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(blob) {
      const decipher = createDecipheriv('aes-256-gcm', secret, blob.subarray(0, 12));
      decipher.setAuthTag(blob.subarray(12, 28));
      return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof TrykError ? e.code : 'not-a-tryk-error';
  }
  return undefined;
};

describe('keychainStoreKey', () => {
  it('round-trips a 256-bit key, and the wrapped blob does not contain it', () => {
    const key = randomBytes(32);
    const source = keychainStoreKey(fakeKeychain(), 'linux');
    const blob = source.protect(key);
    expect(source.unprotect(blob).equals(key)).toBe(true);
    expect(blob.includes(key)).toBe(false);
    expect(blob.includes(Buffer.from(key.toString('base64')))).toBe(false);
  });

  it('refuses when the keychain is unavailable, instead of keeping the key in plain text', () => {
    const keychain = fakeKeychain({ available: false });
    expect(keychainProblem(keychain, 'win32')).toMatch(/keychain is not available/);
    expect(codeOf(() => keychainStoreKey(keychain, 'win32'))).toBe('unavailable');
    expect(keychain.plaintextsSeen).toEqual([]);
  });

  it("refuses Linux's basic_text backend (a built-in password), but not on other platforms' backends", () => {
    expect(codeOf(() => keychainStoreKey(fakeKeychain({ backend: 'basic_text' }), 'linux'))).toBe('unavailable');
    expect(keychainProblem(fakeKeychain({ backend: 'kwallet6' }), 'linux')).toBeNull();
    expect(keychainProblem(fakeKeychain(), 'darwin')).toBeNull();
  });

  it('reports a key wrapped by another keychain (another user or machine) as store_wrong_key', () => {
    const blob = keychainStoreKey(fakeKeychain(), 'linux').protect(randomBytes(32));
    expect(codeOf(() => keychainStoreKey(fakeKeychain(), 'linux').unprotect(blob))).toBe('store_wrong_key');
  });

  it('reports a file that is not a wrapped key as store_corrupt', () => {
    const source = keychainStoreKey(fakeKeychain(), 'linux');
    expect(codeOf(() => source.unprotect(Buffer.from('SQLite format 3\0')))).toBe('store_corrupt');
    expect(codeOf(() => source.unprotect(Buffer.alloc(0)))).toBe('store_corrupt');
  });

  it('refuses to wrap a key that is not 256 bits', () => {
    const source = keychainStoreKey(fakeKeychain(), 'linux');
    expect(codeOf(() => source.protect(randomBytes(16)))).toBe('internal');
  });

  it('refuses an unwrapped value that is not a 32-byte key', () => {
    const secret = randomBytes(32);
    const keychain = fakeKeychain({ secret });
    const source = keychainStoreKey(keychain, 'linux');
    const short = Buffer.concat([Buffer.from('TKC1'), keychain.encryptString(randomBytes(16).toString('base64'))]);
    expect(codeOf(() => source.unprotect(short))).toBe('store_corrupt');
  });
});
