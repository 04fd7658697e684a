import { PostamatError } from '../../protocol/index.ts';
import type { CodePurpose, PlannedStep } from '../domain/itinerary.ts';
import { freeCapacity } from './capacity.ts';
import {
  bumpSyncVersion,
  type Db,
  inTransaction,
  lockLockers,
  type StoreContext,
} from './context.ts';
import { retireCodes } from './order-codes.ts';
import { recordStatus } from './order-status.ts';
import { bookLockers, issueStepCodes, readOrder } from './order-store.ts';

const HOUR = 3_600_000;
const CHANGEABLE = new Set(['created', 'booked']);
const TERMINAL = new Set(['collected', 'completed', 'returned', 'cancelled']);

async function loadOrder(trx: Db, tenantId: string, orderId: string) {
  const order = await readOrder(trx, orderId);
  if (order === undefined || order.tenantId !== tenantId) {
    throw new PostamatError('not-found', `no order "${orderId}"`, { orderId });
  }
  return order;
}

/**
 * Reads the order again under locks: its lockers first (the order ingest takes them in too),
 * then the order row, so a concurrent cancel, change or step sees one state, not two.
 */
async function lockedOrder(
  ctx: StoreContext,
  trx: Db,
  tenantId: string,
  orderId: string,
  moreLockers: readonly string[] = [],
) {
  const first = await loadOrder(trx, tenantId, orderId);
  const lockers = new Set([...first.bookings.map((b) => b.lockerId), ...moreLockers]);
  await lockLockers(ctx, trx, [...lockers]);
  if (ctx.engine === 'postgres') {
    await trx.selectFrom('orders').select('id').where('id', '=', orderId).forUpdate().execute();
  }
  return loadOrder(trx, tenantId, orderId);
}

async function releaseBookings(trx: Db, orderId: string, lockerId?: string): Promise<void> {
  let query = trx
    .selectFrom('bookings')
    .select(['id', 'locker_id'])
    .where('order_id', '=', orderId)
    .where('active', '=', 1);
  if (lockerId !== undefined) query = query.where('locker_id', '=', lockerId);
  for (const booking of await query.execute()) {
    const version = await bumpSyncVersion(trx, booking.locker_id);
    await trx
      .updateTable('bookings')
      .set({ active: 0, changed_version: version })
      .where('id', '=', booking.id)
      .execute();
  }
}

export { releaseBookings };

export function orderChanges(ctx: StoreContext) {
  const { clock } = ctx;
  const versionOf = (trx: Db) => (lockerId: string) => bumpSyncVersion(trx, lockerId);

  return {
    /** Cancels an order nobody has deposited into yet; its capacity and codes are released. */
    async cancelOrder(tenantId: string, orderId: string): Promise<void> {
      await inTransaction(ctx, async (trx) => {
        const order = await lockedOrder(ctx, trx, tenantId, orderId);
        if (!CHANGEABLE.has(order.status)) {
          throw new PostamatError('invalid-state', `order is ${order.status}`, { orderId });
        }
        await releaseBookings(trx, orderId);
        await retireCodes(trx, { orderId }, versionOf(trx));
        await trx
          .updateTable('steps')
          .set({ state: 'cancelled' })
          .where('order_id', '=', orderId)
          .execute();
        const now = clock.now();
        const change = { orderId, tenantId, externalRef: order.externalRef, at: now };
        await recordStatus(trx, { ...change, status: 'cancelled', source: 'api' }, now);
      });
    },

    /** Extends storage; the extra time must fit the locker like a new booking would. */
    async extendOrder(tenantId: string, orderId: string, hours: number): Promise<void> {
      await inTransaction(ctx, async (trx) => {
        const order = await lockedOrder(ctx, trx, tenantId, orderId);
        if (TERMINAL.has(order.status)) {
          throw new PostamatError('invalid-state', `order is ${order.status}`, { orderId });
        }
        for (const booking of order.bookings) {
          const extra = { from: booking.validUntil, until: booking.validUntil + hours * HOUR };
          const free = await freeCapacity(trx, [booking.lockerId], order.size, extra);
          if ((free.get(booking.lockerId) ?? 0) <= 0) {
            throw new PostamatError('no-free-cell', `locker "${booking.lockerId}" is full then`, {
              lockerId: booking.lockerId,
            });
          }
          const version = await bumpSyncVersion(trx, booking.lockerId);
          const moved = { valid_until: extra.until, changed_version: version };
          await trx
            .updateTable('bookings')
            .set(moved)
            .where('order_id', '=', orderId)
            .where('locker_id', '=', booking.lockerId)
            .where('active', '=', 1)
            .execute();
          await trx
            .updateTable('codes')
            .set(moved)
            .where('order_id', '=', orderId)
            .where('locker_id', '=', booking.lockerId)
            .where('live', '=', 1)
            .execute();
        }
        await trx
          .updateTable('orders')
          .set({ storage_hours: order.storageHours + hours, updated_at: clock.now() })
          .where('id', '=', orderId)
          .execute();
      });
    },

    /** Moves an order not yet started to another locker: new booking, new codes. */
    async redirectOrder(tenantId: string, orderId: string, lockerId: string) {
      return inTransaction(ctx, async (trx) => {
        const order = await lockedOrder(ctx, trx, tenantId, orderId, [lockerId]);
        if (!CHANGEABLE.has(order.status)) {
          throw new PostamatError('invalid-state', `order is ${order.status}`, { orderId });
        }
        const last = order.steps.at(-1);
        const booking = order.bookings.find((b) => b.lockerId === last?.lockerId);
        if (last === undefined || booking === undefined || last.lockerId === lockerId) {
          throw new PostamatError('conflict', 'order already goes to that locker', { lockerId });
        }
        const from = last.lockerId;
        const versions = await bookLockers(trx, tenantId, orderId, [lockerId], order.size, {
          from: booking.validFrom,
          until: booking.validUntil,
        });
        await releaseBookings(trx, orderId, from);
        await retireCodes(trx, { orderId, lockerId: from }, versionOf(trx));
        await trx
          .updateTable('steps')
          .set({ locker_id: lockerId })
          .where('order_id', '=', orderId)
          .where('locker_id', '=', from)
          .execute();
        const moved = order.steps
          .filter((s) => s.lockerId === from)
          .map((s) => ({ ...stepPlan(order.kind, s), id: s.id, lockerId }));
        const window = { from: booking.validFrom, until: booking.validUntil };
        const now = clock.now();
        const codes = await issueStepCodes(trx, now, orderId, moved, versions, window);
        const change = { orderId, tenantId, externalRef: order.externalRef, at: now };
        await recordStatus(trx, { ...change, status: 'booked', source: 'redirect' }, now);
        return { orderId, codes };
      });
    },
  };
}

/** The code purpose a stored step opens with, as planItinerary assigned it. */
function stepPlan(
  kind: string,
  step: { kind: string; role: string },
): Omit<PlannedStep, 'lockerId'> {
  const person = ['recipient', 'resident', 'renter', 'sender'].includes(step.role);
  let codePurpose: CodePurpose | undefined;
  if (person && step.kind === 'collect') codePurpose = kind === 'rental' ? 'rental' : 'pickup';
  if (person && step.kind === 'deposit') codePurpose = kind === 'return' ? 'return' : 'deposit';
  const base = { kind: step.kind, role: step.role } as Omit<PlannedStep, 'lockerId'>;
  return codePurpose === undefined ? base : { ...base, codePurpose };
}
