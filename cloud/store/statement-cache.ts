import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/**
 * The better-sqlite3 database as Kysely's SQLite dialect sees it, with its prepared statements
 * kept for reuse. Kysely's driver calls `prepare(sql)` for every query, and SQLite then parses
 * and plans the same few dozen statements again and again: in a 5,000-locker connect storm that
 * was 4.6 s of 26 s of the cloud's CPU (docs/scaling.md). Statements are kept by their SQL text,
 * least recently used first out; SQLite re-prepares a kept statement itself when the schema
 * changes. Reuse is safe because Kysely runs one query at a time on this connection (its mutex),
 * so a kept statement is never used by two queries at once.
 */
export function withStatementCache(
  database: SqliteDatabase.Database,
  capacity = 512,
): KyselySqliteDatabase & { readonly cachedStatements: () => number } {
  const kept = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => void database.close(),
    prepare(sql: string) {
      let statement = kept.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (kept.size >= capacity) kept.delete(kept.keys().next().value as string);
      } else {
        kept.delete(sql);
      }
      kept.set(sql, statement);
      return statement;
    },
    cachedStatements: () => kept.size,
  };
}
