/**
 * The console's live events, in process: the ingest path, presence and API writes publish; each
 * SSE stream subscribes and filters for its caller. With several cloud workers behind one broker
 * a worker sees only what it ingested itself (see cloud/README.md, "Live updates").
 */
export const LIVE_EVENT_TYPES = [
  'locker.online',
  'locker.offline',
  'alarm.raised',
  'alarm.cleared',
  'alarm.acked',
  'alarm.resolved',
  'door',
  'cell.service',
  'command.result',
  'order.status',
] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

export interface LiveEvent {
  /** Increasing per process: the SSE id, for Last-Event-ID on reconnect. */
  readonly id: number;
  readonly type: LiveEventType;
  readonly at: number;
  readonly lockerId: string | null;
  /** The operator owning the locker: its users see the event. */
  readonly operatorId: string | null;
  /** Set on order events: that tenant's users see them too. */
  readonly tenantId: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

export type LiveEventInput = Omit<LiveEvent, 'id' | 'operatorId' | 'tenantId'> & {
  readonly tenantId?: string | null;
};

type Listener = (event: LiveEvent) => void;

export class LiveEventHub {
  private nextId = 1;
  private readonly recent: LiveEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly operators = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly operatorOf: (lockerId: string) => Promise<string | undefined>,
    private readonly keep = 1000,
  ) {}

  /** In publishing order, whatever the operator look-ups take; never rejects. */
  publish(input: LiveEventInput): Promise<void> {
    // Looked up now, alongside the events published meanwhile (one read for a storm of them when
    // operatorOf batches); published in turn. An event whose look-up fails is not published.
    const looked = (input.lockerId === null ? Promise.resolve(null) : this.resolve(input.lockerId))
      .then((operatorId) => ({ operatorId }))
      .catch(() => undefined);
    this.queue = this.queue
      .then(async () => {
        const found = await looked;
        if (found === undefined) return;
        const { operatorId } = found;
        const event: LiveEvent = {
          ...input,
          id: this.nextId++,
          operatorId,
          tenantId: input.tenantId ?? null,
        };
        this.recent.push(event);
        if (this.recent.length > this.keep) this.recent.shift();
        for (const listener of this.listeners) listener(event);
      })
      .catch(() => {});
    return this.queue;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Kept events after `id` (a reconnecting stream's Last-Event-ID). */
  since(id: number): LiveEvent[] {
    return this.recent.filter((e) => e.id > id);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  private async resolve(lockerId: string): Promise<string | null> {
    // A locker's operator never changes; an unknown locker is asked again next time.
    const known = this.operators.get(lockerId);
    if (known !== undefined) return known;
    const found = await this.operatorOf(lockerId);
    if (found !== undefined) this.operators.set(lockerId, found);
    return found ?? null;
  }
}

/** Who may see an event: its operator's callers, its tenant's callers, the admin key. */
export function visibleTo(event: LiveEvent, caller: { kind: string; id: string }): boolean {
  if (caller.kind === 'admin') return true;
  if (caller.kind === 'operator') return event.operatorId === caller.id;
  if (caller.kind === 'tenant') return event.tenantId === caller.id;
  return false;
}
