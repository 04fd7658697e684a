import type { StoreContext } from './context.ts';

/** How far back a delta may reach before the store answers with a snapshot instead. */
export interface SyncLimits {
  /**
   * A delta spans at most this many versions. Every change bumps the version, so a locker that
   * missed more changes than this is sent its whole (bounded) data rather than every tombstone
   * of a busy week.
   */
  readonly maxDeltaVersions: number;
}

export const DEFAULT_SYNC_LIMITS: SyncLimits = { maxDeltaVersions: 20_000 };

/**
 * Whether a locker holding version `since` can be brought up to date by a delta: not when it
 * holds nothing, a version the cloud never issued (the future: a restored cloud backup, another
 * locker's data), one older than the pruned tombstones, or one too many changes ago.
 */
export function deltaPossible(
  since: number | undefined,
  locker: { readonly sync_version: number; readonly sync_horizon: number },
  limits: SyncLimits,
): since is number {
  if (since === undefined || since <= 0) return false;
  if (since > locker.sync_version || since < locker.sync_horizon) return false;
  return locker.sync_version - since <= limits.maxDeltaVersions;
}

/**
 * Deletes tombstones (dead codes, released bookings) that only deltas read, keeping the last
 * `keepVersions` versions of each locker, and moves each locker's horizon up to match: a locker
 * holding an older version is then sent a snapshot. Nothing else reads dead rows (orders,
 * capacity and code uniqueness look at live ones only). Returns how many rows were deleted.
 */
export async function pruneSyncTombstones(
  ctx: StoreContext,
  keepVersions: number,
): Promise<number> {
  const lockers = await ctx.db
    .selectFrom('lockers')
    .select(['id', 'sync_version', 'sync_horizon'])
    .execute();
  let deleted = 0;
  for (const locker of lockers) {
    const horizon = locker.sync_version - Math.max(0, keepVersions);
    if (horizon <= locker.sync_horizon) continue;
    deleted += await ctx.db.transaction().execute(async (trx) => {
      const codes = await trx
        .deleteFrom('codes')
        .where('locker_id', '=', locker.id)
        .where('live', '=', 0)
        .where('changed_version', '<=', horizon)
        .executeTakeFirst();
      const bookings = await trx
        .deleteFrom('bookings')
        .where('locker_id', '=', locker.id)
        .where('active', '=', 0)
        .where('changed_version', '<=', horizon)
        .executeTakeFirst();
      await trx
        .updateTable('lockers')
        .set({ sync_horizon: horizon })
        .where('id', '=', locker.id)
        .where('sync_horizon', '<', horizon)
        .execute();
      return Number(codes.numDeletedRows) + Number(bookings.numDeletedRows);
    });
  }
  return deleted;
}
