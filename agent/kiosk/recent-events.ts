/**
 * The last things that happened at this locker as the kiosk saw them, for the technician's
 * "logs" page. Fields only, never codes, PINs or barcodes.
 */
export interface RecentEvent {
  readonly at: number;
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export class RecentEvents {
  private readonly items: RecentEvent[] = [];

  constructor(
    private readonly now: () => number,
    private readonly capacity = 100,
  ) {}

  add(event: string, fields: Record<string, unknown>): void {
    this.items.push({ at: this.now(), event, fields });
    if (this.items.length > this.capacity) this.items.shift();
  }

  /** Newest first. */
  list(): readonly RecentEvent[] {
    return [...this.items].reverse();
  }
}
