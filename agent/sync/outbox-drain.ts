import {
  type Ack,
  encodePayload,
  type LockerEvent,
  MAX_PAYLOAD_BYTES,
} from '../../protocol/index.ts';
import type { Outbox } from './ports.ts';

export interface DrainOptions {
  /** Events per batch message (the schema allows up to 1000). */
  readonly batchSize: number;
  /** Events sent but not yet acknowledged as committed; bounds memory and resend cost. */
  readonly maxInFlightEvents: number;
}

export const DEFAULT_DRAIN: DrainOptions = { batchSize: 500, maxInFlightEvents: 10_000 };

export interface DrainCounters {
  batchesSent: number;
  eventsSent: number;
  acks: number;
  resends: number;
  oversizedEvents: number;
  /** Acks claiming a seq this locker never wrote (a confused or hostile cloud): ignored. */
  impossibleAcks: number;
}

/** Hands one encoded batch to the transport; must not block. */
export type SendBatch = (payload: string, lastSeq: number) => void;

/**
 * Sends the outbox, oldest first, in batches, with a bounded window of unacknowledged events.
 * Marks events delivered only when the cloud says it committed them; a resend request (a gap
 * the cloud saw) rewinds the window to the cloud's committed seq.
 * INVARIANT: sentSeq >= outbox.deliveredSeq() whenever connected; events are sent in seq order.
 */
export class OutboxDrain {
  readonly counters: DrainCounters = {
    batchesSent: 0,
    eventsSent: 0,
    acks: 0,
    resends: 0,
    oversizedEvents: 0,
    impossibleAcks: 0,
  };
  private send: SendBatch | undefined;
  private sentSeq = 0;
  private stuckSeq: number | undefined;

  constructor(
    private readonly outbox: Outbox,
    private readonly lockerId: string,
    private readonly options: DrainOptions = DEFAULT_DRAIN,
    private readonly onOversized: (seq: number, bytes: number) => void = () => {},
  ) {}

  /** A connection is up: resend everything not yet acknowledged (the cloud skips duplicates). */
  start(send: SendBatch): void {
    this.send = send;
    this.sentSeq = this.outbox.deliveredSeq();
    this.pump();
  }

  stop(): void {
    this.send = undefined;
  }

  /** Sends batches while the window has room; cheap to call often. */
  pump(): void {
    while (this.send !== undefined) {
      const room = this.options.maxInFlightEvents - (this.sentSeq - this.outbox.deliveredSeq());
      if (room <= 0) return;
      const events = this.outbox.pending(this.sentSeq, Math.min(this.options.batchSize, room));
      if (events.length === 0) return;
      const encoded = this.encodeFitting(events);
      if (encoded === undefined) return;
      this.send(encoded.payload, encoded.lastSeq);
      this.sentSeq = encoded.lastSeq;
      this.counters.batchesSent += 1;
      this.counters.eventsSent += encoded.count;
    }
  }

  /**
   * An ack may run ahead of this connection (an earlier connection's batch) but never past the
   * outbox: marking unwritten seqs delivered would silently drop the events written next.
   */
  private wasWritten(seq: number): boolean {
    if (seq <= this.outbox.deliveredSeq()) return true;
    return this.outbox.pending(seq - 1, 1)[0]?.seq === seq;
  }

  /** Events sent on this connection and not yet acknowledged. */
  inFlight(): number {
    return this.send === undefined ? 0 : Math.max(0, this.sentSeq - this.outbox.deliveredSeq());
  }

  /** No ack for too long (a lost batch, a cloud restart): send again from the last ack. */
  rewind(): void {
    this.sentSeq = this.outbox.deliveredSeq();
    this.pump();
  }

  onAck(ack: Ack): void {
    this.counters.acks += 1;
    if (!this.wasWritten(ack.committedSeq)) {
      this.counters.impossibleAcks += 1;
      return;
    }
    if (ack.committedSeq > this.outbox.deliveredSeq()) this.outbox.markDelivered(ack.committedSeq);
    if (ack.resend === true) {
      this.counters.resends += 1;
      this.sentSeq = ack.committedSeq;
    }
    // The cloud may have committed more than this connection sent (an earlier connection's batch).
    if (this.sentSeq < ack.committedSeq) this.sentSeq = ack.committedSeq;
    this.pump();
  }

  /** Halves the batch until it fits the payload limit. */
  private encodeFitting(events: LockerEvent[]) {
    let count = events.length;
    while (count > 0) {
      const slice = events.slice(0, count);
      const payload = encodePayload('events', { lockerId: this.lockerId, events: slice });
      if (Buffer.byteLength(payload) <= MAX_PAYLOAD_BYTES) {
        return { payload, lastSeq: slice[slice.length - 1]!.seq, count };
      }
      if (count === 1) {
        // One event over the limit can never be delivered, and skipping it would be a gap:
        // the drain stops here and says so loudly (once per seq).
        const first = events[0]!;
        if (this.stuckSeq !== first.seq) {
          this.stuckSeq = first.seq;
          this.counters.oversizedEvents += 1;
          this.onOversized(first.seq, Buffer.byteLength(payload));
        }
        return undefined;
      }
      count = Math.ceil(count / 2);
    }
    return undefined;
  }
}
