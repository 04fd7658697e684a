import { adminQuery, TEST_PG_URL } from '../../store/test-stores.ts';

export type Engine = 'sqlite' | 'postgres';
export const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];

/**
 * TEST SUPPORT — the environment that points a cloud at a fresh store: SQLite under its data
 * directory, or a PostgreSQL schema of its own (random name, dropped by `dispose`).
 */
export async function storeEnv(
  engine: Engine,
): Promise<{ env: Record<string, string>; dispose: () => Promise<void> }> {
  if (engine === 'sqlite') return { env: {}, dispose: async () => {} };
  const schema = `e2e_${Math.random().toString(36).slice(2, 12)}`;
  await adminQuery(`create schema ${schema}`);
  return {
    env: { DATABASE_URL: TEST_PG_URL, POSTAMAT_DATABASE_SCHEMA: schema },
    dispose: () => adminQuery(`drop schema ${schema} cascade`),
  };
}
