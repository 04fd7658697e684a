import type { Db } from '../store/context.ts';
import type { PaymentEffect } from './domain/payment-events.ts';
import { advancePayment, onApproved, onRefunded, paymentById } from './payment-ledger.ts';
import type { PaymentRow } from './payment-schema.ts';

type Of<T extends PaymentEffect['type']> = Extract<PaymentEffect, { type: T }>['body'];

/**
 * Applies a locker's payment event inside the ingest transaction. Keyed by paymentId: a
 * redelivered or repeated event changes nothing, a late one never moves a payment backwards,
 * and a payment id another locker uses is left alone.
 */
export async function applyPaymentEffect(
  trx: Db,
  lockerId: string,
  effect: PaymentEffect,
  now: number,
): Promise<void> {
  switch (effect.type) {
    case 'payment-started':
      return started(trx, lockerId, effect.body, now);
    case 'payment-approved':
      return approved(trx, lockerId, effect.body, now);
    case 'payment-declined':
      return declined(trx, lockerId, effect.body, now);
    case 'payment-refunded':
      return refunded(trx, lockerId, effect.body, now);
    case 'payment-refund-requested':
      return refundRequested(trx, lockerId, effect.body, now);
    case 'receipt-contact':
      await trx
        .insertInto('receipt_contacts')
        .values({
          payment_id: effect.body.paymentId,
          channel: effect.body.channel,
          rsa_sealed: effect.body.sealedContact,
          sealed: null,
          masked: null,
          created_at: now,
        })
        .onConflict((oc) => oc.column('payment_id').doNothing())
        .execute();
      return;
  }
}

function newPayment(
  lockerId: string,
  body: { paymentId: string; orderId: string; amountKopecks?: number; method?: string },
  now: number,
): PaymentRow {
  return {
    id: body.paymentId,
    locker_id: lockerId,
    order_id: body.orderId,
    step_id: null,
    purpose: null,
    method: body.method ?? 'pos',
    amount_kopecks: body.amountKopecks ?? 0,
    state: 'started',
    failure: null,
    provider_ref: null,
    provider_operation_id: null,
    qr_payload: null,
    payable_until: null,
    refund_state: null,
    refund_reason: null,
    refund_ref: null,
    refunded_kopecks: null,
    attempts: 0,
    next_attempt_at: now,
    created_at: now,
    updated_at: now,
  };
}

/** The payment as this locker knows it, created as `started` if the cloud has not seen it. */
async function ensure(
  trx: Db,
  lockerId: string,
  body: Parameters<typeof newPayment>[1],
  now: number,
): Promise<PaymentRow | undefined> {
  await trx
    .insertInto('payments')
    .values(newPayment(lockerId, body, now))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const payment = await paymentById(trx, body.paymentId);
  return payment?.locker_id === lockerId ? payment : undefined;
}

async function started(trx: Db, lockerId: string, body: Of<'payment-started'>, now: number) {
  await trx
    .insertInto('payments')
    .values({
      ...newPayment(lockerId, body, now),
      step_id: body.stepId ?? null,
      purpose: body.purpose,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

async function approved(trx: Db, lockerId: string, body: Of<'payment-approved'>, now: number) {
  const payment = await ensure(trx, lockerId, body, now);
  if (payment === undefined) return;
  const changes = { provider_ref: body.providerRef, amount_kopecks: body.amountKopecks };
  if (await advancePayment(trx, payment, 'approved', changes, now)) {
    await onApproved(trx, { ...payment, ...changes, state: 'approved' }, now);
  }
}

async function declined(trx: Db, lockerId: string, body: Of<'payment-declined'>, now: number) {
  const payment = await ensure(trx, lockerId, body, now);
  if (payment === undefined) return;
  await advancePayment(trx, payment, 'declined', { failure: body.reason }, now);
}

async function refunded(trx: Db, lockerId: string, body: Of<'payment-refunded'>, now: number) {
  const payment = await paymentById(trx, body.paymentId);
  if (payment === undefined || payment.locker_id !== lockerId) return;
  const changes = {
    refund_state: 'done' as const,
    refund_reason: body.reason,
    refund_ref: body.providerRef,
    refunded_kopecks: body.amountKopecks,
  };
  if (await advancePayment(trx, payment, 'refunded', changes, now)) {
    await onRefunded(trx, payment, body.amountKopecks, now);
  }
}

/** The cloud refunds through the provider (the worker); a payment not approved has nothing to give back. */
async function refundRequested(
  trx: Db,
  lockerId: string,
  body: Of<'payment-refund-requested'>,
  now: number,
) {
  await trx
    .updateTable('payments')
    .set({
      refund_state: 'requested',
      refund_reason: body.reason,
      refunded_kopecks: body.amountKopecks,
      attempts: 0,
      next_attempt_at: now,
      updated_at: now,
    })
    .where('id', '=', body.paymentId)
    .where('locker_id', '=', lockerId)
    .where('state', '=', 'approved')
    .where('refund_state', 'is', null)
    .execute();
}
