import {
  type CellFeature,
  type CellSize,
  PostamatError,
  type SyncMessage,
} from '../../protocol/index.ts';
import { keyedHash } from '../security/secrets.ts';
import type { StoreContext } from './context.ts';
import { lockerCredentials } from './courier-credentials.ts';
import { manifestSyncParts } from './manifest-sync.ts';

/** Until tariffs have their own table, every locker charges the network's default grid. */
export const DEFAULT_TARIFFS: SyncMessage['tariffs'] = [
  { size: 'S', firstHourKopecks: 0, nextHourKopecks: 0, dayCapKopecks: 9900 },
  { size: 'M', firstHourKopecks: 0, nextHourKopecks: 0, dayCapKopecks: 14900 },
  { size: 'L', firstHourKopecks: 0, nextHourKopecks: 0, dayCapKopecks: 19900 },
  { size: 'XL', firstHourKopecks: 0, nextHourKopecks: 0, dayCapKopecks: 24900 },
];

/**
 * The data a locker needs offline, as a snapshot (since undefined) or as the changes after
 * `since`. Every change bumps the locker's sync version and stamps the rows it touched, so a
 * delta is "rows stamped after since": live ones upserted, dead ones removed by id.
 */
export async function buildSyncMessage(
  ctx: StoreContext,
  lockerId: string,
  since?: number,
): Promise<SyncMessage> {
  const { db } = ctx;
  const locker = await db
    .selectFrom('lockers')
    .select(['hash_key', 'sync_version'])
    .where('id', '=', lockerId)
    .executeTakeFirst();
  if (locker === undefined) {
    throw new PostamatError('not-found', `no locker "${lockerId}"`, { lockerId });
  }
  const delta = since !== undefined && since > 0;
  const after = delta ? since : 0;
  const cells = await db
    .selectFrom('cells')
    .selectAll()
    .where('locker_id', '=', lockerId)
    .where('changed_version', '>', after)
    .orderBy('cell_id')
    .execute();
  const bookings = await db
    .selectFrom('bookings')
    .innerJoin('orders', 'orders.id', 'bookings.order_id')
    .select([
      'bookings.order_id',
      'bookings.active',
      'bookings.valid_from',
      'bookings.valid_until',
      'bookings.size',
      'orders.tenant_id',
      'orders.barcode',
      'orders.refrigerated',
      'orders.storage_hours',
    ])
    .where('bookings.locker_id', '=', lockerId)
    .where('bookings.changed_version', '>', after)
    .where('bookings.active', 'in', delta ? [0, 1] : [1])
    .execute();
  const codes = await db
    .selectFrom('codes')
    .selectAll()
    .where('locker_id', '=', lockerId)
    .where('changed_version', '>', after)
    .where('live', 'in', delta ? [0, 1] : [1])
    .execute();
  const liveBookings = bookings.filter((b) => b.active === 1);
  const liveCodes = codes.filter((c) => c.live === 1);
  const message: SyncMessage = {
    lockerId,
    kind: delta ? 'delta' : 'snapshot',
    version: locker.sync_version,
    ...(delta ? { baseVersion: after } : {}),
    issuedAt: ctx.clock.now(),
    layout: cells.map((c) => ({
      cellId: c.cell_id,
      bus: c.bus,
      board: c.board,
      channel: c.channel,
      size: c.size as CellSize,
      features: JSON.parse(c.features) as CellFeature[],
    })),
    parcels: liveBookings.map((b) => ({
      orderId: b.order_id,
      tenantId: b.tenant_id,
      barcodeHash: keyedHash(locker.hash_key, 'barcode', b.barcode),
      size: b.size as CellSize,
      refrigerated: b.refrigerated === 1,
      storageHours: b.storage_hours,
      validFrom: b.valid_from,
      validUntil: b.valid_until,
    })),
    codes: liveCodes.map((c) => ({
      orderId: c.order_id,
      stepId: c.step_id,
      purpose: c.purpose as 'pickup' | 'return' | 'rental' | 'deposit',
      codeHash: c.code_hash,
      validFrom: c.valid_from,
      validUntil: c.valid_until,
    })),
    // Derived per day rather than stored, so every message carries them whole (upsert by id).
    credentials: await lockerCredentials(ctx, lockerId, locker.hash_key),
    ...(await manifestSyncParts(ctx, lockerId, locker.hash_key)),
  };
  if (!delta) return { ...message, tariffs: DEFAULT_TARIFFS };
  const removedParcels = bookings.filter((b) => b.active === 0).map((b) => b.order_id);
  const removedCodes = codes.filter((c) => c.live === 0).map((c) => c.step_id);
  return {
    ...message,
    removed: {
      parcels: removedParcels.filter((id) => !liveBookings.some((b) => b.order_id === id)),
      codes: removedCodes.filter((id) => !liveCodes.some((c) => c.step_id === id)),
    },
  };
}
