import type { OrderStatus } from '../../protocol/index.ts';
import type { Db } from './context.ts';
import type { IssuedCode } from './order-codes.ts';
import { enqueueWebhooks } from './webhook-queue.ts';

export interface StatusChange {
  readonly orderId: string;
  readonly tenantId: string;
  readonly externalRef: string | null;
  readonly status: OrderStatus;
  readonly at: number;
  readonly source: string;
  readonly codes?: readonly IssuedCode[];
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
  await trx
    .insertInto('status_history')
    .values({
      order_id: change.orderId,
      at: change.at,
      status: change.status,
      source: change.source,
    })
    .execute();
  await enqueueWebhooks(trx, change.tenantId, 'order.status', now, {
    orderId: change.orderId,
    externalRef: change.externalRef,
    status: change.status,
    at: change.at,
    ...(change.codes === undefined ? {} : { codes: change.codes }),
  });
}
