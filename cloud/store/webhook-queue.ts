import { PostamatError } from '../../protocol/index.ts';
import { newId } from '../security/secrets.ts';
import type { Db } from './context.ts';

/** Fields that would put a person's data or a code into a body resting in the database. */
const PERSONAL = /^(phone|phones|email|e-?mail|code|codes|pin|recipient|contact|text)$/i;

/** The personal fields anywhere in a payload, by path (empty when the payload may rest). */
export function personalFieldsIn(value: unknown, path = 'data'): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    ...(PERSONAL.test(key) ? [`${path}.${key}`] : []),
    ...personalFieldsIn(inner, `${path}.${key}`),
  ]);
}

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
  // A body waits in webhook_deliveries until delivered and stays in the delivery log: nothing
  // personal may be put there (tenants get codes from the API answer).
  const personal = personalFieldsIn(payload);
  if (personal.length > 0) {
    throw new PostamatError('invalid-state', `webhook ${event} would keep ${personal.join(', ')}`, {
      fields: personal,
    });
  }
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
