import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.ts';
import { TestPaymentProvider } from '../../agent/services/payment-provider.ts';
import { Store as AgentStore } from '../../agent/store/store.ts';
import { ScriptedLockBoard } from '../../agent/testing/scripted-lock-board.ts';
import { syncMessageSchema } from '../../protocol/index.ts';
import { FakeClock, seedNetwork, TEST_ENGINES, type TestStore } from './test-stores.ts';

const parcel = { kind: 'delivery', lockerId: 'L1', size: 'M', barcode: 'BC1' } as const;

/** The real agent on its own SQLite file, fed sync messages as the wire would hand them over. */
function realAgent(lockerId: string, hashKey: string, clock: FakeClock) {
  const dir = mkdtempSync(join(tmpdir(), 'postamat-sync-agent-'));
  const store = AgentStore.open(join(dir, 'agent.db'), lockerId, clock);
  const agent = new Agent({
    lockerId,
    hashKey,
    store,
    boards: [new ScriptedLockBoard('bus0:1', 8, () => clock.now())],
    clock,
    log: pino({ level: 'silent' }),
    payments: new TestPaymentProvider(),
    tickMs: 0,
  });
  return {
    agent,
    store,
    dispose() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.each(TEST_ENGINES)('store contract ($engine): sync snapshot or delta', ({ open }) => {
  let t: TestStore | undefined;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    await t?.dispose();
    t = undefined;
  });

  it('answers a version it never issued, or none, with a snapshot', async () => {
    t = await open(new FakeClock());
    const { tenant } = await seedNetwork(t.store);
    await t.store.createOrder(tenant.id, parcel);
    expect((await t.store.buildSyncMessage('L1', 0)).kind).toBe('snapshot');
    const held = (await t.store.buildSyncMessage('L1')).version + 5;
    // Newer than what the locker holds, or the locker would drop it as stale.
    expect(await t.store.buildSyncMessage('L1', held)).toMatchObject({
      kind: 'snapshot',
      version: held + 1,
    });
    const { version } = await t.store.buildSyncMessage('L1');
    expect(version).toBe(held + 1);
    expect(await t.store.buildSyncMessage('L1', version)).toMatchObject({
      kind: 'delta',
      baseVersion: version,
      parcels: [],
    });
  });

  it('sends a delta down to the pruned horizon and a snapshot below it', async () => {
    t = await open(new FakeClock());
    const { tenant } = await seedNetwork(t.store);
    const first = await t.store.createOrder(tenant.id, parcel);
    const old = (await t.store.buildSyncMessage('L1')).version;
    await t.store.cancelOrder(tenant.id, first.orderId);
    const second = await t.store.createOrder(tenant.id, { ...parcel, barcode: 'BC2' });
    const recent = (await t.store.buildSyncMessage('L1')).version;
    expect(await t.store.buildSyncMessage('L1', old)).toMatchObject({
      kind: 'delta',
      removed: { parcels: [first.orderId] },
    });
    const keep = recent - old - 1;
    expect(await t.store.pruneSyncTombstones(keep)).toBeGreaterThan(0);
    expect((await t.store.buildSyncMessage('L1', old)).kind).toBe('snapshot');
    expect((await t.store.buildSyncMessage('L1', old + 1)).kind).toBe('delta');
    const snapshot = await t.store.buildSyncMessage('L1', old);
    expect(snapshot.parcels?.map((p) => p.orderId)).toEqual([second.orderId]);
    // Pruning again with nothing newer to prune moves nothing.
    expect(await t.store.pruneSyncTombstones(keep)).toBe(0);
  });

  it('sends a snapshot when the delta would span more versions than allowed', async () => {
    t = await open(new FakeClock(), { maxDeltaVersions: 2 });
    const { tenant } = await seedNetwork(t.store, { M: 4 });
    await t.store.createOrder(tenant.id, parcel);
    const since = (await t.store.buildSyncMessage('L1')).version;
    await t.store.createOrder(tenant.id, { ...parcel, barcode: 'BC2' });
    const delta = await t.store.buildSyncMessage('L1', since);
    expect(delta.version - since).toBeLessThanOrEqual(2);
    expect(delta.kind).toBe('delta');
    await t.store.createOrder(tenant.id, { ...parcel, barcode: 'BC3' });
    await t.store.createOrder(tenant.id, { ...parcel, barcode: 'BC4' });
    const late = await t.store.buildSyncMessage('L1', since);
    expect(late.version - since).toBeGreaterThan(2);
    expect(late.kind).toBe('snapshot');
  });

  it('brings a locker offline past the horizon to exactly the cloud’s data', async () => {
    const clock = new FakeClock();
    t = await open(clock);
    const { tenant, locker } = await seedNetwork(t.store, { M: 3 });
    const courier = await t.store.createCourier(tenant.id, 'Ivan');
    const kept = await t.store.createOrder(tenant.id, parcel);
    const dropped = await t.store.createOrder(tenant.id, { ...parcel, barcode: 'BC2' });
    const a = realAgent('L1', locker.hashKey, clock);
    cleanups.push(a.dispose);
    const wire = async (since?: number) =>
      syncMessageSchema.parse(
        JSON.parse(JSON.stringify(await t!.store.buildSyncMessage('L1', since))),
      );
    a.agent.sync.applySync(await wire());
    expect(a.store.orders.cloudBookedOrderIds().sort()).toEqual(
      [kept.orderId, dropped.orderId].sort(),
    );
    // The locker's own rental code: no cloud message may take it away.
    a.store.transaction(() => {
      a.store.orders.insertOrder({
        id: 'rental-1',
        kind: 'rental',
        tenantId: 'locker',
        status: 'booked',
        storageHours: 2,
        validUntil: null,
        rentalUntil: null,
        paidKopecks: 100,
        createdAt: clock.now(),
      });
      a.store.orders.upsertCode({
        codeHash: 'own-rental-hash',
        orderId: 'rental-1',
        purpose: 'rental',
        validFrom: 0,
        validUntil: clock.now() + 3_600_000,
      });
    });

    // Offline: the cloud cancels a parcel, books another, retires a courier, then prunes.
    const held = a.agent.sync.syncVersion();
    await t.store.cancelOrder(tenant.id, dropped.orderId);
    const added = await t.store.createOrder(tenant.id, { ...parcel, barcode: 'BC3' });
    await t.store.deactivateCourier(tenant.id, courier.id);
    expect((await wire(held)).kind).toBe('delta');
    await t.store.pruneSyncTombstones(0);

    const message = await wire(held);
    expect(message.kind).toBe('snapshot');
    a.agent.sync.applySync(message);

    const cloud = await wire();
    expect(a.agent.sync.syncVersion()).toBe(cloud.version);
    expect(a.store.orders.cloudBookedOrderIds().sort()).toEqual(
      [kept.orderId, added.orderId].sort(),
    );
    expect(a.store.orders.order(dropped.orderId)?.status).toBe('cancelled');
    expect(a.store.orders.cloudCodeHashes().sort()).toEqual(
      (cloud.codes ?? []).map((c) => c.codeHash).sort(),
    );
    expect(a.store.access.credentialIds().sort()).toEqual(
      (cloud.credentials ?? []).map((c) => c.credentialId).sort(),
    );
    expect(a.store.orders.code('own-rental-hash')?.orderId).toBe('rental-1');
  });
});
