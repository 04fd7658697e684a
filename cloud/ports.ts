import type { LockerEvent } from '../protocol/index.ts';

/**
 * The cloud's MQTT side reaches its store only through these ports. The cloud store implements
 * them (SQLite and PostgreSQL); the ingest and the broker drive them.
 */

export interface IngestResult {
  /** Highest seq of this locker now committed: what the ack carries. */
  readonly committedSeq: number;
  /** How many events of the batch were new and applied (duplicates are skipped). */
  readonly applied: number;
  /** The batch started past committedSeq + 1: nothing after the gap was applied. */
  readonly gap: boolean;
}

export interface EventIngestStore {
  /**
   * Applies, in one transaction, the events with seq = committedSeq + 1, + 2, … from the batch,
   * skipping ones already committed and stopping at a gap. `receivedAt` is the cloud's clock.
   * INVARIANT: per locker, events are applied once and in order whatever arrives twice or late.
   */
  ingest(
    lockerId: string,
    events: readonly LockerEvent[],
    receivedAt: number,
  ): Promise<IngestResult>;
  committedSeq(lockerId: string): Promise<number>;
}

export interface LockerCredentialStore {
  /** True when the locker exists, is not revoked, and the secret matches its stored hash. */
  verifyLockerSecret(lockerId: string, secret: string): Promise<boolean>;
}
