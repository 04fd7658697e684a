import type { SyncMessage } from '../../protocol/index.ts';
import { keyedHash } from '../security/secrets.ts';
import type { StoreContext } from './context.ts';
import { credentialSecret, DAY, dailyCode, dayOf } from './courier-credentials.ts';
import { oneKeyList } from './key-batches.ts';
import { planOf } from './manifest-store.ts';
import { sitePasses } from './site-store.ts';

type Pass = NonNullable<SyncMessage['passes']>[number];
type RouteParcel = NonNullable<SyncMessage['routeParcels']>[number];
type ManifestParts = { passes: Pass[]; routeParcels: RouteParcel[] };

/**
 * What manifests push to a locker: gate passes when it drives access points of a site, and the
 * parcels booked at the other stops of routes that visit it (so a misplaced scan names the
 * right locker). Both derived, so every sync message carries them whole.
 */
export async function manifestSyncParts(
  ctx: StoreContext,
  lockerId: string,
  hashKey: string,
): Promise<ManifestParts> {
  return (
    (await manifestSyncPartsMany(ctx, [{ id: lockerId, hash_key: hashKey }])).get(lockerId) ?? {
      passes: [],
      routeParcels: [],
    }
  );
}

/**
 * manifestSyncParts of many lockers (at most MAX_KEYS_PER_QUERY). Two reads find the few that
 * drive a site's access points or are on a route today; only those read their passes and routes.
 * Lockers with neither are absent from the result.
 */
export async function manifestSyncPartsMany(
  ctx: StoreContext,
  lockers: readonly { readonly id: string; readonly hash_key: string }[],
): Promise<Map<string, ManifestParts>> {
  const out = new Map<string, ManifestParts>();
  const ids = oneKeyList(lockers.map((l) => l.id));
  if (ids.length === 0) return out;
  const atSites = new Set(
    (
      await ctx.db
        .selectFrom('access_points')
        .select('locker_id')
        .distinct()
        .where('locker_id', 'in', ids)
        .execute()
    ).map((r) => r.locker_id),
  );
  const onRoutes = new Set(
    (
      await ctx.db
        .selectFrom('manifest_stops')
        .select('locker_id')
        .distinct()
        .where('locker_id', 'in', ids)
        .where('visit_at', '>', ctx.clock.now() - DAY)
        .execute()
    ).map((r) => r.locker_id),
  );
  for (const { id, hash_key } of lockers) {
    if (!atSites.has(id) && !onRoutes.has(id)) continue;
    out.set(id, {
      passes: atSites.has(id) ? await lockerPasses(ctx, id, hash_key) : [],
      routeParcels: onRoutes.has(id) ? await routeParcels(ctx, id, hash_key) : [],
    });
  }
  return out;
}

async function lockerPasses(ctx: StoreContext, lockerId: string, hashKey: string) {
  const sites = await ctx.db
    .selectFrom('access_points')
    .select('site_id')
    .distinct()
    .where('locker_id', '=', lockerId)
    .execute();
  if (sites.length === 0) return [];
  const active = new Set(
    (await ctx.db.selectFrom('couriers').select('id').where('active', '=', 1).execute()).map(
      (c) => c.id,
    ),
  );
  const secret = await credentialSecret(ctx.db);
  const now = ctx.clock.now();
  const passes: Pass[] = [];
  for (const { site_id } of sites) {
    for (const p of await sitePasses(ctx, site_id)) {
      const courierId = p.manifest.courier_id;
      if (!active.has(courierId) || p.validUntil <= now) continue;
      // A window across midnight takes each day's code for its own part of the window.
      for (let day = dayOf(p.validFrom); day <= dayOf(p.validUntil - 1); day++) {
        passes.push({
          passId: `${p.manifest.id}/${p.lockerId}/${day}`,
          holderId: courierId,
          tenantId: p.manifest.tenant_id,
          secretHash: keyedHash(hashKey, 'courier-daily-code', dailyCode(secret, courierId, day)),
          validFrom: Math.max(p.validFrom, day * DAY),
          validUntil: Math.min(p.validUntil, (day + 1) * DAY),
        });
      }
    }
  }
  return passes;
}

async function routeParcels(ctx: StoreContext, lockerId: string, hashKey: string) {
  const manifests = await ctx.db
    .selectFrom('manifests')
    .selectAll()
    .where(
      'id',
      'in',
      ctx.db
        .selectFrom('manifest_stops')
        .select('manifest_id')
        .where('locker_id', '=', lockerId)
        .where('visit_at', '>', ctx.clock.now() - DAY),
    )
    .execute();
  const out = new Map<string, RouteParcel>();
  for (const m of manifests) {
    for (const stop of (await planOf(ctx.db, m)).stops) {
      if (stop.lockerId === lockerId) continue;
      for (const item of stop.deposit) {
        const barcodeHash = keyedHash(hashKey, 'barcode', item.barcode);
        out.set(barcodeHash, { barcodeHash, lockerId: stop.lockerId });
      }
    }
  }
  return [...out.values()];
}
