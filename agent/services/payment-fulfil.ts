import { type CellSize, PostamatError } from '../../protocol/index.ts';
import type { PaymentRow } from '../store/payments-repo.ts';
import type { FlowContext } from './flow-context.ts';
import { openNewRental } from './rental-flows.ts';

/**
 * What an approved payment buys, begun inside the transaction that records the approval:
 * - `cod`: the recipient's collect (every cell of the order opens);
 * - `rental`: a new rental and its deposit door;
 * - `rental-overdue`: the final collect of an overdue rental, and the paid total grows.
 * Throws a PostamatError when it cannot happen; the caller refunds in the same transaction.
 */
export function fulfil(ctx: FlowContext, p: PaymentRow, recovered: boolean): number[] {
  switch (p.purpose) {
    case 'cod':
      return collectPaidStep(ctx, p);
    case 'rental':
      return startPaidRental(ctx, p, recovered);
    case 'rental-overdue': {
      const opIds = collectPaidStep(ctx, p);
      ctx.store.payments.addPaid(p.orderId, p.amountKopecks);
      return opIds;
    }
  }
}

function collectPaidStep(ctx: FlowContext, p: PaymentRow): number[] {
  const step = ctx.progress.currentStep(p.orderId);
  if (step?.kind !== 'collect' || (p.stepId !== null && step.id !== p.stepId)) {
    throw new PostamatError('invalid-state', `order ${p.orderId} has no collect step to open`);
  }
  const actor = {
    role: step.role,
    id: String(p.detail.actorId ?? `payment:${p.paymentId}`),
    credentialId: typeof p.detail.credentialId === 'string' ? p.detail.credentialId : null,
  };
  return ctx.progress.collect(step, actor);
}

function startPaidRental(ctx: FlowContext, p: PaymentRow, recovered: boolean): number[] {
  // The code is shown once, from memory, to the person at the screen; after a restart nobody
  // holds it, so a rental paid in the last instant before a crash is refunded, not opened.
  if (recovered) {
    throw new PostamatError('invalid-state', 'rental paid across a restart: its code was lost');
  }
  const { size, hours, codeHash } = p.detail as { size: CellSize; hours: number; codeHash: string };
  const { opIds, stepId } = openNewRental(ctx, {
    orderId: p.orderId,
    size,
    hours,
    priceKopecks: p.amountKopecks,
    codeHash,
    paymentId: p.paymentId,
  });
  ctx.store.payments.setStep(p.paymentId, stepId);
  return opIds;
}
