import type { Logger } from 'pino';
import { type Clock, isPostamatError } from '../protocol/index.ts';
import { DEFAULT_DOOR_TIMINGS, type DoorTimings } from './domain/door-op.ts';
import { DEFAULT_KEYPAD_POLICY, type KeypadPolicy } from './domain/keypad-lockout.ts';
import type { DoorState, LockBoard, LockBoardEvent } from './drivers/lock-board.ts';
import { courierLogin, technicianLogin } from './services/access-flows.ts';
import { type AgentEvent, AgentEvents } from './services/agent-events.ts';
import { codeFromQr, enterCode } from './services/code-flows.ts';
import { CollectionBatch } from './services/collection-batch.ts';
import { StoreCommandInbox } from './services/command-inbox.ts';
import * as courier from './services/courier-flows.ts';
import { DoorController } from './services/door-controller.ts';
import type { FlowContext } from './services/flow-context.ts';
import { type GateConfig, gateEnter } from './services/gate-flows.ts';
import { keyedHasher } from './services/hasher.ts';
import { BadInputCounter, fail, type KioskResult } from './services/kiosk-result.ts';
import type { NetworkLink, NetworkStatus } from './services/network-link.ts';
import { OrderProgress } from './services/order-progress.ts';
import { type PaymentChannels, PaymentDesk } from './services/payment-desk.ts';
import { applyPaymentRefundForDoor } from './services/payment-door-refund.ts';
import type { PaymentProvider } from './services/payment-provider.ts';
import { PaymentUpkeep } from './services/payment-upkeep.ts';
import { offerReceipt, receiptKey } from './services/receipt-contact.ts';
import { rentalOpen, rentalQuote, startRental } from './services/rental-flows.ts';
import { Sessions } from './services/sessions.ts';
import { StoreSyncTarget } from './services/sync-target.ts';
import * as tech from './services/technician-flows.ts';
import { cellState } from './store/cells-repo.ts';
import type { Store } from './store/store.ts';

export interface AgentOptions {
  readonly lockerId: string;
  readonly hashKey: string;
  readonly store: Store;
  readonly boards: readonly LockBoard[];
  readonly clock: Clock;
  readonly log: Logger;
  readonly payments: PaymentProvider;
  readonly doorTimings?: DoorTimings;
  readonly keypad?: KeypadPolicy;
  /** How often timeouts are checked; 0 = never by itself (tests call `tick`). */
  readonly tickMs?: number;
  /** The cloud link, for the technician's network tab; absent when no sync is configured. */
  readonly network?: NetworkLink;
  /** Access points of a closed site this locker drives through relay channels of its bus. */
  readonly gates?: readonly GateConfig[];
  /** How many cell doors a batch collection unlocks at once (the lock power supply); default 2. */
  readonly collectAtOnce?: number;
  /** Card terminal and SBP (issue #14); absent: this locker takes no payments at pickup. */
  readonly paymentChannels?: PaymentChannels;
  /** The cloud's RSA public key (PEM) that receipt contacts are sealed to. */
  readonly receiptKeyPem?: string;
}

/**
 * One locker: the flows the kiosk calls, the ports the sync client drives, and the event stream
 * the kiosk redraws from. UI-agnostic: every method returns a result the kiosk can render.
 */
export class Agent {
  readonly outbox;
  readonly commands: StoreCommandInbox;
  readonly sync: StoreSyncTarget;
  private readonly ctx: FlowContext;
  private readonly events = new AgentEvents();
  private readonly bad = new BadInputCounter();
  private readonly unsubscribers: (() => void)[] = [];
  private readonly desk: PaymentDesk;
  private readonly upkeep: PaymentUpkeep;
  private readonly receiptKey;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: AgentOptions) {
    const boards = new Map(o.boards.map((b) => [b.id, b]));
    const doors = new DoorController(
      o.store,
      boards,
      o.clock,
      o.doorTimings ?? DEFAULT_DOOR_TIMINGS,
      this.events,
      o.log,
    );
    const progress = new OrderProgress(o.store, doors, boards, o.clock, this.events);
    doors.hooks = {
      onDone: (op) => progress.onDoorDone(op),
      onGaveUp: (op) => {
        const instead = progress.onDoorGaveUp(op);
        // Paid, and neither this door nor another cell opened: the money goes back.
        if (instead === undefined) applyPaymentRefundForDoor(this.ctx, op);
        return instead;
      },
    };
    this.ctx = {
      lockerId: o.lockerId,
      store: o.store,
      doors,
      progress,
      boards,
      clock: o.clock,
      hash: keyedHasher(o.hashKey),
      sessions: new Sessions(o.clock),
      keypad: o.keypad ?? DEFAULT_KEYPAD_POLICY,
      payments: o.payments,
      events: this.events,
      log: o.log,
    };
    this.desk = new PaymentDesk(
      this.ctx,
      o.paymentChannels ?? { sbp: false },
      () => o.network?.linkState().connected ?? false,
    );
    this.upkeep = new PaymentUpkeep(this.ctx, this.desk);
    this.receiptKey = o.receiptKeyPem ? receiptKey(o.receiptKeyPem) : undefined;
    this.outbox = o.store.outbox;
    this.commands = new StoreCommandInbox(this.ctx, () => this.diagnostics());
    this.sync = new StoreSyncTarget(this.ctx);
  }

  /** Settles what a crash interrupted (from the door sensors), then listens to the boards. */
  start(): void {
    for (const board of this.o.boards) {
      this.unsubscribers.push(board.subscribe((e) => this.onBoardEvent(e)));
    }
    this.ctx.doors.reconcile();
    this.tick();
    // Card payments a crash left unresolved are settled from the terminal's journal.
    void this.upkeep.run();
    const tickMs = this.o.tickMs ?? 250;
    if (tickMs > 0) this.timer = setInterval(() => this.tick(), tickMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const off of this.unsubscribers.splice(0)) off();
  }

  /** Timeouts are inputs: door timeouts, storage expiry, overdue rentals. */
  tick(): void {
    const now = this.o.clock.now();
    this.ctx.doors.tick(now);
    this.o.store.transaction(() => {
      this.ctx.progress.expireDue(now);
      this.ctx.progress.markOverdue(now);
    });
    this.upkeep.tick(now);
  }

  /** Settles what the terminal knows of unresolved card payments and makes owed refunds. */
  recoverPayments(): Promise<void> {
    return this.upkeep.run();
  }

  subscribe(listener: (event: AgentEvent) => void): () => void {
    return this.events.subscribe(listener);
  }

  private onBoardEvent(e: LockBoardEvent): void {
    if (e.type === 'board-offline' || e.type === 'board-online') {
      this.o.store.transaction(() => {
        this.o.store.emit(`board.${e.type === 'board-offline' ? 'offline' : 'online'}`, {
          boardId: e.boardId,
        });
        if (e.type === 'board-offline')
          this.ctx.doors.raiseAlarm('board-offline', null, e.boardId, {});
      });
      // Doors are known again: settle what a restart left waiting for them.
      if (e.type === 'board-online') this.ctx.doors.reconcile(e.boardId);
      return;
    }
    this.ctx.doors.onBoardEvent(e);
  }

  /** A GPIO input (tamper switch, mains power, service door) changed. */
  reportInput(input: 'tamper' | 'mains-power' | 'service-door', active: boolean): void {
    this.o.store.transaction(() => {
      this.o.store.emit(`input.${input}`, { active });
      if (input === 'tamper' && active) this.ctx.doors.raiseAlarm('tamper', null, null, {});
      if (input === 'mains-power' && !active)
        this.ctx.doors.raiseAlarm('mains-power-lost', null, null, {});
    });
  }

  // ── flows the kiosk calls ──
  courierLogin(input: { badge?: string; pin: string }) {
    return this.bad.guard(() => courierLogin(this.ctx, input));
  }
  technicianLogin(pin: string) {
    return this.bad.guard(() => technicianLogin(this.ctx, pin));
  }
  logout(sessionId: string): void {
    this.ctx.sessions.close(sessionId);
  }
  scanParcel(sessionId: string, barcode: string) {
    return this.bad.guard(() => courier.scanParcel(this.ctx, sessionId, barcode));
  }
  doesNotFit(sessionId: string, parcelId: string) {
    return this.bad.guard(() => courier.doesNotFit(this.ctx, sessionId, parcelId));
  }
  courierCollectable(sessionId: string) {
    return this.bad.guard(() => courier.collectableOrders(this.ctx, sessionId));
  }
  courierCollect(sessionId: string, orderId: string) {
    return this.bad.guard(() => courier.courierCollect(this.ctx, sessionId, orderId));
  }
  /** Opens every cell the courier must empty, a few at a time, each confirmed by its sensor. */
  courierCollectAll(sessionId: string, orderIds?: readonly string[]) {
    const listed = this.courierCollectable(sessionId);
    if (!listed.ok) return listed;
    const ids = orderIds ?? listed.orders.map((o) => o.orderId);
    return {
      ok: true as const,
      batch: new CollectionBatch(this, sessionId, ids, this.o.collectAtOnce ?? 2),
    };
  }
  /** A courier's daily code typed at a gate this locker drives; checked offline. */
  async gateEnter(input: { accessPointId: string; code: string }) {
    const gates = new Map((this.o.gates ?? []).map((g) => [g.accessPointId, g]));
    try {
      const result = await gateEnter(this.ctx, gates, input);
      if (!result.ok) this.bad.count(result.code);
      return result;
    } catch (error) {
      if (!isPostamatError(error)) throw error;
      this.bad.count(error.code);
      return fail(error.code, error.message);
    }
  }
  /** A pickup, return or deposit code typed on the keypad. */
  enterCode(code: string) {
    return this.bad.guard(() => enterCode(this.ctx, code));
  }
  collectByQr(text: string) {
    return this.bad.guard(() => enterCode(this.ctx, codeFromQr(text)));
  }
  /** The price of a rental at the synced tariff, shown before the person pays. */
  rentalQuote(input: { size: string; hours: number }) {
    return this.bad.guard(() => rentalQuote(this.ctx, input));
  }
  startRental(input: { size: string; hours: number; paymentMethod: string }) {
    return this.bad.guard(() => startRental(this.ctx, input));
  }
  rentalOpen(code: string, finish = false) {
    return this.bad.guard(() => rentalOpen(this.ctx, code, finish));
  }
  // ── payments (issue #14) ──
  /** Which channels this locker takes, whether the cloud is reachable, the terminal's link. */
  paymentOptions() {
    return {
      methods: this.desk.methods(),
      online: this.desk.online(),
      terminal: this.desk.channels.terminal?.connection() ?? null,
      receipts: this.receiptKey !== undefined,
    };
  }
  /** Pays a COD pickup (`pos` card or `sbp` QR); the cells open only when it is approved. */
  payCod(code: string, method: string) {
    return this.counted(this.desk.payCod(code, method));
  }
  payRental(input: { size: string; hours: number; method: string }) {
    return this.counted(this.desk.payRental(input));
  }
  payOverdue(code: string, method: string) {
    return this.counted(this.desk.payOverdue(code, method));
  }
  payment(paymentId: string) {
    return this.desk.view(paymentId);
  }
  offerReceipt(input: { paymentId: string; channel: string; contact: string }) {
    return this.bad.guard(() => offerReceipt(this.ctx, this.receiptKey, input));
  }
  private async counted<T extends { ok: boolean; code?: string }>(p: Promise<T>): Promise<T> {
    const r = await p;
    if (!r.ok && r.code) this.bad.count(r.code as Parameters<BadInputCounter['count']>[0]);
    return r;
  }

  technicianOpen(sessionId: string, cellId: string, reason: string) {
    return this.bad.guard(() => tech.technicianOpen(this.ctx, sessionId, cellId, reason));
  }
  technicianSetService(sessionId: string, cellId: string, inService: boolean, reason: string) {
    return this.bad.guard(() =>
      tech.technicianSetService(this.ctx, sessionId, cellId, inService, reason),
    );
  }
  technicianStatus(sessionId: string) {
    return this.bad.guard(() => tech.technicianStatus(this.ctx, sessionId));
  }
  inventoryCheck(sessionId: string) {
    return this.bad.guard(() => tech.inventoryCheck(this.ctx, sessionId));
  }
  clearAlarm(sessionId: string, alarmId: number): KioskResult<Record<never, never>> {
    return this.bad.guard((): KioskResult<Record<never, never>> => {
      const s = this.ctx.sessions.get(sessionId, 'technician');
      if (!s) return fail('not-authorized', 'no technician session');
      this.o.store.transaction(() => {
        if (this.o.store.doorOps.clearAlarm(alarmId, this.o.clock.now())) {
          this.o.store.emit('alarm.cleared', { alarmId, by: s.holderId });
        }
      });
      return { ok: true };
    });
  }

  // ── what the kiosk and diagnostics read ──
  /** Every cell with its stored state and the door as its board last saw it. */
  cells() {
    const doors = new Map(
      this.o.boards.map((b) => [b.id, b.isOnline() ? b.doorStates() : undefined]),
    );
    return this.o.store.cells.all().map((c) => ({
      id: c.id,
      size: c.size,
      features: c.features,
      state: cellState(c),
      door: doors.get(c.boardId)?.[c.channel - 1] ?? ('unknown' as DoorState),
    }));
  }
  orderStatus(orderId: string) {
    return this.o.store.orders.order(orderId)?.status;
  }
  metrics() {
    return {
      badInput: this.bad.snapshot(),
      outboxDepth: this.o.store.outbox.depth(),
      lastSeq: this.o.store.outbox.lastSeq(),
    };
  }
  /** The cloud link and how far the locker's events and the cloud's sync have got. */
  networkStatus(): NetworkStatus {
    const outbox = this.o.store.outbox;
    return {
      configured: this.o.network !== undefined,
      ...this.o.network?.linkState(),
      outboxDepth: outbox.depth(),
      deliveredSeq: outbox.deliveredSeq(),
      lastSeq: outbox.lastSeq(),
      syncVersion: this.sync.syncVersion(),
    };
  }
  diagnostics(): Record<string, unknown> {
    return {
      ...this.metrics(),
      network: this.networkStatus(),
      alarms: this.o.store.doorOps.openAlarms().length,
      boards: this.o.boards.map((b) => ({ id: b.id, online: b.isOnline(), ...b.counters() })),
    };
  }
}
