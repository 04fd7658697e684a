import { type OrderKind, PostamatError } from '../../protocol/index.ts';
import {
  DEFAULT_PASS_WINDOW_MS,
  hasWork,
  type PendingStep,
  type PlannedStop,
  planStops,
  stopsOfOrders,
} from '../domain/manifest.ts';
import { newId } from '../security/secrets.ts';
import { bumpSyncVersion, type Db, inTransaction, type StoreContext } from './context.ts';
import type { ManifestRow } from './schema.ts';

export interface ManifestSpec {
  readonly courierId: string;
  /** The route as lockers with planned visit times … */
  readonly stops?:
    | readonly { readonly lockerId: string; readonly visitAt?: number | undefined }[]
    | undefined;
  /** … or derived from these orders' pending courier steps. */
  readonly orderIds?: readonly string[] | undefined;
  /** Default visit time of every stop (default: now). */
  readonly visitAt?: number | undefined;
  readonly passWindowMinutes?: number | undefined;
}

export interface ManifestView {
  readonly id: string;
  readonly courierId: string;
  readonly createdAt: number;
  readonly passWindowMs: number;
  readonly stops: (PlannedStop & { siteId: string | null })[];
}

/** Every pending step of a tenant's live orders, with what a courier needs to see of it. */
export async function pendingStepsOf(db: Db, tenantId: string): Promise<PendingStep[]> {
  const rows = await db
    .selectFrom('steps')
    .innerJoin('orders', 'orders.id', 'steps.order_id')
    .select([
      'steps.id as stepId',
      'steps.order_id as orderId',
      'steps.idx',
      'steps.kind',
      'steps.role',
      'steps.locker_id as lockerId',
      'orders.kind as orderKind',
      'orders.status as orderStatus',
      'orders.barcode',
      'orders.size',
    ])
    .where('orders.tenant_id', '=', tenantId)
    .where('steps.state', '=', 'pending')
    .where('orders.status', 'not in', ['cancelled', 'created'])
    .execute();
  return rows.map((r) => ({ ...r, orderKind: r.orderKind as OrderKind }));
}

/** The plan of a stored manifest, against the tenant's work as it stands now. */
export async function planOf(db: Db, m: ManifestRow): Promise<ManifestView> {
  const stops = await db
    .selectFrom('manifest_stops')
    .leftJoin('lockers', 'lockers.id', 'manifest_stops.locker_id')
    .select(['manifest_stops.locker_id', 'manifest_stops.visit_at', 'lockers.site_id'])
    .where('manifest_id', '=', m.id)
    .orderBy('pos')
    .execute();
  const only = m.order_ids === null ? undefined : new Set(JSON.parse(m.order_ids) as string[]);
  const planned = planStops(
    stops.map((s) => ({ lockerId: s.locker_id, visitAt: s.visit_at })),
    await pendingStepsOf(db, m.tenant_id),
    only,
  );
  return {
    id: m.id,
    courierId: m.courier_id,
    createdAt: m.created_at,
    passWindowMs: m.pass_window_ms,
    stops: planned.map((p, i) => ({ ...p, siteId: stops[i]?.site_id ?? null })),
  };
}

export { hasWork };

export function manifestStore(ctx: StoreContext) {
  const { db, clock } = ctx;

  async function openLockers(trx: Db, tenantId: string, lockerIds: readonly string[]) {
    const open = await trx
      .selectFrom('lockers')
      .innerJoin('operator_tenants', 'operator_tenants.operator_id', 'lockers.operator_id')
      .select(['lockers.id', 'lockers.site_id'])
      .where('operator_tenants.tenant_id', '=', tenantId)
      .where('lockers.id', 'in', [...lockerIds])
      .execute();
    lockerIds.forEach((id, i) => {
      if (!open.some((l) => l.id === id)) {
        throw new PostamatError('not-found', `no locker "${id}" open to this tenant`, {
          field: `stops.${i}.lockerId`,
          value: id,
        });
      }
    });
    return open;
  }

  /** Lockers whose pushed data (passes, route parcels) depends on the given stops. */
  async function touchedLockers(trx: Db, stops: readonly { id: string; site_id: string | null }[]) {
    const sites = [...new Set(stops.flatMap((s) => (s.site_id === null ? [] : [s.site_id])))];
    const gates =
      sites.length === 0
        ? []
        : await trx
            .selectFrom('access_points')
            .select('locker_id')
            .where('site_id', 'in', sites)
            .where('locker_id', 'is not', null)
            .execute();
    return [...new Set([...stops.map((s) => s.id), ...gates.map((g) => g.locker_id as string)])];
  }

  return {
    async createManifest(tenantId: string, spec: ManifestSpec): Promise<ManifestView> {
      const now = clock.now();
      return inTransaction(ctx, async (trx) => {
        const courier = await trx
          .selectFrom('couriers')
          .select(['id', 'active'])
          .where('id', '=', spec.courierId)
          .where('tenant_id', '=', tenantId)
          .executeTakeFirst();
        if (courier === undefined || courier.active !== 1) {
          throw new PostamatError('not-found', `no active courier "${spec.courierId}"`, {
            field: 'courierId',
            value: spec.courierId,
          });
        }
        let stops = spec.stops?.map((s) => ({ lockerId: s.lockerId, visitAt: s.visitAt }));
        if (stops === undefined) {
          const derived = stopsOfOrders(await pendingStepsOf(trx, tenantId), spec.orderIds ?? []);
          if (derived.length === 0) {
            throw new PostamatError('invalid-state', 'none of these orders waits for a courier', {
              field: 'orderIds',
            });
          }
          stops = derived.map((lockerId) => ({ lockerId, visitAt: undefined }));
        }
        const lockers = await openLockers(
          trx,
          tenantId,
          stops.map((s) => s.lockerId),
        );
        const row: ManifestRow = {
          id: newId('mf'),
          tenant_id: tenantId,
          courier_id: spec.courierId,
          order_ids: spec.orderIds === undefined ? null : JSON.stringify(spec.orderIds),
          pass_window_ms: (spec.passWindowMinutes ?? 0) * 60_000 || DEFAULT_PASS_WINDOW_MS,
          created_at: now,
        };
        await trx.insertInto('manifests').values(row).execute();
        await trx
          .insertInto('manifest_stops')
          .values(
            stops.map((s, pos) => ({
              manifest_id: row.id,
              pos,
              locker_id: s.lockerId,
              visit_at: s.visitAt ?? spec.visitAt ?? now,
            })),
          )
          .execute();
        for (const lockerId of await touchedLockers(trx, lockers)) {
          await bumpSyncVersion(trx, lockerId);
        }
        return planOf(trx, row);
      });
    },

    async manifest(tenantId: string, id: string): Promise<ManifestView> {
      const row = await db
        .selectFrom('manifests')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (row === undefined) throw new PostamatError('not-found', `no manifest "${id}"`, { id });
      if (row.tenant_id !== tenantId) {
        throw new PostamatError('not-authorized', 'this manifest belongs to another tenant');
      }
      return planOf(db, row);
    },

    async listManifests(tenantId: string, courierId?: string) {
      let q = db.selectFrom('manifests').selectAll().where('tenant_id', '=', tenantId);
      if (courierId !== undefined) q = q.where('courier_id', '=', courierId);
      const rows = await q.orderBy('created_at', 'desc').limit(100).execute();
      return rows.map((r) => ({ id: r.id, courierId: r.courier_id, createdAt: r.created_at }));
    },
  };
}
