import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Clock } from '../../protocol/index.ts';
import { type CloudStore, openStore } from './store.ts';
import type { SyncLimits } from './sync-horizon.ts';

/** Test support: a fresh store per test on each engine, removed afterwards. */
export interface TestStore {
  readonly store: CloudStore;
  dispose(): Promise<void>;
}

export const TEST_PG_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function sqliteTestStore(clock?: Clock, limits?: SyncLimits): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'postamat-cloud-'));
  const file = join(dir, 'cloud.sqlite');
  const store = await openStore({ engine: 'sqlite', file }, clock, limits);
  return {
    store,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function postgresTestStore(clock?: Clock, limits?: SyncLimits): Promise<TestStore> {
  const schema = `t_${Math.random().toString(36).slice(2, 12)}`;
  await adminQuery(`create schema ${schema}`);
  let store: CloudStore;
  try {
    store = await openStore({ engine: 'postgres', url: TEST_PG_URL, schema }, clock, limits);
  } catch (error) {
    // A store that never opened is never disposed: drop its schema here.
    await adminQuery(`drop schema ${schema} cascade`);
    throw error;
  }
  return {
    store,
    async dispose() {
      await store.close();
      await adminQuery(`drop schema ${schema} cascade`);
    },
  };
}

/** Runs one statement as the test database's owner (creating and dropping test schemas). */
export async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

export const TEST_ENGINES = [
  { engine: 'sqlite', open: sqliteTestStore },
  { engine: 'postgres', open: postgresTestStore },
] as const;

export class FakeClock implements Clock {
  constructor(public time = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** An operator with one locker (cells given per size) open to one tenant. */
export async function seedNetwork(
  store: CloudStore,
  cellsPerSize: Partial<Record<'S' | 'M' | 'L' | 'XL', number>> = { M: 2 },
) {
  const { operator, apiKey: operatorKey } = await store.createOperator('Op');
  const { tenant, apiKey: tenantKey } = await store.createTenant('Shop', 'marketplace');
  await store.grantTenant(operator.id, tenant.id);
  const locker = await provisionTestLocker(store, operator.id, 'L1', 55.75, 37.61, cellsPerSize);
  return { operator, operatorKey, tenant, tenantKey, locker };
}

export async function provisionTestLocker(
  store: CloudStore,
  operatorId: string,
  id: string,
  lat: number,
  lon: number,
  cellsPerSize: Partial<Record<'S' | 'M' | 'L' | 'XL', number>>,
) {
  const cells = Object.entries(cellsPerSize).flatMap(([size, n]) =>
    Array.from({ length: n }, (_, i) => ({
      cellId: `${size}${i + 1}`,
      bus: 'bus0',
      board: 1,
      channel: i + 1,
      size: size as 'S' | 'M' | 'L' | 'XL',
      features: [],
    })),
  );
  return store.provisionLocker(operatorId, { id, address: `${id} street`, lat, lon, cells });
}
