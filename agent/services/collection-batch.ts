import type { AgentEvent } from './agent-events.ts';
import type { KioskResult } from './kiosk-result.ts';

/** What a batch needs from the Agent; the Agent itself passes. */
export interface CollectPort {
  courierCollect(
    sessionId: string,
    orderId: string,
  ): KioskResult<{ cellIds: string[]; opIds: number[] }>;
  subscribe(listener: (event: AgentEvent) => void): () => void;
}

export interface BatchProgress {
  readonly opened: readonly string[];
  readonly confirmed: readonly string[];
  readonly failed: readonly { orderId: string; code: string }[];
  readonly waiting: readonly string[];
  readonly done: boolean;
}

/**
 * Empties a courier's cells one after another, at most `maxOpen` doors unlocked at a time (the
 * lock power supply cannot pulse a whole column). A cell counts as emptied only when its door
 * sensor saw it open and close; then the next order's cells open.
 */
export class CollectionBatch {
  private readonly queue: string[];
  private readonly active = new Map<number, { orderId: string; cellId: string }>();
  private readonly opened: string[] = [];
  private readonly confirmed: string[] = [];
  private readonly failed: { orderId: string; code: string }[] = [];
  private readonly off: () => void;
  private readonly finished: Promise<BatchProgress>;
  private resolve!: (p: BatchProgress) => void;

  constructor(
    private readonly agent: CollectPort,
    private readonly sessionId: string,
    orderIds: readonly string[],
    private readonly maxOpen: number,
  ) {
    this.queue = [...orderIds];
    this.finished = new Promise((r) => {
      this.resolve = r;
    });
    this.off = agent.subscribe((e) => this.onEvent(e));
    this.fill();
  }

  progress(): BatchProgress {
    return {
      opened: [...this.opened],
      confirmed: [...this.confirmed],
      failed: [...this.failed],
      waiting: [...this.queue],
      done: this.queue.length === 0 && this.active.size === 0,
    };
  }

  /** Resolves once every order was confirmed or failed. */
  done(): Promise<BatchProgress> {
    return this.finished;
  }

  cancel(): void {
    this.queue.length = 0;
    this.off();
    this.resolve(this.progress());
  }

  private fill(): void {
    while (this.active.size < Math.max(1, this.maxOpen) && this.queue.length > 0) {
      const orderId = this.queue.shift() as string;
      const r = this.agent.courierCollect(this.sessionId, orderId);
      if (!r.ok) {
        this.failed.push({ orderId, code: r.code });
        continue;
      }
      this.opened.push(...r.cellIds);
      r.opIds.forEach((opId, i) => {
        this.active.set(opId, { orderId, cellId: r.cellIds[i] ?? '' });
      });
    }
    if (this.active.size === 0 && this.queue.length === 0) {
      this.off();
      this.resolve(this.progress());
    }
  }

  private onEvent(e: AgentEvent): void {
    if (e.type === 'door' && e.door === 'closed' && e.opId !== null && this.active.has(e.opId)) {
      this.confirmed.push(e.cellId);
      this.active.delete(e.opId);
      this.fill();
      return;
    }
    // A door that never opened (stuck lock): the cell is out of service now; move on.
    if (e.type === 'alarm' && e.kind === 'door-did-not-open') {
      const hit = [...this.active].find(([, a]) => a.cellId === e.cellId);
      if (hit === undefined) return;
      this.failed.push({ orderId: hit[1].orderId, code: 'door-did-not-open' });
      this.active.delete(hit[0]);
      this.fill();
    }
  }
}
