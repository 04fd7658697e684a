import { newId } from '../security/secrets.ts';
import type { Db } from './context.ts';

/** One delivery row per active endpoint of the tenant; the worker sends them. */
export async function enqueueWebhooks(
  trx: Db,
  tenantId: string,
  event: string,
  now: number,
  payload: Record<string, unknown>,
): Promise<void> {
  const endpoints = await trx
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('active', '=', 1)
    .execute();
  if (endpoints.length === 0) return;
  await trx
    .insertInto('webhook_deliveries')
    .values(
      endpoints.map((e) => {
        const id = newId('wh');
        return {
          id,
          endpoint_id: e.id,
          tenant_id: tenantId,
          event,
          body: JSON.stringify({ id, event, createdAt: now, data: payload }),
          status: 'pending',
          attempts: 0,
          created_at: now,
          next_attempt_at: now,
          last_status_code: null,
          last_error: null,
          delivered_at: null,
        };
      }),
    )
    .execute();
}
