import { copyFileSync, existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { PostamatError } from '../../protocol/index.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';

export type Db = Database.Database;

export interface OpenedDatabase {
  readonly db: Db;
  /** Versions applied by this open (empty when the file was current). */
  readonly applied: readonly number[];
  /** The copy kept before migrating an existing file, if any. */
  readonly backupFile: string | undefined;
}

/**
 * Opens the locker's memory: WAL so readers never block the writer, synchronous=FULL so a
 * committed transaction survives a power cut, then brings the schema up to date.
 */
export function openDatabase(
  file: string,
  migrations: readonly Migration[] = MIGRATIONS,
): OpenedDatabase {
  const existed = file !== ':memory:' && existsSync(file) && statSync(file).size > 0;
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 4 MiB of page cache (better-sqlite3 defaults to 16): a locker's working set is small and
  // the board's memory is not.
  db.pragma('cache_size = -4000');
  try {
    const { applied, backupFile } = migrate(db, file, existed, migrations);
    return { db, applied, backupFile };
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(
  db: Db,
  file: string,
  existed: boolean,
  migrations: readonly Migration[],
): { applied: number[]; backupFile: string | undefined } {
  const current = db.pragma('user_version', { simple: true }) as number;
  const todo = migrations.filter((m) => m.version > current);
  if (todo.length === 0) return { applied: [], backupFile: undefined };
  let backupFile: string | undefined;
  if (existed && current > 0) {
    // Fold the WAL into the main file first so the copy is the whole database.
    db.pragma('wal_checkpoint(TRUNCATE)');
    backupFile = `${file}.v${current}.bak`;
    copyFileSync(file, backupFile);
  }
  const applied: number[] = [];
  for (const migration of todo) {
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      })();
      applied.push(migration.version);
    } catch (error) {
      throw new PostamatError(
        'migration-failed',
        `migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}; ` +
          `the database is left at version ${current + applied.length}` +
          (backupFile ? `, a copy from before is at ${backupFile}` : ''),
        { version: migration.version, backupFile },
      );
    }
  }
  return { applied, backupFile };
}
