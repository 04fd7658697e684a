/**
 * Codes, barcodes and credentials travel and rest only as keyed hashes:
 * hex(HMAC-SHA256(lockerHashKey, keyedHashInput(purpose, ...parts))).
 * The per-locker hash key is issued at provisioning; the cloud keeps it to hash what it pushes,
 * the agent keeps it (in its config) to hash what a person types. The HMAC itself is computed
 * with node:crypto by each side's adapters; this file only fixes the message both must hash.
 */
export const KEYED_HASH_PURPOSES = [
  'pickup-code',
  'return-code',
  'rental-code',
  'deposit-code',
  'barcode',
  'courier-badge',
  'courier-daily-code',
  'technician-pin',
] as const;
export type KeyedHashPurpose = (typeof KEYED_HASH_PURPOSES)[number];

export function keyedHashInput(purpose: KeyedHashPurpose, ...parts: readonly string[]): string {
  // Length-prefixed parts: ("ab","c") and ("a","bc") must not hash alike.
  return `postamat/v1/${purpose}/${parts.map((p) => `${p.length}:${p}`).join('/')}`;
}
