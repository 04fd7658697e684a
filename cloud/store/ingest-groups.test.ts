import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockerEvent } from '../../protocol/index.ts';
import { LOCKER_EVENT_TYPES as T } from '../domain/locker-event-types.ts';
import type { IngestResult } from '../ports.ts';
import { type GroupableIngestStore, groupedIngest } from './ingest-groups.ts';
import type { IngestCall } from './ingest-store.ts';
import {
  FakeClock,
  provisionTestLocker,
  seedNetwork,
  TEST_ENGINES,
  type TestStore,
} from './test-stores.ts';

const LOCKERS = Array.from({ length: 40 }, (_, i) => `G${i}`);

function batch(lockerId: string, from: number, n: number, type = 'heartbeat.tick'): LockerEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    lockerId,
    seq: from + i,
    at: 1_000 + from + i,
    type,
    body: {},
  }));
}

describe.each(TEST_ENGINES)('ingest in groups ($engine)', ({ open }) => {
  let t: TestStore;
  let operatorId: string;
  beforeEach(async () => {
    t = await open(new FakeClock());
    await seedNetwork(t.store);
    operatorId = (await t.store.listOperators())[0]?.id as string;
    for (const id of LOCKERS) await provisionTestLocker(t.store, operatorId, id, 55, 37, { M: 1 });
  });
  afterEach(async () => {
    await t.dispose();
  });

  /** Each locker's event log as the console reads it: the seqs, oldest first. */
  async function eventLog(): Promise<Map<string, number[]>> {
    const log = new Map<string, number[]>();
    for (const id of LOCKERS) {
      const events = await t.store.lockerEvents(id, 1_000);
      if (events.length > 0) log.set(id, events.map((e) => e.seq).reverse());
    }
    return log;
  }

  it('ingestMany gives each locker what ingest alone would: duplicates skipped, gaps stop, effects applied', async () => {
    await t.store.ingest('G0', batch('G0', 1, 2), 10);
    const calls: IngestCall[] = [
      // G0 already holds 1–2: 2 is a duplicate, 3–4 are new.
      { lockerId: 'G0', events: batch('G0', 2, 3), receivedAt: 20 },
      // G1 starts past a gap: nothing applies.
      { lockerId: 'G1', events: batch('G1', 2, 2), receivedAt: 20 },
      // G2 raises an alarm: its projection runs inside the group.
      {
        lockerId: 'G2',
        events: [
          {
            lockerId: 'G2',
            seq: 1,
            at: 5,
            type: T.alarmRaised,
            body: { alarmId: 1, kind: 'door-forced', cellId: 'M1' },
          },
        ],
        receivedAt: 20,
      },
      // Another locker's event smuggled into G3's batch is not G3's to apply.
      { lockerId: 'G3', events: [...batch('G3', 1, 1), ...batch('G4', 1, 1)], receivedAt: 20 },
    ];
    expect(await t.store.ingestMany(calls)).toEqual([
      { committedSeq: 4, applied: 2, gap: false },
      { committedSeq: 0, applied: 0, gap: true },
      { committedSeq: 1, applied: 1, gap: false },
      { committedSeq: 1, applied: 1, gap: false },
    ]);
    const log = await eventLog();
    expect(log.get('G0')).toEqual([1, 2, 3, 4]);
    expect(log.get('G1')).toBeUndefined();
    expect(log.get('G3')).toEqual([1]);
    expect(log.get('G4')).toBeUndefined();
    expect(await t.store.committedSeq('G2')).toBe(1);
    const alarms = await t.store.listAlarms(operatorId, true);
    expect(alarms.map((a) => a.lockerId)).toEqual(['G2']);
    await expect(
      t.store.ingestMany([
        { lockerId: 'G5', events: batch('G5', 1, 1), receivedAt: 30 },
        { lockerId: 'G5', events: batch('G5', 2, 1), receivedAt: 30 },
      ]),
    ).rejects.toThrow(/one batch per locker/);
  });

  it('commits many lockers’ concurrent batches in few transactions, each locker in order, exactly once', async () => {
    const groups: number[] = [];
    const counting: GroupableIngestStore = {
      committedSeq: (id) => t.store.committedSeq(id),
      ingest: (id, events, at) => t.store.ingest(id, events, at),
      ingestMany: (calls) => {
        groups.push(calls.length);
        return t.store.ingestMany(calls);
      },
    };
    const ingest = groupedIngest(counting, { maxGroup: 16, concurrency: 2 });
    // Each locker sends 5 batches of 3 without waiting for answers, and one batch twice: what a
    // burst through the broker looks like. Per locker they must apply in order.
    const results = await Promise.all(
      LOCKERS.map(async (id) => {
        const sent: Promise<IngestResult>[] = [];
        for (let b = 0; b < 5; b += 1) sent.push(ingest.ingest(id, batch(id, 1 + b * 3, 3), 50));
        sent.push(ingest.ingest(id, batch(id, 4, 3), 51));
        return Promise.all(sent);
      }),
    );
    for (const perLocker of results) {
      expect(perLocker.map((r) => r.committedSeq)).toEqual([3, 6, 9, 12, 15, 15]);
      expect(perLocker.map((r) => r.applied)).toEqual([3, 3, 3, 3, 3, 0]);
    }
    const log = await eventLog();
    for (const id of LOCKERS) {
      expect(log.get(id)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    }
    expect(groups.reduce((a, b) => a + b, 0)).toBe(LOCKERS.length * 6);
    expect(Math.max(...groups)).toBeLessThanOrEqual(16);
    // 240 batches; one transaction each would be 240.
    expect(groups.length).toBeLessThan(60);
  });

  it('a group that fails is retried batch by batch: only the bad batch fails', async () => {
    const poisoned: GroupableIngestStore = {
      committedSeq: (id) => t.store.committedSeq(id),
      ingest: (id, events, at) =>
        id === 'G7' ? Promise.reject(new Error('poison in G7')) : t.store.ingest(id, events, at),
      ingestMany: (calls) =>
        calls.some((c) => c.lockerId === 'G7')
          ? Promise.reject(new Error('poison in G7'))
          : t.store.ingestMany(calls),
    };
    const ingest = groupedIngest(poisoned, { maxGroup: 50, concurrency: 1 });
    const outcomes = await Promise.allSettled(
      LOCKERS.slice(0, 10).map((id) => ingest.ingest(id, batch(id, 1, 2), 60)),
    );
    expect(outcomes.map((o) => o.status)).toEqual(
      LOCKERS.slice(0, 10).map((id) => (id === 'G7' ? 'rejected' : 'fulfilled')),
    );
    expect(await t.store.committedSeq('G6')).toBe(2);
    expect(await t.store.committedSeq('G7')).toBe(0);
    expect(await t.store.committedSeq('G8')).toBe(2);
  });
});
