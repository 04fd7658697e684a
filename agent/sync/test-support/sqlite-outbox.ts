import Database from 'better-sqlite3';
import type { Clock, LockerEvent } from '../../../protocol/index.ts';
import type { Outbox } from '../ports.ts';

/**
 * STAND-IN. A minimal SQLite outbox with the agent store's shape (outbox table + delivered seq),
 * so the sync benchmark reads from and marks delivered in a real SQLite file before the agent
 * core's store (branch `agent`) lands on main.
 */
export class SqliteOutbox implements Outbox {
  private readonly db: Database.Database;
  private readonly listeners = new Set<() => void>();
  private readonly stmts;
  private last: number;

  constructor(
    file: string,
    private readonly lockerId: string,
    private readonly clock: Clock,
  ) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT OR IGNORE INTO outbox_meta VALUES ('delivered_seq', 0);`);
    this.stmts = {
      insert: this.db.prepare<[number, number, string, string]>(
        'INSERT INTO outbox (seq, at, type, body) VALUES (?, ?, ?, ?)',
      ),
      pending: this.db.prepare<
        [number, number],
        { seq: number; at: number; type: string; body: string }
      >('SELECT seq, at, type, body FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?'),
      delivered: this.db.prepare<[], { value: number }>(
        "SELECT value FROM outbox_meta WHERE key = 'delivered_seq'",
      ),
      setDelivered: this.db.prepare<[number, number]>(
        "UPDATE outbox_meta SET value = ? WHERE key = 'delivered_seq' AND value < ?",
      ),
      depth: this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox WHERE seq > ?'),
      lastSeq: this.db.prepare<[], { n: number | null }>('SELECT max(seq) AS n FROM outbox'),
    };
    this.last = this.stmts.lastSeq.get()?.n ?? 0;
  }

  /** Appends `count` events in one transaction. */
  appendMany(count: number, type: string): void {
    this.db.transaction(() => {
      for (let i = 0; i < count; i += 1) {
        this.last += 1;
        this.stmts.insert.run(
          this.last,
          this.clock.now(),
          type,
          JSON.stringify({ n: i, cell: 'A1' }),
        );
      }
    })();
    for (const listener of this.listeners) listener();
  }

  pending(afterSeq: number, limit: number): LockerEvent[] {
    const from = Math.max(afterSeq, this.deliveredSeq());
    return this.stmts.pending.all(from, limit).map((row) => ({
      lockerId: this.lockerId,
      seq: row.seq,
      at: row.at,
      type: row.type,
      body: JSON.parse(row.body) as Record<string, unknown>,
    }));
  }

  markDelivered(seq: number): void {
    this.stmts.setDelivered.run(seq, seq);
  }

  deliveredSeq(): number {
    return this.stmts.delivered.get()?.value ?? 0;
  }

  depth(): number {
    return this.last - this.deliveredSeq();
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.db.close();
  }
}
