import type { Db } from './context.ts';

export interface CellOccupant {
  readonly orderId: string;
  readonly tenantId: string;
  readonly status: string;
  readonly since: number;
}

/**
 * Which order is in which cell of a locker now. The cloud books by size, never by cell, so the
 * cell comes from the locker's own `parcel.deposited` events ({orderId, cellId}); the orders
 * in the locker are those with a deposit done here and a collect still pending here.
 */
export async function cellOccupancy(db: Db, lockerId: string): Promise<Map<string, CellOccupant>> {
  const inside = await db
    .selectFrom('steps as d')
    .innerJoin('steps as c', (join) =>
      join.onRef('c.order_id', '=', 'd.order_id').on('c.locker_id', '=', lockerId),
    )
    .innerJoin('orders', 'orders.id', 'd.order_id')
    .select(['orders.id', 'orders.tenant_id', 'orders.status', 'd.done_at'])
    .where('d.locker_id', '=', lockerId)
    .where('d.kind', '=', 'deposit')
    .where('d.state', '=', 'done')
    .where('c.kind', '=', 'collect')
    .where('c.state', '=', 'pending')
    .whereRef('c.idx', '>', 'd.idx')
    .execute();
  const occupied = new Map<string, CellOccupant>();
  if (inside.length === 0) return occupied;
  const orders = new Map(inside.map((o) => [o.id, o]));
  const oldest = Math.min(...inside.map((o) => o.done_at ?? 0));
  const deposits = await db
    .selectFrom('locker_events')
    .select(['body', 'at'])
    .where('locker_id', '=', lockerId)
    .where('type', '=', 'parcel.deposited')
    // The deposit event comes just before its step.done: a minute of slack is plenty.
    .where('at', '>=', oldest - 60_000)
    .orderBy('seq')
    .execute();
  for (const event of deposits) {
    const body = JSON.parse(event.body) as { orderId?: unknown; cellId?: unknown };
    const order = typeof body.orderId === 'string' ? orders.get(body.orderId) : undefined;
    if (order === undefined || typeof body.cellId !== 'string') continue;
    occupied.set(body.cellId, {
      orderId: order.id,
      tenantId: order.tenant_id,
      status: order.status,
      since: event.at,
    });
  }
  return occupied;
}
