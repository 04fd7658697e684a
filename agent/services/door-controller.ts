import type { Logger } from 'pino';
import type { Clock } from '../../protocol/index.ts';
import {
  type DoorEffect,
  type DoorInput,
  type DoorTimings,
  newDoorOp,
  stepDoorOp,
} from '../domain/door-op.ts';
import type { DoorState, LockBoard, LockBoardEvent } from '../drivers/lock-board.ts';
import type { DoorOpRow, DoorOpWho } from '../store/door-ops-repo.ts';
import type { Store } from '../store/store.ts';
import type { AgentEvents } from './agent-events.ts';

/** What the flows do when a door operation ends; runs inside the transaction that ends it. */
export interface DoorOpHooks {
  onDone(op: DoorOpRow): void;
  /** Returns the id of a door op it began instead (another cell), to fire after commit. */
  onGaveUp(op: DoorOpRow): number | undefined;
}

/**
 * Carries door operations through the pure state machine: writes the unlock intent before the
 * bus write, feeds board replies, door edges and ticks, and persists every transition together
 * with the event that reports it.
 */
export class DoorController {
  hooks: DoorOpHooks = { onDone: () => {}, onGaveUp: () => undefined };
  private readonly awaitingSensors = new Set<number>();

  constructor(
    private readonly store: Store,
    private readonly boards: ReadonlyMap<string, LockBoard>,
    private readonly clock: Clock,
    private readonly timings: DoorTimings,
    private readonly events: AgentEvents,
    private readonly log: Logger,
  ) {}

  /**
   * Records the intent to open (call inside a transaction); the caller fires it after commit.
   * INVARIANT: no bus write happens for an op whose intent is not committed.
   */
  begin(who: DoorOpWho): number {
    const op = newDoorOp(this.clock.now());
    const id = this.store.doorOps.insert(who, op);
    this.store.emit('door.unlock-intent', {
      opId: id,
      cellId: who.cellId,
      stepId: who.stepId,
      purpose: who.purpose,
      actorRole: who.actorRole,
      actorId: who.actorId,
      credentialId: who.credentialId,
      reason: who.reason,
    });
    return id;
  }

  /** Pulses the lock of an op whose intent is committed. */
  fire(opId: number): void {
    const op = this.store.doorOps.get(opId);
    if (op?.state !== 'intent') return;
    const cell = this.store.cells.get(op.cellId);
    const board = cell ? this.boards.get(cell.boardId) : undefined;
    if (!cell || !board) {
      this.feed(opId, { type: 'unlock-failed', at: this.clock.now() });
      return;
    }
    board.unlock(cell.channel).then(
      () => this.feed(opId, { type: 'unlocked', at: this.clock.now() }),
      (error: unknown) => {
        this.log.warn({ event: 'unlock-failed', opId, cellId: cell.id, err: String(error) });
        this.feed(opId, { type: 'unlock-failed', at: this.clock.now() });
      },
    );
  }

  /** Feeds one input to one op; persists and acts on the result. */
  feed(opId: number, input: DoorInput): void {
    const toFire: number[] = [];
    this.store.transaction(() => {
      const op = this.store.doorOps.get(opId);
      if (!op) return;
      const next = stepDoorOp(op, input, this.timings);
      if (next.op === op) return;
      this.store.doorOps.update(opId, next.op);
      const row: DoorOpRow = { ...op, ...next.op };
      if (next.op.state !== op.state) this.reportTransition(row, input);
      for (const effect of next.effects) this.apply(row, effect, toFire);
    });
    for (const id of toFire) this.fire(id);
  }

  private reportTransition(op: DoorOpRow, input: DoorInput): void {
    const body = { opId: op.id, cellId: op.cellId, stepId: op.stepId, attempt: op.attempt };
    if (op.state === 'open') {
      this.store.cells.setOccupancy(op.cellId, 'open');
      this.store.emit('door.opened', body);
      this.events.emit({ type: 'door', cellId: op.cellId, door: 'open', opId: op.id });
    } else if (op.state === 'unlocked') {
      this.store.emit('door.unlocked', body);
    } else if (op.state === 'done') {
      this.store.emit('door.closed', body);
      this.events.emit({ type: 'door', cellId: op.cellId, door: 'closed', opId: op.id });
    } else if (op.state === 'unconfirmed') {
      this.store.emit('door.unconfirmed', { ...body, at: input.at });
    }
  }

  private apply(op: DoorOpRow, effect: DoorEffect, toFire: number[]): void {
    switch (effect.type) {
      case 'unlock':
        this.store.emit('door.unlock-retry', {
          opId: op.id,
          cellId: op.cellId,
          attempt: op.attempt,
        });
        toFire.push(op.id);
        return;
      case 'done':
        this.hooks.onDone(op);
        this.settleCell(op.cellId);
        return;
      case 'unconfirmed':
        this.settleCell(op.cellId);
        return;
      case 'alarm-left-open':
        this.raiseAlarm('door-left-open', op.cellId, null, { opId: op.id });
        return;
      case 'give-up':
        this.store.cells.setService(op.cellId, false, 'door did not open');
        this.store.emit('cell.out-of-service', { cellId: op.cellId, reason: 'door-did-not-open' });
        this.raiseAlarm('door-did-not-open', op.cellId, null, { opId: op.id, stepId: op.stepId });
        this.settleCell(op.cellId);
        {
          const instead = this.hooks.onGaveUp(op);
          if (instead !== undefined) toFire.push(instead);
        }
        return;
    }
  }

  /** Occupancy follows what the cell holds once no door is moving. */
  settleCell(cellId: string): void {
    const active = this.store.doorOps.active().some((o) => o.cellId === cellId);
    if (active) return;
    const parcel = this.store.orders.parcelInCell(cellId);
    const next = parcel ? 'occupied' : this.reservedFor(cellId) ? 'reserved' : 'free';
    this.store.cells.setOccupancy(cellId, next);
    this.events.emit({ type: 'cell', cellId, state: next });
  }

  private reservedFor(cellId: string): boolean {
    return this.store.orders.expectedParcelInCell(cellId);
  }

  raiseAlarm(
    kind: Parameters<Store['doorOps']['raiseAlarm']>[0]['kind'],
    cellId: string | null,
    boardId: string | null,
    detail: Record<string, unknown>,
  ): void {
    const at = this.clock.now();
    const id = this.store.doorOps.raiseAlarm({ kind, cellId, boardId, detail, raisedAt: at });
    this.store.emit('alarm.raised', { alarmId: id, kind, cellId, boardId, ...detail });
    this.events.emit({ type: 'alarm', kind, cellId, boardId });
    this.log.warn({ event: 'alarm', kind, cellId, boardId });
  }

  /** A board's door edge: to its op, or a forced-open alarm when nobody unlocked it. */
  onBoardEvent(e: LockBoardEvent): void {
    if (e.type !== 'door-opened' && e.type !== 'door-closed') return;
    const cell = this.store.cells.byChannel(e.boardId, e.channel);
    if (!cell) return;
    const op = this.store.doorOps.active().find((o) => o.cellId === cell.id);
    if (op && this.awaitingSensors.delete(op.id)) {
      const door = e.type === 'door-opened' ? 'open' : 'closed';
      this.feed(op.id, { type: 'restarted', at: e.at, door });
      return;
    }
    if (op) {
      this.feed(op.id, { type: e.type, at: e.at });
      return;
    }
    this.store.transaction(() => {
      if (e.type === 'door-opened') {
        this.store.emit('door.forced-open', { cellId: cell.id });
        this.raiseAlarm('forced-open', cell.id, e.boardId, {});
      } else {
        this.store.emit('door.closed', { cellId: cell.id, opId: null });
      }
    });
    this.events.emit({
      type: 'door',
      cellId: cell.id,
      door: e.type === 'door-opened' ? 'open' : 'closed',
      opId: null,
    });
  }

  tick(now: number): void {
    for (const op of this.store.doorOps.active()) {
      // A crash-interrupted op waits for its door sensor; a tick must never re-pulse it.
      if (this.awaitingSensors.has(op.id)) continue;
      this.feed(op.id, { type: 'tick', at: now });
    }
  }

  /**
   * After a restart: every op caught mid-way is settled from the door sensors, never re-fired.
   * Ops on a board whose doors are not known yet (a bus not polled yet, a board offline) wait
   * for the board to come online or for a door edge.
   */
  reconcile(boardId?: string): void {
    const now = this.clock.now();
    for (const op of this.store.doorOps.active()) {
      const cell = this.store.cells.get(op.cellId);
      if (boardId !== undefined && cell?.boardId !== boardId) continue;
      if (boardId !== undefined && !this.awaitingSensors.has(op.id)) continue;
      const board = cell ? this.boards.get(cell.boardId) : undefined;
      const door: DoorState =
        cell && board?.isOnline() ? (board.doorStates()[cell.channel - 1] ?? 'unknown') : 'unknown';
      if (door === 'unknown' && cell && board) {
        this.awaitingSensors.add(op.id);
        continue;
      }
      this.awaitingSensors.delete(op.id);
      this.feed(op.id, { type: 'restarted', at: now, door });
    }
  }
}
