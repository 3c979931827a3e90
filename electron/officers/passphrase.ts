/** Officer passphrases are stored as scrypt hashes (memory-hard), compared in constant time. */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export type HashCost = 'default' | 'fast';
const costs = { default: { N: 2 ** 15, r: 8, p: 1 }, fast: { N: 2 ** 10, r: 8, p: 1 } } as const;

function derive(passphrase: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, 32, { N, r, p, maxmem: 256 * N * r + 16 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassphrase(passphrase: string, cost: HashCost = 'default'): Promise<string> {
  const { N, r, p } = costs[cost];
  const salt = randomBytes(16);
  const hash = await derive(passphrase, salt, N, r, p);
  return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassphrase(passphrase: string, stored: string): Promise<boolean> {
  const [kind, N, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(passphrase, Buffer.from(salt, 'base64'), Number(N), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
