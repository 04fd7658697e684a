import { type CellFeature, type CellSize, PostamatError } from '../../protocol/index.ts';
import { boundingBox, distanceKm, type Point } from '../domain/geo.ts';
import { newId, newSecret, sha256Hex } from '../security/secrets.ts';
import { freeCapacity, type Window } from './capacity.ts';
import { bumpSyncVersion, inTransaction, type StoreContext } from './context.ts';
import { readByKeys } from './key-batches.ts';
import type { CellRow, LockerRow } from './schema.ts';

export interface CellSpec {
  readonly cellId: string;
  readonly bus: string;
  readonly board: number;
  readonly channel: number;
  readonly size: CellSize;
  readonly features: readonly CellFeature[];
}

export interface LockerSpec {
  readonly id: string;
  readonly siteId?: string | undefined;
  readonly address: string;
  readonly lat: number;
  readonly lon: number;
  readonly cells: readonly CellSpec[];
}

export interface NearbyLocker {
  readonly lockerId: string;
  readonly address: string;
  readonly distanceKm: number;
  readonly free: number;
}

function cellRow(lockerId: string, c: CellSpec): CellRow {
  return {
    locker_id: lockerId,
    cell_id: c.cellId,
    bus: c.bus,
    board: c.board,
    channel: c.channel,
    size: c.size,
    features: JSON.stringify(c.features),
    in_service: 1,
    changed_version: 1,
  };
}

export function lockerView(row: LockerRow, cells: readonly CellRow[], openAlarms: number) {
  return {
    id: row.id,
    operatorId: row.operator_id,
    siteId: row.site_id,
    address: row.address,
    lat: row.lat,
    lon: row.lon,
    online: row.online === 1,
    lastSeenAt: row.last_seen_at,
    openAlarms,
    cells: cells.map((c) => ({
      cellId: c.cell_id,
      size: c.size as CellSize,
      features: JSON.parse(c.features) as CellFeature[],
      inService: c.in_service === 1,
    })),
  };
}
export type LockerView = ReturnType<typeof lockerView>;

export function lockerStore(ctx: StoreContext) {
  const { db, clock } = ctx;

  /** syncVersionOf of many lockers, one read per 256 (unknown and revoked ones absent). */
  const syncVersionsOf = (lockerIds: readonly string[]) =>
    readByKeys(
      lockerIds,
      (ids) =>
        db
          .selectFrom('lockers')
          .select(['id', 'sync_version'])
          .where('id', 'in', ids)
          .where('revoked', '=', 0)
          .execute(),
      (row) => [row.id, row.sync_version],
    );

  async function view(rows: readonly LockerRow[]): Promise<LockerView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const cells = await db.selectFrom('cells').selectAll().where('locker_id', 'in', ids).execute();
    const alarms = await db
      .selectFrom('alarms')
      .select(['locker_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('locker_id', 'in', ids)
      .where('cleared_at', 'is', null)
      .groupBy('locker_id')
      .execute();
    const alarmCount = new Map(alarms.map((a) => [a.locker_id, Number(a.n)]));
    return rows.map((r) =>
      lockerView(
        r,
        cells.filter((c) => c.locker_id === r.id),
        alarmCount.get(r.id) ?? 0,
      ),
    );
  }

  return {
    async createSite(operatorId: string, site: { name: string; kind: string; address: string }) {
      const id = newId('st');
      await db
        .insertInto('sites')
        .values({ id, operator_id: operatorId, ...site })
        .execute();
      return { id, operatorId, ...site };
    },

    /** Registers a locker and issues its MQTT secret and code hash key (returned once). */
    async provisionLocker(operatorId: string, spec: LockerSpec) {
      const mqttSecret = newSecret();
      const hashKey = newSecret();
      await inTransaction(ctx, async (trx) => {
        const existing = await trx
          .selectFrom('lockers')
          .select('id')
          .where('id', '=', spec.id)
          .executeTakeFirst();
        if (existing !== undefined) {
          throw new PostamatError('conflict', `locker "${spec.id}" already exists`, {
            lockerId: spec.id,
          });
        }
        if (spec.siteId !== undefined) {
          const site = await trx
            .selectFrom('sites')
            .select('id')
            .where('id', '=', spec.siteId)
            .where('operator_id', '=', operatorId)
            .executeTakeFirst();
          if (site === undefined) {
            throw new PostamatError('not-found', `no site "${spec.siteId}" of this operator`, {
              siteId: spec.siteId,
            });
          }
        }
        await trx
          .insertInto('lockers')
          .values({
            id: spec.id,
            operator_id: operatorId,
            site_id: spec.siteId ?? null,
            address: spec.address,
            lat: spec.lat,
            lon: spec.lon,
            online: 0,
            last_seen_at: null,
            mqtt_secret_hash: sha256Hex(mqttSecret),
            hash_key: hashKey,
            revoked: 0,
            sync_version: 1,
            sync_horizon: 0,
            created_at: clock.now(),
          })
          .execute();
        // In chunks: SQLite caps the variables of one statement.
        for (let i = 0; i < spec.cells.length; i += 200) {
          await trx
            .insertInto('cells')
            .values(spec.cells.slice(i, i + 200).map((c) => cellRow(spec.id, c)))
            .execute();
        }
      });
      return { lockerId: spec.id, mqttSecret, hashKey };
    },

    async getLocker(lockerId: string): Promise<LockerView | undefined> {
      const row = await db
        .selectFrom('lockers')
        .selectAll()
        .where('id', '=', lockerId)
        .executeTakeFirst();
      return row === undefined ? undefined : (await view([row]))[0];
    },

    async listLockers(filter: { operatorId?: string; tenantId?: string }): Promise<LockerView[]> {
      let query = db.selectFrom('lockers').selectAll('lockers').where('lockers.revoked', '=', 0);
      if (filter.operatorId !== undefined) {
        query = query.where('lockers.operator_id', '=', filter.operatorId);
      }
      if (filter.tenantId !== undefined) {
        query = query
          .innerJoin('operator_tenants', 'operator_tenants.operator_id', 'lockers.operator_id')
          .where('operator_tenants.tenant_id', '=', filter.tenantId);
      }
      return view(await query.orderBy('lockers.id').limit(1000).execute());
    },

    /** Lockers open to the tenant within radiusKm, nearest first, with room of that size. */
    async searchLockers(
      tenantId: string,
      center: Point,
      radiusKm: number,
      size: CellSize,
      window: Window,
      limit: number,
    ): Promise<NearbyLocker[]> {
      const box = boundingBox(center, radiusKm);
      const rows = await db
        .selectFrom('lockers')
        .innerJoin('operator_tenants', 'operator_tenants.operator_id', 'lockers.operator_id')
        .select(['lockers.id', 'lockers.address', 'lockers.lat', 'lockers.lon'])
        .where('operator_tenants.tenant_id', '=', tenantId)
        .where('lockers.revoked', '=', 0)
        .where('lockers.lat', '>=', box.minLat)
        .where('lockers.lat', '<=', box.maxLat)
        .where('lockers.lon', '>=', box.minLon)
        .where('lockers.lon', '<=', box.maxLon)
        .limit(2000)
        .execute();
      const free = await freeCapacity(
        db,
        rows.map((r) => r.id),
        size,
        window,
      );
      return rows
        .map((r) => ({
          lockerId: r.id,
          address: r.address,
          distanceKm: distanceKm(center, r),
          free: free.get(r.id) ?? 0,
        }))
        .filter((r) => r.free > 0 && r.distanceKm <= radiusKm)
        .sort((a, b) => a.distanceKm - b.distanceKm)
        .slice(0, limit);
    },

    /** Every locker's sync version: the publisher compares them with what it last sent. */
    async syncVersions(): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('lockers')
        .select(['id', 'sync_version'])
        .where('revoked', '=', 0)
        .execute();
      return new Map(rows.map((r) => [r.id, r.sync_version]));
    },

    syncVersionsOf,

    /** One locker's sync version (undefined when unknown or revoked): "is it current?" in one read. */
    async syncVersionOf(lockerId: string): Promise<number | undefined> {
      return (await syncVersionsOf([lockerId])).get(lockerId);
    },

    async lockerPosition(lockerId: string): Promise<Point | undefined> {
      return db
        .selectFrom('lockers')
        .select(['lat', 'lon'])
        .where('id', '=', lockerId)
        .executeTakeFirst();
    },

    /** Online state as the broker sees it (connect, status message, last will). */
    /**
     * A new UTC day: courier credentials are derived per day (today and tomorrow), so every
     * locker needs a delta carrying the next day's; bumping every version makes the publisher
     * send one.
     */
    async bumpAllSyncVersions(): Promise<void> {
      await db
        .updateTable('lockers')
        .set((eb) => ({ sync_version: eb('sync_version', '+', 1) }))
        .where('revoked', '=', 0)
        .execute();
    },

    /**
     * At the start of a cloud with the embedded broker nobody is connected yet, whatever the
     * store remembers from before a crash; last seen stays as it was.
     */
    async markAllOffline(): Promise<void> {
      await db.updateTable('lockers').set({ online: 0 }).where('online', '=', 1).execute();
    },

    async setLockerStatus(lockerId: string, online: boolean, at: number): Promise<void> {
      await db
        .updateTable('lockers')
        .set({ online: online ? 1 : 0, last_seen_at: at })
        .where('id', '=', lockerId)
        .execute();
    },

    async setCellService(lockerId: string, cellId: string, inService: boolean): Promise<void> {
      await inTransaction(ctx, async (trx) => {
        const version = await bumpSyncVersion(trx, lockerId);
        const result = await trx
          .updateTable('cells')
          .set({ in_service: inService ? 1 : 0, changed_version: version })
          .where('locker_id', '=', lockerId)
          .where('cell_id', '=', cellId)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) {
          throw new PostamatError('unknown-cell', `no cell "${cellId}" in "${lockerId}"`, {
            lockerId,
            cellId,
          });
        }
      });
    },
  };
}
