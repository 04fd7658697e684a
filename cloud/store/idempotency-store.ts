import type { StoreContext } from './context.ts';

export type IdempotencyClaim =
  | { readonly state: 'new' }
  | { readonly state: 'replay'; readonly statusCode: number; readonly body: string }
  | { readonly state: 'in-progress' }
  | { readonly state: 'mismatch' };

/**
 * Idempotency-Key records: the first request claims the key, its answer is stored, retries get
 * that answer. A key reused with a different request is refused rather than guessed at.
 */
export function idempotencyStore(ctx: StoreContext) {
  const { db, clock } = ctx;
  return {
    async claimIdempotencyKey(
      principal: string,
      key: string,
      requestHash: string,
    ): Promise<IdempotencyClaim> {
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({
          principal,
          key,
          request_hash: requestHash,
          status_code: null,
          response: null,
          created_at: clock.now(),
        })
        .onConflict((oc) => oc.columns(['principal', 'key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { state: 'new' };
      const row = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('principal', '=', principal)
        .where('key', '=', key)
        .executeTakeFirst();
      if (row === undefined) return { state: 'in-progress' };
      if (row.request_hash !== requestHash) return { state: 'mismatch' };
      if (row.status_code === null || row.response === null) return { state: 'in-progress' };
      return { state: 'replay', statusCode: row.status_code, body: row.response };
    },

    async completeIdempotencyKey(principal: string, key: string, statusCode: number, body: string) {
      await db
        .updateTable('idempotency_keys')
        .set({ status_code: statusCode, response: body })
        .where('principal', '=', principal)
        .where('key', '=', key)
        .execute();
    },

    /** Frees a key whose request failed before answering, so a retry can run. */
    async releaseIdempotencyKey(principal: string, key: string) {
      await db
        .deleteFrom('idempotency_keys')
        .where('principal', '=', principal)
        .where('key', '=', key)
        .where('status_code', 'is', null)
        .execute();
    },
  };
}
