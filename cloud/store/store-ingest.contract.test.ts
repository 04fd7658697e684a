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

const parcel = { kind: 'delivery', lockerId: 'L1', size: 'M', barcode: 'BC1' } as const;

function events(from: number, bodies: readonly [string, Record<string, unknown>][]): LockerEvent[] {
  return bodies.map(([type, body], i) => ({
    lockerId: 'L1',
    seq: from + i,
    at: 1000 + i,
    type,
    body,
  }));
}

function filler(from: number, n: number): LockerEvent[] {
  return events(
    from,
    Array.from({ length: n }, () => ['heartbeat.tick', {}] as [string, Record<string, unknown>]),
  );
}

describe.each(TEST_ENGINES)('store contract ($engine): ingest and projection', ({ open }) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await open(new FakeClock());
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('applies events once and in order; a gap stops everything after it', async () => {
    await seedNetwork(t.store);
    expect(await t.store.ingest('L1', filler(1, 3), 5)).toEqual({
      committedSeq: 3,
      applied: 3,
      gap: false,
    });
    expect(await t.store.ingest('L1', filler(2, 3), 6)).toEqual({
      committedSeq: 4,
      applied: 1,
      gap: false,
    });
    expect(await t.store.ingest('L1', filler(7, 2), 7)).toEqual({
      committedSeq: 4,
      applied: 0,
      gap: true,
    });
    expect(await t.store.ingest('L1', filler(1, 2), 8)).toEqual({
      committedSeq: 4,
      applied: 0,
      gap: false,
    });
    expect(await t.store.committedSeq('L1')).toBe(4);
    expect(await t.store.committedSeq('L9')).toBe(0);
  });

  it('applies a batch once when it arrives twice at the same moment', async () => {
    await seedNetwork(t.store);
    const batch = filler(1, 20);
    const results = await Promise.all([1, 2, 3, 4].map(() => t.store.ingest('L1', batch, 9)));
    expect(results.reduce((sum, r) => sum + r.applied, 0)).toBe(20);
    expect(results.every((r) => r.committedSeq === 20)).toBe(true);
  });

  it('commits a batch larger than one insert, projecting the events inside it in order', async () => {
    const { tenant } = await seedNetwork(t.store);
    const { orderId } = await t.store.createOrder(tenant.id, parcel);
    const batch = [
      ...filler(1, 700),
      ...events(701, [[T.stepDone, { orderId, stepId: `${orderId}.0` }]]),
      ...filler(702, 299),
      ...events(1001, [[T.stepDone, { orderId, stepId: `${orderId}.1` }]]),
      ...filler(1002, 499),
    ];
    expect(await t.store.ingest('L1', batch.reverse(), 12)).toEqual({
      committedSeq: 1500,
      applied: 1500,
      gap: false,
    });
    const order = await t.store.getOrder(orderId);
    expect(order?.timeline.map((h) => h.status)).toEqual([
      'created',
      'booked',
      'ready-for-pickup',
      'collected',
    ]);
    expect(await t.store.ingest('L1', filler(1401, 200), 13)).toMatchObject({ applied: 100 });
  });

  it('moves a delivery through ready-for-pickup to collected, retiring the used code', async () => {
    const { tenant } = await seedNetwork(t.store);
    await t.store.setWebhookEndpoint(tenant.id, 'http://example.test/hook');
    const { orderId, codes } = await t.store.createOrder(tenant.id, parcel);
    const before = await t.store.buildSyncMessage('L1');
    const version = before.version;
    const hash = before.codes?.find((c) => c.stepId === codes[0]?.stepId)?.codeHash;
    expect(hash).toBeDefined();
    await t.store.ingest(
      'L1',
      events(1, [
        [T.doorOpened, { cellId: 'M1' }],
        [T.stepDone, { orderId, stepId: `${orderId}.0` }],
      ]),
      10,
    );
    expect((await t.store.getOrder(orderId))?.status).toBe('ready-for-pickup');
    await t.store.ingest('L1', events(3, [[T.stepDone, { orderId, stepId: `${orderId}.1` }]]), 11);
    const order = await t.store.getOrder(orderId);
    expect(order?.timeline.map((h) => h.status)).toEqual([
      'created',
      'booked',
      'ready-for-pickup',
      'collected',
    ]);
    expect(order?.bookings).toEqual([]);
    const delta = await t.store.buildSyncMessage('L1', version);
    expect(delta).toMatchObject({ kind: 'delta', baseVersion: version });
    expect(delta.removed?.codes).toEqual([hash]);
    expect(delta.removed?.parcels).toEqual([orderId]);
    const deliveries = await t.store.listDeliveries(tenant.id, 10);
    expect(deliveries).toHaveLength(3);
  });

  it('turns an expired parcel into a courier collect and ends as returned', async () => {
    const { tenant } = await seedNetwork(t.store);
    const { orderId } = await t.store.createOrder(tenant.id, parcel);
    await t.store.ingest(
      'L1',
      events(1, [
        [T.stepDone, { orderId, stepId: `${orderId}.0` }],
        [T.orderExpired, { orderId, tenantId: tenant.id }],
      ]),
      10,
    );
    const expired = await t.store.getOrder(orderId);
    expect(expired?.status).toBe('expired');
    const courierStep = expired?.steps.at(-1);
    expect(expired?.steps).toHaveLength(2);
    expect(courierStep).toMatchObject({ kind: 'collect', role: 'courier', state: 'pending' });
    await t.store.ingest('L1', events(3, [[T.stepDone, { orderId, stepId: courierStep?.id }]]), 11);
    expect((await t.store.getOrder(orderId))?.status).toBe('returned');
  });

  it('ignores steps of other lockers, unknown types and malformed bodies', async () => {
    const { tenant } = await seedNetwork(t.store);
    const { orderId } = await t.store.createOrder(tenant.id, parcel);
    const foreign = events(1, [
      [T.stepDone, { orderId, stepId: `${orderId}.0` }],
      ['something.new', { x: 1 }],
      [T.stepDone, { orderId: 42 }],
    ]).map((e) => ({ ...e, lockerId: 'L2' }));
    expect((await t.store.ingest('L2', foreign, 1)).applied).toBe(3);
    expect((await t.store.getOrder(orderId))?.status).toBe('booked');
  });

  it('raises and clears alarms, records command results and cell service', async () => {
    const { operator } = await seedNetwork(t.store);
    const command = await t.store.createCommand({
      lockerId: 'L1',
      type: 'remote-open',
      body: { cellId: 'M1', reason: 'check', operator: operator.id },
      ttlMs: 60_000,
      actor: operator.id,
    });
    await t.store.ingest(
      'L1',
      events(1, [
        [T.alarmRaised, { kind: 'door-left-open', cellId: 'M1' }],
        [T.commandResult, { commandId: command.id, type: 'remote-open', outcome: 'applied' }],
        [T.cellOutOfService, { cellId: 'M2', reason: 'jammed', by: 'tech' }],
      ]),
      10,
    );
    expect(await t.store.listAlarms(operator.id, true)).toHaveLength(1);
    expect((await t.store.getCommand(command.id))?.status).toBe('applied');
    const cells = (await t.store.getLocker('L1'))?.cells;
    expect(cells?.find((c) => c.cellId === 'M2')?.inService).toBe(false);
    await t.store.ingest(
      'L1',
      events(4, [[T.alarmCleared, { kind: 'door-left-open', cellId: 'M1' }]]),
      11,
    );
    expect(await t.store.listAlarms(operator.id, true)).toHaveLength(0);
    expect((await t.store.fleetStatus(operator.id)).openAlarms).toBe(0);
  });

  it('walks a service round trip and a two-locker parcel through their statuses', async () => {
    const { tenant, operator } = await seedNetwork(t.store, { M: 3 });
    await provisionTestLocker(t.store, operator.id, 'L2', 55.76, 37.62, { M: 1 });
    const walk = async (orderId: string, perLocker: string[], firstSeq: Record<string, number>) => {
      const seen = [];
      for (const [idx, lockerId] of perLocker.entries()) {
        const seq = firstSeq[lockerId] ?? 1;
        firstSeq[lockerId] = seq + 1;
        const event = {
          lockerId,
          seq,
          at: 2000 + idx,
          type: T.stepDone,
          body: { orderId, stepId: `${orderId}.${idx}` },
        };
        await t.store.ingest(lockerId, [event], 10);
        seen.push((await t.store.getOrder(orderId))?.status);
      }
      return seen;
    };
    const seqs: Record<string, number> = {};
    const round = await t.store.createOrder(tenant.id, { ...parcel, kind: 'service-round-trip' });
    expect(await walk(round.orderId, ['L1', 'L1', 'L1', 'L1'], seqs)).toEqual([
      'deposited',
      'in-transit',
      'ready-for-pickup',
      'completed',
    ]);
    const r2r = await t.store.createOrder(tenant.id, {
      ...parcel,
      kind: 'resident-to-resident',
      toLockerId: 'L2',
    });
    expect(await walk(r2r.orderId, ['L1', 'L1', 'L2', 'L2'], seqs)).toEqual([
      'deposited',
      'in-transit',
      'ready-for-pickup',
      'collected',
    ]);
  });

  it('projects a group of lockers’ batches as it would each event in order', async () => {
    const { tenant, operator } = await seedNetwork(t.store);
    await provisionTestLocker(t.store, operator.id, 'L2', 55.76, 37.62, { M: 1 });
    const { orderId } = await t.store.createOrder(tenant.id, parcel);
    const command = await t.store.createCommand({
      lockerId: 'L1',
      type: 'remote-open',
      body: { cellId: 'M1', reason: 'check', operator: operator.id },
      ttlMs: 60_000,
      actor: operator.id,
    });
    const result = (outcome: string) => [
      T.commandResult,
      { commandId: command.id, type: 'remote-open', outcome },
    ];
    const at = (lockerId: string, list: LockerEvent[]) => list.map((e) => ({ ...e, lockerId }));
    const first = await t.store.ingestMany([
      {
        lockerId: 'L1',
        events: events(1, [
          [T.stepDone, { orderId, stepId: `${orderId}.0` }],
          [T.alarmRaised, { alarmId: 1, kind: 'tamper' }],
          [T.alarmCleared, { alarmId: 1, by: 'tech-1' }],
          [T.alarmRaised, { alarmId: 2, kind: 'door-left-open', cellId: 'M1' }],
          result('failed') as [string, Record<string, unknown>],
          result('applied') as [string, Record<string, unknown>],
          [T.stepDone, { orderId: 'an-order-the-cloud-never-made' }],
        ]),
        receivedAt: 10,
      },
      {
        lockerId: 'L2',
        events: at(
          'L2',
          events(1, [
            // Another locker reporting on L1's command and L1's order changes neither.
            result('failed') as [string, Record<string, unknown>],
            [T.stepDone, { orderId, stepId: `${orderId}.1` }],
            [T.alarmRaised, { alarmId: 1, kind: 'tamper' }],
          ]),
        ),
        receivedAt: 10,
      },
    ]);
    expect(first.map((r) => r.committedSeq)).toEqual([7, 3]);
    expect((await t.store.getOrder(orderId))?.status).toBe('ready-for-pickup');
    expect((await t.store.getCommand(command.id))?.status).toBe('applied');
    const open = async () =>
      (await t.store.listAlarms(operator.id, true)).map((a) => `${a.lockerId} ${a.kind}`).sort();
    expect(await open()).toEqual(['L1 door-left-open', 'L2 tamper']);
    // A clear sees the alarms raised before it in the group and not those raised after it.
    await t.store.ingestMany([
      {
        lockerId: 'L1',
        events: events(8, [
          [T.alarmRaised, { alarmId: 3, kind: 'door-left-open', cellId: 'M1' }],
          [T.alarmCleared, { kind: 'door-left-open', cellId: 'M1' }],
          [T.alarmRaised, { alarmId: 4, kind: 'door-left-open', cellId: 'M1' }],
        ]),
        receivedAt: 11,
      },
      { lockerId: 'L2', events: at('L2', filler(4, 2)), receivedAt: 11 },
    ]);
    expect((await t.store.listAlarms(operator.id, true)).map((a) => a.id).sort()).toEqual([
      'L1/4',
      'L2/1',
    ]);
    expect(await t.store.committedSeq('L1')).toBe(10);
    expect(await t.store.committedSeq('L2')).toBe(5);
  });

  it('follows the agent’s own step numbering and alarm ids', async () => {
    const { tenant, operator } = await seedNetwork(t.store);
    const { orderId } = await t.store.createOrder(tenant.id, { ...parcel, kind: 'return' });
    await t.store.ingest(
      'L1',
      events(1, [
        [T.stepDone, { orderId, stepId: `${orderId}/1`, kind: 'deposit', role: 'sender' }],
        [T.alarmRaised, { alarmId: 7, kind: 'some-new-kind', cellId: 'M1', boardId: 'bus0:1' }],
      ]),
      10,
    );
    expect((await t.store.getOrder(orderId))?.status).toBe('deposited');
    expect((await t.store.listAlarms(operator.id, true)).map((a) => a.kind)).toEqual([
      'some-new-kind',
    ]);
    await t.store.ingest(
      'L1',
      events(3, [
        [T.alarmCleared, { alarmId: 7, by: 'tech-1' }],
        [T.stepDone, { orderId, stepId: `${orderId}/2`, kind: 'collect', role: 'courier' }],
      ]),
      11,
    );
    expect(await t.store.listAlarms(operator.id, true)).toEqual([]);
    expect((await t.store.getOrder(orderId))?.status).toBe('completed');
  });
});
