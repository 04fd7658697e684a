import type { CellState, ErrorCode } from '../../protocol/index.ts';
import type { AgentEvent } from '../services/agent-events.ts';

/**
 * What the kiosk needs from the locker, written as the Agent's own method shapes so that the
 * Agent satisfies it structurally: the kiosk depends on this, never on the Agent class, and a
 * test can hand it any implementation that behaves like the real one.
 */
export type BackendResult<T> =
  | ({ readonly ok: true } & T)
  | {
      readonly ok: false;
      readonly code: ErrorCode;
      readonly message: string;
      /** A wrong code: tries left before the keypad locks. */
      readonly triesLeft?: number;
      /** The keypad is locked until then (ms since the epoch). */
      readonly until?: number;
      /** A payment refused or pending: why, which payment, how much is due. */
      readonly reason?: string;
      readonly paymentId?: string;
      readonly amountKopecks?: number;
    };

/** A payment the kiosk started: approved (cells opening) or waiting for an SBP QR. */
export type BackendPayment = BackendResult<{
  paymentId: string;
  method: 'pos' | 'sbp';
  amountKopecks: number;
  state: 'approved' | 'waiting';
  cellIds: string[];
  code?: string;
}>;

export interface BackendSession {
  readonly id: string;
  readonly role: 'courier' | 'technician';
  readonly holderId: string;
}

/** The events the screen redraws from: the Agent's own event vocabulary (door edges, cell
 * states, alarms, step changes, replacement cells), shared rather than restated. */
export type BackendEvent = AgentEvent;

export interface BackendCell {
  readonly id: string;
  readonly size: string;
  readonly features: readonly string[];
  readonly state: CellState;
  /** The door as its board last saw it; `unknown` while the board is offline. */
  readonly door: 'open' | 'closed' | 'unknown';
}

export interface BackendAlarm {
  readonly id: number;
  readonly kind: string;
  readonly cellId: string | null;
  readonly boardId: string | null;
  readonly raisedAt: number;
}

export interface BackendBoardStatus {
  readonly id: string;
  readonly online: boolean;
  readonly counters: object;
}

type Opened = { cellIds: string[]; opIds: number[] };

export interface KioskBackend {
  courierLogin(input: { badge?: string; pin: string }): BackendResult<{ session: BackendSession }>;
  technicianLogin(pin: string): BackendResult<{ session: BackendSession }>;
  logout(sessionId: string): void;
  scanParcel(
    sessionId: string,
    barcode: string,
  ): BackendResult<{ orderId: string; parcelId: string; cellId: string; opIds: number[] }>;
  doesNotFit(sessionId: string, parcelId: string): BackendResult<{ cellId: string }>;
  courierCollectable(
    sessionId: string,
  ): BackendResult<{ orders: { orderId: string; status: string; cells: string[] }[] }>;
  courierCollect(sessionId: string, orderId: string): BackendResult<Opened>;
  enterCode(
    code: string,
  ): BackendResult<
    Opened & { action: 'deposit' | 'collect' | 'pay'; orderId: string; amountKopecks?: number }
  >;
  collectByQr(
    text: string,
  ): BackendResult<
    Opened & { action: 'deposit' | 'collect' | 'pay'; orderId: string; amountKopecks?: number }
  >;
  rentalQuote(input: {
    size: string;
    hours: number;
  }): BackendResult<{ size: string; hours: number; priceKopecks: number }>;
  rentalOpen(
    code: string,
    finish?: boolean,
  ): BackendResult<{ orderId: string; cellId: string; finished: boolean }>;
  paymentOptions(): {
    methods: ('pos' | 'sbp')[];
    online: boolean;
    terminal: { connected: boolean; offlineCapable: boolean } | null;
    receipts: boolean;
  };
  payCod(code: string, method: string): Promise<BackendPayment>;
  payRental(input: { size: string; hours: number; method: string }): Promise<BackendPayment>;
  payOverdue(code: string, method: string): Promise<BackendPayment>;
  payment(paymentId: string): BackendResult<{
    paymentId: string;
    method: string;
    amountKopecks: number;
    state: string;
    failure: string | null;
    qrPayload: string | null;
    payableUntil: number | null;
    cellIds: string[];
    code?: string;
  }>;
  offerReceipt(input: {
    paymentId: string;
    channel: string;
    contact: string;
  }): BackendResult<{ channel: string }>;
  technicianOpen(sessionId: string, cellId: string, reason: string): BackendResult<object>;
  technicianSetService(
    sessionId: string,
    cellId: string,
    inService: boolean,
    reason: string,
  ): BackendResult<object>;
  technicianStatus(sessionId: string): BackendResult<{
    alarms: readonly BackendAlarm[];
    boards: readonly BackendBoardStatus[];
  }>;
  inventoryCheck(
    sessionId: string,
  ): BackendResult<{ checked: number; problems: { cellId: string; problem: string }[] }>;
  clearAlarm(sessionId: string, alarmId: number): BackendResult<object>;
  cells(): readonly BackendCell[];
  diagnostics(): Record<string, unknown>;
  subscribe(listener: (event: BackendEvent) => void): () => void;
}
