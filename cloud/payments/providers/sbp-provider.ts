/**
 * A Faster Payments System (SBP) provider: an acquiring bank's or aggregator's QR API. The cloud
 * asks it for a dynamic QR per payment, learns the outcome from its signed callback (or by asking
 * for the state when no callback came), and refunds through it.
 */
export interface SbpQr {
  /** The provider's id of the QR / operation: what its callback and state answers name. */
  readonly operationId: string;
  /** The text to encode in the QR, e.g. https://qr.nspk.ru/AS1000… */
  readonly qrPayload: string;
  /** Cloud time after which the QR cannot be paid. */
  readonly payableUntil: number;
}

export type SbpPaymentState = 'pending' | 'paid' | 'failed' | 'expired';

export interface SbpStateAnswer {
  readonly state: SbpPaymentState;
  /** For a paid QR: the provider's reference of the transfer (for receipts and refunds). */
  readonly providerRef?: string | undefined;
  readonly amountKopecks?: number | undefined;
}

export interface SbpProvider {
  readonly name: string;
  createQr(input: {
    readonly paymentId: string;
    readonly amountKopecks: number;
    readonly description: string;
  }): Promise<SbpQr>;
  refund(input: {
    readonly paymentId: string;
    readonly operationId: string;
    readonly amountKopecks: number;
  }): Promise<{ readonly refundRef: string }>;
  state(operationId: string): Promise<SbpStateAnswer>;
}

/** A provider call that failed: `permanent` ones are not retried (the provider refused it). */
export class SbpProviderError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
  }
}
