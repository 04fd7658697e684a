import type { AlarmKind, CellState } from '../../protocol/index.ts';

/** What the kiosk (or any local watcher) may subscribe to: changes it should redraw. */
export type AgentEvent =
  | {
      readonly type: 'door';
      readonly cellId: string;
      readonly door: 'open' | 'closed';
      readonly opId: number | null;
    }
  | { readonly type: 'cell'; readonly cellId: string; readonly state: CellState }
  | {
      readonly type: 'alarm';
      readonly kind: AlarmKind;
      readonly cellId: string | null;
      readonly boardId: string | null;
    }
  | {
      readonly type: 'step';
      readonly stepId: string;
      readonly orderId: string;
      readonly state: string;
    }
  /** A door did not open; the flow opened another cell of the size for the same person. */
  | { readonly type: 'cell-offered'; readonly parcelId: string; readonly cellId: string }
  /** A payment moved: terminal progress, a QR to show, approved, failed, refunded. */
  | {
      readonly type: 'payment';
      readonly paymentId: string;
      readonly state:
        | 'in-progress'
        | 'qr'
        | 'approved'
        | 'failed'
        | 'refunded'
        | 'refund-requested';
      readonly stage?: string;
      readonly reason?: string;
    };

/** A tiny synchronous fan-out; a listener that throws does not stop the others. */
export class AgentEvents {
  private readonly listeners = new Set<(event: AgentEvent) => void>();

  subscribe(listener: (event: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: AgentEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken subscriber must not break a door operation.
      }
    }
  }
}
