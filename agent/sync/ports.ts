import type { Command, CommandResult, LockerEvent, SyncMessage } from '../../protocol/index.ts';

/**
 * The agent's side of the wire talks to the agent's store only through these ports. The agent
 * core implements them on its SQLite store; the sync client drives them.
 */

export interface Outbox {
  /** Undelivered events with seq > afterSeq, oldest first, at most `limit`. */
  pending(afterSeq: number, limit: number): LockerEvent[];
  /** The cloud committed every event up to and including `seq`. Idempotent. */
  markDelivered(seq: number): void;
  /** Highest seq marked delivered (0 when none). */
  deliveredSeq(): number;
  depth(): number;
  /** Called after every commit that appended events, so a connected client can drain at once. */
  onAppend(listener: () => void): () => void;
}

export interface CommandInbox {
  /**
   * Applies a command once: checks expiry and the inbox of applied ids, acts, and writes the
   * `command.result` event to the outbox in the same transaction. Returns that result.
   */
  handle(command: Command, receivedAt: number): Promise<CommandResult>;
}

export interface SyncTarget {
  /** Version of the data pushed ahead that the locker holds (0 = none). */
  syncVersion(): number;
  /** Applies a snapshot or a delta in one transaction; a delta on the wrong base is refused. */
  applySync(message: SyncMessage): void;
}
