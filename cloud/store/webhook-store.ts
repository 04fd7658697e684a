import { PostamatError } from '../../protocol/index.ts';
import { newId, newSecret } from '../security/secrets.ts';
import type { StoreContext } from './context.ts';
import type { WebhookDeliveryRow } from './schema.ts';

export interface DueDelivery {
  readonly id: string;
  readonly url: string;
  readonly secret: string;
  readonly body: string;
  readonly attempts: number;
  readonly createdAt: number;
}

export interface AttemptOutcome {
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly error: string | null;
  /** When to try again; null gives up (the day of retries is over). */
  readonly nextAttemptAt: number | null;
}

function deliveryView(row: WebhookDeliveryRow) {
  return {
    id: row.id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    createdAt: row.created_at,
    nextAttemptAt: row.next_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
  };
}

export function webhookStore(ctx: StoreContext) {
  const { db, clock } = ctx;
  return {
    /** One endpoint per tenant: setting a new URL replaces the old one. The secret shows once. */
    async setWebhookEndpoint(tenantId: string, url: string) {
      const id = newId('we');
      const secret = newSecret();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('webhook_endpoints')
          .set({ active: 0 })
          .where('tenant_id', '=', tenantId)
          .execute();
        await trx
          .insertInto('webhook_endpoints')
          .values({ id, tenant_id: tenantId, url, secret, active: 1, created_at: clock.now() })
          .execute();
      });
      return { id, url, secret };
    },

    async dueDeliveries(limit: number): Promise<DueDelivery[]> {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
        .select([
          'webhook_deliveries.id',
          'webhook_endpoints.url',
          'webhook_endpoints.secret',
          'webhook_deliveries.body',
          'webhook_deliveries.attempts',
          'webhook_deliveries.created_at',
        ])
        .where('webhook_deliveries.status', '=', 'pending')
        .where('webhook_deliveries.next_attempt_at', '<=', clock.now())
        .orderBy('webhook_deliveries.next_attempt_at')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ ...r, createdAt: r.created_at }));
    },

    async recordAttempt(id: string, outcome: AttemptOutcome): Promise<void> {
      const row = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (row === undefined) return;
      const done = outcome.ok || outcome.nextAttemptAt === null;
      await db
        .updateTable('webhook_deliveries')
        .set({
          status: outcome.ok ? 'delivered' : done ? 'failed' : 'pending',
          attempts: row.attempts + 1,
          next_attempt_at: outcome.nextAttemptAt ?? row.next_attempt_at,
          last_status_code: outcome.statusCode,
          last_error: outcome.error,
          delivered_at: outcome.ok ? clock.now() : null,
        })
        .where('id', '=', id)
        .execute();
    },

    async listDeliveries(tenantId: string, limit: number) {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(deliveryView);
    },

    /** Sends a delivery again now, whatever became of it. */
    async replayDelivery(tenantId: string, id: string) {
      const result = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_at: clock.now() })
        .where('id', '=', id)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) {
        throw new PostamatError('not-found', `no delivery "${id}"`, { deliveryId: id });
      }
    },

    async webhookBacklog(): Promise<number> {
      const row = await db
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
