import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../protocol/index.ts';
import type { StoreEngine } from './connect.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database> | Transaction<Database>;

/** What every part of the store works with: the connection, its engine, and the clock. */
export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly engine: StoreEngine;
  readonly clock: Clock;
}

const RETRYABLE_PG_CODES = new Set(['40001', '40P01']);

/** Runs fn in a transaction; PostgreSQL serialization failures and deadlocks are retried. */
export async function inTransaction<T>(
  ctx: StoreContext,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction().execute(fn);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= 5 || typeof code !== 'string' || !RETRYABLE_PG_CODES.has(code)) throw error;
    }
  }
}

/**
 * Locks locker rows for the rest of the transaction, in id order so two transactions never
 * wait on each other crosswise. SQLite needs nothing: its transactions already run one at a time.
 */
export async function lockLockers(
  ctx: StoreContext,
  trx: Db,
  lockerIds: readonly string[],
): Promise<void> {
  if (ctx.engine !== 'postgres' || lockerIds.length === 0) return;
  await trx
    .selectFrom('lockers')
    .select('id')
    .where('id', 'in', [...lockerIds].sort())
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** Bumps and returns the locker's sync version; rows changed in this transaction carry it. */
export async function bumpSyncVersion(trx: Db, lockerId: string): Promise<number> {
  const row = await trx
    .updateTable('lockers')
    .set((eb) => ({ sync_version: eb('sync_version', '+', 1) }))
    .where('id', '=', lockerId)
    .returning('sync_version')
    .executeTakeFirst();
  return row?.sync_version ?? 0;
}

/**
 * Courier credentials ride whole in every sync message, so a courier added, deactivated or a
 * tenant newly admitted changes every locker the tenant may use: bumping their versions makes
 * the publisher push a delta (it carries the credentials) to each of them.
 */
export async function bumpTenantLockers(db: Db, tenantId: string): Promise<void> {
  await db
    .updateTable('lockers')
    .set((eb) => ({ sync_version: eb('sync_version', '+', 1) }))
    .where('operator_id', 'in', (eb) =>
      eb.selectFrom('operator_tenants').select('operator_id').where('tenant_id', '=', tenantId),
    )
    .where('revoked', '=', 0)
    .execute();
}
