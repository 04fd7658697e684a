import { sql } from 'kysely';
import { type Clock, systemClock } from '../../protocol/index.ts';
import { notificationStore } from '../notifications/notification-store.ts';
import { personalDataStore } from '../notifications/personal-data-store.ts';
import { paymentStore } from '../payments/payment-store.ts';
import { receiptStore } from '../payments/receipt-store.ts';
import { storageProfileStore } from '../payments/storage-profile-store.ts';
import type { EventIngestStore, LockerCredentialStore } from '../ports.ts';
import { lockerStatusStore } from '../users/locker-status-store.ts';
import { sessionStore } from '../users/session-store.ts';
import { signInThrottleStore } from '../users/sign-in-throttle.ts';
import { userStore } from '../users/user-store.ts';
import { alarmStore } from './alarm-store.ts';
import { cellOccupancy } from './cell-occupancy.ts';
import { connect, type StoreEngine, type StoreLocation } from './connect.ts';
import type { StoreContext } from './context.ts';
import { courierCredentialStore } from './courier-credentials.ts';
import { exclusivePasses } from './exclusive-pass.ts';
import { fleetStore } from './fleet-store.ts';
import { idempotencyStore } from './idempotency-store.ts';
import { ingestStore } from './ingest-store.ts';
import { lockerStore } from './locker-store.ts';
import { manifestStore } from './manifest-store.ts';
import { operationsStore } from './operations-store.ts';
import { operatorTenantStore } from './operator-tenants.ts';
import { orderChanges } from './order-changes.ts';
import { orderSearch } from './order-search.ts';
import { orderStore } from './order-store.ts';
import { presenceStore } from './presence-store.ts';
import { siteStore } from './site-store.ts';
import { DEFAULT_SYNC_LIMITS, pruneSyncTombstones, type SyncLimits } from './sync-horizon.ts';
import { buildSnapshots, buildSyncMessage } from './sync-payload.ts';
import { tenantStore } from './tenant-store.ts';
import { webhookStore } from './webhook-store.ts';

function compose(ctx: StoreContext, limits: SyncLimits) {
  return {
    engine: ctx.engine as StoreEngine,
    ...tenantStore(ctx),
    ...courierCredentialStore(ctx),
    ...lockerStore(ctx),
    ...orderStore(ctx),
    ...orderChanges(ctx),
    ...operationsStore(ctx),
    ...webhookStore(ctx),
    ...idempotencyStore(ctx),
    ...ingestStore(ctx),
    ...notificationStore(ctx),
    ...personalDataStore(ctx),
    ...manifestStore(ctx),
    ...siteStore(ctx),
    ...presenceStore(ctx),
    ...exclusivePasses(ctx),
    ...userStore(ctx),
    ...sessionStore(ctx),
    ...signInThrottleStore(ctx),
    ...lockerStatusStore(ctx),
    ...fleetStore(ctx),
    ...alarmStore(ctx),
    ...orderSearch(ctx),
    ...operatorTenantStore(ctx),
    cellOccupancy: (lockerId: string) => cellOccupancy(ctx.db, lockerId),
    ...storageProfileStore(ctx),
    ...paymentStore(ctx),
    ...receiptStore(ctx),
    buildSyncMessage: (lockerId: string, since?: number) =>
      buildSyncMessage(ctx, lockerId, since, limits),
    /** Snapshots of many lockers at once (absent: unknown lockers); see buildSnapshots. */
    buildSnapshots: (lockerIds: readonly string[]) => buildSnapshots(ctx, lockerIds),
    /** Run now and then (e.g. daily): lockers further behind than this get a snapshot. */
    pruneSyncTombstones: (keepVersions: number) => pruneSyncTombstones(ctx, keepVersions),
    async ping(): Promise<void> {
      await sql`select 1`.execute(ctx.db);
    },
    async close(): Promise<void> {
      await ctx.db.destroy();
    },
  };
}

/**
 * The cloud store: one interface, SQLite or PostgreSQL underneath (Kysely dialects, same
 * queries, same migrations). It also implements the MQTT side's ports.
 */
export type CloudStore = ReturnType<typeof compose> & EventIngestStore & LockerCredentialStore;

export async function openStore(
  location: StoreLocation,
  clock: Clock = systemClock,
  limits: SyncLimits = DEFAULT_SYNC_LIMITS,
): Promise<CloudStore> {
  const { db, engine } = await connect(location);
  return compose({ db, engine, clock }, limits);
}
