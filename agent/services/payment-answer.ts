import { type PaymentMethod, PostamatError } from '../../protocol/index.ts';
import { fail, type KioskResult } from './kiosk-result.ts';

/** What a payment flow answers the kiosk. */
export type PaymentAnswer = KioskResult<{
  paymentId: string;
  method: PaymentMethod;
  amountKopecks: number;
  /** `approved`: the cells are opening; `waiting`: an SBP QR is coming, watch `payment` events. */
  state: 'approved' | 'waiting';
  cellIds: string[];
  opIds: number[];
  /** A new rental's code, shown once. */
  code?: string;
}>;

export const FAILURE_TEXT: Record<string, string> = {
  declined: 'the card was declined',
  timeout: 'no card was presented in time',
  'connection-lost': 'the terminal stopped answering; the payment is being checked',
  cancelled: 'the payment was cancelled',
};

/** Runs a payment flow; a PostamatError becomes a refusal the kiosk can render. */
export async function guardPayment(fn: () => Promise<PaymentAnswer>): Promise<PaymentAnswer> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof PostamatError)) throw error;
    return fail(error.code, error.message, error.details);
  }
}
