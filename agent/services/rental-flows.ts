import { randomInt, randomUUID } from 'node:crypto';
import { CELL_SIZES, type CellSize, PostamatError } from '../../protocol/index.ts';
import { rentalPriceKopecks } from '../domain/rental-price.ts';
import { assertCodeFormat, assertKeypadOpen, recordWrongEntry } from './access-flows.ts';
import { findCode } from './code-flows.ts';
import { commitThenOpen, type FlowContext } from './flow-context.ts';
import type { KioskResult } from './kiosk-result.ts';

/** What a rental of `size` for `hours` costs at the synced tariff; refuses what it cannot price. */
function priceOf(ctx: FlowContext, input: { size: string; hours: number }) {
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
  const now = ctx.clock.now();
  const until = now + input.hours * 3_600_000;
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const result = commitThenOpen(ctx, () => {
    ctx.store.orders.insertOrder({
      id: orderId,
      kind: 'rental',
      tenantId: 'locker',
      status: 'booked',
      storageHours: input.hours,
      validUntil: until,
      rentalUntil: until,
      paidKopecks: price,
      createdAt: now,
    });
    ctx.progress.createSteps({ id: orderId, kind: 'rental' }, 'whole');
    ctx.store.orders.upsertParcel({
      id: `${orderId}/1`,
      orderId,
      barcodeHash: null,
      size,
      refrigerated: false,
    });
    ctx.store.orders.upsertCode({
      codeHash: ctx.hash('rental-code', code),
      orderId,
      purpose: 'rental',
      validFrom: now,
      validUntil: until + 30 * 86_400_000,
    });
    ctx.store.emit('rental.started', {
      orderId,
      size,
      hours: input.hours,
      priceKopecks: price,
      paymentId: paid.paymentId,
      until,
    });
    const step = ctx.progress.currentStep(orderId)!;
    const parcel = ctx.store.orders.parcel(`${orderId}/1`)!;
    return {
      opIds: [
        ctx.progress.deposit(step, parcel, { role: 'renter', id: orderId, credentialId: null }),
      ],
    };
  });
  const cellId = ctx.store.doorOps.get(result.opIds[0]!)?.cellId ?? '';
  return { ok: true, orderId, code, cellId, priceKopecks: price, until, opIds: result.opIds };
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
  const overdue = order.status === 'overdue';
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
