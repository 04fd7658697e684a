import { PostamatError } from '../../protocol/index.ts';
import { hasWork, passWindow } from '../domain/manifest.ts';
import { newId, newSecret } from '../security/secrets.ts';
import type { StoreContext } from './context.ts';
import { planOf } from './manifest-store.ts';
import type { AccessPointRow, ManifestRow } from './schema.ts';
import { tenantStore } from './tenant-store.ts';

export const ACCESS_KINDS = ['gate', 'barrier', 'door'] as const;
export const ACCESS_DRIVERS = ['locker-relay', 'agent-gate', 'webhook'] as const;

export interface AccessPointSpec {
  readonly name: string;
  readonly kind: (typeof ACCESS_KINDS)[number];
  readonly driver: (typeof ACCESS_DRIVERS)[number];
  readonly lockerId?: string | undefined;
  readonly url?: string | undefined;
}

export interface Passage {
  readonly id: string;
  readonly accessPointId: string;
  readonly courierId: string | null;
  readonly tenantId: string | null;
  readonly at: number;
  readonly outcome: string;
  readonly reason: string | null;
  /** `cloud` (checked by the cloud, webhook driver) or the locker that checked it offline. */
  readonly source: string;
}

export type PassCheck =
  | { readonly allowed: true; readonly manifestId: string; readonly validUntil: number }
  | { readonly allowed: false; readonly reason: 'no-work-at-site' | 'outside-window' };

const publicView = (ap: AccessPointRow) => ({
  id: ap.id,
  siteId: ap.site_id,
  name: ap.name,
  kind: ap.kind,
  driver: ap.driver,
  lockerId: ap.locker_id,
  url: ap.url,
});

/** Manifests that may still give a pass: visits within the last day or ahead. */
async function liveManifestsAt(ctx: StoreContext, lockerIds: readonly string[]) {
  if (lockerIds.length === 0) return [];
  return ctx.db
    .selectFrom('manifests')
    .selectAll()
    .where(
      'id',
      'in',
      ctx.db
        .selectFrom('manifest_stops')
        .select('manifest_id')
        .where('locker_id', 'in', [...lockerIds])
        .where('visit_at', '>', ctx.clock.now() - 86_400_000),
    )
    .execute();
}

/** A courier's passes for a site: one per visit to a locker there that still has work. */
export async function sitePasses(ctx: StoreContext, siteId: string, courierId?: string) {
  const lockers = await ctx.db
    .selectFrom('lockers')
    .select('id')
    .where('site_id', '=', siteId)
    .execute();
  const manifests = (
    await liveManifestsAt(
      ctx,
      lockers.map((l) => l.id),
    )
  ).filter((m) => courierId === undefined || m.courier_id === courierId);
  const passes: {
    manifest: ManifestRow;
    lockerId: string;
    validFrom: number;
    validUntil: number;
  }[] = [];
  for (const m of manifests) {
    const plan = await planOf(ctx.db, m);
    for (const stop of plan.stops) {
      if (stop.siteId !== siteId || !hasWork(stop)) continue;
      passes.push({
        manifest: m,
        lockerId: stop.lockerId,
        ...passWindow(stop.visitAt, m.pass_window_ms),
      });
    }
  }
  return passes;
}

export function siteStore(ctx: StoreContext) {
  const { db, clock } = ctx;
  const { issueKey } = tenantStore(ctx);

  async function ownSite(operatorId: string, siteId: string) {
    const site = await db
      .selectFrom('sites')
      .selectAll()
      .where('id', '=', siteId)
      .where('operator_id', '=', operatorId)
      .executeTakeFirst();
    if (site === undefined) throw new PostamatError('not-found', `no site "${siteId}"`, { siteId });
    return site;
  }

  async function accessPoint(siteId: string, id: string) {
    const ap = await db
      .selectFrom('access_points')
      .selectAll()
      .where('id', '=', id)
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    if (ap === undefined) throw new PostamatError('not-found', `no access point "${id}"`, { id });
    return ap;
  }

  return {
    async createAccessPoint(operatorId: string, siteId: string, spec: AccessPointSpec) {
      await ownSite(operatorId, siteId);
      const byLocker = spec.driver !== 'webhook';
      if (byLocker) {
        const locker = await db
          .selectFrom('lockers')
          .select('id')
          .where('id', '=', spec.lockerId ?? '')
          .where('site_id', '=', siteId)
          .executeTakeFirst();
        if (locker === undefined) {
          throw new PostamatError('not-found', `no locker "${spec.lockerId}" in this site`, {
            field: 'lockerId',
            value: spec.lockerId ?? null,
          });
        }
      }
      const row: AccessPointRow = {
        id: newId('ap'),
        site_id: siteId,
        name: spec.name,
        kind: spec.kind,
        driver: spec.driver,
        locker_id: byLocker ? (spec.lockerId ?? null) : null,
        url: byLocker ? null : (spec.url ?? null),
        secret: byLocker ? null : newSecret(),
        created_at: clock.now(),
      };
      await db.insertInto('access_points').values(row).execute();
      // The signing secret is shown once, like a tenant's webhook secret.
      return { ...publicView(row), ...(row.secret === null ? {} : { secret: row.secret }) };
    },

    async issueSiteKey(operatorId: string, siteId: string, label: string) {
      await ownSite(operatorId, siteId);
      return issueKey('site', siteId, label);
    },

    async siteView(siteId: string) {
      const site = await db
        .selectFrom('sites')
        .selectAll()
        .where('id', '=', siteId)
        .executeTakeFirst();
      if (site === undefined) throw new PostamatError('not-found', `no site "${siteId}"`);
      const aps = await db
        .selectFrom('access_points')
        .selectAll()
        .where('site_id', '=', siteId)
        .execute();
      return { id: site.id, name: site.name, kind: site.kind, accessPoints: aps.map(publicView) };
    },

    accessPoint,

    /** Whether the courier has work at a locker of the site now, within its visit window. */
    async checkSitePass(siteId: string, courierId: string, at: number): Promise<PassCheck> {
      const passes = await sitePasses(ctx, siteId, courierId);
      if (passes.length === 0) return { allowed: false, reason: 'no-work-at-site' };
      const live = passes.find((p) => p.validFrom <= at && at < p.validUntil);
      if (live === undefined) return { allowed: false, reason: 'outside-window' };
      return { allowed: true, manifestId: live.manifest.id, validUntil: live.validUntil };
    },

    async recordPassage(p: Omit<Passage, 'id' | 'source'> & { siteId: string }) {
      const id = newId('ps');
      await db
        .insertInto('passages')
        .values({
          id,
          site_id: p.siteId,
          access_point_id: p.accessPointId,
          courier_id: p.courierId,
          tenant_id: p.tenantId,
          at: p.at,
          outcome: p.outcome,
          reason: p.reason,
        })
        .execute();
      return id;
    },

    /** The site's passage log: checked in the cloud, and reported by its gate lockers. */
    async sitePassages(siteId: string, since = 0, limit = 500): Promise<Passage[]> {
      const cloud = await db
        .selectFrom('passages')
        .selectAll()
        .where('site_id', '=', siteId)
        .where('at', '>=', since)
        .orderBy('at')
        .limit(limit)
        .execute();
      const aps = await db
        .selectFrom('access_points')
        .select(['id', 'locker_id'])
        .where('site_id', '=', siteId)
        .where('locker_id', 'is not', null)
        .execute();
      const lockers = [...new Set(aps.map((a) => a.locker_id as string))];
      const reported =
        lockers.length === 0
          ? []
          : await db
              .selectFrom('locker_events')
              .selectAll()
              .where('locker_id', 'in', lockers)
              .where('type', '=', 'gate.passage')
              .where('at', '>=', since)
              .orderBy('at')
              .limit(limit)
              .execute();
      const ours = new Set(aps.map((a) => a.id));
      const fromLockers = reported.flatMap((e): Passage[] => {
        const b = JSON.parse(e.body) as Record<string, unknown>;
        if (typeof b.accessPointId !== 'string' || !ours.has(b.accessPointId)) return [];
        return [
          {
            id: `${e.locker_id}/${e.seq}`,
            accessPointId: b.accessPointId,
            courierId: typeof b.holderId === 'string' ? b.holderId : null,
            tenantId: typeof b.tenantId === 'string' ? b.tenantId : null,
            at: e.at,
            outcome: String(b.outcome),
            reason: typeof b.reason === 'string' ? b.reason : null,
            source: e.locker_id,
          },
        ];
      });
      const fromCloud = cloud.map((r) => ({
        id: r.id,
        accessPointId: r.access_point_id,
        courierId: r.courier_id,
        tenantId: r.tenant_id,
        at: r.at,
        outcome: r.outcome,
        reason: r.reason,
        source: 'cloud',
      }));
      return [...fromCloud, ...fromLockers].sort((a, b) => a.at - b.at).slice(0, limit);
    },
  };
}
