import type { Kysely, Migration } from 'kysely';

/** Payments, receipts, COD amounts due, storage profiles and the commands a payment sends. */
export const paymentsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('payments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('locker_id', 'text', (c) => c.notNull())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('step_id', 'text')
      .addColumn('purpose', 'text')
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('amount_kopecks', 'bigint', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('failure', 'text')
      .addColumn('provider_ref', 'text')
      .addColumn('provider_operation_id', 'text')
      .addColumn('qr_payload', 'text')
      .addColumn('payable_until', 'bigint')
      .addColumn('refund_state', 'text')
      .addColumn('refund_reason', 'text')
      .addColumn('refund_ref', 'text')
      .addColumn('refunded_kopecks', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('payments_order').on('payments').column('order_id').execute();
    await db.schema
      .createIndex('payments_operation')
      .on('payments')
      .column('provider_operation_id')
      .execute();
    await db.schema
      .createTable('receipts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('payment_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('locker_id', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text')
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('amount_kopecks', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('external_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('accepted_at', 'bigint')
      .execute();
    // INVARIANT: one receipt per payment and kind (sale, refund) — the unique index makes it so.
    await db.schema
      .createIndex('receipts_once')
      .on('receipts')
      .columns(['payment_id', 'kind'])
      .unique()
      .execute();
    await db.schema
      .createIndex('receipts_due')
      .on('receipts')
      .columns(['status', 'next_attempt_at'])
      .execute();
    // A contact may arrive before the payment it is for: kept here, RSA-sealed, until used.
    await db.schema
      .createTable('receipt_contacts')
      .addColumn('payment_id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('rsa_sealed', 'text')
      .addColumn('sealed', 'text')
      .addColumn('masked', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('order_dues')
      .addColumn('order_id', 'text', (c) => c.primaryKey())
      .addColumn('amount_kopecks', 'bigint', (c) => c.notNull())
      .addColumn('paid_payment_id', 'text')
      .addColumn('paid_at', 'bigint')
      .execute();
    await db.schema
      .createTable('storage_profiles')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('operator_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('tariffs', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('locker_storage_profiles')
      .addColumn('locker_id', 'text', (c) => c.primaryKey())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('payment_commands')
      .addColumn('command_id', 'text', (c) => c.primaryKey())
      .addColumn('payment_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('seen_sent_at', 'bigint')
      .addColumn('resends', 'integer', (c) => c.notNull())
      .execute();
  },
};
