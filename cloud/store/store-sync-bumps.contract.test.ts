import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FakeClock,
  provisionTestLocker,
  seedNetwork,
  TEST_ENGINES,
  type TestStore,
} from './test-stores.ts';

/** What makes the publisher push a delta although no order changed: couriers and the day. */
describe.each(TEST_ENGINES)(
  'store contract ($engine): sync versions for credentials',
  ({ open }) => {
    let t: TestStore;
    beforeEach(async () => {
      t = await open(new FakeClock());
    });
    afterEach(async () => {
      await t.dispose();
    });

    it('bumps the lockers a tenant may use when its couriers or access change, and no others', async () => {
      const { tenant } = await seedNetwork(t.store, { S: 1 });
      const other = await t.store.createOperator('Other');
      await provisionTestLocker(t.store, other.operator.id, 'L2', 55.7, 37.6, { S: 1 });
      const version = async (id: string) => (await t.store.syncVersions()).get(id) ?? -1;
      const start = { L1: await version('L1'), L2: await version('L2') };

      const courier = await t.store.createCourier(tenant.id, 'Ivan');
      expect(await version('L1')).toBe(start.L1 + 1);
      await t.store.deactivateCourier(tenant.id, courier.id);
      expect(await version('L1')).toBe(start.L1 + 2);
      expect(await version('L2')).toBe(start.L2);
      await t.store.grantTenant(other.operator.id, tenant.id);
      expect(await version('L2')).toBe(start.L2 + 1);
      expect(await version('L1')).toBe(start.L1 + 3);

      const delta = await t.store.buildSyncMessage('L1', start.L1 + 1);
      expect(delta.credentials).toEqual(
        expect.arrayContaining([expect.objectContaining({ holderId: courier.id, revoked: true })]),
      );
    });

    it('bumps every locker for a new day, and marks every locker offline keeping last seen', async () => {
      const { operator } = await seedNetwork(t.store, { S: 1 });
      const before = (await t.store.syncVersions()).get('L1') ?? -1;
      await t.store.bumpAllSyncVersions();
      expect((await t.store.syncVersions()).get('L1')).toBe(before + 1);
      await t.store.setLockerStatus('L1', true, 5_000);
      await t.store.markAllOffline();
      expect(await t.store.fleetStatus(operator.id)).toMatchObject({
        online: 0,
        offline: [{ lockerId: 'L1', lastSeenAt: 5_000 }],
      });
    });
  },
);
