import type { DoorOpRow } from '../store/door-ops-repo.ts';
import type { FlowContext } from './flow-context.ts';
import { refundInTransaction } from './payment-ledger.ts';

/**
 * A door op of a paid step gave up (retried, then the cell went out of service) and no other
 * cell was opened instead: the payment for that step is refunded, in the transaction that
 * records the give-up. A payment is refunded once, whatever number of its doors failed.
 */
export function applyPaymentRefundForDoor(ctx: FlowContext, op: DoorOpRow): void {
  if (!op.stepId) return;
  const step = ctx.store.orders.step(op.stepId);
  if (!step) return;
  for (const p of ctx.store.payments.ofOrder(step.orderId)) {
    if (p.stepId === op.stepId && p.state === 'approved') {
      refundInTransaction(ctx, p.paymentId, 'door-did-not-open');
      ctx.events.emit({
        type: 'payment',
        paymentId: p.paymentId,
        state: 'failed',
        reason: 'refund',
      });
    }
  }
}
