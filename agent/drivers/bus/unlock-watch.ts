/**
 * Remembers which unlocked doors we are waiting to see open. Pure: the deadline passing is an
 * input (`expire(at)`), so the same code runs under fake and real time.
 */
export class UnlockWatch {
  private readonly deadlines = new Map<number, number>();

  constructor(private readonly openWithinMs: number) {}

  unlocked(channel: number, at: number): void {
    this.deadlines.set(channel, at + this.openWithinMs);
  }

  opened(channel: number): void {
    this.deadlines.delete(channel);
  }

  /** Channels whose door did not open in time; each is reported once. */
  expire(at: number): number[] {
    const late: number[] = [];
    for (const [channel, deadline] of this.deadlines) {
      if (at >= deadline) late.push(channel);
    }
    for (const channel of late) this.deadlines.delete(channel);
    return late;
  }

  waiting(): number {
    return this.deadlines.size;
  }
}
