import {
  CELL_SIZES,
  type CellSize,
  PostamatError,
  type SyncMessage,
} from '../../protocol/index.ts';
import { newId } from '../security/secrets.ts';
import { bumpSyncVersion, type Db, inTransaction, type StoreContext } from '../store/context.ts';
import { readByKeys } from '../store/key-batches.ts';
import type { StorageProfileRow } from './payment-schema.ts';

export type Tariff = NonNullable<SyncMessage['tariffs']>[number];

/** Until an operator binds a profile, every locker charges the network's default grid. */
export const DEFAULT_TARIFFS: readonly Tariff[] = [
  { size: 'S', firstHourKopecks: 0, nextHourKopecks: 0, dayCapKopecks: 9900 },
  { size: 'M', firstHourKopecks: 0, nextHourKopecks: 0, dayCapKopecks: 14900 },
  { size: 'L', firstHourKopecks: 0, nextHourKopecks: 0, dayCapKopecks: 19900 },
  { size: 'XL', firstHourKopecks: 0, nextHourKopecks: 0, dayCapKopecks: 24900 },
];

export interface StorageProfileInput {
  readonly name: string;
  readonly tariffs: readonly Tariff[];
}

function view(row: StorageProfileRow) {
  return {
    id: row.id,
    name: row.name,
    tariffs: JSON.parse(row.tariffs) as Tariff[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
export type StorageProfileView = ReturnType<typeof view>;

/** A profile's grid over the defaults: sizes it does not price keep the default tariff. */
export function mergeTariffs(profile: readonly Tariff[] | undefined): Tariff[] {
  const bySize = new Map<CellSize, Tariff>(DEFAULT_TARIFFS.map((t) => [t.size, t]));
  for (const t of profile ?? []) bySize.set(t.size, t);
  return CELL_SIZES.map((size) => bySize.get(size) as Tariff);
}

/** The tariffs a locker's sync carries: its bound profile's, else the defaults. */
export async function lockerTariffs(db: Db, lockerId: string): Promise<Tariff[]> {
  return (await lockerTariffsMany(db, [lockerId])).get(lockerId) ?? mergeTariffs(undefined);
}

/** lockerTariffs of many lockers, one read per 256; lockers bound to no profile are absent. */
export async function lockerTariffsMany(
  db: Db,
  lockerIds: readonly string[],
): Promise<Map<string, Tariff[]>> {
  return readByKeys(
    lockerIds,
    (ids) =>
      db
        .selectFrom('locker_storage_profiles')
        .innerJoin('storage_profiles', 'storage_profiles.id', 'locker_storage_profiles.profile_id')
        .select(['locker_storage_profiles.locker_id', 'storage_profiles.tariffs'])
        .where('locker_storage_profiles.locker_id', 'in', ids)
        .execute(),
    (row) => [row.locker_id, mergeTariffs(JSON.parse(row.tariffs) as Tariff[])],
  );
}

async function ownProfile(db: Db, operatorId: string, id: string): Promise<StorageProfileRow> {
  const row = await db
    .selectFrom('storage_profiles')
    .selectAll()
    .where('id', '=', id)
    .where('operator_id', '=', operatorId)
    .executeTakeFirst();
  if (row === undefined) {
    throw new PostamatError('not-found', `no storage profile "${id}" of this operator`, { id });
  }
  return row;
}

/** A change of tariffs must reach every locker bound to the profile: bump their versions. */
async function bumpBoundLockers(trx: Db, profileId: string): Promise<void> {
  const bound = await trx
    .selectFrom('locker_storage_profiles')
    .select('locker_id')
    .where('profile_id', '=', profileId)
    .execute();
  for (const { locker_id } of bound) await bumpSyncVersion(trx, locker_id);
}

/** Operators' named tariff grids per cell size, bound to their lockers. */
export function storageProfileStore(ctx: StoreContext) {
  const { db, clock } = ctx;
  return {
    async createStorageProfile(operatorId: string, input: StorageProfileInput) {
      const now = clock.now();
      const row: StorageProfileRow = {
        id: newId('sp'),
        operator_id: operatorId,
        name: input.name,
        tariffs: JSON.stringify(input.tariffs),
        created_at: now,
        updated_at: now,
      };
      await db.insertInto('storage_profiles').values(row).execute();
      return view(row);
    },

    async listStorageProfiles(operatorId: string) {
      const rows = await db
        .selectFrom('storage_profiles')
        .selectAll()
        .where('operator_id', '=', operatorId)
        .orderBy('created_at')
        .execute();
      return rows.map(view);
    },

    async getStorageProfile(operatorId: string, id: string) {
      const row = await ownProfile(db, operatorId, id);
      const lockers = await db
        .selectFrom('locker_storage_profiles')
        .select('locker_id')
        .where('profile_id', '=', id)
        .orderBy('locker_id')
        .execute();
      return { ...view(row), lockerIds: lockers.map((l) => l.locker_id) };
    },

    async updateStorageProfile(operatorId: string, id: string, input: StorageProfileInput) {
      return inTransaction(ctx, async (trx) => {
        await ownProfile(trx, operatorId, id);
        await trx
          .updateTable('storage_profiles')
          .set({
            name: input.name,
            tariffs: JSON.stringify(input.tariffs),
            updated_at: clock.now(),
          })
          .where('id', '=', id)
          .execute();
        await bumpBoundLockers(trx, id);
        return view(await ownProfile(trx, operatorId, id));
      });
    },

    /** A profile lockers still charge by cannot go: unbind them first (409). */
    async deleteStorageProfile(operatorId: string, id: string): Promise<void> {
      await inTransaction(ctx, async (trx) => {
        await ownProfile(trx, operatorId, id);
        const bound = await trx
          .selectFrom('locker_storage_profiles')
          .select('locker_id')
          .where('profile_id', '=', id)
          .execute();
        if (bound.length > 0) {
          throw new PostamatError('conflict', `storage profile "${id}" is bound to lockers`, {
            id,
            lockerIds: bound.map((b) => b.locker_id),
          });
        }
        await trx.deleteFrom('storage_profiles').where('id', '=', id).execute();
      });
    },

    /** Binds a profile (or, with null, returns the locker to the defaults) and bumps its sync. */
    async bindStorageProfile(operatorId: string, lockerId: string, profileId: string | null) {
      await inTransaction(ctx, async (trx) => {
        const locker = await trx
          .selectFrom('lockers')
          .select('operator_id')
          .where('id', '=', lockerId)
          .executeTakeFirst();
        if (locker === undefined || locker.operator_id !== operatorId) {
          throw new PostamatError('not-found', `no locker "${lockerId}" of this operator`, {
            lockerId,
          });
        }
        await trx.deleteFrom('locker_storage_profiles').where('locker_id', '=', lockerId).execute();
        if (profileId !== null) {
          await ownProfile(trx, operatorId, profileId);
          await trx
            .insertInto('locker_storage_profiles')
            .values({ locker_id: lockerId, profile_id: profileId })
            .execute();
        }
        await bumpSyncVersion(trx, lockerId);
      });
      return { lockerId, profileId, tariffs: await lockerTariffs(db, lockerId) };
    },
  };
}
