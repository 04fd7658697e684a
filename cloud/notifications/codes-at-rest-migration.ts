import type { Kysely, Migration } from 'kysely';
import { maskCodes } from './resting-answer.ts';

interface Tables {
  webhook_deliveries: { id: string; body: string };
  idempotency_keys: { principal: string; key: string; response: string | null };
}

/**
 * `0006`: codes kept in clear before this version are masked where they rest — webhook bodies
 * (which no longer carry codes at all) and kept API answers (sealed from now on when a
 * personal-data key is configured). A migration has no key, so masking is all it can do.
 */
export const codesAtRestMigration: Migration = {
  async up(untyped: Kysely<unknown>) {
    const db = untyped as Kysely<Tables>;
    const bodies = await db
      .selectFrom('webhook_deliveries')
      .select(['id', 'body'])
      .where('body', 'like', '%"code":"%')
      .execute();
    for (const row of bodies) {
      await db
        .updateTable('webhook_deliveries')
        .set({ body: maskCodes(row.body) })
        .where('id', '=', row.id)
        .execute();
    }
    const answers = await db
      .selectFrom('idempotency_keys')
      .select(['principal', 'key', 'response'])
      .where('response', 'like', '%"code":"%')
      .execute();
    for (const row of answers) {
      await db
        .updateTable('idempotency_keys')
        .set({ response: maskCodes(row.response ?? '') })
        .where('principal', '=', row.principal)
        .where('key', '=', row.key)
        .execute();
    }
  },
};
