import { PostamatError } from '../../protocol/index.ts';
import { requireSession } from './access-flows.ts';
import { commitThenOpen, type FlowContext } from './flow-context.ts';
import type { KioskResult } from './kiosk-result.ts';
import type { Actor } from './order-progress.ts';
import type { Session } from './sessions.ts';

const BARCODE_PATTERN = /^[\x21-\x7e]{4,64}$/;

function courierActor(s: Session): Actor {
  return { role: 'courier', id: s.holderId, credentialId: s.credentialId };
}

const COURIER_ROLES = new Set(['courier', 'partner-courier']);

/** A courier scans a parcel: it gets a cell of its booked size and the door opens. */
export function scanParcel(
  ctx: FlowContext,
  sessionId: string,
  barcode: string,
): KioskResult<{ orderId: string; parcelId: string; cellId: string; opIds: number[] }> {
  const session = requireSession(ctx, sessionId, 'courier');
  if (!BARCODE_PATTERN.test(barcode)) {
    throw new PostamatError('bad-input', 'barcode must be 4–64 printable characters', {
      field: 'barcode',
    });
  }
  const barcodeHash = ctx.hash('barcode', barcode);
  const parcel = ctx.store.orders.parcelByBarcode(barcodeHash);
  if (!parcel) {
    const elsewhere = ctx.store.passes.routeParcelLocker(barcodeHash);
    if (elsewhere !== undefined) {
      throw new PostamatError(
        'parcel-for-other-locker',
        `this parcel goes to locker ${elsewhere}`,
        {
          lockerId: elsewhere,
        },
      );
    }
    throw new PostamatError('unknown-parcel', 'this parcel is not expected at this locker');
  }
  const order = ctx.store.orders.order(parcel.orderId);
  if (!order || order.status === 'cancelled') {
    throw new PostamatError('parcel-cancelled', 'the order of this parcel was cancelled');
  }
  if (order.tenantId !== session.tenantId) {
    throw new PostamatError('not-authorized', 'this parcel belongs to another tenant');
  }
  const step = ctx.progress.currentStep(order.id);
  if (step?.kind !== 'deposit' || !COURIER_ROLES.has(step.role) || parcel.state === 'in-cell') {
    throw new PostamatError('invalid-state', 'this parcel is not waiting for a courier deposit');
  }
  const busy = ctx.store.doorOps.active().find((o) => o.parcelId === parcel.id);
  if (busy) {
    return { ok: true, orderId: order.id, parcelId: parcel.id, cellId: busy.cellId, opIds: [] };
  }
  const result = commitThenOpen(ctx, () => ({
    opIds: [ctx.progress.deposit(step, parcel, courierActor(session))],
  }));
  const cellId = ctx.store.doorOps.get(result.opIds[0]!)?.cellId ?? '';
  return { ok: true, orderId: order.id, parcelId: parcel.id, cellId, opIds: result.opIds };
}

/** The parcel did not fit the open cell: that opening deposits nothing; a larger cell opens. */
export function doesNotFit(
  ctx: FlowContext,
  sessionId: string,
  parcelId: string,
): KioskResult<{ cellId: string; opIds: number[] }> {
  const session = requireSession(ctx, sessionId, 'courier');
  const op = ctx.store.doorOps
    .active()
    .find((o) => o.parcelId === parcelId && o.purpose === 'deposit');
  const parcel = ctx.store.orders.parcel(parcelId);
  const step = op?.stepId ? ctx.store.orders.step(op.stepId) : undefined;
  if (!op || !parcel || !step)
    throw new PostamatError('invalid-state', 'no open deposit for this parcel');
  const result = commitThenOpen(ctx, () => {
    ctx.store.doorOps.setPurpose(op.id, 'no-fit');
    ctx.store.emit('parcel.did-not-fit', { parcelId, cellId: op.cellId, size: parcel.size });
    return { opIds: [ctx.progress.deposit(step, parcel, courierActor(session), op.cellId)] };
  });
  const cellId = ctx.store.doorOps.get(result.opIds[0]!)?.cellId ?? '';
  return { ok: true, cellId, opIds: result.opIds };
}

/** Orders of the courier's tenant waiting for a courier: returns, expired parcels, round trips. */
export function collectableOrders(
  ctx: FlowContext,
  sessionId: string,
): KioskResult<{ orders: { orderId: string; status: string; cells: string[] }[] }> {
  const session = requireSession(ctx, sessionId, 'courier');
  const orders = ctx.store.orders
    .collectableByTenant(session.tenantId ?? '')
    .filter((o) => {
      const step = ctx.progress.currentStep(o.id);
      return step?.kind === 'collect' && COURIER_ROLES.has(step.role);
    })
    .map((o) => ({
      orderId: o.id,
      status: o.status,
      cells: ctx.store.orders.parcelsOf(o.id).flatMap((p) => (p.cellId ? [p.cellId] : [])),
    }));
  return { ok: true, orders };
}

export function courierCollect(
  ctx: FlowContext,
  sessionId: string,
  orderId: string,
): KioskResult<{ cellIds: string[]; opIds: number[] }> {
  const session = requireSession(ctx, sessionId, 'courier');
  const order = ctx.store.orders.order(orderId);
  if (!order) throw new PostamatError('not-found', `no order ${orderId} at this locker`);
  if (order.tenantId !== session.tenantId) {
    throw new PostamatError('not-authorized', 'this order belongs to another tenant');
  }
  const step = ctx.progress.currentStep(orderId);
  if (step?.kind !== 'collect' || !COURIER_ROLES.has(step.role)) {
    throw new PostamatError('invalid-state', 'this order is not waiting for a courier');
  }
  const result = commitThenOpen(ctx, () => ({
    opIds: ctx.progress.collect(step, courierActor(session)),
  }));
  const cellIds = result.opIds.map((id) => ctx.store.doorOps.get(id)?.cellId ?? '');
  return { ok: true, cellIds, opIds: result.opIds };
}
