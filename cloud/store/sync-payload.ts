import {
  type CellFeature,
  type CellSize,
  PostamatError,
  type SyncMessage,
} from '../../protocol/index.ts';
import { lockerTariffsMany, mergeTariffs } from '../payments/storage-profile-store.ts';
import { keyedHash } from '../security/secrets.ts';
import type { StoreContext } from './context.ts';
import { lockerCredentialsMany } from './courier-credentials.ts';
import { groupBy, keyLists, oneKeyList } from './key-batches.ts';
import { manifestSyncPartsMany } from './manifest-sync.ts';
import { DEFAULT_SYNC_LIMITS, deltaPossible, type SyncLimits } from './sync-horizon.ts';

async function lockerRow(ctx: StoreContext, lockerId: string) {
  const locker = await ctx.db
    .selectFrom('lockers')
    .select(['hash_key', 'sync_version', 'sync_horizon'])
    .where('id', '=', lockerId)
    .executeTakeFirst();
  if (locker === undefined) {
    throw new PostamatError('not-found', `no locker "${lockerId}"`, { lockerId });
  }
  return locker;
}

/**
 * The data a locker needs offline, as the changes after `since` when a delta can express them,
 * else as a snapshot (see deltaPossible). Every change bumps the locker's sync version and stamps
 * the rows it touched, so a delta is "rows stamped after since": live ones upserted, dead ones
 * removed by id. A snapshot is every live row; the agent drops whatever it holds that is not in it.
 */
export async function buildSyncMessage(
  ctx: StoreContext,
  lockerId: string,
  since?: number,
  limits: SyncLimits = DEFAULT_SYNC_LIMITS,
): Promise<SyncMessage> {
  let locker = await lockerRow(ctx, lockerId);
  const future = since !== undefined && since > locker.sync_version;
  if (future) {
    await leapPast(ctx, lockerId, since);
    locker = await lockerRow(ctx, lockerId);
  }
  const delta = !future && deltaPossible(since, locker, limits);
  const message = await buildFrom(ctx, lockerId, locker, delta ? since : undefined);
  // Tombstones pruned while this was read (the horizon passed `since`) may be missing from it.
  if (delta && since < (await lockerRow(ctx, lockerId)).sync_horizon) {
    return buildFrom(ctx, lockerId, await lockerRow(ctx, lockerId), undefined);
  }
  return message;
}

/**
 * A locker holding a version the cloud never issued (a cloud restored from a backup) would drop
 * any message not newer than it: the locker's version jumps past it, so the snapshot that follows
 * is newer and replaces what the locker holds. Versions only ever grow.
 */
async function leapPast(ctx: StoreContext, lockerId: string, since: number): Promise<void> {
  await ctx.db
    .updateTable('lockers')
    .set({ sync_version: since + 1 })
    .where('id', '=', lockerId)
    .where('sync_version', '<=', since)
    .execute();
}

/** What a message is built on: the locker's id, its hashing key and its current version. */
interface SyncHead {
  readonly id: string;
  readonly hash_key: string;
  readonly sync_version: number;
}

/**
 * Snapshots of many lockers, read with one query per table for all of them: a connect storm's
 * first syncs (every locker at version 0) were about nine round trips each, 90,000 for 10,000
 * lockers. Lockers the store does not know are absent from the result.
 */
export async function buildSnapshots(
  ctx: StoreContext,
  lockerIds: readonly string[],
): Promise<Map<string, SyncMessage>> {
  const out = new Map<string, SyncMessage>();
  for (const ids of keyLists(lockerIds)) {
    const heads = await ctx.db
      .selectFrom('lockers')
      .select(['id', 'hash_key', 'sync_version'])
      .where('id', 'in', ids)
      .execute();
    for (const [id, message] of await buildFromMany(ctx, heads, undefined)) out.set(id, message);
  }
  return out;
}

async function buildFrom(
  ctx: StoreContext,
  lockerId: string,
  locker: { readonly hash_key: string; readonly sync_version: number },
  since: number | undefined,
): Promise<SyncMessage> {
  const built = await buildFromMany(ctx, [{ ...locker, id: lockerId }], since);
  return built.get(lockerId) as SyncMessage;
}

/** The messages of lockers that share `since` (all snapshots, or one locker's delta). */
async function buildFromMany(
  ctx: StoreContext,
  heads: readonly SyncHead[],
  since: number | undefined,
): Promise<Map<string, SyncMessage>> {
  const { db } = ctx;
  const delta = since !== undefined;
  const after = since ?? 0;
  const out = new Map<string, SyncMessage>();
  if (heads.length === 0) return out;
  const ids = oneKeyList(heads.map((h) => h.id));
  const cells = await db
    .selectFrom('cells')
    .selectAll()
    .where('locker_id', 'in', ids)
    .where('changed_version', '>', after)
    .orderBy('locker_id')
    .orderBy('cell_id')
    .execute();
  const bookings = await db
    .selectFrom('bookings')
    .innerJoin('orders', 'orders.id', 'bookings.order_id')
    .leftJoin('order_dues', 'order_dues.order_id', 'bookings.order_id')
    .select([
      'bookings.locker_id',
      'order_dues.amount_kopecks',
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
    .where('bookings.locker_id', 'in', ids)
    .where('bookings.changed_version', '>', after)
    .where('bookings.active', 'in', delta ? [0, 1] : [1])
    .execute();
  const codes = await db
    .selectFrom('codes')
    .selectAll()
    .where('locker_id', 'in', ids)
    .where('changed_version', '>', after)
    .where('live', 'in', delta ? [0, 1] : [1])
    .execute();
  // Derived per day rather than stored, so every message carries them whole (upsert by id).
  const credentials = await lockerCredentialsMany(ctx, heads);
  const manifestParts = await manifestSyncPartsMany(ctx, heads);
  // Four rows, upserted by size: whole in every message, so a profile change needs only a bump.
  const tariffs = await lockerTariffsMany(db, ids);
  const cellsOf = groupBy(cells, (c) => c.locker_id);
  const bookingsOf = groupBy(bookings, (b) => b.locker_id);
  const codesOf = groupBy(codes, (c) => c.locker_id);
  for (const head of heads) {
    const lockerBookings = bookingsOf.get(head.id) ?? [];
    const lockerCodes = codesOf.get(head.id) ?? [];
    const liveBookings = lockerBookings.filter((b) => b.active === 1);
    const liveCodes = lockerCodes.filter((c) => c.live === 1);
    const message: SyncMessage = {
      lockerId: head.id,
      kind: delta ? 'delta' : 'snapshot',
      version: head.sync_version,
      ...(delta ? { baseVersion: after } : {}),
      issuedAt: ctx.clock.now(),
      layout: (cellsOf.get(head.id) ?? []).map((c) => ({
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
        barcodeHash: keyedHash(head.hash_key, 'barcode', b.barcode),
        size: b.size as CellSize,
        refrigerated: b.refrigerated === 1,
        storageHours: b.storage_hours,
        // Cash on delivery: the locker takes this before the cell opens (never on credit).
        ...(b.amount_kopecks === null ? {} : { amountDueKopecks: b.amount_kopecks }),
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
      credentials: credentials.get(head.id) ?? [],
      ...(manifestParts.get(head.id) ?? { passes: [], routeParcels: [] }),
      tariffs: tariffs.get(head.id) ?? mergeTariffs(undefined),
    };
    if (!delta) {
      out.set(head.id, message);
      continue;
    }
    const removedParcels = lockerBookings.filter((b) => b.active === 0).map((b) => b.order_id);
    // Codes go by their hash: the locker keys them so (it never learns the cloud's step ids).
    const removedCodes = lockerCodes.filter((c) => c.live === 0).map((c) => c.code_hash);
    out.set(head.id, {
      ...message,
      removed: {
        parcels: removedParcels.filter((id) => !liveBookings.some((b) => b.order_id === id)),
        codes: removedCodes.filter((hash) => !liveCodes.some((c) => c.code_hash === hash)),
      },
    });
  }
  return out;
}
