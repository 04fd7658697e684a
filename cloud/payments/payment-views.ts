import { z } from 'zod';
import type { Db } from '../store/context.ts';
import type { PaymentRow, ReceiptRow } from './payment-schema.ts';

/** How payments and receipts look to tenants (on their orders) and operators. */

export const paymentView = z.object({
  paymentId: z.string(),
  lockerId: z.string(),
  orderId: z.string(),
  purpose: z.string().nullable(),
  method: z.string(),
  amountKopecks: z.number(),
  state: z.enum(['started', 'approved', 'declined', 'refunded']),
  failure: z.string().nullable(),
  providerRef: z.string().nullable(),
  refund: z
    .object({
      state: z.string(),
      reason: z.string().nullable(),
      amountKopecks: z.number().nullable(),
    })
    .nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export const receiptView = z.object({
  receiptId: z.string(),
  paymentId: z.string(),
  kind: z.enum(['sale', 'refund']),
  orderId: z.string(),
  lockerId: z.string(),
  amountKopecks: z.number(),
  status: z.enum(['pending', 'sent', 'accepted', 'failed']),
  attempts: z.number(),
  lastError: z.string().nullable(),
  externalId: z.string().nullable(),
  contact: z
    .object({ channel: z.string(), masked: z.string().nullable() })
    .nullable()
    .describe('where the person asked for the receipt; only masked'),
  createdAt: z.number(),
  acceptedAt: z.number().nullable(),
});

export const orderPaymentView = z.object({
  amountDueKopecks: z.number().nullable().describe('cash on delivery: paid before the cell opens'),
  paid: z.boolean(),
  paidAt: z.number().nullable(),
  payments: z.array(paymentView),
  receipts: z.array(receiptView),
});

export function toPaymentView(p: PaymentRow): z.infer<typeof paymentView> {
  return {
    paymentId: p.id,
    lockerId: p.locker_id,
    orderId: p.order_id,
    purpose: p.purpose,
    method: p.method,
    amountKopecks: p.amount_kopecks,
    state: p.state,
    failure: p.failure,
    providerRef: p.provider_ref,
    refund:
      p.refund_state === null
        ? null
        : { state: p.refund_state, reason: p.refund_reason, amountKopecks: p.refunded_kopecks },
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  };
}

type ReceiptWithContact = ReceiptRow & { channel: string | null; masked: string | null };

export function toReceiptView(r: ReceiptWithContact): z.infer<typeof receiptView> {
  return {
    receiptId: r.id,
    paymentId: r.payment_id,
    kind: r.kind,
    orderId: r.order_id,
    lockerId: r.locker_id,
    amountKopecks: r.amount_kopecks,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    externalId: r.external_id,
    contact: r.channel === null ? null : { channel: r.channel, masked: r.masked },
    createdAt: r.created_at,
    acceptedAt: r.accepted_at,
  };
}

export function receiptsWithContact(db: Db) {
  return db
    .selectFrom('receipts')
    .leftJoin('receipt_contacts', 'receipt_contacts.payment_id', 'receipts.payment_id')
    .selectAll('receipts')
    .select(['receipt_contacts.channel', 'receipt_contacts.masked']);
}

/** What GET /v1/orders/:id shows about money: amount due, paid, payments, receipts. */
export async function paymentsOf(
  db: Db,
  orderId: string,
): Promise<z.infer<typeof orderPaymentView>> {
  const due = await db
    .selectFrom('order_dues')
    .selectAll()
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  const payments = await db
    .selectFrom('payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .execute();
  const receipts = await receiptsWithContact(db)
    .where('receipts.order_id', '=', orderId)
    .orderBy('receipts.created_at')
    .execute();
  return {
    amountDueKopecks: due?.amount_kopecks ?? null,
    paid: due?.paid_payment_id != null,
    paidAt: due?.paid_at ?? null,
    payments: payments.map(toPaymentView),
    receipts: receipts.map(toReceiptView),
  };
}

/** Cash on delivery, saved with the order in its creating transaction. */
export async function saveAmountDue(
  trx: Db,
  orderId: string,
  amountKopecks: number,
): Promise<void> {
  await trx
    .insertInto('order_dues')
    .values({
      order_id: orderId,
      amount_kopecks: amountKopecks,
      paid_payment_id: null,
      paid_at: null,
    })
    .execute();
}
