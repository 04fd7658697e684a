import Database from 'better-sqlite3';
import type { LockerEvent } from '../../../protocol/index.ts';
import type { EventIngestStore, IngestResult } from '../../ports.ts';

/**
 * STAND-IN. A minimal SQLite EventIngestStore (cursor per locker + an events table, one
 * transaction per batch) so the sync benchmark measures a real committed store before the cloud
 * store (branch `cloud`) lands on main. It keeps the port's invariant and projects nothing; the
 * real store also updates orders and cells per event, so it will be slower.
 */
export class SqliteEventIngestStore implements EventIngestStore {
  private readonly db: Database.Database;
  private readonly cursor;
  private readonly setCursor;
  private readonly insert;
  private readonly applyBatch;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS ingest_cursors (locker_id TEXT PRIMARY KEY, committed_seq INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS locker_events (
        locker_id TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, received_at INTEGER NOT NULL,
        type TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (locker_id, seq)) WITHOUT ROWID;`);
    this.cursor = this.db.prepare<[string], { committed_seq: number }>(
      'SELECT committed_seq FROM ingest_cursors WHERE locker_id = ?',
    );
    this.setCursor = this.db.prepare<[string, number]>(
      'INSERT INTO ingest_cursors (locker_id, committed_seq) VALUES (?, ?) ' +
        'ON CONFLICT (locker_id) DO UPDATE SET committed_seq = excluded.committed_seq',
    );
    this.insert = this.db.prepare<[string, number, number, number, string, string]>(
      'INSERT INTO locker_events (locker_id, seq, at, received_at, type, body) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.applyBatch = this.db.transaction(
      (lockerId: string, events: readonly LockerEvent[], receivedAt: number): IngestResult => {
        let committed = this.cursor.get(lockerId)?.committed_seq ?? 0;
        let applied = 0;
        let gap = false;
        for (const event of events) {
          if (event.seq <= committed) continue;
          if (event.seq !== committed + 1) {
            gap = true;
            break;
          }
          const body = JSON.stringify(event.body);
          this.insert.run(lockerId, event.seq, event.at, receivedAt, event.type, body);
          committed = event.seq;
          applied += 1;
        }
        if (applied > 0) this.setCursor.run(lockerId, committed);
        return { committedSeq: committed, applied, gap };
      },
    );
  }

  async ingest(lockerId: string, events: readonly LockerEvent[], receivedAt: number) {
    return this.applyBatch(lockerId, events, receivedAt);
  }

  async committedSeq(lockerId: string): Promise<number> {
    return this.cursor.get(lockerId)?.committed_seq ?? 0;
  }

  /** Seqs committed for a locker, in order (for checks). */
  seqs(lockerId: string): number[] {
    return this.db
      .prepare<[string], { seq: number }>(
        'SELECT seq FROM locker_events WHERE locker_id = ? ORDER BY seq',
      )
      .all(lockerId)
      .map((row) => row.seq);
  }

  close(): void {
    this.db.close();
  }
}
