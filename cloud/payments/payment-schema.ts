/** Row types of the payment tables (payment-migration.ts); merged into the store's Database. */

export type PaymentState = 'started' | 'approved' | 'declined' | 'refunded';
/** requested (the locker asked) → done | failed; null: no refund asked. */
export type RefundState = 'requested' | 'done' | 'failed';
export type ReceiptStatus = 'pending' | 'sent' | 'accepted' | 'failed';
export type ReceiptKind = 'sale' | 'refund';

export interface PaymentRow {
  /** The locker's payment id: the key every event and callback names. */
  id: string;
  locker_id: string;
  order_id: string;
  step_id: string | null;
  purpose: string | null;
  method: string;
  amount_kopecks: number;
  state: PaymentState;
  failure: string | null;
  provider_ref: string | null;
  /** SBP: the provider's operation id, what its callback names. */
  provider_operation_id: string | null;
  qr_payload: string | null;
  payable_until: number | null;
  refund_state: RefundState | null;
  refund_reason: string | null;
  refund_ref: string | null;
  refunded_kopecks: number | null;
  /** Provider calls (QR, refund, state) that failed, for backoff. */
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  updated_at: number;
}

export interface ReceiptRow {
  id: string;
  payment_id: string;
  kind: ReceiptKind;
  order_id: string;
  locker_id: string;
  purpose: string | null;
  method: string;
  amount_kopecks: number;
  status: ReceiptStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  /** The fiscalization service's id of the document. */
  external_id: string | null;
  created_at: number;
  accepted_at: number | null;
}

export interface ReceiptContactRow {
  payment_id: string;
  channel: string;
  /** As the locker sealed it (RSA-OAEP to the receipt key); null once opened and resealed. */
  rsa_sealed: string | null;
  /** Sealed with the personal-data vault once opened; stays RSA-sealed when no vault is set. */
  sealed: string | null;
  masked: string | null;
  created_at: number;
}

export interface OrderDueRow {
  order_id: string;
  amount_kopecks: number;
  paid_payment_id: string | null;
  paid_at: number | null;
}

export interface StorageProfileRow {
  id: string;
  operator_id: string;
  name: string;
  /** JSON array of syncTariffSchema. */
  tariffs: string;
  created_at: number;
  updated_at: number;
}

export interface LockerStorageProfileRow {
  locker_id: string;
  profile_id: string;
}

export interface PaymentCommandRow {
  command_id: string;
  payment_id: string;
  type: string;
  /** When the worker first saw it `sent` without a result: the resend clock starts there. */
  seen_sent_at: number | null;
  resends: number;
}

export interface PaymentTables {
  payments: PaymentRow;
  receipts: ReceiptRow;
  receipt_contacts: ReceiptContactRow;
  order_dues: OrderDueRow;
  storage_profiles: StorageProfileRow;
  locker_storage_profiles: LockerStorageProfileRow;
  payment_commands: PaymentCommandRow;
}
