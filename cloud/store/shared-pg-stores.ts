import pg from 'pg';
import type { Clock } from '../../protocol/index.ts';
import { type CloudStore, openStore } from './store.ts';
import { adminQuery, TEST_PG_URL } from './test-stores.ts';

/**
 * TEST SUPPORT — several cloud stores on ONE PostgreSQL schema, each with its own pool: what
 * several cloud worker processes see. The first one migrates the fresh schema; the others open
 * it after (Kysely's migration lock would serialize them too, but its lock table must exist).
 */
export interface SharedPgStores {
  readonly stores: readonly CloudStore[];
  readonly schema: string;
  /** Runs a read-only query on the shared schema through a connection of its own. */
  query<R>(text: string, values?: unknown[]): Promise<R[]>;
  dispose(): Promise<void>;
}

export async function sharedPgStores(count: number, clock?: Clock): Promise<SharedPgStores> {
  const schema = `w_${Math.random().toString(36).slice(2, 12)}`;
  await adminQuery(`create schema ${schema}`);
  const stores: CloudStore[] = [];
  const dispose = async () => {
    await Promise.allSettled(stores.map((s) => s.close()));
    await adminQuery(`drop schema ${schema} cascade`);
  };
  try {
    for (let i = 0; i < count; i++) {
      stores.push(await openStore({ engine: 'postgres', url: TEST_PG_URL, schema }, clock));
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  const query = async <R>(text: string, values: unknown[] = []): Promise<R[]> => {
    const client = new pg.Client({
      connectionString: TEST_PG_URL,
      options: `-c search_path=${schema}`,
    });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as R[];
    } finally {
      await client.end();
    }
  };
  return { stores, schema, query, dispose };
}
