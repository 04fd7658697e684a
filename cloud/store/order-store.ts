import type { CellSize, OrderKind, OrderStatus } from '../../protocol/index.ts';
import { PostamatError } from '../../protocol/index.ts';
import { lockersOf, type PlannedStep, planItinerary } from '../domain/itinerary.ts';
import { type OrderContactInput, saveContact } from '../notifications/notification-queue.ts';
import { notificationsOf } from '../notifications/notification-store.ts';
import { paymentsOf, saveAmountDue } from '../payments/payment-views.ts';
import { newId } from '../security/secrets.ts';
import { freeCapacity, lockersOpenTo, type Window } from './capacity.ts';
import {
  bumpSyncVersion,
  type Db,
  inTransaction,
  lockLockers,
  type StoreContext,
} from './context.ts';
import { type IssuedCode, issueCode } from './order-codes.ts';
import { appendHistory, recordStatus } from './order-status.ts';

export interface OrderInput {
  readonly kind: OrderKind;
  readonly lockerId: string;
  readonly toLockerId?: string | undefined;
  readonly size: CellSize;
  readonly barcode: string;
  readonly refrigerated?: boolean | undefined;
  readonly storageHours?: number | undefined;
  readonly externalRef?: string | undefined;
  readonly window?: Window | undefined;
  /** The person to notify (self-run services only); sealed before it is stored. */
  readonly contact?: OrderContactInput | undefined;
  /** Cash on delivery (deliveries only): the recipient pays this before the cell opens. */
  readonly amountDueKopecks?: number | undefined;
}

export const DEFAULT_STORAGE_HOURS = 72;
/** Time a courier has to bring the parcel before storage starts, inside the booked window. */
const TRANSIT_HOURS = 48;
const HOUR = 3_600_000;

/** Books capacity at the order's lockers, or throws no-free-cell naming the full locker. */
export async function bookLockers(
  trx: Db,
  tenantId: string,
  orderId: string,
  lockerIds: readonly string[],
  size: CellSize,
  window: Window,
): Promise<Map<string, number>> {
  const open = await lockersOpenTo(trx, tenantId, lockerIds);
  const closed = lockerIds.find((id) => !open.has(id));
  if (closed !== undefined) {
    throw new PostamatError('not-found', `no locker "${closed}" open to this tenant`, {
      lockerId: closed,
    });
  }
  const free = await freeCapacity(trx, lockerIds, size, window);
  const full = lockerIds.find((id) => (free.get(id) ?? 0) <= 0);
  if (full !== undefined) {
    throw new PostamatError('no-free-cell', `locker "${full}" has no free ${size} cell`, {
      lockerId: full,
      size,
    });
  }
  const versions = new Map<string, number>();
  for (const lockerId of lockerIds) {
    const version = await bumpSyncVersion(trx, lockerId);
    versions.set(lockerId, version);
    await trx
      .insertInto('bookings')
      .values({
        id: newId('bk'),
        order_id: orderId,
        locker_id: lockerId,
        size,
        valid_from: window.from,
        valid_until: window.until,
        active: 1,
        changed_version: version,
      })
      .execute();
  }
  return versions;
}

/** Issues a code for every step that opens with one. */
export async function issueStepCodes(
  trx: Db,
  now: number,
  orderId: string,
  steps: readonly (PlannedStep & { id: string })[],
  versions: ReadonlyMap<string, number>,
  window: Window,
): Promise<IssuedCode[]> {
  const codes: IssuedCode[] = [];
  for (const step of steps) {
    if (step.codePurpose === undefined) continue;
    const locker = await trx
      .selectFrom('lockers')
      .select('hash_key')
      .where('id', '=', step.lockerId)
      .executeTakeFirstOrThrow();
    codes.push(
      await issueCode(trx, now, {
        orderId,
        stepId: step.id,
        lockerId: step.lockerId,
        hashKey: locker.hash_key,
        purpose: step.codePurpose,
        validFrom: window.from,
        validUntil: window.until,
        version: versions.get(step.lockerId) ?? 0,
      }),
    );
  }
  return codes;
}

export function orderStore(ctx: StoreContext) {
  const { clock } = ctx;
  return {
    async createOrder(tenantId: string, input: OrderInput) {
      const now = clock.now();
      const storageHours = input.storageHours ?? DEFAULT_STORAGE_HOURS;
      const window = input.window ?? {
        from: now,
        until: now + (storageHours + TRANSIT_HOURS) * HOUR,
      };
      const plan = planItinerary(input);
      const lockerIds = lockersOf(plan);
      const orderId = newId('ord');
      const steps = plan.map((s, idx) => ({ ...s, id: `${orderId}.${idx}`, idx }));
      return inTransaction(ctx, async (trx) => {
        await lockLockers(ctx, trx, lockerIds);
        const versions = await bookLockers(trx, tenantId, orderId, lockerIds, input.size, window);
        await trx
          .insertInto('orders')
          .values({
            id: orderId,
            tenant_id: tenantId,
            kind: input.kind,
            status: 'created',
            size: input.size,
            barcode: input.barcode,
            refrigerated: input.refrigerated === true ? 1 : 0,
            storage_hours: storageHours,
            external_ref: input.externalRef ?? null,
            created_at: now,
            updated_at: now,
          })
          .execute();
        await trx
          .insertInto('steps')
          .values(
            steps.map((s) => ({
              id: s.id,
              order_id: orderId,
              idx: s.idx,
              kind: s.kind,
              role: s.role,
              locker_id: s.lockerId,
              state: 'pending',
              done_at: null,
            })),
          )
          .execute();
        const codes = await issueStepCodes(trx, now, orderId, steps, versions, window);
        if (input.contact !== undefined) {
          await saveContact(trx, orderId, input.contact, codes, now);
        }
        if (input.amountDueKopecks !== undefined) {
          await saveAmountDue(trx, orderId, input.amountDueKopecks);
        }
        const base = { orderId, tenantId, externalRef: input.externalRef ?? null, at: now };
        await appendHistory(trx, orderId, 'created', now, 'api');
        await recordStatus(trx, { ...base, status: 'booked', source: 'api' }, now);
        return { orderId, codes };
      });
    },

    async getOrder(orderId: string) {
      return readOrder(ctx.db, orderId);
    },

    async listOrders(tenantId: string, limit: number, status?: OrderStatus) {
      let query = ctx.db
        .selectFrom('orders')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at', 'desc')
        .limit(limit);
      if (status !== undefined) query = query.where('status', '=', status);
      const ids = await query.execute();
      const orders = [];
      for (const { id } of ids) orders.push(await readOrder(ctx.db, id));
      return orders.filter((o) => o !== undefined);
    },
  };
}

export async function readOrder(db: Db, orderId: string) {
  const order = await db
    .selectFrom('orders')
    .selectAll()
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (order === undefined) return undefined;
  const steps = await db
    .selectFrom('steps')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('idx')
    .execute();
  const history = await db
    .selectFrom('status_history')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('pos')
    .execute();
  const bookings = await db
    .selectFrom('bookings')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('active', '=', 1)
    .execute();
  return {
    id: order.id,
    tenantId: order.tenant_id,
    kind: order.kind as OrderKind,
    status: order.status as OrderStatus,
    size: order.size as CellSize,
    refrigerated: order.refrigerated === 1,
    storageHours: order.storage_hours,
    externalRef: order.external_ref,
    createdAt: order.created_at,
    steps: steps.map((s) => ({
      id: s.id,
      kind: s.kind,
      role: s.role,
      lockerId: s.locker_id,
      state: s.state,
      doneAt: s.done_at,
    })),
    bookings: bookings.map((b) => ({
      lockerId: b.locker_id,
      size: b.size as CellSize,
      validFrom: b.valid_from,
      validUntil: b.valid_until,
    })),
    timeline: history.map((h) => ({ status: h.status, at: h.at, source: h.source })),
    ...(await notificationsOf(db, orderId)),
    payment: await paymentsOf(db, orderId),
  };
}
export type OrderView = NonNullable<Awaited<ReturnType<typeof readOrder>>>;
