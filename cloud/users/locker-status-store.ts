import type { Status } from '../../protocol/index.ts';
import type { StoreContext } from '../store/context.ts';

/** The last status message each locker sent (outbox depth, boards, versions), for the console. */
export function lockerStatusStore(ctx: StoreContext) {
  const { db } = ctx;
  return {
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
