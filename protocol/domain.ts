/**
 * The vocabulary both ends of the wire speak: cell sizes, order and step kinds, step states.
 * Pure data; no I/O.
 */

export const CELL_SIZES = ['S', 'M', 'L', 'XL'] as const;
export type CellSize = (typeof CELL_SIZES)[number];

export interface Dimensions {
  /** Inner width, height and depth in millimetres. */
  readonly widthMm: number;
  readonly heightMm: number;
  readonly depthMm: number;
}

/** Typical inner dimensions of a parcel-locker cell of each size (the common Russian grid). */
export const CELL_SIZE_DIMENSIONS: Readonly<Record<CellSize, Dimensions>> = {
  S: { widthMm: 430, heightMm: 90, depthMm: 600 },
  M: { widthMm: 430, heightMm: 190, depthMm: 600 },
  L: { widthMm: 430, heightMm: 400, depthMm: 600 },
  XL: { widthMm: 430, heightMm: 600, depthMm: 600 },
};

/** Sizes from smallest to largest; "doesn't fit" moves to the next one. */
export function nextLargerSize(size: CellSize): CellSize | undefined {
  return CELL_SIZES[CELL_SIZES.indexOf(size) + 1];
}

export function sizeFits(item: CellSize, cell: CellSize): boolean {
  return CELL_SIZES.indexOf(cell) >= CELL_SIZES.indexOf(item);
}

export const CELL_FEATURES = ['refrigerated', 'heated', 'accessible', 'charging'] as const;
export type CellFeature = (typeof CELL_FEATURES)[number];

export const CELL_STATES = ['free', 'reserved', 'occupied', 'open', 'out-of-service'] as const;
export type CellState = (typeof CELL_STATES)[number];

export const ORDER_KINDS = [
  'delivery',
  'return',
  'rental',
  'service-round-trip',
  'resident-to-resident',
] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

export const STEP_KINDS = ['deposit', 'collect'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/**
 * A step is `done` only when the door sensor saw the door open and then close; `unlocking` is
 * the window between the written unlock intent and that confirmation.
 */
export const STEP_STATES = [
  'pending',
  'unlocking',
  'door-open',
  'done',
  'failed',
  'cancelled',
] as const;
export type StepState = (typeof STEP_STATES)[number];

/** Who may perform a step. */
export const ACTOR_ROLES = [
  'courier',
  'recipient',
  'sender',
  'renter',
  'partner-courier',
  'resident',
  'technician',
  'operator',
] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

export const ORDER_STATUSES = [
  'created',
  'booked',
  'in-transit',
  'deposited',
  'ready-for-pickup',
  'collected',
  'expired',
  'returned',
  'cancelled',
  'overdue',
  'completed',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ALARM_KINDS = [
  'door-did-not-open',
  'door-left-open',
  'forced-open',
  'board-offline',
  'tamper',
  'mains-power-lost',
  'keypad-locked',
  'sensor-fault',
] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

/** A pickup or return code: exactly six digits. */
export const PICKUP_CODE_PATTERN = /^[0-9]{6}$/;

/** Locker ids travel in MQTT topics, so they are restricted to topic-safe characters. */
export const LOCKER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
