import type { z } from 'zod';
import {
  PAYMENT_EVENT_TYPES,
  paymentApprovedBody,
  paymentDeclinedBody,
  paymentRefundedBody,
  paymentRefundRequestedBody,
  paymentStartedBody,
  receiptContactBody,
} from '../../../protocol/payments.ts';

/** What a payment event from a locker means for the cloud; bodies are protocol/payments.ts's. */
export type PaymentEffect =
  | { readonly type: 'payment-started'; readonly body: z.infer<typeof paymentStartedBody> }
  | { readonly type: 'payment-approved'; readonly body: z.infer<typeof paymentApprovedBody> }
  | { readonly type: 'payment-declined'; readonly body: z.infer<typeof paymentDeclinedBody> }
  | { readonly type: 'payment-refunded'; readonly body: z.infer<typeof paymentRefundedBody> }
  | {
      readonly type: 'payment-refund-requested';
      readonly body: z.infer<typeof paymentRefundRequestedBody>;
    }
  | { readonly type: 'receipt-contact'; readonly body: z.infer<typeof receiptContactBody> };

const PARSERS = {
  [PAYMENT_EVENT_TYPES.started]: ['payment-started', paymentStartedBody],
  [PAYMENT_EVENT_TYPES.approved]: ['payment-approved', paymentApprovedBody],
  [PAYMENT_EVENT_TYPES.declined]: ['payment-declined', paymentDeclinedBody],
  [PAYMENT_EVENT_TYPES.refunded]: ['payment-refunded', paymentRefundedBody],
  [PAYMENT_EVENT_TYPES.refundRequested]: ['payment-refund-requested', paymentRefundRequestedBody],
  [PAYMENT_EVENT_TYPES.receiptContact]: ['receipt-contact', receiptContactBody],
} as const;

/** The effect of a payment event, or null for another type or a body that does not parse. */
export function interpretPaymentEvent(type: string, body: unknown): PaymentEffect | null {
  const entry = (PARSERS as Record<string, readonly [string, z.ZodType]>)[type];
  if (entry === undefined) return null;
  const parsed = entry[1].safeParse(body);
  return parsed.success ? ({ type: entry[0], body: parsed.data } as PaymentEffect) : null;
}

const RANK = { started: 0, declined: 1, approved: 1, refunded: 2 } as const;

/**
 * A payment's state only moves forward: started → approved | declined, approved → refunded.
 * A redelivered or late event (started after approved) changes nothing.
 */
export function nextPaymentState(
  current: keyof typeof RANK | undefined,
  incoming: keyof typeof RANK,
): keyof typeof RANK | null {
  if (current === undefined) return incoming;
  if (current === incoming) return null;
  if (incoming === 'refunded') return current === 'approved' ? 'refunded' : null;
  return RANK[incoming] > RANK[current] ? incoming : null;
}
