import type { OrderKind } from '../../protocol/index.ts';

/** A pending step of one of the tenant's orders, with what a courier needs to know of it. */
export interface PendingStep {
  readonly orderId: string;
  readonly orderKind: OrderKind;
  readonly orderStatus: string;
  readonly barcode: string;
  readonly size: string;
  readonly stepId: string;
  readonly idx: number;
  readonly kind: string;
  readonly role: string;
  readonly lockerId: string;
}

export type CollectReason = 'return' | 'expired' | 'round-trip' | 'transfer';

export interface ManifestItem {
  readonly orderId: string;
  readonly stepId: string;
  readonly barcode: string;
  readonly size: string;
  readonly reason?: CollectReason;
}

export interface PlannedStop {
  readonly lockerId: string;
  readonly visitAt: number;
  readonly deposit: ManifestItem[];
  readonly collect: ManifestItem[];
}

const COURIER_ROLES = new Set(['courier', 'partner-courier']);

/** Each order's current step: the pending one with the lowest index. */
export function currentSteps(pending: readonly PendingStep[]): PendingStep[] {
  const byOrder = new Map<string, PendingStep>();
  for (const s of pending) {
    const seen = byOrder.get(s.orderId);
    if (seen === undefined || s.idx < seen.idx) byOrder.set(s.orderId, s);
  }
  return [...byOrder.values()];
}

function collectReason(s: PendingStep): CollectReason | undefined {
  // An expired delivery waits for its recipient in the cloud's itinerary; the courier takes it.
  if (s.orderStatus === 'expired' && s.kind === 'collect') return 'expired';
  if (s.kind !== 'collect' || !COURIER_ROLES.has(s.role)) return undefined;
  if (s.orderKind === 'return') return 'return';
  if (s.orderKind === 'service-round-trip') return 'round-trip';
  return 'transfer';
}

/** Per stop, what to deposit and what to collect, from the orders' current steps. */
export function planStops(
  stops: readonly { lockerId: string; visitAt: number }[],
  pending: readonly PendingStep[],
  onlyOrders?: ReadonlySet<string>,
): PlannedStop[] {
  const current = currentSteps(pending).filter((s) => !onlyOrders || onlyOrders.has(s.orderId));
  return stops.map((stop) => {
    const here = current
      .filter((s) => s.lockerId === stop.lockerId)
      .sort((a, b) => a.orderId.localeCompare(b.orderId));
    const item = (s: PendingStep): ManifestItem => ({
      orderId: s.orderId,
      stepId: s.stepId,
      barcode: s.barcode,
      size: s.size,
    });
    const deposit = here.filter((s) => s.kind === 'deposit' && COURIER_ROLES.has(s.role)).map(item);
    const collect = here.flatMap((s) => {
      const reason = collectReason(s);
      return reason === undefined ? [] : [{ ...item(s), reason }];
    });
    return { ...stop, deposit, collect };
  });
}

/** The lockers where the given orders wait for a courier now (a route derived from booked work). */
export function stopsOfOrders(pending: readonly PendingStep[], orderIds: readonly string[]) {
  const wanted = new Set(orderIds);
  const lockers = currentSteps(pending)
    .filter(
      (s) => wanted.has(s.orderId) && (COURIER_ROLES.has(s.role) || s.orderStatus === 'expired'),
    )
    .map((s) => s.lockerId);
  return [...new Set(lockers)].sort();
}

export const DEFAULT_PASS_WINDOW_MS = 30 * 60_000;

/** A pass is valid from `window` before the visit to `window` after it. */
export function passWindow(visitAt: number, windowMs: number) {
  return { validFrom: visitAt - windowMs, validUntil: visitAt + windowMs };
}

export const hasWork = (stop: PlannedStop) => stop.deposit.length + stop.collect.length > 0;
