import { z } from 'zod';

/**
 * What crosses the wire about money. A payment is recorded on the locker as an intent before
 * the terminal or the provider is asked; every change of its state is one outbox event, so the
 * cloud (receipts, operator views) learns each payment exactly once and in order.
 *
 * Flows:
 * - POS terminal (the locker's own serial/USB terminal): the agent drives it, then emits
 *   `payment.started` → `payment.approved` | `payment.declined`, and `payment.refunded` when it
 *   gives money back through the terminal.
 * - SBP QR (needs network): the agent emits `payment.started` with method `sbp`; the cloud asks
 *   the payment provider for a QR and sends the `payment-qr` command; the provider's signed
 *   callback reaches the cloud, which sends `payment-confirmed` (or `payment-failed`). Refunds of
 *   SBP payments are made by the cloud through the provider after `payment.refund-requested`.
 * - The cloud issues one fiscal receipt per approved payment and one per refund.
 */

export const PAYMENT_METHODS = ['pos', 'sbp'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** What is being paid: a cash-on-delivery pickup, a rental, or a rental's overdue time. */
export const PAYMENT_PURPOSES = ['cod', 'rental', 'rental-overdue'] as const;
export type PaymentPurpose = (typeof PAYMENT_PURPOSES)[number];

export const PAYMENT_FAILURES = [
  'declined',
  'timeout',
  'connection-lost',
  'cancelled',
  'expired',
  'provider-error',
] as const;
export type PaymentFailure = (typeof PAYMENT_FAILURES)[number];

export const PAYMENT_EVENT_TYPES = {
  started: 'payment.started',
  approved: 'payment.approved',
  declined: 'payment.declined',
  refunded: 'payment.refunded',
  refundRequested: 'payment.refund-requested',
  receiptContact: 'receipt.contact',
} as const;

const paymentId = z.string().min(1).max(100);
const orderId = z.string().min(1);
const kopecks = z.number().int().positive();

export const paymentStartedBody = z.strictObject({
  paymentId,
  orderId,
  stepId: z.string().min(1).optional(),
  purpose: z.enum(PAYMENT_PURPOSES),
  method: z.enum(PAYMENT_METHODS),
  amountKopecks: kopecks,
});

export const paymentApprovedBody = z.strictObject({
  paymentId,
  orderId,
  method: z.enum(PAYMENT_METHODS),
  amountKopecks: kopecks,
  /** The terminal's RRN / authorization code, or the provider's operation id. */
  providerRef: z.string().min(1).max(200),
});

export const paymentDeclinedBody = z.strictObject({
  paymentId,
  orderId,
  reason: z.enum(PAYMENT_FAILURES),
  detail: z.string().max(500).optional(),
});

export const paymentRefundedBody = z.strictObject({
  paymentId,
  orderId,
  amountKopecks: kopecks,
  providerRef: z.string().min(1).max(200),
  reason: z.string().min(1).max(200),
});

export const paymentRefundRequestedBody = z.strictObject({
  paymentId,
  orderId,
  amountKopecks: kopecks,
  reason: z.string().min(1).max(200),
});

/**
 * Where the person wants the receipt. The locker never holds a phone or an e-mail in clear: the
 * contact is sealed on the locker to the cloud's receipt key (RSA-OAEP-SHA256, public key in the
 * agent config) and only the cloud can open it.
 */
export const receiptContactBody = z.strictObject({
  paymentId,
  channel: z.enum(['sms', 'email']),
  sealedContact: z.string().min(1).max(2000),
});

/** Cloud → locker: show this QR for an SBP payment. */
export const paymentQrCommandBody = z.strictObject({
  paymentId,
  /** The text to encode in the QR (the provider's payment link, e.g. https://qr.nspk.ru/…). */
  qrPayload: z.string().min(1).max(2000),
  /** Cloud time after which the QR is no longer payable. */
  payableUntil: z.number().int().nonnegative(),
});

/** Cloud → locker: the provider's signed callback confirmed this payment. */
export const paymentConfirmedCommandBody = z.strictObject({
  paymentId,
  amountKopecks: kopecks,
  providerRef: z.string().min(1).max(200),
});

/** Cloud → locker: the payment will not happen (provider refused, QR expired…). */
export const paymentFailedCommandBody = z.strictObject({
  paymentId,
  reason: z.enum(PAYMENT_FAILURES),
});
