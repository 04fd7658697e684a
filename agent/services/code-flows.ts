import { PostamatError } from '../../protocol/index.ts';
import { codePurposesFor } from '../domain/itinerary.ts';
import type { CodeRow } from '../store/orders-repo.ts';
import { assertCodeFormat, assertKeypadOpen, recordWrongEntry } from './access-flows.ts';
import { commitThenOpen, type FlowContext } from './flow-context.ts';
import type { KioskResult } from './kiosk-result.ts';

const CODE_PURPOSES = [
  ['pickup', 'pickup-code'],
  ['return', 'return-code'],
  ['deposit', 'deposit-code'],
  ['rental', 'rental-code'],
] as const;

/** Finds the stored code whatever its purpose; the person need not say what the code is for. */
export function findCode(ctx: FlowContext, code: string): CodeRow | undefined {
  for (const [, hashPurpose] of CODE_PURPOSES) {
    const row = ctx.store.orders.code(ctx.hash(hashPurpose, code));
    if (row) return row;
  }
  return undefined;
}

/** A 6-digit code from a QR payload: the bare code or `postamat:code:NNNNNN`. */
export function codeFromQr(text: string): string {
  const m = /^(?:postamat:code:)?([0-9]{6})$/.exec(text.trim());
  if (!m?.[1])
    throw new PostamatError('bad-input', 'QR code is not a postamat code', { field: 'qr' });
  return m[1];
}

/** A valid code of the current step: the order, the step and who is acting, as audited. */
export function codeStep(ctx: FlowContext, code: string) {
  assertKeypadOpen(ctx);
  assertCodeFormat(code);
  const row = findCode(ctx, code);
  const now = ctx.clock.now();
  if (!row || row.purpose === 'rental') {
    const wrong = recordWrongEntry(ctx, 'code');
    throw new PostamatError('unknown-code', 'unknown code', { ...wrong });
  }
  if (row.usedAt !== null) throw new PostamatError('code-used', 'this code was already used');
  const order = ctx.store.orders.order(row.orderId);
  if (row.validUntil <= now || row.validFrom > now || order?.status === 'expired') {
    throw new PostamatError('code-expired', 'this code has expired');
  }
  const step = ctx.progress.currentStep(row.orderId);
  if (!order || !step) throw new PostamatError('invalid-state', 'nothing to do for this code now');
  const plan = { kind: step.kind, role: step.role, auth: 'code' as const };
  if (!codePurposesFor(plan).includes(row.purpose)) {
    throw new PostamatError('invalid-state', 'this code is not for the current step');
  }
  const actor = {
    role: step.role,
    id: `code:${row.purpose}`,
    credentialId: row.codeHash.slice(0, 16),
  };
  return { order, step, actor };
}

/** What is still to pay before this collect opens: the COD amount, unless already paid. */
export function codAmountDue(ctx: FlowContext, orderId: string): number {
  const due = ctx.store.payments.amountDue(orderId) ?? 0;
  const paid = ctx.store.payments
    .ofOrder(orderId)
    .some((p) => p.purpose === 'cod' && p.state === 'approved');
  return paid ? 0 : due;
}

/**
 * A code typed or scanned at the kiosk: opens the cells of whatever step the code is for —
 * all the cells of a multi-parcel order when collecting. A cash-on-delivery order not yet paid
 * answers `pay` with the amount instead: the cell opens only on an approved payment.
 */
export function enterCode(
  ctx: FlowContext,
  code: string,
): KioskResult<{
  action: 'deposit' | 'collect' | 'pay';
  orderId: string;
  cellIds: string[];
  opIds: number[];
  amountKopecks?: number;
}> {
  const { order, step, actor } = codeStep(ctx, code);
  const due = step.kind === 'collect' ? codAmountDue(ctx, order.id) : 0;
  if (due > 0) {
    return {
      ok: true,
      action: 'pay',
      orderId: order.id,
      cellIds: [],
      opIds: [],
      amountKopecks: due,
    };
  }
  const busy = ctx.store.doorOps.active().filter((o) => o.stepId === step.id);
  if (busy.length > 0) {
    return {
      ok: true,
      action: step.kind,
      orderId: order.id,
      cellIds: busy.map((o) => o.cellId),
      opIds: [],
    };
  }
  const result = commitThenOpen(ctx, () => {
    if (step.kind === 'collect') return { opIds: ctx.progress.collect(step, actor) };
    const parcel = ctx.store.orders.parcelsOf(order.id).find((p) => p.state === 'expected');
    if (!parcel) throw new PostamatError('invalid-state', 'nothing left to deposit');
    return { opIds: [ctx.progress.deposit(step, parcel, actor)] };
  });
  const cellIds = result.opIds.map((id) => ctx.store.doorOps.get(id)?.cellId ?? '');
  return { ok: true, action: step.kind, orderId: order.id, cellIds, opIds: result.opIds };
}
