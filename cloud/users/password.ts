import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Console passwords: scrypt (memory-hard, in node:crypto) with a 16-byte salt per user. The
 * parameters are stored with each hash (`scrypt$N$r$p$salt$hash`), so raising the cost later
 * leaves older hashes verifiable.
 */
export interface ScryptCost {
  /** CPU/memory cost, a power of two. 2^15 with r=8 is 32 MiB and about 0.1 s a check. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; node's default ceiling (32 MiB) is exactly 2^15·8·128.
  const maxmem = 256 * cost.N * cost.r;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { ...cost, maxmem }, (error, key) =>
      error === null ? resolve(key) : reject(error),
    );
  });
}

export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST) {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join(
    '$',
  );
}

function parse(encoded: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | undefined {
  const [scheme, n, r, p, salt, key] = encoded.split('$');
  if (scheme !== 'scrypt' || salt === undefined || key === undefined) return undefined;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every((v) => Number.isInteger(v) && v > 0)) return undefined;
  return { cost, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

/** Constant-time compare of the derived keys; a malformed stored hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const stored = parse(encoded);
  if (stored === undefined) return false;
  const key = await derive(password, stored.salt, stored.cost);
  return key.length === stored.key.length && timingSafeEqual(key, stored.key);
}

/** The cost a stored hash was made with, e.g. to rehash on sign-in once the default grows. */
export function costOf(encoded: string): ScryptCost | undefined {
  return parse(encoded)?.cost;
}
