import { hashesEqual, hmacHex } from '../security/secrets.ts';

export const SIGNATURE_HEADER = 'x-postamat-signature';

/** `t=<ms>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the timestamp is signed so a replayed
 * old request can be refused by the receiver. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmacHex(secret, `${timestamp}.${body}`)}`;
}

/** For receivers (and tests): true when the header matches and is at most toleranceMs old. */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  now: number,
  toleranceMs = 300_000,
): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (match === null) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(now - timestamp) > toleranceMs) return false;
  return hashesEqual(hmacHex(secret, `${timestamp}.${body}`), match[2] as string);
}
