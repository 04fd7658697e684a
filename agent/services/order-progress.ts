import { type Clock, nextLargerSize, PostamatError } from '../../protocol/index.ts';
import { allocateCell } from '../domain/allocation.ts';
import { codePurposesFor, itineraryFor } from '../domain/itinerary.ts';
import type { LockBoard } from '../drivers/lock-board.ts';
import type { DoorOpRow } from '../store/door-ops-repo.ts';
import type { OrderRow, ParcelRow, StepRow } from '../store/orders-repo.ts';
import type { Store } from '../store/store.ts';
import type { AgentEvents } from './agent-events.ts';
import type { DoorController } from './door-controller.ts';

/** Who is acting, as the audit log records it. */
export interface Actor {
  readonly role: string;
  readonly id: string;
  readonly credentialId: string | null;
}

/**
 * Moves orders along their itinerary: opens doors for the current step and, when the door
 * controller reports a door opened-then-closed, marks parcels, steps and orders.
 * Every method that writes runs inside the caller's transaction.
 */
export class OrderProgress {
  constructor(
    private readonly store: Store,
    private readonly doors: DoorController,
    private readonly boards: ReadonlyMap<string, LockBoard>,
    private readonly clock: Clock,
    private readonly events: AgentEvents,
  ) {}

  /** The first step not yet done, or undefined when the order is complete. */
  currentStep(orderId: string): StepRow | undefined {
    return this.store.orders.steps(orderId).find((s) => s.state !== 'done');
  }

  /** Creates the steps of a new order from its itinerary. */
  createSteps(order: Pick<OrderRow, 'id' | 'kind'>, leg: 'whole' | 'first' | 'last'): void {
    itineraryFor(order.kind, leg).forEach((plan, idx) => {
      this.store.orders.insertStep({
        id: `${order.id}/${idx + 1}`,
        orderId: order.id,
        idx,
        kind: plan.kind,
        role: plan.role,
      });
    });
  }

  /** A cell for a parcel (its own if already reserved), then the unlock intent. */
  deposit(step: StepRow, parcel: ParcelRow, actor: Actor, biggerThan?: string): number {
    const cellId = biggerThan
      ? this.pickCell(parcel, [biggerThan], true)
      : (parcel.cellId ?? this.pickCell(parcel, [], false));
    this.store.orders.setParcel(parcel.id, cellId, 'expected');
    this.store.cells.setOccupancy(cellId, 'reserved');
    this.store.orders.setStep(step.id, 'in-progress', null);
    return this.doors.begin(this.who(step, parcel.id, cellId, 'deposit', actor));
  }

  /** Opens every cell holding a parcel of the order. */
  collect(step: StepRow, actor: Actor): number[] {
    const parcels = this.store.orders
      .parcelsOf(step.orderId)
      .filter((p) => p.state === 'in-cell' && p.cellId !== null);
    if (parcels.length === 0) throw new PostamatError('invalid-state', 'nothing to collect');
    this.store.orders.setStep(step.id, 'in-progress', null);
    return parcels.map((p) => this.doors.begin(this.who(step, p.id, p.cellId!, 'collect', actor)));
  }

  private who(step: StepRow, parcelId: string, cellId: string, purpose: string, actor: Actor) {
    return {
      cellId,
      stepId: step.id,
      parcelId,
      purpose,
      actorRole: actor.role,
      actorId: actor.id,
      credentialId: actor.credentialId,
      reason: null,
    };
  }

  private pickCell(parcel: ParcelRow, exclude: string[], larger: boolean): string {
    const size = larger ? nextLargerSize(parcel.size) : parcel.size;
    if (!size) throw new PostamatError('no-free-cell', `no cell larger than ${parcel.size}`);
    const candidates = this.store.cells.all().map((c) => ({
      id: c.id,
      size: c.size,
      features: c.features,
      available:
        c.occupancy === 'free' &&
        !c.outOfService &&
        (this.boards.get(c.boardId)?.isOnline() ?? false),
    }));
    const cell = allocateCell(candidates, { size, refrigerated: parcel.refrigerated, exclude });
    if (!cell) throw new PostamatError('no-free-cell', `no free ${size} cell`, { size });
    if (larger) this.store.orders.upsertParcel({ ...parcel, size });
    return cell.id;
  }

  /** Door opened and closed for a step: the parcel moved. */
  onDoorDone(op: DoorOpRow): void {
    if (!op.stepId || !op.parcelId || op.purpose === 'no-fit') return;
    const step = this.store.orders.step(op.stepId);
    const parcel = this.store.orders.parcel(op.parcelId);
    if (!step || !parcel || step.state === 'done') return;
    const now = this.clock.now();
    if (step.kind === 'deposit') {
      this.store.orders.setParcel(parcel.id, op.cellId, 'in-cell');
      this.store.emit('parcel.deposited', {
        orderId: step.orderId,
        parcelId: parcel.id,
        cellId: op.cellId,
        stepId: step.id,
      });
    } else {
      this.store.orders.setParcel(parcel.id, null, 'collected');
      this.store.emit('parcel.collected', {
        orderId: step.orderId,
        parcelId: parcel.id,
        cellId: op.cellId,
        stepId: step.id,
      });
    }
    const parcels = this.store.orders.parcelsOf(step.orderId);
    const complete =
      step.kind === 'deposit'
        ? parcels.every((p) => p.state === 'in-cell')
        : parcels.every((p) => p.state !== 'in-cell');
    if (complete) this.finishStep(step, now);
  }

  private finishStep(step: StepRow, now: number): void {
    // INVARIANT: a step is done once; `done` rows are never revisited (checked above).
    this.store.orders.setStep(step.id, 'done', now);
    this.store.emit('step.done', {
      orderId: step.orderId,
      stepId: step.id,
      kind: step.kind,
      role: step.role,
    });
    this.events.emit({ type: 'step', stepId: step.id, orderId: step.orderId, state: 'done' });
    const order = this.store.orders.order(step.orderId);
    if (!order) return;
    // A renter's code lives on through the rental; it is used up by the final collect only.
    const keepCode = step.role === 'renter' && step.kind === 'deposit';
    const byCourier = step.role === 'courier' || step.role === 'partner-courier';
    const purposes = keepCode
      ? ['deposit']
      : byCourier
        ? []
        : codePurposesFor({ kind: step.kind, role: step.role, auth: 'code' });
    for (const purpose of purposes) {
      this.store.orders.useCodes(order.id, purpose, now);
    }
    const next = this.currentStep(order.id);
    const status = !next
      ? 'completed'
      : next.kind === 'deposit'
        ? 'in-transit'
        : next.role === 'recipient' || next.role === 'resident'
          ? 'ready-for-pickup'
          : 'deposited';
    this.store.orders.setStatus(order.id, status);
    if (status === 'ready-for-pickup') {
      const hours = this.store.access.storageHours(order.tenantId) ?? order.storageHours;
      this.store.orders.setReady(order.id, now, now + hours * 3_600_000);
    }
    this.store.emit('order.status', { orderId: order.id, status });
  }

  /** A deposit door did not open: the person gets another cell of the same size. */
  onDoorGaveUp(op: DoorOpRow): number | undefined {
    if (!op.stepId || !op.parcelId) return undefined;
    const step = this.store.orders.step(op.stepId);
    const parcel = this.store.orders.parcel(op.parcelId);
    if (!step || !parcel || step.kind !== 'deposit') return undefined;
    this.store.orders.setParcel(parcel.id, null, 'expected');
    try {
      const actor = { role: op.actorRole, id: op.actorId, credentialId: op.credentialId };
      const opId = this.deposit(step, { ...parcel, cellId: null }, actor);
      const cellId = this.store.doorOps.get(opId)?.cellId ?? '';
      this.store.emit('cell.offered', { parcelId: parcel.id, cellId, stepId: step.id });
      this.events.emit({ type: 'cell-offered', parcelId: parcel.id, cellId });
      return opId;
    } catch (error) {
      this.store.orders.setStep(step.id, 'failed', null);
      this.store.emit('step.failed', {
        stepId: step.id,
        code: (error as PostamatError).code ?? 'no-free-cell',
      });
      return undefined;
    }
  }

  /** Storage period over: the recipient's code stops working; a courier of the tenant collects. */
  expireDue(now: number): void {
    for (const order of this.store.orders.dueToExpire(now)) {
      this.store.orders.setStatus(order.id, 'expired');
      const step = this.currentStep(order.id);
      if (step) this.store.orders.setStepRole(step.id, 'courier');
      this.store.emit('order.expired', { orderId: order.id, tenantId: order.tenantId });
    }
  }

  /** Rentals past their period: marked and reported once. */
  markOverdue(now: number): void {
    for (const order of this.store.orders.dueRentals(now)) {
      this.store.orders.setStatus(order.id, 'overdue');
      this.store.emit('rental.overdue', { orderId: order.id, rentalUntil: order.rentalUntil });
    }
  }
}
