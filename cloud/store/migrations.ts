import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { PostamatError } from '../../protocol/index.ts';
import { codesAtRestMigration } from '../notifications/codes-at-rest-migration.ts';
import { notificationsMigration } from '../notifications/notification-migration.ts';
import { paymentsMigration } from '../payments/payment-migration.ts';
import { consoleMigration } from '../users/console-migration.ts';
import { workersMigration } from './workers-migration.ts';

/**
 * Migrations written with Kysely's schema builder only, so both engines run the same ones.
 * Append new migrations; never edit one that has shipped.
 */
const initial: Migration = {
  async up(db: Kysely<unknown>) {
    const text = 'text';
    const ms = 'bigint';
    await db.schema
      .createTable('operators')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('created_at', ms, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('tenants')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('kind', text, (c) => c.notNull())
      .addColumn('created_at', ms, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('api_keys')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('owner_kind', text, (c) => c.notNull())
      .addColumn('owner_id', text, (c) => c.notNull())
      .addColumn('secret_hash', text, (c) => c.notNull())
      .addColumn('label', text, (c) => c.notNull())
      .addColumn('created_at', ms, (c) => c.notNull())
      .addColumn('revoked_at', ms)
      .execute();
    await db.schema
      .createTable('operator_tenants')
      .addColumn('operator_id', text, (c) => c.notNull())
      .addColumn('tenant_id', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('operator_tenants_pk', ['operator_id', 'tenant_id'])
      .execute();
    await db.schema
      .createTable('couriers')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('tenant_id', text, (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('created_at', ms, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('sites')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('operator_id', text, (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('kind', text, (c) => c.notNull())
      .addColumn('address', text, (c) => c.notNull())
      .execute();
    await createLockerTables(db);
    await createOrderTables(db);
    await createOpsTables(db);
  },
};

async function createLockerTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('lockers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('operator_id', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text')
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('online', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_seen_at', 'bigint')
    .addColumn('mqtt_secret_hash', 'text', (c) => c.notNull())
    .addColumn('hash_key', 'text', (c) => c.notNull())
    .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sync_version', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lockers_lat_lon').on('lockers').columns(['lat', 'lon']).execute();
  await db.schema
    .createTable('cells')
    .addColumn('locker_id', 'text', (c) => c.notNull())
    .addColumn('cell_id', 'text', (c) => c.notNull())
    .addColumn('bus', 'text', (c) => c.notNull())
    .addColumn('board', 'integer', (c) => c.notNull())
    .addColumn('channel', 'integer', (c) => c.notNull())
    .addColumn('size', 'text', (c) => c.notNull())
    .addColumn('features', 'text', (c) => c.notNull())
    .addColumn('in_service', 'integer', (c) => c.notNull())
    .addColumn('changed_version', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('cells_pk', ['locker_id', 'cell_id'])
    .execute();
  await db.schema
    .createTable('ingest_cursors')
    .addColumn('locker_id', 'text', (c) => c.primaryKey())
    .addColumn('committed_seq', 'bigint', (c) => c.notNull())
    .addColumn('last_event_at', 'bigint')
    .addColumn('last_received_at', 'bigint')
    .execute();
  await db.schema
    .createTable('locker_events')
    .addColumn('locker_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('locker_events_pk', ['locker_id', 'seq'])
    .execute();
}

async function createOrderTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('size', 'text', (c) => c.notNull())
    .addColumn('barcode', 'text', (c) => c.notNull())
    .addColumn('refrigerated', 'integer', (c) => c.notNull())
    .addColumn('storage_hours', 'integer', (c) => c.notNull())
    .addColumn('external_ref', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('orders_tenant')
    .on('orders')
    .columns(['tenant_id', 'created_at'])
    .execute();
  await db.schema
    .createTable('steps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('locker_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('done_at', 'bigint')
    .execute();
  await db.schema.createIndex('steps_order').on('steps').columns(['order_id', 'idx']).execute();
  await db.schema
    .createTable('bookings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('locker_id', 'text', (c) => c.notNull())
    .addColumn('size', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'bigint', (c) => c.notNull())
    .addColumn('valid_until', 'bigint', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('changed_version', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('bookings_locker')
    .on('bookings')
    .columns(['locker_id', 'active', 'size'])
    .execute();
  await db.schema
    .createTable('codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('step_id', 'text', (c) => c.notNull())
    .addColumn('locker_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('uniq_hash', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'bigint', (c) => c.notNull())
    .addColumn('valid_until', 'bigint', (c) => c.notNull())
    .addColumn('live', 'integer', (c) => c.notNull())
    .addColumn('changed_version', 'bigint', (c) => c.notNull())
    .execute();
  // INVARIANT: two live codes of one locker never share digits; the store checks first,
  // this index catches a race the check missed.
  await db.schema
    .createIndex('codes_live_unique')
    .on('codes')
    .columns(['locker_id', 'uniq_hash'])
    .unique()
    .where(sql.ref('live'), '=', 1)
    .execute();
  await db.schema.createIndex('codes_order').on('codes').column('order_id').execute();
  await db.schema
    .createTable('status_history')
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('pos', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('status_history_order')
    .on('status_history')
    .columns(['order_id', 'pos'])
    .unique()
    .execute();
}

async function createOpsTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alarms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('locker_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('cell_id', 'text')
    .addColumn('raised_at', 'bigint', (c) => c.notNull())
    .addColumn('cleared_at', 'bigint')
    .execute();
  await db.schema
    .createTable('commands')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('locker_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome_code', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('locker_id', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('principal', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['principal', 'key'])
    .execute();
}

/** Courier deactivation and the cloud's own secrets (the key courier daily codes derive from). */
const courierCredentials: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('couriers')
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema
      .createTable('cloud_secrets')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};

/**
 * The oldest version a delta can still start from: tombstones (dead codes, released bookings)
 * stamped at or below it have been pruned, so a locker holding an older version needs a snapshot.
 */
const syncHorizon: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('lockers')
      .addColumn('sync_horizon', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};

/** Closed sites' access points and passage log; couriers' route manifests. */
const sites: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('access_points')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('driver', 'text', (c) => c.notNull())
      .addColumn('locker_id', 'text')
      .addColumn('url', 'text')
      .addColumn('secret', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('access_points_site')
      .on('access_points')
      .column('site_id')
      .execute();
    await db.schema
      .createTable('manifests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('courier_id', 'text', (c) => c.notNull())
      .addColumn('order_ids', 'text')
      .addColumn('pass_window_ms', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('manifest_stops')
      .addColumn('manifest_id', 'text', (c) => c.notNull())
      .addColumn('pos', 'integer', (c) => c.notNull())
      .addColumn('locker_id', 'text', (c) => c.notNull())
      .addColumn('visit_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('manifest_stops_pk', ['manifest_id', 'pos'])
      .execute();
    await db.schema
      .createIndex('manifest_stops_locker')
      .on('manifest_stops')
      .columns(['locker_id', 'visit_at'])
      .execute();
    await db.schema
      .createTable('passages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('access_point_id', 'text', (c) => c.notNull())
      .addColumn('courier_id', 'text')
      .addColumn('tenant_id', 'text')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .execute();
    await db.schema
      .createIndex('passages_site')
      .on('passages')
      .columns(['site_id', 'at'])
      .execute();
  },
};

const provider: MigrationProvider = {
  getMigrations: async () => ({
    '0001-initial': initial,
    '0002-courier-credentials': courierCredentials,
    '0003-sync-horizon': syncHorizon,
    '0004-sites': sites,
    '0005-notifications': notificationsMigration,
    '0006-codes-at-rest': codesAtRestMigration,
    '0007-console': consoleMigration,
    '0008-payments': paymentsMigration,
    '0009-workers': workersMigration,
  }),
};

/**
 * `schema` names where PostgreSQL keeps the migration tables. It must be given: without it
 * Kysely looks for them in every schema, and a neighbour's tables (another test run's, another
 * tenant database's) would count as ours.
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  // A neighbour's schema dropped meanwhile cannot fail this: see schema-scoped-introspector.ts.
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new PostamatError('bad-config', `migration ${failed} failed: ${String(error)}`, {
      migration: failed,
    });
  }
}
