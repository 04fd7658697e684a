import type {
  ActorRole,
  CellSize,
  OrderKind,
  OrderStatus,
  StepKind,
} from '../../protocol/index.ts';
import type { Db } from './database.ts';

export interface OrderRow {
  readonly id: string;
  readonly kind: OrderKind;
  readonly tenantId: string;
  readonly status: OrderStatus;
  readonly storageHours: number;
  readonly validUntil: number | null;
  readonly readyAt: number | null;
  readonly expiresAt: number | null;
  readonly rentalUntil: number | null;
  readonly paidKopecks: number | null;
  readonly createdAt: number;
}

export type ParcelState = 'expected' | 'in-cell' | 'collected';

export interface ParcelRow {
  readonly id: string;
  readonly orderId: string;
  readonly barcodeHash: string | null;
  readonly size: CellSize;
  readonly refrigerated: boolean;
  readonly cellId: string | null;
  readonly state: ParcelState;
}

export type StepRowState = 'pending' | 'in-progress' | 'done' | 'failed';

export interface StepRow {
  readonly id: string;
  readonly orderId: string;
  readonly idx: number;
  readonly kind: StepKind;
  readonly role: ActorRole;
  readonly state: StepRowState;
  readonly doneAt: number | null;
}

export interface CodeRow {
  readonly codeHash: string;
  readonly orderId: string;
  readonly purpose: string;
  readonly validFrom: number;
  readonly validUntil: number;
  readonly usedAt: number | null;
}

const ORDER_COLS = `id, kind, tenant_id AS tenantId, status, storage_hours AS storageHours,
  valid_until AS validUntil, ready_at AS readyAt, expires_at AS expiresAt,
  rental_until AS rentalUntil, paid_kopecks AS paidKopecks, created_at AS createdAt`;
const PARCEL_COLS = `id, order_id AS orderId, barcode_hash AS barcodeHash, size,
  refrigerated, cell_id AS cellId, state`;
const STEP_COLS = 'id, order_id AS orderId, idx, kind, role, state, done_at AS doneAt';
const CODE_COLS = `code_hash AS codeHash, order_id AS orderId, purpose, valid_from AS validFrom,
  valid_until AS validUntil, used_at AS usedAt`;

type RawParcel = Omit<ParcelRow, 'refrigerated'> & { refrigerated: number };
const toParcel = (r: RawParcel): ParcelRow => ({ ...r, refrigerated: r.refrigerated === 1 });

export class OrdersRepo {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      order: db.prepare<[string], OrderRow>(`SELECT ${ORDER_COLS} FROM orders WHERE id = ?`),
      insertOrder: db.prepare(
        `INSERT INTO orders (id, kind, tenant_id, status, storage_hours, valid_until, rental_until,
           paid_kopecks, created_at)
         VALUES (@id, @kind, @tenantId, @status, @storageHours, @validUntil, @rentalUntil,
           @paidKopecks, @createdAt)`,
      ),
      setStatus: db.prepare<[string, string]>('UPDATE orders SET status = ? WHERE id = ?'),
      setReady: db.prepare<[number, number, string]>(
        'UPDATE orders SET ready_at = ?, expires_at = ? WHERE id = ?',
      ),
      dueToExpire: db.prepare<[number], OrderRow>(
        `SELECT ${ORDER_COLS} FROM orders WHERE status = 'ready-for-pickup'
           AND expires_at IS NOT NULL AND expires_at <= ?`,
      ),
      dueRentals: db.prepare<[number], OrderRow>(
        `SELECT ${ORDER_COLS} FROM orders WHERE kind = 'rental' AND status = 'deposited'
           AND rental_until IS NOT NULL AND rental_until <= ?`,
      ),
      parcel: db.prepare<[string], RawParcel>(`SELECT ${PARCEL_COLS} FROM parcels WHERE id = ?`),
      parcelByBarcode: db.prepare<[string], RawParcel>(
        `SELECT ${PARCEL_COLS} FROM parcels WHERE barcode_hash = ?`,
      ),
      parcelsOf: db.prepare<[string], RawParcel>(
        `SELECT ${PARCEL_COLS} FROM parcels WHERE order_id = ? ORDER BY id`,
      ),
      parcelInCell: db.prepare<[string], RawParcel>(
        `SELECT ${PARCEL_COLS} FROM parcels WHERE cell_id = ? AND state = 'in-cell'`,
      ),
      expectedInCell: db.prepare<[string], { one: number }>(
        "SELECT 1 AS one FROM parcels WHERE cell_id = ? AND state = 'expected' LIMIT 1",
      ),
      upsertParcel: db.prepare(
        `INSERT INTO parcels (id, order_id, barcode_hash, size, refrigerated, state)
         VALUES (@id, @orderId, @barcodeHash, @size, @refrigerated, 'expected')
         ON CONFLICT (id) DO UPDATE SET size = excluded.size, refrigerated = excluded.refrigerated,
           barcode_hash = excluded.barcode_hash`,
      ),
      setParcel: db.prepare<[string | null, string, string]>(
        'UPDATE parcels SET cell_id = ?, state = ? WHERE id = ?',
      ),
      steps: db.prepare<[string], StepRow>(
        `SELECT ${STEP_COLS} FROM steps WHERE order_id = ? ORDER BY idx`,
      ),
      step: db.prepare<[string], StepRow>(`SELECT ${STEP_COLS} FROM steps WHERE id = ?`),
      insertStep: db.prepare(
        `INSERT INTO steps (id, order_id, idx, kind, role, state)
         VALUES (@id, @orderId, @idx, @kind, @role, 'pending')`,
      ),
      setStep: db.prepare<[string, number | null, string]>(
        'UPDATE steps SET state = ?, done_at = ? WHERE id = ?',
      ),
      setStepRole: db.prepare<[string, string]>('UPDATE steps SET role = ? WHERE id = ?'),
      code: db.prepare<[string], CodeRow>(`SELECT ${CODE_COLS} FROM codes WHERE code_hash = ?`),
      upsertCode: db.prepare(
        `INSERT INTO codes (code_hash, order_id, purpose, valid_from, valid_until)
         VALUES (@codeHash, @orderId, @purpose, @validFrom, @validUntil)
         ON CONFLICT (code_hash) DO UPDATE SET order_id = excluded.order_id,
           purpose = excluded.purpose, valid_from = excluded.valid_from,
           valid_until = excluded.valid_until`,
      ),
      useCodes: db.prepare<[number, string, string]>(
        'UPDATE codes SET used_at = ? WHERE order_id = ? AND purpose = ? AND used_at IS NULL',
      ),
      removeCodesOf: db.prepare<[string]>('DELETE FROM codes WHERE order_id = ?'),
      removeCode: db.prepare<[string]>('DELETE FROM codes WHERE code_hash = ?'),
      // Rentals (tenant 'locker') are the locker's own: the cloud never sends or removes them.
      cloudCodes: db.prepare<[], { codeHash: string }>(
        `SELECT c.code_hash AS codeHash FROM codes c LEFT JOIN orders o ON o.id = c.order_id
           WHERE o.tenant_id IS NULL OR o.tenant_id != 'locker'`,
      ),
      cloudBooked: db.prepare<[], { id: string }>(
        "SELECT id FROM orders WHERE status = 'booked' AND tenant_id != 'locker' ORDER BY id",
      ),
      purposesOf: db.prepare<[string], { purpose: string }>(
        'SELECT DISTINCT purpose FROM codes WHERE order_id = ?',
      ),
      collectableByTenant: db.prepare<[string], OrderRow>(
        `SELECT ${ORDER_COLS} FROM orders WHERE tenant_id = ?
           AND status IN ('deposited', 'expired') ORDER BY id`,
      ),
    };
  }

  order(id: string): OrderRow | undefined {
    return this.s.order.get(id);
  }
  insertOrder(o: Omit<OrderRow, 'readyAt' | 'expiresAt'>): void {
    this.s.insertOrder.run(o);
  }
  setStatus(id: string, status: OrderStatus): void {
    this.s.setStatus.run(status, id);
  }
  setReady(id: string, readyAt: number, expiresAt: number): void {
    this.s.setReady.run(readyAt, expiresAt, id);
  }
  dueToExpire(now: number): OrderRow[] {
    return this.s.dueToExpire.all(now);
  }
  dueRentals(now: number): OrderRow[] {
    return this.s.dueRentals.all(now);
  }
  /** Orders with something a courier of the tenant may take away. */
  collectableByTenant(tenantId: string): OrderRow[] {
    return this.s.collectableByTenant.all(tenantId);
  }

  parcel(id: string): ParcelRow | undefined {
    const r = this.s.parcel.get(id);
    return r ? toParcel(r) : undefined;
  }
  parcelByBarcode(hash: string): ParcelRow | undefined {
    const r = this.s.parcelByBarcode.get(hash);
    return r ? toParcel(r) : undefined;
  }
  parcelsOf(orderId: string): ParcelRow[] {
    return this.s.parcelsOf.all(orderId).map(toParcel);
  }
  parcelInCell(cellId: string): ParcelRow | undefined {
    const r = this.s.parcelInCell.get(cellId);
    return r ? toParcel(r) : undefined;
  }
  /** A cell reserved for a parcel not yet deposited. */
  expectedParcelInCell(cellId: string): boolean {
    return this.s.expectedInCell.get(cellId) !== undefined;
  }
  upsertParcel(p: Omit<ParcelRow, 'cellId' | 'state'>): void {
    this.s.upsertParcel.run({ ...p, refrigerated: p.refrigerated ? 1 : 0 });
  }
  setParcel(id: string, cellId: string | null, state: ParcelState): void {
    this.s.setParcel.run(cellId, state, id);
  }

  steps(orderId: string): StepRow[] {
    return this.s.steps.all(orderId);
  }
  step(id: string): StepRow | undefined {
    return this.s.step.get(id);
  }
  insertStep(step: Pick<StepRow, 'id' | 'orderId' | 'idx' | 'kind' | 'role'>): void {
    this.s.insertStep.run(step);
  }
  setStep(id: string, state: StepRowState, doneAt: number | null): void {
    this.s.setStep.run(state, doneAt, id);
  }
  setStepRole(id: string, role: ActorRole): void {
    this.s.setStepRole.run(role, id);
  }

  code(hash: string): CodeRow | undefined {
    return this.s.code.get(hash);
  }
  upsertCode(c: Omit<CodeRow, 'usedAt'>): void {
    this.s.upsertCode.run(c);
  }
  useCodes(orderId: string, purpose: string, at: number): void {
    this.s.useCodes.run(at, orderId, purpose);
  }
  removeCodesOf(orderId: string): void {
    this.s.removeCodesOf.run(orderId);
  }
  removeCode(codeHash: string): void {
    this.s.removeCode.run(codeHash);
  }
  /** Hashes of the codes the cloud pushed (every code but the locker's own rentals'). */
  cloudCodeHashes(): string[] {
    return this.s.cloudCodes.all().map((r) => r.codeHash);
  }
  /** Orders the cloud pushed that are still only booked here. */
  cloudBookedOrderIds(): string[] {
    return this.s.cloudBooked.all().map((r) => r.id);
  }
  codePurposesOf(orderId: string): string[] {
    return this.s.purposesOf.all(orderId).map((r) => r.purpose);
  }
}
