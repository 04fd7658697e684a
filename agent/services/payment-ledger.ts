import { randomUUID } from 'node:crypto';
import {
  PAYMENT_EVENT_TYPES as EV,
  isPostamatError,
  type PaymentFailure,
  type PaymentMethod,
  type PaymentPurpose,
} from '../../protocol/index.ts';
import type { PaymentRow } from '../store/payments-repo.ts';
import type { FlowContext } from './flow-context.ts';
import { fulfil } from './payment-fulfil.ts';

export type Settlement =
  | { readonly approved: true; readonly providerRef: string }
  | { readonly approved: false; readonly reason: PaymentFailure; readonly detail?: string };

export interface SettleResult {
  /** Door ops begun for the paid step; the caller fires them after the commit. */
  readonly opIds: number[];
  readonly payment: PaymentRow | undefined;
  /** False when the payment was no longer an intent: nothing was written (never twice). */
  readonly applied: boolean;
}

/**
 * INVARIANT: a payment row exists, as `intent`, with its `payment.started` event, before any
 * terminal or provider hears of it: a crash after that point is resolved from the row.
 */
export function recordIntent(
  ctx: FlowContext,
  p: {
    orderId: string;
    stepId: string | null;
    purpose: PaymentPurpose;
    method: PaymentMethod;
    amountKopecks: number;
    detail?: Record<string, unknown>;
  },
): PaymentRow {
  const paymentId = `pay-${randomUUID()}`;
  return ctx.store.transaction(() => {
    ctx.store.payments.insertIntent({
      paymentId,
      orderId: p.orderId,
      stepId: p.stepId,
      purpose: p.purpose,
      method: p.method,
      amountKopecks: p.amountKopecks,
      detail: p.detail ?? {},
      createdAt: ctx.clock.now(),
    });
    ctx.store.emit(EV.started, {
      paymentId,
      orderId: p.orderId,
      ...(p.stepId ? { stepId: p.stepId } : {}),
      purpose: p.purpose,
      method: p.method,
      amountKopecks: p.amountKopecks,
    });
    return ctx.store.payments.get(paymentId)!;
  });
}

/**
 * Writes a payment's result; when approved, also what it pays for (the step's door ops, a new
 * rental) — all in ONE transaction with the events. Run inside the caller's transaction when
 * there is one (a cloud command's). What was paid for but cannot happen (no free cell, nothing
 * to collect) turns into a refund in the same transaction.
 */
export function settle(
  ctx: FlowContext,
  paymentId: string,
  outcome: Settlement,
  options: { recovered?: boolean } = {},
): SettleResult {
  return ctx.store.transaction((): SettleResult => {
    const p = ctx.store.payments.get(paymentId);
    // INVARIANT: only an intent is settled; a second result for one payment changes nothing.
    if (p?.state !== 'intent') return { opIds: [], payment: p, applied: false };
    const now = ctx.clock.now();
    if (!outcome.approved) {
      ctx.store.payments.resolve(paymentId, 'failed', outcome.reason, null, now);
      ctx.store.emit(EV.declined, {
        paymentId,
        orderId: p.orderId,
        reason: outcome.reason,
        ...(outcome.detail ? { detail: outcome.detail.slice(0, 500) } : {}),
      });
      return { opIds: [], payment: ctx.store.payments.get(paymentId), applied: true };
    }
    ctx.store.payments.resolve(paymentId, 'approved', null, outcome.providerRef, now);
    ctx.store.emit(EV.approved, {
      paymentId,
      orderId: p.orderId,
      method: p.method,
      amountKopecks: p.amountKopecks,
      providerRef: outcome.providerRef,
    });
    let opIds: number[] = [];
    try {
      opIds = ctx.store.transaction(() => fulfil(ctx, p, options.recovered === true));
    } catch (error) {
      if (!isPostamatError(error)) throw error;
      refundInTransaction(ctx, paymentId, error.code);
    }
    return { opIds, payment: ctx.store.payments.get(paymentId), applied: true };
  });
}

/**
 * Paid, but the cell did not open: the money goes back. POS: marked `refund-pending`, and the
 * refund worker asks the terminal (then `payment.refunded`); SBP: `payment.refund-requested`
 * for the cloud, which refunds through the provider. Call inside a transaction.
 */
export function refundInTransaction(ctx: FlowContext, paymentId: string, reason: string): void {
  const p = ctx.store.payments.get(paymentId);
  if (p?.state !== 'approved') return;
  ctx.log.warn({ event: 'payment-refund', paymentId, orderId: p.orderId, reason });
  if (p.method === 'pos') {
    ctx.store.payments.setRefund(paymentId, 'refund-pending', null, reason);
    return;
  }
  ctx.store.payments.setRefund(paymentId, 'refund-requested', null, reason);
  ctx.store.emit(EV.refundRequested, {
    paymentId,
    orderId: p.orderId,
    amountKopecks: p.amountKopecks,
    reason,
  });
}

/** The terminal gave the money back: recorded with its event, once. */
export function recordRefunded(ctx: FlowContext, paymentId: string, providerRef: string): void {
  ctx.store.transaction(() => {
    const p = ctx.store.payments.get(paymentId);
    if (p?.state !== 'refund-pending') return;
    ctx.store.payments.setRefund(paymentId, 'refunded', providerRef, null);
    ctx.store.emit(EV.refunded, {
      paymentId,
      orderId: p.orderId,
      amountKopecks: p.amountKopecks,
      providerRef,
      reason: p.refundReason ?? 'cell-did-not-open',
    });
  });
}
