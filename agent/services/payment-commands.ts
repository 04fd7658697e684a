import type { CommandResult } from '../../protocol/index.ts';
import { type Command, PAYMENT_EVENT_TYPES as EV, PostamatError } from '../../protocol/index.ts';
import type { FlowContext } from './flow-context.ts';
import { refundInTransaction, settle } from './payment-ledger.ts';

type PaymentCommand = Extract<
  Command,
  { type: 'payment-qr' | 'payment-confirmed' | 'payment-failed' }
>;

/**
 * The cloud's word on an SBP payment, applied inside the command inbox's transaction (door ops
 * go to `opIds`, fired after the commit). A confirmation must name an SBP payment of this
 * locker and its exact amount; anything else is refused and no door opens.
 */
export function applyPaymentCommand(
  ctx: FlowContext,
  command: PaymentCommand,
  opIds: number[],
): Omit<CommandResult, 'commandId' | 'type'> {
  const p = ctx.store.payments.get(command.body.paymentId);
  if (!p) throw new PostamatError('not-found', `no payment ${command.body.paymentId} here`);
  if (p.method !== 'sbp') throw new PostamatError('invalid-state', 'not an SBP payment');
  switch (command.type) {
    case 'payment-qr': {
      if (p.state !== 'intent') throw new PostamatError('invalid-state', `payment is ${p.state}`);
      ctx.store.payments.setQr(p.paymentId, command.body.qrPayload, command.body.payableUntil);
      ctx.events.emit({ type: 'payment', paymentId: p.paymentId, state: 'qr' });
      return { outcome: 'applied' };
    }
    case 'payment-confirmed': {
      const { amountKopecks, providerRef } = command.body;
      if (amountKopecks !== p.amountKopecks) {
        throw new PostamatError(
          'conflict',
          `confirmed ${amountKopecks} kopecks, the payment is ${p.amountKopecks}`,
          { field: 'amountKopecks' },
        );
      }
      if (p.state === 'failed') return lateConfirmation(ctx, p.paymentId, providerRef);
      if (p.state !== 'intent') throw new PostamatError('duplicate', `payment is ${p.state}`);
      const r = settle(ctx, p.paymentId, { approved: true, providerRef });
      opIds.push(...r.opIds);
      const state = r.payment?.state === 'approved' ? 'approved' : 'refund-requested';
      ctx.events.emit({ type: 'payment', paymentId: p.paymentId, state });
      return { outcome: 'applied', detail: { opIds: [...r.opIds] } };
    }
    case 'payment-failed': {
      if (p.state !== 'intent') throw new PostamatError('invalid-state', `payment is ${p.state}`);
      settle(ctx, p.paymentId, { approved: false, reason: command.body.reason });
      ctx.events.emit({
        type: 'payment',
        paymentId: p.paymentId,
        state: 'failed',
        reason: command.body.reason,
      });
      return { outcome: 'applied' };
    }
  }
}

/**
 * Paid after the locker gave up waiting (the person has gone): recorded as paid, and the money
 * is asked back at once — a cell never opens for nobody.
 */
function lateConfirmation(ctx: FlowContext, paymentId: string, providerRef: string) {
  const p = ctx.store.payments.get(paymentId)!;
  ctx.store.payments.resolve(paymentId, 'approved', null, providerRef, ctx.clock.now());
  ctx.store.emit(EV.approved, {
    paymentId,
    orderId: p.orderId,
    method: p.method,
    amountKopecks: p.amountKopecks,
    providerRef,
  });
  refundInTransaction(ctx, paymentId, 'confirmed-after-expiry');
  return { outcome: 'applied' as const, detail: { refundRequested: true } };
}
