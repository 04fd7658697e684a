import type { Clock } from '../../../protocol/index.ts';

/**
 * The locker's estimate of cloud time. Locker clocks drift, or are simply wrong after a dead RTC
 * battery, so command expiry is judged in cloud time: every ack and sync message carries the
 * cloud's clock (`at`, `issuedAt`), and the offset learned from the latest one is added to the
 * local clock. The estimate trails true cloud time by the message's one-way latency (well under a
 * second), which errs by that much towards accepting a command; the TTLs are minutes.
 *
 * An offset is trusted only once learned in the current connection: a clock stepped while offline
 * (NTP, a reboot) would make an old offset wrong, and an old offset is exactly what a stale queued
 * command would meet first on reconnect. Within a connection the largest offset wins: a message
 * that waited in the broker's session queue carries an old cloud time and can only understate
 * cloud time, never overstate it, so the maximum is the freshest knowledge.
 */
export class CloudClock {
  private offsetMs: number | undefined;

  constructor(private readonly local: Clock) {}

  /** Forget the offset: called on every new connection. */
  reset(): void {
    this.offsetMs = undefined;
  }

  /** A cloud timestamp seen now on the locker. */
  observe(cloudAt: number): void {
    const sample = cloudAt - this.local.now();
    if (this.offsetMs === undefined || sample > this.offsetMs) this.offsetMs = sample;
  }

  known(): boolean {
    return this.offsetMs !== undefined;
  }

  /** Milliseconds to add to the locker clock; undefined until learned in this connection. */
  offset(): number | undefined {
    return this.offsetMs;
  }

  /** Cloud time now, or undefined when no offset was learned in this connection. */
  now(): number | undefined {
    return this.offsetMs === undefined ? undefined : this.local.now() + this.offsetMs;
  }
}
