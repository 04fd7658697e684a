import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations.ts';
import type { Database } from './schema.ts';
import { SchemaScopedPostgresDialect } from './schema-scoped-introspector.ts';
import { withStatementCache } from './statement-cache.ts';

export type StoreEngine = 'sqlite' | 'postgres';

export type StoreLocation =
  | { readonly engine: 'sqlite'; readonly file: string }
  | { readonly engine: 'postgres'; readonly url: string; readonly schema?: string };

export interface Connection {
  readonly db: Kysely<Database>;
  readonly engine: StoreEngine;
}

// pg hands bigint (oid 20) back as a string; our bigints are epoch milliseconds and counters,
// well inside Number's safe range.
const INT8_OID = 20;
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text'),
};

export async function connect(location: StoreLocation): Promise<Connection> {
  const connection = location.engine === 'sqlite' ? openSqlite(location.file) : openPg(location);
  const schema = location.engine === 'postgres' ? (location.schema ?? 'public') : undefined;
  await migrateToLatest(connection.db as unknown as Kysely<unknown>, schema);
  return connection;
}

function openSqlite(file: string): Connection {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  // Kysely's SQLite driver holds one connection behind a mutex: transactions run one at a time,
  // which is what keeps bookings from overselling on this engine.
  return {
    db: new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(database) }),
    }),
    engine: 'sqlite',
  };
}

function openPg(location: { url: string; schema?: string }): Connection {
  const options = location.schema === undefined ? undefined : `-c search_path=${location.schema}`;
  const pool = new pg.Pool({
    connectionString: location.url,
    max: 10,
    types: pgTypes,
    ...(options === undefined ? {} : { options }),
  });
  return {
    db: new Kysely<Database>({
      dialect: new SchemaScopedPostgresDialect({ pool }, location.schema ?? 'public'),
    }),
    engine: 'postgres',
  };
}
