import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { type KeyedHashPurpose, keyedHashInput } from '../../protocol/index.ts';

/** Ids are random, not sequential: an id in a URL tells nothing about volume or neighbours. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/** 256 random bits, URL-safe. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** hex(HMAC-SHA256(lockerHashKey, keyedHashInput(purpose, ...parts))), as the agent computes it. */
export function keyedHash(hashKey: string, purpose: KeyedHashPurpose, ...parts: string[]): string {
  return createHmac('sha256', hashKey)
    .update(keyedHashInput(purpose, ...parts))
    .digest('hex');
}

/** Six digits from the CSPRNG: 10^6 codes, guesses are limited by the keypad lockout. */
export function newCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

export function hmacHex(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}
