/**
 * The store key: 256 random bits, never stored in the clear. Headless, it is derived from a
 * passphrase with scrypt (memory-hard) and a stored salt; in the desktop app a random key is
 * wrapped by the OS keychain. The keyfile also holds a check value so a wrong passphrase is
 * told apart from a corrupt database.
 */
import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { TrykError } from '../../shared/bridge/result';

export type KeySource =
  | { kind: 'passphrase'; passphrase: string }
  | { kind: 'keychain'; protect(key: Buffer): Buffer; unprotect(blob: Buffer): Buffer };

/** scrypt cost: 'default' uses 128 MiB and ~0.3 s; 'fast' is for tests only. */
export type KdfCost = 'default' | 'fast';
const costs: Record<KdfCost, { N: number; r: number; p: number }> = {
  default: { N: 2 ** 17, r: 8, p: 1 },
  fast: { N: 2 ** 12, r: 8, p: 1 },
};

const b64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/);
export const Keyfile = z.object({
  format: z.literal(1),
  protection: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('scrypt'),
      salt: b64,
      N: z.number().int().min(2 ** 10).max(2 ** 22),
      r: z.number().int().min(1).max(32),
      p: z.number().int().min(1).max(16),
    }),
    z.object({ kind: z.literal('keychain'), wrappedKey: b64 }),
  ]),
  check: b64,
});
export type Keyfile = z.infer<typeof Keyfile>;

const checkValue = (key: Buffer) => createHmac('sha256', key).update('tryk-store-key-check-v1').digest();

function deriveKey(passphrase: string, salt: Buffer, p: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, 32, { ...p, maxmem: 256 * p.N * p.r + 32 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export const MIN_PASSPHRASE_LENGTH = 8;

/** Makes a new key and the keyfile that lets it be recovered from `source` later. */
export async function createKey(source: KeySource, cost: KdfCost = 'default'): Promise<{ key: Buffer; keyfile: Keyfile }> {
  if (source.kind === 'passphrase') {
    if (source.passphrase.length < MIN_PASSPHRASE_LENGTH) {
      throw new TrykError('bad_request', `The passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
    }
    const salt = randomBytes(16);
    const params = costs[cost];
    const key = await deriveKey(source.passphrase, salt, params);
    return {
      key,
      keyfile: {
        format: 1,
        protection: { kind: 'scrypt', salt: salt.toString('base64'), ...params },
        check: checkValue(key).toString('base64'),
      },
    };
  }
  const key = randomBytes(32);
  return {
    key,
    keyfile: {
      format: 1,
      protection: { kind: 'keychain', wrappedKey: source.protect(key).toString('base64') },
      check: checkValue(key).toString('base64'),
    },
  };
}

/** Recovers the key; a wrong passphrase or foreign keychain is `store_wrong_key`, never a silent new key. */
export async function unlockKey(source: KeySource, keyfile: Keyfile): Promise<Buffer> {
  const { protection } = keyfile;
  let key: Buffer;
  if (protection.kind === 'scrypt') {
    if (source.kind !== 'passphrase') throw new TrykError('store_wrong_key', 'This store is protected by a passphrase');
    key = await deriveKey(source.passphrase, Buffer.from(protection.salt, 'base64'), protection);
  } else {
    if (source.kind !== 'keychain') {
      throw new TrykError('store_wrong_key', "This store's key is held by the desktop app's OS keychain");
    }
    try {
      key = source.unprotect(Buffer.from(protection.wrappedKey, 'base64'));
    } catch {
      throw new TrykError('store_wrong_key', "The OS keychain could not unwrap this store's key");
    }
  }
  const expected = Buffer.from(keyfile.check, 'base64');
  const actual = checkValue(key);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new TrykError('store_wrong_key', 'Wrong passphrase for this store');
  }
  return key;
}
