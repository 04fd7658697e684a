import { z } from 'zod';
import { hashesEqual, hmacHex } from '../../security/secrets.ts';

/**
 * The provider's callback as the cloud accepts it at POST /v1/payments/sbp/callback:
 * a JSON body, and `X-Sbp-Signature: t=<ms>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The timestamp is signed, so an old callback replayed is refused outside the window.
 */
export const SBP_SIGNATURE_HEADER = 'x-sbp-signature';

export const sbpCallbackBody = z.object({
  operationId: z.string().min(1).max(200),
  status: z.enum(['paid', 'failed', 'expired']),
  amountKopecks: z.number().int().positive(),
  /** The transfer's reference at the provider (paid callbacks). */
  providerRef: z.string().min(1).max(200).optional(),
});
export type SbpCallback = z.infer<typeof sbpCallbackBody>;

export function signSbpCallback(secret: string, timestamp: number, rawBody: string): string {
  return `t=${timestamp},v1=${hmacHex(secret, `${timestamp}.${rawBody}`)}`;
}

export type SignatureCheck = 'ok' | 'missing' | 'malformed' | 'stale' | 'mismatch';

/** Constant-time comparison; `stale`: the signed time is outside ±toleranceMs of now. */
export function checkSbpSignature(
  secret: string,
  header: string | undefined,
  rawBody: string,
  now: number,
  toleranceMs: number,
): SignatureCheck {
  if (header === undefined || header === '') return 'missing';
  const match = /^t=(\d{1,15}),v1=([0-9a-f]{64})$/.exec(header);
  if (match === null) return 'malformed';
  const timestamp = Number(match[1]);
  const expected = hmacHex(secret, `${timestamp}.${rawBody}`);
  if (!hashesEqual(expected, match[2] as string)) return 'mismatch';
  return Math.abs(now - timestamp) > toleranceMs ? 'stale' : 'ok';
}
