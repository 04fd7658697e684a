import type { Status } from '../../protocol/index.ts';
import type { StoreContext } from '../store/context.ts';

/** The last status message each locker sent (outbox depth, boards, versions), for the console. */
export function lockerStatusStore(ctx: StoreContext) {
  const { db } = ctx;
  return {
    async saveLockerStatus(status: Status, receivedAt: number): Promise<void> {
      const values = { status: JSON.stringify(status), received_at: receivedAt };
      await db
        .insertInto('locker_status')
        .values({ locker_id: status.lockerId, ...values })
        .onConflict((oc) => oc.column('locker_id').doUpdateSet(values))
        .execute();
    },

    async lastLockerStatus(lockerId: string) {
      const row = await db
        .selectFrom('locker_status')
        .selectAll()
        .where('locker_id', '=', lockerId)
        .executeTakeFirst();
      return row === undefined
        ? undefined
        : { status: JSON.parse(row.status) as Status, receivedAt: row.received_at };
    },
  };
}
