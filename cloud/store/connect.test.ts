import { describe, expect, it } from 'vitest';
import { adminQuery, postgresTestStore, type TestStore } from './test-stores.ts';

/** Neighbours on the same PostgreSQL database create and drop their schemas all the time. */
async function churnSchemas(rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i += 1) {
    const name = `churn_${Math.random().toString(36).slice(2, 10)}`;
    await adminQuery(`create schema ${name}; create table ${name}.t (id serial primary key)`);
    await adminQuery(`drop schema ${name} cascade`);
  }
}

describe('opening a PostgreSQL store', () => {
  it('migrates while other schemas are dropped at the same moment', async () => {
    const opened: TestStore[] = [];
    const open = async () => {
      for (let i = 0; i < 4; i += 1) opened.push(await postgresTestStore());
    };
    try {
      await Promise.all([churnSchemas(40), churnSchemas(40), open(), open(), open()]);
      expect(opened).toHaveLength(12);
      for (const { store } of opened)
        expect(await store.listLockers({ operatorId: 'op-none' })).toEqual([]);
    } finally {
      await Promise.all(opened.map((s) => s.dispose()));
    }
  }, 120_000);
});
