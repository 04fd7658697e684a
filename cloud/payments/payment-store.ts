import type { PaymentFailure } from '../../protocol/payments.ts';
import { inTransaction, type StoreContext } from '../store/context.ts';
import { nextAttemptAt } from '../webhooks/backoff.ts';
import {
  advancePayment,
  commandForPayment,
  onApproved,
  onRefunded,
  paymentById,
} from './payment-ledger.ts';
import type { PaymentRow } from './payment-schema.ts';
import type { SbpQr } from './providers/sbp-provider.ts';

export type SbpOutcome =
  | { readonly status: 'paid'; readonly amountKopecks: number; readonly providerRef: string }
  | { readonly status: 'failed' | 'expired'; readonly reason?: PaymentFailure };

/** confirmed/failed: this call changed the payment; duplicate: it was settled already. */
export type SettleResult = 'confirmed' | 'failed' | 'duplicate' | 'unknown' | 'amount-mismatch';

/** The SBP side of payments: QRs to create, callbacks to settle, refunds, command resends. */
export function paymentStore(ctx: StoreContext) {
  const { db, clock } = ctx;
  const sbpStarted = () =>
    db
      .selectFrom('payments')
      .selectAll()
      .where('method', '=', 'sbp')
      .where('state', '=', 'started');

  async function settle(payment: PaymentRow, outcome: SbpOutcome): Promise<SettleResult> {
    const now = clock.now();
    return inTransaction(ctx, async (trx) => {
      if (outcome.status === 'paid') {
        if (outcome.amountKopecks !== payment.amount_kopecks) return 'amount-mismatch';
        const changes = { provider_ref: outcome.providerRef };
        if (!(await advancePayment(trx, payment, 'approved', changes, now))) return 'duplicate';
        await onApproved(trx, { ...payment, ...changes, state: 'approved' }, now);
        const body = {
          paymentId: payment.id,
          amountKopecks: payment.amount_kopecks,
          providerRef: outcome.providerRef,
        };
        await commandForPayment(trx, payment, { type: 'payment-confirmed', body }, now);
        return 'confirmed';
      }
      const reason: PaymentFailure =
        outcome.status === 'expired' ? 'expired' : (outcome.reason ?? 'declined');
      if (!(await advancePayment(trx, payment, 'declined', { failure: reason }, now))) {
        return 'duplicate';
      }
      const body = { paymentId: payment.id, reason };
      await commandForPayment(trx, payment, { type: 'payment-failed', body }, now);
      return 'failed';
    });
  }

  return {
    /** SBP payments the locker started and no QR was made for yet (due for a try). */
    async paymentsNeedingQr(limit = 50): Promise<PaymentRow[]> {
      return sbpStarted()
        .where('provider_operation_id', 'is', null)
        .where('next_attempt_at', '<=', clock.now())
        .orderBy('created_at')
        .limit(limit)
        .execute();
    },

    /** The provider made a QR: keep it and tell the locker to show it, in one transaction. */
    async recordQr(paymentId: string, qr: SbpQr): Promise<boolean> {
      const now = clock.now();
      return inTransaction(ctx, async (trx) => {
        const result = await trx
          .updateTable('payments')
          .set({
            provider_operation_id: qr.operationId,
            qr_payload: qr.qrPayload,
            payable_until: qr.payableUntil,
            updated_at: now,
          })
          .where('id', '=', paymentId)
          .where('provider_operation_id', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        const payment = (await paymentById(trx, paymentId)) as PaymentRow;
        const body = { paymentId, qrPayload: qr.qrPayload, payableUntil: qr.payableUntil };
        await commandForPayment(trx, payment, { type: 'payment-qr', body }, now);
        return true;
      });
    },

    /**
     * A provider call failed: try again with the webhooks' backoff. Given up (a permanent refusal,
     * or a day of failures): a QR not made fails the payment (the locker is told); a refund not
     * made is marked failed for an operator to act on.
     */
    async paymentCallFailed(paymentId: string, stage: 'qr' | 'refund', permanent: boolean) {
      const now = clock.now();
      const payment = await paymentById(db, paymentId);
      if (payment === undefined) return;
      const attempts = payment.attempts + 1;
      const next = permanent ? null : nextAttemptAt(payment.created_at, attempts, now);
      if (next !== null) {
        await db
          .updateTable('payments')
          .set({ attempts, next_attempt_at: next, updated_at: now })
          .where('id', '=', paymentId)
          .execute();
        return;
      }
      if (stage === 'qr') {
        await settle(payment, { status: 'failed', reason: 'provider-error' });
        return;
      }
      await db
        .updateTable('payments')
        .set({ attempts, refund_state: 'failed', updated_at: now })
        .where('id', '=', paymentId)
        .execute();
    },

    /** The provider's outcome for an operation (its callback, or its answer when asked). */
    async settleSbp(operationId: string, outcome: SbpOutcome): Promise<SettleResult> {
      const payment = await db
        .selectFrom('payments')
        .selectAll()
        .where('provider_operation_id', '=', operationId)
        .executeTakeFirst();
      if (payment === undefined) return 'unknown';
      return settle(payment, outcome);
    },

    /** QRs past their payable time with no outcome yet: the worker asks the provider. */
    async sbpPastDue(graceMs: number, limit = 50) {
      return sbpStarted()
        .where('provider_operation_id', 'is not', null)
        .where('payable_until', '<', clock.now() - graceMs)
        .limit(limit)
        .execute();
    },

    async refundsRequested(limit = 50): Promise<PaymentRow[]> {
      return db
        .selectFrom('payments')
        .selectAll()
        .where('method', '=', 'sbp')
        .where('state', '=', 'approved')
        .where('refund_state', '=', 'requested')
        .where('next_attempt_at', '<=', clock.now())
        .limit(limit)
        .execute();
    },

    /** The provider refunded: the payment is refunded and one refund receipt queued. */
    async recordProviderRefund(paymentId: string, refundRef: string): Promise<boolean> {
      const now = clock.now();
      return inTransaction(ctx, async (trx) => {
        const payment = await paymentById(trx, paymentId);
        if (payment === undefined) return false;
        const amount = payment.refunded_kopecks ?? payment.amount_kopecks;
        const changes = {
          refund_state: 'done' as const,
          refund_ref: refundRef,
          refunded_kopecks: amount,
        };
        if (!(await advancePayment(trx, payment, 'refunded', changes, now))) return false;
        await onRefunded(trx, payment, amount, now);
        return true;
      });
    },

    /**
     * Payment commands the locker has not answered: first seen `sent` starts a clock; still
     * unanswered `resendMs` later, the command goes back to `pending` for the publisher to send
     * again (same id: the locker applies it once). Returns how many were put back.
     */
    async resendUnansweredPaymentCommands(resendMs: number): Promise<number> {
      const now = clock.now();
      const rows = await db
        .selectFrom('payment_commands')
        .innerJoin('commands', 'commands.id', 'payment_commands.command_id')
        .select(['payment_commands.command_id', 'payment_commands.seen_sent_at'])
        .where('commands.status', '=', 'sent')
        .where('commands.expires_at', '>', now)
        .execute();
      let resent = 0;
      for (const row of rows) {
        if (row.seen_sent_at === null) {
          await db
            .updateTable('payment_commands')
            .set({ seen_sent_at: now })
            .where('command_id', '=', row.command_id)
            .execute();
        } else if (now - row.seen_sent_at >= resendMs) {
          await inTransaction(ctx, async (trx) => {
            await trx
              .updateTable('commands')
              .set({ status: 'pending' })
              .where('id', '=', row.command_id)
              .where('status', '=', 'sent')
              .execute();
            await trx
              .updateTable('payment_commands')
              .set((eb) => ({ seen_sent_at: null, resends: eb('resends', '+', 1) }))
              .where('command_id', '=', row.command_id)
              .execute();
          });
          resent += 1;
        }
      }
      return resent;
    },

    async paymentCommands(paymentId: string) {
      return db
        .selectFrom('payment_commands')
        .innerJoin('commands', 'commands.id', 'payment_commands.command_id')
        .select([
          'commands.id',
          'commands.type',
          'commands.status',
          'commands.body',
          'payment_commands.resends',
        ])
        .where('payment_commands.payment_id', '=', paymentId)
        .orderBy('commands.issued_at')
        .execute();
    },

    async getPayment(paymentId: string): Promise<PaymentRow | undefined> {
      return paymentById(db, paymentId);
    },
  };
}
