import { PostamatError } from '../../protocol/index.ts';
import type { StoreContext } from './context.ts';

/** The tenants an operator serves, as its admins manage them in the console. */
export function operatorTenantStore(ctx: StoreContext) {
  const { db } = ctx;
  return {
    async operatorTenants(operatorId: string) {
      const rows = await db
        .selectFrom('tenants')
        .innerJoin('operator_tenants', 'operator_tenants.tenant_id', 'tenants.id')
        .leftJoin('webhook_endpoints', (join) =>
          join
            .onRef('webhook_endpoints.tenant_id', '=', 'tenants.id')
            .on('webhook_endpoints.active', '=', 1),
        )
        .select([
          'tenants.id',
          'tenants.name',
          'tenants.kind',
          'tenants.created_at',
          'webhook_endpoints.url',
        ])
        .where('operator_tenants.operator_id', '=', operatorId)
        .orderBy('tenants.created_at')
        .orderBy('tenants.name')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind,
        createdAt: r.created_at,
        webhookUrl: r.url ?? null,
      }));
    },

    /** Another operator's tenant is answered like a missing one. */
    async assertOperatorServes(operatorId: string, tenantId: string): Promise<void> {
      const row = await db
        .selectFrom('operator_tenants')
        .select('tenant_id')
        .where('operator_id', '=', operatorId)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      if (row === undefined) {
        throw new PostamatError('not-found', `no tenant "${tenantId}" of this operator`, {
          tenantId,
        });
      }
    },
  };
}
