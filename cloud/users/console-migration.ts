import type { Kysely, Migration } from 'kysely';

/**
 * 0007-console: console users and their sessions, sign-in throttling, the last status each
 * locker reported, and operators' acknowledgement and resolution of alarms.
 */
export const consoleMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('console_users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('operator_id', 'text')
      .addColumn('tenant_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('password_changed_at', 'bigint', (c) => c.notNull())
      .addColumn('disabled_at', 'bigint')
      .execute();
    await db.schema
      .createTable('console_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('console_sessions_user')
      .on('console_sessions')
      .column('user_id')
      .execute();
    await db.schema
      .createTable('sign_in_throttle')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .addColumn('locked_until', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('locker_status')
      .addColumn('locker_id', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .execute();
    for (const column of ['acked_at', 'resolved_at']) {
      await db.schema.alterTable('alarms').addColumn(column, 'bigint').execute();
    }
    for (const column of ['acked_by', 'ack_note', 'resolved_by', 'resolve_note']) {
      await db.schema.alterTable('alarms').addColumn(column, 'text').execute();
    }
    await db.schema.createIndex('orders_barcode').on('orders').column('barcode').execute();
  },
};
