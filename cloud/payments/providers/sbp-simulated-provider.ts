import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../protocol/index.ts';
import { signSbpCallback } from './sbp-callback.ts';
import { type SbpPaymentState, type SbpProvider, SbpProviderError } from './sbp-provider.ts';

interface Operation {
  readonly paymentId: string;
  readonly amountKopecks: number;
  readonly payableUntil: number;
  state: SbpPaymentState;
  providerRef?: string;
  refunds: string[];
}

export interface SimulatedSbpProvider extends SbpProvider {
  /** Where its callbacks go (the cloud's /v1/payments/sbp/callback); set once the HTTP port is known. */
  setCallbackUrl(url: string): void;
  /** A person "pays" the QR: the operation is paid and a correctly signed callback is sent. */
  pay(operationId: string): Promise<number>;
  /** The QR is abandoned: a signed `expired` callback. */
  expire(operationId: string): Promise<number>;
  operations(): ReadonlyMap<string, Readonly<Operation>>;
}

/**
 * An SBP provider in memory for tests and the demo. It behaves as a bank's QR API would: QRs
 * expire, a paid QR can be refunded once per call, and its callbacks are signed with the same
 * shared secret the cloud checks — so a test of the callback path runs the real verification.
 */
export function simulatedSbpProvider(options: {
  readonly secret: string;
  readonly clock: Clock;
  readonly qrTtlMs: number;
}): SimulatedSbpProvider {
  const ops = new Map<string, Operation>();
  let callbackUrl: string | undefined;

  async function callback(operationId: string, status: 'paid' | 'expired'): Promise<number> {
    const op = ops.get(operationId);
    if (op === undefined) throw new SbpProviderError(`no operation ${operationId}`, true);
    if (callbackUrl === undefined) throw new Error('simulated SBP provider: no callback URL set');
    op.state = status;
    if (status === 'paid') op.providerRef = `SIMREF${randomBytes(6).toString('hex')}`;
    const raw = JSON.stringify({
      operationId,
      status,
      amountKopecks: op.amountKopecks,
      ...(op.providerRef === undefined ? {} : { providerRef: op.providerRef }),
    });
    const response = await fetch(callbackUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sbp-signature': signSbpCallback(options.secret, options.clock.now(), raw),
      },
      body: raw,
    });
    await response.text();
    return response.status;
  }

  return {
    name: 'simulated',
    setCallbackUrl(url) {
      callbackUrl = url;
    },
    async createQr({ paymentId, amountKopecks }) {
      const operationId = `SIM${randomBytes(8).toString('hex').toUpperCase()}`;
      const payableUntil = options.clock.now() + options.qrTtlMs;
      ops.set(operationId, {
        paymentId,
        amountKopecks,
        payableUntil,
        state: 'pending',
        refunds: [],
      });
      const qrPayload = `https://qr.nspk.ru/${operationId}?type=02&bank=100000000000&sum=${amountKopecks}&cur=RUB&crc=0000`;
      return { operationId, qrPayload, payableUntil };
    },
    async refund({ operationId }) {
      const op = ops.get(operationId);
      if (op?.state !== 'paid') {
        throw new SbpProviderError(`operation ${operationId} is not paid`, true);
      }
      const refundRef = `SIMRF${randomBytes(6).toString('hex')}`;
      op.refunds.push(refundRef);
      return { refundRef };
    },
    async state(operationId) {
      const op = ops.get(operationId);
      if (op === undefined) throw new SbpProviderError(`no operation ${operationId}`, true);
      if (op.state === 'pending' && options.clock.now() > op.payableUntil) op.state = 'expired';
      return { state: op.state, providerRef: op.providerRef, amountKopecks: op.amountKopecks };
    },
    pay: (operationId) => callback(operationId, 'paid'),
    expire: (operationId) => callback(operationId, 'expired'),
    operations: () => ops,
  };
}
