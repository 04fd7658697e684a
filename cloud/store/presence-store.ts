import type { Status } from '../../protocol/index.ts';
import { type Db, inTransaction, type StoreContext } from './context.ts';

/** One status as received: what the presence writer hands the store in a batch. */
export interface ReceivedStatus {
  readonly status: Status;
  /** The cloud's clock when it arrived. */
  readonly receivedAt: number;
}

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
      return writePresence(db, lockerId, online, at);
    },

    /**
     * Many lockers' statuses in one transaction: presence (online, last seen) and the last status
     * for the console, each only if no newer one is recorded. A connect storm is thousands of
     * statuses a second; one commit per status was most of what the store spent on it.
     */
    async recordStatuses(batch: readonly ReceivedStatus[]): Promise<void> {
      // Row locks taken in id order: two workers' batches cannot wait on each other crosswise.
      const sorted = [...batch].sort((a, b) => a.status.lockerId.localeCompare(b.status.lockerId));
      await inTransaction(ctx, async (trx) => {
        for (const { status, receivedAt } of sorted) {
          await writePresence(trx, status.lockerId, status.online, receivedAt);
          const values = { status: JSON.stringify(status), received_at: receivedAt };
          await trx
            .insertInto('locker_status')
            .values({ locker_id: status.lockerId, ...values })
            .onConflict((oc) =>
              oc
                .column('locker_id')
                .doUpdateSet(values)
                .where('locker_status.received_at', '<=', receivedAt),
            )
            .execute();
        }
      });
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

/** One conditional UPDATE: atomic on both engines, so two workers cannot interleave. */
async function writePresence(db: Db, lockerId: string, online: boolean, at: number) {
  const result = await db
    .updateTable('lockers')
    .set({ online: online ? 1 : 0, last_seen_at: at, presence_at: at })
    .where('id', '=', lockerId)
    .where((eb) => eb.or([eb('presence_at', 'is', null), eb('presence_at', '<=', at)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
