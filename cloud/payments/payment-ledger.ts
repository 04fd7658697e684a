import type { Command } from '../../protocol/index.ts';
import { newId } from '../security/secrets.ts';
import type { Db } from '../store/context.ts';
import { nextPaymentState } from './domain/payment-events.ts';
import type { PaymentRow, PaymentState, ReceiptKind } from './payment-schema.ts';

/**
 * Changes to payments made inside a caller's transaction (the ingest's, or the SBP callback's):
 * state moves forward only, each approval and refund queues exactly one receipt, and a COD order
 * is marked paid by the payment that covers it.
 */

/** Commands to the locker about a payment live long: the locker must learn, however late. */
export const PAYMENT_COMMAND_TTL_MS = 24 * 3_600_000;

export async function paymentById(trx: Db, paymentId: string): Promise<PaymentRow | undefined> {
  return trx.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
}

/** Moves the payment to `state` if that is forward; false when it was already there or beyond. */
export async function advancePayment(
  trx: Db,
  payment: PaymentRow,
  state: PaymentState,
  changes: Partial<PaymentRow>,
  now: number,
): Promise<boolean> {
  if (nextPaymentState(payment.state, state) === null) return false;
  const result = await trx
    .updateTable('payments')
    .set({ ...changes, state, updated_at: now })
    .where('id', '=', payment.id)
    .where('state', '=', payment.state)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** An approved payment: one sale receipt, and the COD order it covers marked paid. */
export async function onApproved(trx: Db, payment: PaymentRow, now: number): Promise<void> {
  await queueReceipt(trx, payment, 'sale', payment.amount_kopecks, now);
  const due = await trx
    .selectFrom('order_dues')
    .selectAll()
    .where('order_id', '=', payment.order_id)
    .executeTakeFirst();
  if (due === undefined || due.paid_payment_id !== null) return;
  if (payment.purpose !== null && payment.purpose !== 'cod') return;
  if (payment.amount_kopecks < due.amount_kopecks) return;
  await trx
    .updateTable('order_dues')
    .set({ paid_payment_id: payment.id, paid_at: now })
    .where('order_id', '=', payment.order_id)
    .execute();
}

/** A refunded payment: one refund receipt; a COD order it paid is unpaid again. */
export async function onRefunded(
  trx: Db,
  payment: PaymentRow,
  amountKopecks: number,
  now: number,
): Promise<void> {
  await queueReceipt(trx, payment, 'refund', amountKopecks, now);
  await trx
    .updateTable('order_dues')
    .set({ paid_payment_id: null, paid_at: null })
    .where('order_id', '=', payment.order_id)
    .where('paid_payment_id', '=', payment.id)
    .execute();
}

async function queueReceipt(
  trx: Db,
  payment: PaymentRow,
  kind: ReceiptKind,
  amountKopecks: number,
  now: number,
): Promise<void> {
  await trx
    .insertInto('receipts')
    .values({
      id: newId('rc'),
      payment_id: payment.id,
      kind,
      order_id: payment.order_id,
      locker_id: payment.locker_id,
      purpose: payment.purpose,
      method: payment.method,
      amount_kopecks: amountKopecks,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      last_error: null,
      external_id: null,
      created_at: now,
      accepted_at: null,
    })
    .onConflict((oc) => oc.columns(['payment_id', 'kind']).doNothing())
    .execute();
}

/**
 * A command to the payment's locker, audited like an operator's, and tracked so the worker sends
 * it again until the locker's `command.result` is committed.
 */
export async function commandForPayment(
  trx: Db,
  payment: Pick<PaymentRow, 'id' | 'locker_id'>,
  command: Pick<Command, 'type' | 'body'>,
  now: number,
): Promise<string> {
  const id = newId('cmd');
  await trx
    .insertInto('commands')
    .values({
      id,
      locker_id: payment.locker_id,
      type: command.type,
      body: JSON.stringify(command.body),
      issued_at: now,
      expires_at: now + PAYMENT_COMMAND_TTL_MS,
      status: 'pending',
      outcome_code: null,
      created_by: 'payments',
    })
    .execute();
  await trx
    .insertInto('audit_log')
    .values({
      id: newId('au'),
      at: now,
      actor: 'payments',
      action: `command.${command.type}`,
      locker_id: payment.locker_id,
      detail: JSON.stringify({ commandId: id, paymentId: payment.id }),
    })
    .execute();
  await trx
    .insertInto('payment_commands')
    .values({
      command_id: id,
      payment_id: payment.id,
      type: command.type,
      seen_sent_at: null,
      resends: 0,
    })
    .execute();
  return id;
}
