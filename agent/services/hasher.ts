import { createHmac } from 'node:crypto';
import { type KeyedHashPurpose, keyedHashInput } from '../../protocol/index.ts';

/** hex(HMAC-SHA256(hashKey, keyedHashInput(purpose, ...parts))) — see protocol/keyed-hash.ts. */
export type Hasher = (purpose: KeyedHashPurpose, ...parts: string[]) => string;

export function keyedHasher(hashKey: string): Hasher {
  return (purpose, ...parts) =>
    createHmac('sha256', hashKey)
      .update(keyedHashInput(purpose, ...parts))
      .digest('hex');
}
