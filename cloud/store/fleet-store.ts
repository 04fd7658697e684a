import type { CellFeature, CellSize, Status } from '../../protocol/index.ts';
import type { StoreContext } from './context.ts';
import { readByKeys } from './key-batches.ts';

export type FleetState = 'online' | 'offline' | 'alarm';

export interface FleetFilter {
  /** Part of the id, address or site name, any case. */
  readonly q?: string | undefined;
  readonly siteId?: string | undefined;
  readonly state?: FleetState | undefined;
  readonly limit: number;
  readonly offset: number;
}

export type SizeCounts = Record<CellSize, number>;
const zeroSizes = (): SizeCounts => ({ S: 0, M: 0, L: 0, XL: 0 });

export interface FleetLocker {
  readonly id: string;
  readonly address: string;
  readonly siteId: string | null;
  readonly siteName: string | null;
  readonly lat: number;
  readonly lon: number;
  readonly online: boolean;
  readonly lastSeenAt: number | null;
  /** When it was last heard of, while it is offline. */
  readonly offlineSince: number | null;
  readonly openAlarms: number;
  /** In-service cells minus bookings that cover now, per size. */
  readonly free: SizeCounts;
  readonly cells: SizeCounts;
}

/** The operator's fleet for the console: each locker's state, with filters and paging. */
export function fleetStore(ctx: StoreContext) {
  const { db, clock } = ctx;
  /** The operator of each locker, one read per 256 (the live feed's look-ups in a storm). */
  const lockerOperators = (lockerIds: readonly string[]) =>
    readByKeys(
      lockerIds,
      (ids) =>
        db.selectFrom('lockers').select(['id', 'operator_id']).where('id', 'in', ids).execute(),
      (row) => [row.id, row.operator_id],
    );

  async function sizeCounts(ids: readonly string[]) {
    const cells = new Map(ids.map((id) => [id, zeroSizes()]));
    const free = new Map(ids.map((id) => [id, zeroSizes()]));
    if (ids.length === 0) return { cells, free };
    const rows = await db
      .selectFrom('cells')
      .select(['locker_id', 'size', 'in_service', (eb) => eb.fn.countAll<number>().as('n')])
      .where('locker_id', 'in', ids)
      .groupBy(['locker_id', 'size', 'in_service'])
      .execute();
    for (const r of rows) {
      const size = r.size as CellSize;
      (cells.get(r.locker_id) as SizeCounts)[size] += Number(r.n);
      if (r.in_service === 1) (free.get(r.locker_id) as SizeCounts)[size] += Number(r.n);
    }
    const now = clock.now();
    const booked = await db
      .selectFrom('bookings')
      .select(['locker_id', 'size', (eb) => eb.fn.countAll<number>().as('n')])
      .where('locker_id', 'in', ids)
      .where('active', '=', 1)
      .where('valid_from', '<=', now)
      .where('valid_until', '>', now)
      .groupBy(['locker_id', 'size'])
      .execute();
    for (const r of booked) {
      const counts = free.get(r.locker_id) as SizeCounts;
      counts[r.size as CellSize] = Math.max(0, counts[r.size as CellSize] - Number(r.n));
    }
    return { cells, free };
  }

  async function alarmCounts(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectFrom('alarms')
      .select(['locker_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('locker_id', 'in', ids)
      .where('cleared_at', 'is', null)
      .where('resolved_at', 'is', null)
      .groupBy('locker_id')
      .execute();
    return new Map(rows.map((r) => [r.locker_id, Number(r.n)]));
  }

  return {
    async fleetLockers(operatorId: string, filter: FleetFilter) {
      let query = db
        .selectFrom('lockers')
        .leftJoin('sites', 'sites.id', 'lockers.site_id')
        .select([
          'lockers.id',
          'lockers.address',
          'lockers.site_id',
          'sites.name as site_name',
          'lockers.lat',
          'lockers.lon',
          'lockers.online',
          'lockers.last_seen_at',
        ])
        .where('lockers.operator_id', '=', operatorId)
        .where('lockers.revoked', '=', 0)
        .orderBy('lockers.id');
      if (filter.siteId !== undefined) query = query.where('lockers.site_id', '=', filter.siteId);
      if (filter.state === 'online') query = query.where('lockers.online', '=', 1);
      if (filter.state === 'offline') query = query.where('lockers.online', '=', 0);
      let rows = await query.execute();
      // Matched here, not in SQL: SQLite's lower() knows only ASCII, addresses are Cyrillic.
      const q = filter.q?.trim().toLocaleLowerCase();
      if (q !== undefined && q !== '') {
        rows = rows.filter((r) =>
          [r.id, r.address, r.site_name ?? ''].some((v) => v.toLocaleLowerCase().includes(q)),
        );
      }
      let alarms = await alarmCounts(rows.map((r) => r.id));
      if (filter.state === 'alarm') rows = rows.filter((r) => (alarms.get(r.id) ?? 0) > 0);
      const total = rows.length;
      const page = rows.slice(filter.offset, filter.offset + filter.limit);
      const ids = page.map((r) => r.id);
      const { cells, free } = await sizeCounts(ids);
      if (filter.state !== 'alarm') alarms = await alarmCounts(ids);
      const lockers: FleetLocker[] = page.map((r) => ({
        id: r.id,
        address: r.address,
        siteId: r.site_id,
        siteName: r.site_name,
        lat: r.lat,
        lon: r.lon,
        online: r.online === 1,
        lastSeenAt: r.last_seen_at,
        offlineSince: r.online === 1 ? null : r.last_seen_at,
        openAlarms: alarms.get(r.id) ?? 0,
        free: free.get(r.id) ?? zeroSizes(),
        cells: cells.get(r.id) ?? zeroSizes(),
      }));
      return { total, lockers };
    },

    async lockerCells(lockerId: string) {
      const rows = await db
        .selectFrom('cells')
        .selectAll()
        .where('locker_id', '=', lockerId)
        .orderBy('bus')
        .orderBy('board')
        .orderBy('channel')
        .execute();
      return rows.map((c) => ({
        cellId: c.cell_id,
        size: c.size as CellSize,
        features: JSON.parse(c.features) as CellFeature[],
        bus: c.bus,
        board: c.board,
        channel: c.channel,
        inService: c.in_service === 1,
      }));
    },

    lockerOperators,

    /** Sync and ingest state of one locker: what the cloud holds and what the locker said last. */
    async lockerSyncState(lockerId: string) {
      const cursor = await db
        .selectFrom('ingest_cursors')
        .selectAll()
        .where('locker_id', '=', lockerId)
        .executeTakeFirst();
      const locker = await db
        .selectFrom('lockers')
        .select('sync_version')
        .where('id', '=', lockerId)
        .executeTakeFirst();
      const status = await db
        .selectFrom('locker_status')
        .selectAll()
        .where('locker_id', '=', lockerId)
        .executeTakeFirst();
      const pending = await db
        .selectFrom('commands')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('locker_id', '=', lockerId)
        .where('status', 'in', ['pending', 'sent'])
        .where('expires_at', '>', clock.now())
        .executeTakeFirst();
      return {
        cloudSyncVersion: locker?.sync_version ?? 0,
        committedSeq: cursor?.committed_seq ?? 0,
        lastEventAt: cursor?.last_event_at ?? null,
        lastEventReceivedAt: cursor?.last_received_at ?? null,
        commandsInFlight: Number(pending?.n ?? 0),
        lastStatus:
          status === undefined
            ? null
            : { ...(JSON.parse(status.status) as Status), receivedAt: status.received_at },
      };
    },

    /** Per-size counts of one locker (the detail page's header). */
    async lockerCapacity(lockerId: string) {
      const { cells, free } = await sizeCounts([lockerId]);
      return { cells: cells.get(lockerId) ?? zeroSizes(), free: free.get(lockerId) ?? zeroSizes() };
    },

    /** The locker's event log, newest first, paged by seq. */
    async lockerEvents(lockerId: string, limit: number, beforeSeq?: number, type?: string) {
      let query = db
        .selectFrom('locker_events')
        .selectAll()
        .where('locker_id', '=', lockerId)
        .orderBy('seq', 'desc')
        .limit(limit);
      if (beforeSeq !== undefined) query = query.where('seq', '<', beforeSeq);
      if (type !== undefined) query = query.where('type', '=', type);
      return (await query.execute()).map((e) => ({
        seq: e.seq,
        at: e.at,
        receivedAt: e.received_at,
        type: e.type,
        body: JSON.parse(e.body) as unknown,
      }));
    },
  };
}
