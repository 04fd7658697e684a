import { sql } from 'kysely';
import type { Status } from '../../protocol/index.ts';
import { type Db, inTransaction, lockLockers, type StoreContext } from './context.ts';
import { fixedChunks } from './key-batches.ts';

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
      // Per locker the newest of the batch: only it can win against what is stored.
      const newest = new Map<string, ReceivedStatus>();
      for (const received of batch) {
        const seen = newest.get(received.status.lockerId);
        if (seen === undefined || received.receivedAt >= seen.receivedAt) {
          newest.set(received.status.lockerId, received);
        }
      }
      // Row locks taken in id order: two workers' batches cannot wait on each other crosswise.
      const sorted = [...newest.values()].sort((a, b) =>
        a.status.lockerId.localeCompare(b.status.lockerId),
      );
      await inTransaction(ctx, async (trx) => {
        // A few statements for many lockers: one UPDATE and one upsert per chunk, where a
        // statement per locker was 20,000 round trips to PostgreSQL in a 10,000-locker storm.
        for (const rows of fixedChunks(sorted)) {
          await lockLockers(
            ctx,
            trx,
            rows.map((r) => r.status.lockerId),
          );
          await writePresences(trx, rows);
          await trx
            .insertInto('locker_status')
            .values(
              rows.map(({ status, receivedAt }) => ({
                locker_id: status.lockerId,
                status: JSON.stringify(status),
                received_at: receivedAt,
              })),
            )
            .onConflict((oc) =>
              oc
                .column('locker_id')
                .doUpdateSet((eb) => ({
                  status: eb.ref('excluded.status'),
                  received_at: eb.ref('excluded.received_at'),
                }))
                .where((eb) =>
                  eb('locker_status.received_at', '<=', eb.ref('excluded.received_at')),
                ),
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

/**
 * writePresence of many lockers in one UPDATE … FROM (VALUES …) (PostgreSQL; SQLite ≥ 3.33).
 * VALUES columns are column1, column2, … on both engines; the casts give PostgreSQL the types.
 */
async function writePresences(trx: Db, rows: readonly ReceivedStatus[]): Promise<void> {
  const values = rows.map(
    ({ status, receivedAt }) =>
      sql`(${status.lockerId}, cast(${status.online ? 1 : 0} as integer), cast(${receivedAt} as bigint))`,
  );
  await sql`update lockers set online = v.online, last_seen_at = v.at, presence_at = v.at
    from (select column1 as id, column2 as online, column3 as at
          from (values ${sql.join(values)}) as t) as v
    where lockers.id = v.id and (lockers.presence_at is null or lockers.presence_at <= v.at)`.execute(
    trx,
  );
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
