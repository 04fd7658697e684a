import type { PaymentFailure, PaymentMethod, PaymentPurpose } from '../../protocol/index.ts';
import type { Db } from './database.ts';

/**
 * `intent` → `approved` | `failed`; an approved payment whose cell did not open →
 * `refund-pending` (POS: the terminal gives the money back) → `refunded`, or `refund-requested`
 * (SBP: the cloud refunds through the provider).
 */
export type PaymentState =
  | 'intent'
  | 'approved'
  | 'failed'
  | 'refund-pending'
  | 'refunded'
  | 'refund-requested';

export interface PaymentRow {
  readonly paymentId: string;
  readonly orderId: string;
  readonly stepId: string | null;
  readonly purpose: PaymentPurpose;
  readonly method: PaymentMethod;
  readonly amountKopecks: number;
  readonly state: PaymentState;
  readonly failure: PaymentFailure | null;
  readonly providerRef: string | null;
  readonly refundRef: string | null;
  readonly refundReason: string | null;
  readonly qrPayload: string | null;
  readonly payableUntil: number | null;
  readonly detail: Record<string, unknown>;
  readonly createdAt: number;
  readonly resolvedAt: number | null;
}

export type NewPayment = Pick<
  PaymentRow,
  | 'paymentId'
  | 'orderId'
  | 'stepId'
  | 'purpose'
  | 'method'
  | 'amountKopecks'
  | 'detail'
  | 'createdAt'
>;

const COLS = `payment_id AS paymentId, order_id AS orderId, step_id AS stepId, purpose, method,
  amount_kopecks AS amountKopecks, state, failure, provider_ref AS providerRef,
  refund_ref AS refundRef, refund_reason AS refundReason, qr_payload AS qrPayload,
  payable_until AS payableUntil, detail, created_at AS createdAt, resolved_at AS resolvedAt`;

type Raw = Omit<PaymentRow, 'detail'> & { detail: string };
const toRow = (r: Raw | undefined): PaymentRow | undefined =>
  r && { ...r, detail: JSON.parse(r.detail) as Record<string, unknown> };

export class PaymentsRepo {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      get: db.prepare<[string], Raw>(`SELECT ${COLS} FROM payments WHERE payment_id = ?`),
      byState: db.prepare<[string], Raw>(
        `SELECT ${COLS} FROM payments WHERE state = ? ORDER BY created_at`,
      ),
      ofOrder: db.prepare<[string], Raw>(
        `SELECT ${COLS} FROM payments WHERE order_id = ? ORDER BY created_at`,
      ),
      insert: db.prepare(
        `INSERT INTO payments (payment_id, order_id, step_id, purpose, method, amount_kopecks,
           state, detail, created_at)
         VALUES (@paymentId, @orderId, @stepId, @purpose, @method, @amountKopecks, 'intent',
           @detail, @createdAt)`,
      ),
      resolve: db.prepare<[string, string | null, string | null, number, string]>(
        `UPDATE payments SET state = ?, failure = ?, provider_ref = COALESCE(?, provider_ref),
           resolved_at = ? WHERE payment_id = ?`,
      ),
      refund: db.prepare<[string, string | null, string | null, string]>(
        `UPDATE payments SET state = ?, refund_ref = COALESCE(?, refund_ref),
           refund_reason = COALESCE(?, refund_reason) WHERE payment_id = ?`,
      ),
      qr: db.prepare<[string, number, string]>(
        'UPDATE payments SET qr_payload = ?, payable_until = ? WHERE payment_id = ?',
      ),
      dueOf: db.prepare<[string], { due: number | null }>(
        'SELECT amount_due_kopecks AS due FROM orders WHERE id = ?',
      ),
      setDue: db.prepare<[number, string]>(
        'UPDATE orders SET amount_due_kopecks = MAX(COALESCE(amount_due_kopecks, 0), ?) WHERE id = ?',
      ),
      setStep: db.prepare<[string, string]>('UPDATE payments SET step_id = ? WHERE payment_id = ?'),
      addPaid: db.prepare<[number, string]>(
        'UPDATE orders SET paid_kopecks = COALESCE(paid_kopecks, 0) + ? WHERE id = ?',
      ),
      saveContact: db.prepare<[string, string, string, number]>(
        `INSERT OR REPLACE INTO receipt_contacts (payment_id, channel, sealed_contact, at)
         VALUES (?, ?, ?, ?)`,
      ),
      contact: db.prepare<[string], { channel: string; sealedContact: string }>(
        'SELECT channel, sealed_contact AS sealedContact FROM receipt_contacts WHERE payment_id = ?',
      ),
    };
  }

  get(paymentId: string): PaymentRow | undefined {
    return toRow(this.s.get.get(paymentId));
  }

  inState(state: PaymentState): PaymentRow[] {
    return this.s.byState.all(state).map((r) => toRow(r)!);
  }

  ofOrder(orderId: string): PaymentRow[] {
    return this.s.ofOrder.all(orderId).map((r) => toRow(r)!);
  }

  insertIntent(p: NewPayment): void {
    this.s.insert.run({ ...p, detail: JSON.stringify(p.detail) });
  }

  resolve(
    paymentId: string,
    state: 'approved' | 'failed',
    failure: PaymentFailure | null,
    providerRef: string | null,
    at: number,
  ): void {
    this.s.resolve.run(state, failure, providerRef, at, paymentId);
  }

  setRefund(
    paymentId: string,
    state: 'refund-pending' | 'refunded' | 'refund-requested',
    ref: string | null,
    reason: string | null,
  ): void {
    this.s.refund.run(state, ref, reason, paymentId);
  }

  setQr(paymentId: string, payload: string, payableUntil: number): void {
    this.s.qr.run(payload, payableUntil, paymentId);
  }

  /** The order's cash-on-delivery amount; null when nothing is due on pickup. */
  amountDue(orderId: string): number | null {
    return this.s.dueOf.get(orderId)?.due ?? null;
  }

  /** The order's COD amount as synced (the same on each parcel row; the highest is kept). */
  setAmountDue(orderId: string, kopecks: number): void {
    this.s.setDue.run(kopecks, orderId);
  }

  setStep(paymentId: string, stepId: string): void {
    this.s.setStep.run(stepId, paymentId);
  }

  /** A rental's overdue time was paid: the order's paid total grows. */
  addPaid(orderId: string, kopecks: number): void {
    this.s.addPaid.run(kopecks, orderId);
  }

  saveContact(paymentId: string, channel: 'sms' | 'email', sealed: string, at: number): void {
    this.s.saveContact.run(paymentId, channel, sealed, at);
  }

  contact(paymentId: string): { channel: string; sealedContact: string } | undefined {
    return this.s.contact.get(paymentId);
  }
}
