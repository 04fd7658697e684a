import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache.ts';

interface Db {
  parcels: { id: string; cell: number };
}

describe('SQLite statement cache under Kysely', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function open(capacity?: number) {
    const dir = mkdtempSync(join(tmpdir(), 'postamat-stmt-'));
    dirs.push(dir);
    const database = new SqliteDatabase(join(dir, 'cloud.db'));
    const cached = withStatementCache(database, capacity);
    return { cached, db: new Kysely<Db>({ dialect: new SqliteDialect({ database: cached }) }) };
  }

  it('reuses statements with fresh parameters, stays bounded, and survives a schema change', async () => {
    const { cached, db } = open(4);
    await db.schema
      .createTable('parcels')
      .addColumn('id', 'text')
      .addColumn('cell', 'integer')
      .execute();
    for (let i = 0; i < 50; i += 1) {
      await db
        .insertInto('parcels')
        .values({ id: `P-${i}`, cell: i })
        .execute();
    }
    const find = (id: string) =>
      db.selectFrom('parcels').select('cell').where('id', '=', id).executeTakeFirst();
    expect(await find('P-7')).toEqual({ cell: 7 });
    expect(await find('P-42')).toEqual({ cell: 42 });
    expect(await find('P-99')).toBeUndefined();
    // Statements with IN lists of every length are distinct SQL: the cache must not grow with them.
    for (let n = 1; n <= 20; n += 1) {
      const ids = Array.from({ length: n }, (_, i) => `P-${i}`);
      const rows = await db.selectFrom('parcels').select('id').where('id', 'in', ids).execute();
      expect(rows).toHaveLength(n);
    }
    expect(cached.cachedStatements()).toBeLessThanOrEqual(4);
    // A kept statement over a table that changed shape is re-prepared by SQLite itself.
    expect(await find('P-3')).toEqual({ cell: 3 });
    await sql`ALTER TABLE parcels ADD COLUMN note text`.execute(db);
    await db.updateTable('parcels').set({ cell: 300 }).where('id', '=', 'P-3').execute();
    expect(await find('P-3')).toEqual({ cell: 300 });
    const all = await sql<{ n: number }>`SELECT count(*) AS n FROM parcels`.execute(db);
    expect(all.rows[0]?.n).toBe(50);
    await db.destroy();
  });

  it('runs transactions through kept statements and rolls back what failed', async () => {
    const { db } = open();
    await db.schema
      .createTable('parcels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('cell', 'integer')
      .execute();
    const put = (id: string, cell: number) =>
      db.transaction().execute(async (tx) => {
        await tx.insertInto('parcels').values({ id, cell }).execute();
        await tx
          .insertInto('parcels')
          .values({ id: `${id}-copy`, cell })
          .execute();
      });
    await put('A', 1);
    await expect(put('A', 2)).rejects.toThrow(/UNIQUE/);
    const rows = await db.selectFrom('parcels').selectAll().orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'A', cell: 1 },
      { id: 'A-copy', cell: 1 },
    ]);
    await db.destroy();
  });
});
