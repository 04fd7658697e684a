import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockerEvent } from '../../protocol/index.ts';
import { batchedLockerReads } from '../service/batched-reads.ts';
import { fixedChunks, keyLists, paddedChunks } from './key-batches.ts';
import { seedSite } from './site-test-support.ts';
import { FakeClock, TEST_ENGINES, type TestStore } from './test-stores.ts';

const LOCKERS = ['S1', 'S2', 'S3', 'OUT'] as const;

function ticks(lockerId: string, n: number): LockerEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    lockerId,
    seq: i + 1,
    at: 1000 + i,
    type: 'heartbeat.tick',
    body: {},
  }));
}

describe('keyLists', () => {
  it('pads each list to one of five lengths and splits past 256, each key once', () => {
    expect(keyLists([])).toEqual([]);
    expect(keyLists(['a'])).toEqual([['a']]);
    expect(keyLists(['a', 'b', 'a'])).toEqual([['a', 'b', 'b', 'b']]);
    const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
    const lists = keyLists(keys);
    expect(lists.map((l) => l.length)).toEqual([256, 64]);
    expect(new Set(lists.flat())).toEqual(new Set(keys));
  });
});

describe('paddedChunks', () => {
  it('fills each chunk to one of five lengths with copies of its last row, every row in order', () => {
    expect(paddedChunks([1, 2, 3, 4, 5, 6, 7])).toEqual([
      [1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7],
    ]);
    const rows = Array.from({ length: 300 }, (_, i) => i);
    const chunks = paddedChunks(rows);
    expect(chunks.map((c) => c.length)).toEqual([256, 64]);
    expect([...new Set(chunks.flat())]).toEqual(rows);
    expect(paddedChunks([])).toEqual([]);
  });
});

describe('fixedChunks', () => {
  it('splits rows into chunks of five sizes, largest first, keeping every row in order', () => {
    const rows = Array.from({ length: 150 }, (_, i) => i);
    const chunks = fixedChunks(rows);
    expect(chunks.map((c) => c.length)).toEqual([64, 64, 16, 4, 1, 1]);
    expect(chunks.flat()).toEqual(rows);
    expect(fixedChunks([])).toEqual([]);
  });
});

describe.each(TEST_ENGINES)(
  'store contract ($engine): reads of many lockers at once',
  ({ open }) => {
    let t: TestStore;
    let s: Awaited<ReturnType<typeof seedSite>>;
    beforeEach(async () => {
      // Midday: a visit's pass window stays within one UTC day.
      t = await open(new FakeClock(Date.UTC(2026, 5, 1, 12)));
      s = await seedSite(t.store);
      const { store } = t;
      for (const [lockerId, barcode] of [
        ['S1', 'BC-1'],
        ['S2', 'BC-2'],
        ['S2', 'BC-3'],
        ['OUT', 'BC-4'],
      ] as const) {
        await store.createOrder(s.tenantA, { kind: 'delivery', lockerId, size: 'M', barcode });
      }
      // Every part a snapshot can carry, on some lockers and not others: a gate pass (S3), a
      // route (S1 → S2), a tariff profile (S2), a deactivated courier's revoked codes.
      await store.createAccessPoint(s.operator.id, s.siteId, {
        name: 'North gate',
        kind: 'gate',
        driver: 'locker-relay',
        lockerId: 'S3',
      });
      await store.createManifest(s.tenantA, {
        courierId: s.courierId,
        stops: [{ lockerId: 'S1' }, { lockerId: 'S2' }],
      });
      const profile = await store.createStorageProfile(s.operator.id, {
        name: 'City',
        tariffs: [
          { size: 'M', firstHourKopecks: 10000, nextHourKopecks: 8000, dayCapKopecks: 50000 },
        ],
      });
      await store.bindStorageProfile(s.operator.id, 'S2', profile.id);
      await store.deactivateCourier(s.tenantA, s.idleCourierId);
      await store.ingest('S1', ticks('S1', 3), 5);
    });
    afterEach(async () => {
      await t.dispose();
    });

    it('builds every locker the snapshot it would have been built alone', async () => {
      const together = await t.store.buildSnapshots([...LOCKERS, 'NOPE', 'S1']);
      expect([...together.keys()].sort()).toEqual([...LOCKERS].sort());
      for (const lockerId of LOCKERS) {
        expect(together.get(lockerId)).toEqual(await t.store.buildSyncMessage(lockerId));
      }
      // The setup reached every part: a check that the comparison above compared something.
      expect(together.get('S3')?.passes).toHaveLength(2);
      expect(together.get('S1')?.routeParcels).toHaveLength(2);
      expect(together.get('S2')?.parcels).toHaveLength(2);
      expect(together.get('S2')?.tariffs?.find((x) => x.size === 'M')?.firstHourKopecks).toBe(
        10000,
      );
      expect(together.get('OUT')?.credentials?.filter((c) => c.revoked)).toHaveLength(2);
    });

    it('finds the few known lockers among more ids than one read takes', async () => {
      const ids = [...Array.from({ length: 300 }, (_, i) => `X${i}`), 'S2', 'S1'];
      expect([...(await t.store.buildSnapshots(ids)).keys()].sort()).toEqual(['S1', 'S2']);
      expect(await t.store.committedSeqs(ids)).toEqual(new Map([['S1', 3]]));
      expect([...(await t.store.syncVersionsOf(ids)).keys()].sort()).toEqual(['S1', 'S2']);
    });

    it('answers a storm of connecting lockers as one locker at a time would', async () => {
      const reads = batchedLockerReads(t.store);
      const { mqttSecret } = await t.store.provisionLocker(s.operator.id, {
        id: 'V1',
        address: 'V1 entrance',
        lat: 55.7,
        lon: 37.6,
        cells: [{ cellId: 'M1', bus: 'rs485', board: 1, channel: 1, size: 'M', features: [] }],
      });
      const verdicts = await Promise.all([
        reads.verifyLockerSecret('V1', mqttSecret),
        reads.verifyLockerSecret('V1', `${mqttSecret}x`),
        reads.verifyLockerSecret('S1', mqttSecret),
        reads.verifyLockerSecret('NOPE', mqttSecret),
      ]);
      expect(verdicts).toEqual([true, false, false, false]);
      const asked = LOCKERS.flatMap((id) => [id, id]);
      const [committed, versions, snapshots] = await Promise.all([
        Promise.all(asked.map((id) => reads.committedSeq(id))),
        Promise.all(asked.map((id) => reads.syncVersionOf(id))),
        Promise.all(asked.map((id) => reads.buildSnapshot(id))),
      ]);
      for (const [i, id] of asked.entries()) {
        expect(committed[i]).toBe(await t.store.committedSeq(id));
        expect(versions[i]).toBe(await t.store.syncVersionOf(id));
        expect(snapshots[i]).toEqual(await t.store.buildSyncMessage(id));
      }
      await expect(reads.buildSnapshot('NOPE')).rejects.toThrow('no locker "NOPE"');
      expect(await reads.syncVersionOf('NOPE')).toBeUndefined();
      expect(await reads.committedSeq('NOPE')).toBe(0);
    });
  },
);
