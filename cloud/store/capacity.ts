import type { CellSize } from '../../protocol/index.ts';
import type { Db } from './context.ts';

export interface Window {
  readonly from: number;
  readonly until: number;
}

/**
 * Free capacity of one size per locker over a window: in-service cells of that size minus
 * active bookings that overlap the window. Counting overlaps (not peak concurrency) is
 * conservative: it may refuse a booking that would have fitted, never the other way round.
 */
export async function freeCapacity(
  db: Db,
  lockerIds: readonly string[],
  size: CellSize,
  window: Window,
): Promise<Map<string, number>> {
  const free = new Map<string, number>(lockerIds.map((id) => [id, 0]));
  if (lockerIds.length === 0) return free;
  const cells = await db
    .selectFrom('cells')
    .select(['locker_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('locker_id', 'in', lockerIds)
    .where('size', '=', size)
    .where('in_service', '=', 1)
    .groupBy('locker_id')
    .execute();
  for (const row of cells) free.set(row.locker_id, Number(row.n));
  const booked = await db
    .selectFrom('bookings')
    .select(['locker_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('locker_id', 'in', lockerIds)
    .where('size', '=', size)
    .where('active', '=', 1)
    .where('valid_from', '<', window.until)
    .where('valid_until', '>', window.from)
    .groupBy('locker_id')
    .execute();
  for (const row of booked) free.set(row.locker_id, (free.get(row.locker_id) ?? 0) - Number(row.n));
  return free;
}

/** Lockers whose operator has opened them to the tenant, among the given ids. */
export async function lockersOpenTo(
  db: Db,
  tenantId: string,
  lockerIds: readonly string[],
): Promise<Set<string>> {
  if (lockerIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('lockers')
    .innerJoin('operator_tenants', 'operator_tenants.operator_id', 'lockers.operator_id')
    .select('lockers.id')
    .where('operator_tenants.tenant_id', '=', tenantId)
    .where('lockers.id', 'in', lockerIds)
    .where('lockers.revoked', '=', 0)
    .execute();
  return new Set(rows.map((r) => r.id));
}
