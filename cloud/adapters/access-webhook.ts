import { signatureHeader } from '../webhooks/signature.ts';

export interface AccessRequest {
  readonly passageId: string;
  readonly siteId: string;
  readonly accessPointId: string;
  readonly courierId: string;
  readonly tenantId: string;
  readonly validUntil: number;
}

export type AccessAnswer =
  | { readonly opened: true }
  | { readonly opened: false; readonly reason: string };

/**
 * Asks a complex's own access system to open a gate for a courier: one POST, signed like tenant
 * webhooks (`X-Postamat-Signature`), bounded by a timeout. A courier is at the gate now, so no
 * retries: a failure is answered (and audited) at once.
 */
export async function openViaWebhook(
  url: string,
  secret: string,
  request: AccessRequest,
  now: number,
  timeoutMs = 5000,
): Promise<AccessAnswer> {
  const body = JSON.stringify({ event: 'access.open', ...request });
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-postamat-signature': signatureHeader(secret, now, body),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.ok ? { opened: true } : { opened: false, reason: `http-${res.status}` };
  } catch (error) {
    const name = (error as Error).name;
    return { opened: false, reason: name === 'TimeoutError' ? 'timeout' : 'unreachable' };
  }
}
