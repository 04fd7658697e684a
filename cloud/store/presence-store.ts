import type { StoreContext } from './context.ts';

/**
 * Locker presence shared by every cloud worker. With shared subscriptions each worker sees only
 * some statuses and last wills, so the database holds the one answer: a status is recorded only
 * if it was received no earlier than the one recorded (`presence_at`), whichever worker wrote it.
 */
export function presenceStore(ctx: StoreContext) {
  const { db } = ctx;
  return {
    /** Returns false when a newer status was already recorded (this one arrived late). */
    async recordLockerPresence(lockerId: string, online: boolean, at: number): Promise<boolean> {
      // One conditional UPDATE: atomic on both engines, so two workers cannot interleave.
      const result = await db
        .updateTable('lockers')
        .set({ online: online ? 1 : 0, last_seen_at: at, presence_at: at })
        .where('id', '=', lockerId)
        .where((eb) => eb.or([eb('presence_at', 'is', null), eb('presence_at', '<=', at)]))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async isLockerOnline(lockerId: string): Promise<boolean> {
      const row = await db
        .selectFrom('lockers')
        .select('online')
        .where('id', '=', lockerId)
        .executeTakeFirst();
      return row?.online === 1;
    },
  };
}
