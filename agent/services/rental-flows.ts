import { randomInt, randomUUID } from 'node:crypto';
import { CELL_SIZES, type CellSize, PostamatError } from '../../protocol/index.ts';
import { overdueKopecks, rentalPriceKopecks } from '../domain/rental-price.ts';
import { assertCodeFormat, assertKeypadOpen, recordWrongEntry } from './access-flows.ts';
import { findCode } from './code-flows.ts';
import { commitThenOpen, type FlowContext } from './flow-context.ts';
import type { KioskResult } from './kiosk-result.ts';

/**
 * What an overdue rental owes before its cell opens again (0 once paid, or without a tariff for
 * its size: the locker never invents a price).
 */
export function rentalOverdueDue(ctx: FlowContext, orderId: string): number {
  const order = ctx.store.orders.order(orderId);
  const parcel = ctx.store.orders.parcelsOf(orderId)[0];
  const tariff = parcel && ctx.store.access.tariff(parcel.size);
  if (!order || !tariff) return 0;
  const paid = ctx.store.payments
    .ofOrder(orderId)
    .some((p) => p.purpose === 'rental-overdue' && p.state === 'approved');
  if (paid) return 0;
  const rental = { startedAt: order.createdAt, paidKopecks: order.paidKopecks ?? 0 };
  return overdueKopecks(tariff, rental, ctx.clock.now());
}

/** What a rental of `size` for `hours` costs at the synced tariff; refuses what it cannot price. */
export function priceOf(ctx: FlowContext, input: { size: string; hours: number }) {
  if (!(CELL_SIZES as readonly string[]).includes(input.size)) {
    throw new PostamatError('bad-input', `size must be one of ${CELL_SIZES.join(', ')}`, {
      field: 'size',
    });
  }
  if (!Number.isInteger(input.hours) || input.hours < 1 || input.hours > 24 * 30) {
    throw new PostamatError('bad-input', 'hours must be a whole number from 1 to 720', {
      field: 'hours',
    });
  }
  const size = input.size as CellSize;
  const tariff = ctx.store.access.tariff(size);
  if (!tariff) throw new PostamatError('not-found', `no tariff for size ${size} yet`);
  return { size, hours: input.hours, priceKopecks: rentalPriceKopecks(tariff, input.hours) };
}

/** The price shown before paying: the same figure `startRental` will charge. */
export function rentalQuote(
  ctx: FlowContext,
  input: { size: string; hours: number },
): KioskResult<{ size: CellSize; hours: number; priceKopecks: number }> {
  return { ok: true, ...priceOf(ctx, input) };
}

/** Rent a cell of a size for some hours: pay, get a code (shown once), the door opens. */
export function startRental(
  ctx: FlowContext,
  input: { size: string; hours: number; paymentMethod: string },
): KioskResult<{
  orderId: string;
  code: string;
  cellId: string;
  priceKopecks: number;
  until: number;
  opIds: number[];
}> {
  const { size, priceKopecks: price } = priceOf(ctx, input);
  const orderId = `rental-${randomUUID()}`;
  const paid = ctx.payments.charge({ orderId, amountKopecks: price, method: input.paymentMethod });
  if (!paid.ok) throw new PostamatError('not-authorized', `payment refused: ${paid.reason}`);
  const code = newRentalCode();
  const result = commitThenOpen(ctx, () =>
    openNewRental(ctx, {
      orderId,
      size,
      hours: input.hours,
      priceKopecks: price,
      codeHash: ctx.hash('rental-code', code),
      paymentId: paid.paymentId,
    }),
  );
  const until = ctx.store.orders.order(orderId)?.rentalUntil ?? 0;
  const cellId = ctx.store.doorOps.get(result.opIds[0]!)?.cellId ?? '';
  return { ok: true, orderId, code, cellId, priceKopecks: price, until, opIds: result.opIds };
}

/** A renter's 6-digit code, shown once. */
export function newRentalCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/**
 * The rental order, its steps, the renter's code (hashed) and the deposit door, for a rental
 * already paid. Runs inside the caller's transaction (with the payment's result).
 */
export function openNewRental(
  ctx: FlowContext,
  r: {
    orderId: string;
    size: CellSize;
    hours: number;
    priceKopecks: number;
    codeHash: string;
    paymentId: string;
  },
): { opIds: number[]; stepId: string } {
  const now = ctx.clock.now();
  const until = now + r.hours * 3_600_000;
  ctx.store.orders.insertOrder({
    id: r.orderId,
    kind: 'rental',
    tenantId: 'locker',
    status: 'booked',
    storageHours: r.hours,
    validUntil: until,
    rentalUntil: until,
    paidKopecks: r.priceKopecks,
    createdAt: now,
  });
  ctx.progress.createSteps({ id: r.orderId, kind: 'rental' }, 'whole');
  ctx.store.orders.upsertParcel({
    id: `${r.orderId}/1`,
    orderId: r.orderId,
    barcodeHash: null,
    size: r.size,
    refrigerated: false,
  });
  ctx.store.orders.upsertCode({
    codeHash: r.codeHash,
    orderId: r.orderId,
    purpose: 'rental',
    validFrom: now,
    validUntil: until + 30 * 86_400_000,
  });
  ctx.store.emit('rental.started', {
    orderId: r.orderId,
    size: r.size,
    hours: r.hours,
    priceKopecks: r.priceKopecks,
    paymentId: r.paymentId,
    until,
  });
  const step = ctx.progress.currentStep(r.orderId)!;
  const parcel = ctx.store.orders.parcel(`${r.orderId}/1`)!;
  const actor = { role: 'renter', id: r.orderId, credentialId: null };
  return { opIds: [ctx.progress.deposit(step, parcel, actor)], stepId: step.id };
}

/** A renter's code of a rental whose cell holds their things: the order and its collect step. */
export function rentalCodeStep(ctx: FlowContext, code: string) {
  assertKeypadOpen(ctx);
  assertCodeFormat(code);
  const row = findCode(ctx, code);
  if (row?.purpose !== 'rental') {
    const wrong = recordWrongEntry(ctx, 'rental-code');
    throw new PostamatError('unknown-code', 'unknown rental code', { ...wrong });
  }
  if (row.usedAt !== null) throw new PostamatError('code-used', 'this rental has ended');
  const order = ctx.store.orders.order(row.orderId);
  const step = ctx.progress.currentStep(row.orderId);
  const parcel = ctx.store.orders.parcelsOf(row.orderId)[0];
  if (!order || !step || step.kind !== 'collect' || !parcel?.cellId) {
    throw new PostamatError('invalid-state', 'the rented cell is not closed yet');
  }
  return { order, step, parcel: { ...parcel, cellId: parcel.cellId } };
}

/**
 * The renter's code: within the period it reopens the cell (the rental goes on); with
 * `finish` — or once overdue — it is the final collect and the cell becomes free.
 */
export function rentalOpen(
  ctx: FlowContext,
  code: string,
  finish: boolean,
): KioskResult<{ orderId: string; cellId: string; finished: boolean; opIds: number[] }> {
  const { order, step, parcel } = rentalCodeStep(ctx, code);
  const overdue = order.status === 'overdue';
  const owed = overdue ? rentalOverdueDue(ctx, order.id) : 0;
  if (owed > 0) {
    throw new PostamatError('payment-required', 'the rental is overdue: pay the extra time first', {
      amountKopecks: owed,
    });
  }
  const actor = { role: 'renter', id: order.id, credentialId: null };
  const cellId = parcel.cellId;
  const result = commitThenOpen(ctx, () => {
    if (finish || overdue) return { opIds: ctx.progress.collect(step, actor) };
    return {
      opIds: [
        ctx.doors.begin({
          cellId,
          stepId: null,
          parcelId: null,
          purpose: 'rental-reopen',
          actorRole: 'renter',
          actorId: order.id,
          credentialId: null,
          reason: null,
        }),
      ],
    };
  });
  return { ok: true, orderId: order.id, cellId, finished: finish || overdue, opIds: result.opIds };
}
