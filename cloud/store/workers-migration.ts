import type { Kysely, Migration } from 'kysely';

/**
 * Several cloud workers on one database (#11): presence is written by whichever worker received
 * a locker's status, so each write carries when it was received and an older one never
 * overwrites a newer one.
 */
export const workersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('lockers').addColumn('presence_at', 'bigint').execute();
  },
};
