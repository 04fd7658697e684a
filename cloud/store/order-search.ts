import type { OrderStatus } from '../../protocol/index.ts';
import type { StoreContext } from './context.ts';
import { readOrder } from './order-store.ts';

/** Whose orders a search covers: a tenant's own, or every order touching an operator's lockers. */
export type OrderScope = { readonly tenantId: string } | { readonly operatorId: string };

const PHONE_SUFFIX = /^\d{4}$/;

/**
 * Finding orders for the console: by id, barcode, external ref, or the last four digits of the
 * recipient's phone. Phones are sealed at rest; the masked form (`+7 *** ***-45-67`) is stored
 * in clear for views, and its tail is what a suffix matches.
 */
export function orderSearch(ctx: StoreContext) {
  const { db } = ctx;

  function scoped(scope: OrderScope) {
    let query = db.selectFrom('orders').select('orders.id').distinct();
    if ('tenantId' in scope) return query.where('orders.tenant_id', '=', scope.tenantId);
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('steps')
          .innerJoin('lockers', 'lockers.id', 'steps.locker_id')
          .select('steps.id')
          .whereRef('steps.order_id', '=', 'orders.id')
          .where('lockers.operator_id', '=', scope.operatorId),
      ),
    );
    return query;
  }

  async function views(ids: readonly string[]) {
    const orders = [];
    for (const id of ids) {
      const order = await readOrder(db, id);
      if (order !== undefined) orders.push(order);
    }
    return orders;
  }

  return {
    async searchOrders(
      scope: OrderScope,
      filter: { q?: string | undefined; status?: OrderStatus | undefined; limit: number },
    ) {
      let query = scoped(scope).orderBy('orders.id').limit(filter.limit);
      if (filter.status !== undefined) query = query.where('orders.status', '=', filter.status);
      const q = filter.q?.trim();
      if (q !== undefined && q !== '') {
        const suffix = PHONE_SUFFIX.test(q) ? `%-${q.slice(0, 2)}-${q.slice(2)}` : undefined;
        query = query.where((eb) =>
          eb.or([
            eb('orders.id', '=', q),
            eb('orders.barcode', '=', q),
            eb('orders.external_ref', '=', q),
            ...(suffix === undefined
              ? []
              : [
                  eb(
                    'orders.id',
                    'in',
                    eb
                      .selectFrom('order_contacts')
                      .select('order_id')
                      .where('phone_masked', 'like', suffix),
                  ),
                ]),
          ]),
        );
      }
      return views((await query.execute()).map((r) => r.id));
    },

    /** Status changes written by the given sources (`event:<locker>:<seq>`), for the live feed. */
    async statusChangesFrom(sources: readonly string[]) {
      const out = [];
      for (let i = 0; i < sources.length; i += 500) {
        const rows = await db
          .selectFrom('status_history')
          .innerJoin('orders', 'orders.id', 'status_history.order_id')
          .select([
            'status_history.order_id',
            'orders.tenant_id',
            'status_history.status',
            'status_history.at',
            'status_history.source',
          ])
          .where('status_history.source', 'in', sources.slice(i, i + 500))
          .orderBy('status_history.pos')
          .execute();
        for (const r of rows) {
          out.push({
            orderId: r.order_id,
            tenantId: r.tenant_id,
            status: r.status,
            at: r.at,
            source: r.source,
          });
        }
      }
      return out;
    },

    async orderVisibleToOperator(operatorId: string, orderId: string): Promise<boolean> {
      const row = await scoped({ operatorId }).where('orders.id', '=', orderId).executeTakeFirst();
      return row !== undefined;
    },

    /** What the lockers reported about the order (doors, parcels, steps), oldest first. */
    async orderEvents(orderId: string) {
      const order = await db
        .selectFrom('orders')
        .select('created_at')
        .where('id', '=', orderId)
        .executeTakeFirst();
      if (order === undefined) return [];
      const steps = await db
        .selectFrom('steps')
        .select(['id', 'locker_id'])
        .where('order_id', '=', orderId)
        .execute();
      if (steps.length === 0) return [];
      // Door events name the step, parcel and step events the order.
      const needles = [
        `%"orderId":${JSON.stringify(orderId)}%`,
        ...steps.map((s) => `%"stepId":${JSON.stringify(s.id)}%`),
      ];
      const rows = await db
        .selectFrom('locker_events')
        .selectAll()
        .where('locker_id', 'in', [...new Set(steps.map((s) => s.locker_id))])
        .where('received_at', '>=', order.created_at)
        .where((eb) => eb.or(needles.map((n) => eb('body', 'like', n))))
        .orderBy('at')
        .orderBy('seq')
        .limit(500)
        .execute();
      return rows.map((e) => ({
        lockerId: e.locker_id,
        seq: e.seq,
        at: e.at,
        receivedAt: e.received_at,
        type: e.type,
        body: JSON.parse(e.body) as unknown,
      }));
    },
  };
}
