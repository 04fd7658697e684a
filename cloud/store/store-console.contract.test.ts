import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockerEvent } from '../../protocol/index.ts';
import { LOCKER_EVENT_TYPES as T } from '../domain/locker-event-types.ts';
import {
  FakeClock,
  provisionTestLocker,
  seedNetwork,
  TEST_ENGINES,
  type TestStore,
} from './test-stores.ts';

const events = (
  lockerId: string,
  from: number,
  list: [string, Record<string, unknown>][],
): LockerEvent[] =>
  list.map(([type, body], i) => ({ lockerId, seq: from + i, at: 1000 + from + i, type, body }));

describe.each(TEST_ENGINES)('store contract ($engine): the console’s views', ({ open }) => {
  let t: TestStore;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock(Date.UTC(2026, 5, 1));
    t = await open(clock);
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('lists the fleet with state, alarms and free capacity by size; filters by text, site and state', async () => {
    const { operator, tenant } = await seedNetwork(t.store, { M: 2, S: 1 });
    const site = await t.store.createSite(operator.id, {
      name: 'ЖК Солнечный',
      kind: 'residential-complex',
      address: 'x',
    });
    await t.store.provisionLocker(operator.id, {
      id: 'L2',
      siteId: site.id,
      address: 'Тверская улица, 7',
      lat: 55.76,
      lon: 37.61,
      cells: [{ cellId: 'A1', bus: 'b', board: 1, channel: 1, size: 'L', features: [] }],
    });
    await t.store.setLockerStatus('L2', true, clock.now());
    await t.store.createOrder(tenant.id, {
      kind: 'delivery',
      lockerId: 'L1',
      size: 'M',
      barcode: 'B1',
      window: { from: clock.now() - 1, until: clock.now() + 3_600_000 },
    });
    await t.store.ingest(
      'L1',
      events('L1', 1, [[T.alarmRaised, { alarmId: 7, kind: 'door-forced', cellId: 'M1' }]]),
      clock.now(),
    );
    const all = await t.store.fleetLockers(operator.id, { limit: 10, offset: 0 });
    expect(all.total).toBe(2);
    expect(all.lockers[0]).toMatchObject({
      id: 'L1',
      online: false,
      offlineSince: clock.now(),
      openAlarms: 1,
      cells: { S: 1, M: 2, L: 0, XL: 0 },
      free: { S: 1, M: 1, L: 0, XL: 0 },
    });
    expect(all.lockers[1]).toMatchObject({
      id: 'L2',
      online: true,
      offlineSince: null,
      siteName: 'ЖК Солнечный',
    });
    const ids = async (filter: object) =>
      (await t.store.fleetLockers(operator.id, { limit: 10, offset: 0, ...filter })).lockers.map(
        (l) => l.id,
      );
    expect(await ids({ q: 'тверская' })).toEqual(['L2']);
    expect(await ids({ q: 'солнечный' })).toEqual(['L2']);
    expect(await ids({ siteId: site.id })).toEqual(['L2']);
    expect(await ids({ state: 'offline' })).toEqual(['L1']);
    expect(await ids({ state: 'online' })).toEqual(['L2']);
    expect(await ids({ state: 'alarm' })).toEqual(['L1']);
    expect(await ids({ offset: 1 })).toEqual(['L2']);
    const other = await t.store.createOperator('Other');
    expect((await t.store.fleetLockers(other.operator.id, { limit: 10, offset: 0 })).total).toBe(0);
  });

  it('acknowledges and resolves alarms with who and a note; resolved ones leave the open list', async () => {
    const { operator } = await seedNetwork(t.store);
    await t.store.ingest(
      'L1',
      events('L1', 1, [[T.alarmRaised, { alarmId: 'a1', kind: 'door-forced', cellId: 'M1' }]]),
      clock.now(),
    );
    const [alarm] = await t.store.operatorAlarms(operator.id, { open: true, limit: 10 });
    expect(alarm).toMatchObject({ id: 'L1/a1', kind: 'door-forced', acked: null, resolved: null });
    clock.advance(1000);
    const acked = await t.store.ackAlarm(operator.id, 'L1/a1', 'olga@op.example', 'on my way');
    expect(acked.acked).toEqual({ at: clock.now(), by: 'olga@op.example', note: 'on my way' });
    const other = await t.store.createOperator('Other');
    await expect(t.store.ackAlarm(other.operator.id, 'L1/a1', 'x', null)).rejects.toMatchObject({
      code: 'not-found',
    });
    clock.advance(1000);
    const resolved = await t.store.resolveAlarm(
      operator.id,
      'L1/a1',
      'ivan@op.example',
      'door re-hung',
    );
    expect(resolved.resolved).toEqual({
      at: clock.now(),
      by: 'ivan@op.example',
      note: 'door re-hung',
    });
    expect(resolved.acked?.by).toBe('olga@op.example');
    expect(await t.store.operatorAlarms(operator.id, { open: true, limit: 10 })).toEqual([]);
    expect(await t.store.operatorAlarms(operator.id, { open: false, limit: 10 })).toHaveLength(1);
    await expect(t.store.resolveAlarm(operator.id, 'L1/a1', 'x', 'again')).rejects.toMatchObject({
      code: 'invalid-state',
    });
  });

  it('finds orders by id, barcode and ref within the scope; knows which cell holds which order', async () => {
    const { operator, tenant } = await seedNetwork(t.store, { M: 2 });
    const b = await t.store.createTenant('B', 'shop');
    await t.store.grantTenant(operator.id, b.tenant.id);
    const mine = await t.store.createOrder(tenant.id, {
      kind: 'delivery',
      lockerId: 'L1',
      size: 'M',
      barcode: 'BC-1',
      externalRef: 'ext-9',
    });
    const theirs = await t.store.createOrder(b.tenant.id, {
      kind: 'delivery',
      lockerId: 'L1',
      size: 'M',
      barcode: 'BC-2',
    });
    const found = async (scope: object, q: string) =>
      (await t.store.searchOrders(scope as { tenantId: string }, { q, limit: 10 })).map(
        (o) => o.id,
      );
    expect(await found({ tenantId: tenant.id }, 'BC-1')).toEqual([mine.orderId]);
    expect(await found({ tenantId: tenant.id }, 'BC-2')).toEqual([]);
    expect(await found({ tenantId: tenant.id }, 'ext-9')).toEqual([mine.orderId]);
    expect(await found({ operatorId: operator.id }, 'BC-2')).toEqual([theirs.orderId]);
    expect(await found({ operatorId: operator.id }, theirs.orderId)).toEqual([theirs.orderId]);
    expect((await t.store.searchOrders({ operatorId: operator.id }, { limit: 10 })).length).toBe(2);
    const other = await t.store.createOperator('Other');
    expect(await t.store.orderVisibleToOperator(other.operator.id, mine.orderId)).toBe(false);
    expect(await t.store.orderVisibleToOperator(operator.id, mine.orderId)).toBe(true);

    const order = await t.store.getOrder(mine.orderId);
    const deposit = order?.steps[0]?.id as string;
    await t.store.ingest(
      'L1',
      events('L1', 1, [
        ['door.opened', { opId: 'op1', cellId: 'M2', stepId: deposit, attempt: 1 }],
        ['door.closed', { opId: 'op1', cellId: 'M2', stepId: deposit, attempt: 1 }],
        [
          'parcel.deposited',
          { orderId: mine.orderId, parcelId: 'p1', cellId: 'M2', stepId: deposit },
        ],
        [T.stepDone, { orderId: mine.orderId, stepId: deposit, kind: 'deposit' }],
      ]),
      clock.now(),
    );
    const occupancy = await t.store.cellOccupancy('L1');
    expect([...occupancy.entries()]).toEqual([
      [
        'M2',
        { orderId: mine.orderId, tenantId: tenant.id, status: 'ready-for-pickup', since: 1003 },
      ],
    ]);
    const timeline = await t.store.orderEvents(mine.orderId);
    expect(timeline.map((e) => e.type)).toEqual([
      'door.opened',
      'door.closed',
      'parcel.deposited',
      'step.done',
    ]);
    expect(await t.store.orderEvents(theirs.orderId)).toEqual([]);
    const changes = await t.store.statusChangesFrom(['event:L1:4']);
    expect(changes).toEqual([
      {
        orderId: mine.orderId,
        tenantId: tenant.id,
        status: 'ready-for-pickup',
        at: 1004,
        source: 'event:L1:4',
      },
    ]);
  });

  it('keeps the last status a locker sent and reports sync and outbox state', async () => {
    await seedNetwork(t.store);
    await provisionTestLocker(
      t.store,
      (await t.store.listOperators())[0]?.id as string,
      'L3',
      55,
      37,
      { S: 1 },
    );
    const status = {
      lockerId: 'L1',
      online: true,
      at: 5,
      outboxDepth: 12,
      syncVersion: 1,
      boards: [{ bus: 'bus0', address: 1, online: true }],
    };
    await t.store.recordStatuses([{ status, receivedAt: 100 }]);
    await t.store.recordStatuses([
      { status: { ...status, outboxDepth: 3 }, receivedAt: 200 },
      { status: { lockerId: 'L3', online: false, at: 6 }, receivedAt: 210 },
    ]);
    // Another worker's older status arriving late changes nothing.
    await t.store.recordStatuses([{ status: { ...status, outboxDepth: 99 }, receivedAt: 150 }]);
    const state = await t.store.lockerSyncState('L1');
    expect(state.lastStatus).toEqual({ ...status, outboxDepth: 3, receivedAt: 200 });
    expect(await t.store.isLockerOnline('L1')).toBe(true);
    expect((await t.store.lockerSyncState('L3')).lastStatus).toEqual({
      lockerId: 'L3',
      online: false,
      at: 6,
      receivedAt: 210,
    });
    await t.store.recordStatuses([{ status: { ...status, online: false }, receivedAt: 300 }]);
    expect(await t.store.isLockerOnline('L1')).toBe(false);
    expect(state.committedSeq).toBe(0);
    expect((await t.store.lockerSyncState('L2')).lastStatus).toBeNull();
  });
});
