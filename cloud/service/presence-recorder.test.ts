import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LockerPresence } from '../mqtt/locker-presence.ts';
import type { ReceivedStatus } from '../store/presence-store.ts';
import {
  provisionTestLocker,
  seedNetwork,
  sqliteTestStore,
  type TestStore,
} from '../store/test-stores.ts';
import { recordPresence } from './presence-recorder.ts';

describe('presence recorder: statuses written in batches to a real store', () => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.dispose();
  });

  it('writes a connect storm in a few transactions, newest status per locker, and flushes on stop', async () => {
    t = await sqliteTestStore();
    const store = t.store;
    await seedNetwork(store);
    const operatorId = (await store.listOperators())[0]?.id as string;
    const ids = Array.from({ length: 300 }, (_, i) => `P${i}`);
    for (const id of ids) await provisionTestLocker(store, operatorId, id, 55, 37, { S: 1 });
    const batches: number[] = [];
    const counting = {
      recordStatuses: (batch: readonly ReceivedStatus[]) => {
        batches.push(batch.length);
        return store.recordStatuses(batch);
      },
    };
    const presence = new LockerPresence();
    const seen: string[] = [];
    const recorder = recordPresence(
      presence,
      counting,
      pino({ level: 'silent' }),
      (id) => seen.push(id),
      { delayMs: 20, maxBatch: 200 },
    );
    for (const id of ids) presence.record({ lockerId: id, online: true, at: 1 }, 1_000);
    // One locker drops within the same window: the offline is what must be stored.
    presence.record({ lockerId: 'P7', online: false, at: 2 }, 1_001);
    expect(seen).toHaveLength(301);
    await expect.poll(() => batches.reduce((a, b) => a + b, 0)).toBe(300);
    expect(batches).toEqual([200, 100]);
    expect(await store.isLockerOnline('P0')).toBe(true);
    expect(await store.isLockerOnline('P299')).toBe(true);
    expect(await store.isLockerOnline('P7')).toBe(false);
    expect((await store.lockerSyncState('P7')).lastStatus).toMatchObject({ online: false });

    // What arrives just before stop() is written by it, not lost.
    presence.record({ lockerId: 'P1', online: false, at: 3 }, 2_000);
    await recorder.stop();
    expect(await store.isLockerOnline('P1')).toBe(false);
    presence.record({ lockerId: 'P2', online: false, at: 4 }, 3_000);
    expect(await store.isLockerOnline('P2')).toBe(true);
  });
});
