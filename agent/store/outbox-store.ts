import type { LockerEvent } from '../../protocol/index.ts';
import type { Outbox } from '../sync/ports.ts';
import type { Db } from './database.ts';

/**
 * The outbox and the one way to write state: `transaction` runs a change and the events that
 * report it in one SQLite transaction, so an event exists if and only if its change does.
 * INVARIANT: seq is gap-free — the next seq is MAX(seq)+1, counted in memory from the file at
 * open and rolled back with a failed transaction. So the newest event is never deleted, even once
 * delivered (pruning, when added, must keep it).
 * The delivered seq is also read once at open and kept in memory (this store is its only writer):
 * the drain asks for it on every send and ack, and a fleet of 5,000 agents in one process spent
 * a fifth of its CPU reading it back from the file.
 */
export class OutboxStore implements Outbox {
  private readonly listeners = new Set<() => void>();
  private depthOfTx = 0;
  private appendedInTx = 0;
  private seq: number;
  private delivered: number;
  private readonly stmts;

  constructor(
    private readonly db: Db,
    readonly lockerId: string,
  ) {
    this.stmts = {
      maxSeq: db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM outbox'),
      insert: db.prepare<[number, number, string, string]>(
        'INSERT INTO outbox (seq, at, type, body) VALUES (?, ?, ?, ?)',
      ),
      pending: db.prepare<
        [number, number],
        { seq: number; at: number; type: string; body: string }
      >('SELECT seq, at, type, body FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?'),
      delivered: db.prepare<[], { value: string }>(
        "SELECT value FROM meta WHERE key = 'delivered_seq'",
      ),
      setDelivered: db.prepare<[string, number]>(
        "UPDATE meta SET value = ? WHERE key = 'delivered_seq' AND CAST(value AS INTEGER) < ?",
      ),
    };
    this.seq = this.stmts.maxSeq.get()?.seq ?? 0;
    this.delivered = Number(this.stmts.delivered.get()?.value ?? 0);
  }

  /** Runs `fn` atomically; listeners hear about appended events after the outermost commit. */
  transaction<T>(fn: () => T): T {
    this.depthOfTx += 1;
    const seqBefore = this.seq;
    const deliveredBefore = this.delivered;
    let result: T;
    try {
      result = this.db.transaction(fn)();
    } catch (error) {
      this.seq = seqBefore;
      this.delivered = deliveredBefore;
      this.depthOfTx -= 1;
      if (this.depthOfTx === 0) this.appendedInTx = 0;
      throw error;
    }
    this.depthOfTx -= 1;
    if (this.depthOfTx === 0 && this.appendedInTx > 0) {
      this.appendedInTx = 0;
      for (const listener of this.listeners) listener();
    }
    return result;
  }

  /** Appends one event; must run inside `transaction`. Returns its seq. */
  append(type: string, body: Record<string, unknown>, at: number): number {
    if (this.depthOfTx === 0) throw new Error('outbox append outside a transaction');
    const seq = this.seq + 1;
    this.stmts.insert.run(seq, at, type, JSON.stringify(body));
    this.seq = seq;
    this.appendedInTx += 1;
    return seq;
  }

  lastSeq(): number {
    return this.seq;
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
    const upTo = Math.min(seq, this.lastSeq());
    this.stmts.setDelivered.run(String(upTo), upTo);
    this.delivered = Math.max(this.delivered, upTo);
  }

  deliveredSeq(): number {
    return this.delivered;
  }

  depth(): number {
    return this.lastSeq() - this.deliveredSeq();
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
