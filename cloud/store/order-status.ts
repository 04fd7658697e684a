import type { OrderStatus } from '../../protocol/index.ts';
import { enqueueForStatus } from '../notifications/notification-queue.ts';
import type { Db } from './context.ts';
import { enqueueWebhooks } from './webhook-queue.ts';

export interface StatusChange {
  readonly orderId: string;
  readonly tenantId: string;
  readonly externalRef: string | null;
  readonly status: OrderStatus;
  readonly at: number;
  readonly source: string;
}

/**
 * Writes a status into the order, its timeline and the tenant's webhook queue, in the caller's
 * transaction: a status the API shows is never missing from the webhooks, and vice versa.
 */
export async function recordStatus(trx: Db, change: StatusChange, now: number): Promise<void> {
  await trx
    .updateTable('orders')
    .set({ status: change.status, updated_at: now })
    .where('id', '=', change.orderId)
    .execute();
  await appendHistory(trx, change.orderId, change.status, change.at, change.source);
  // No codes in the body: the tenant learns them from the create/redirect answer, and a body
  // waits in the database until delivered, where a code must not rest in clear.
  await enqueueWebhooks(trx, change.tenantId, 'order.status', now, {
    orderId: change.orderId,
    externalRef: change.externalRef,
    status: change.status,
    at: change.at,
  });
  await enqueueForStatus(trx, change.orderId, change.status, now);
}

/** Appends to the timeline; the caller has updated (so locked) the order row first. */
export async function appendHistory(
  trx: Db,
  orderId: string,
  status: string,
  at: number,
  source: string,
): Promise<void> {
  const last = await trx
    .selectFrom('status_history')
    .select((eb) => eb.fn.max<number>('pos').as('pos'))
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  const pos = Number(last?.pos ?? 0) + 1;
  await trx
    .insertInto('status_history')
    .values({ order_id: orderId, pos, at, status, source })
    .execute();
}
