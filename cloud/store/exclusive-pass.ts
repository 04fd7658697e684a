import { sql } from 'kysely';
import type { StoreContext } from './context.ts';

/**
 * One pass of a background loop at a time across every cloud worker on the database.
 *
 * PostgreSQL: a session advisory lock keyed by (schema, name), held on one pooled connection for
 * the pass. Another worker's pass of the same loop waits for it, then reads what this one
 * committed — so a webhook, a notification or a command is never picked by two workers at once.
 * A worker that dies mid-pass loses its connection and with it the lock; the next worker goes on.
 * SQLite: one process owns the file, and its loops already run one pass at a time.
 */
export function exclusivePasses(ctx: StoreContext) {
  return {
    async exclusively<T>(name: string, pass: () => Promise<T>): Promise<T> {
      if (ctx.engine !== 'postgres') return pass();
      return ctx.db.connection().execute(async (conn) => {
        const key = sql`hashtext(current_schema()), hashtext(${name})`;
        await sql`select pg_advisory_lock(${key})`.execute(conn);
        try {
          return await pass();
        } finally {
          await sql`select pg_advisory_unlock(${key})`.execute(conn);
        }
      });
    },
  };
}
