import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockerEvent } from '../../protocol/index.ts';
import type { IngestResult } from '../ports.ts';
import { type SharedPgStores, sharedPgStores } from './shared-pg-stores.ts';
import { provisionTestLocker } from './test-stores.ts';

/**
 * Several cloud workers (separate stores, separate pools) on one PostgreSQL, any of them handed
 * any locker's batch — duplicated, reordered, two consecutive batches at the same instant. The
 * store alone keeps every event applied once, in order, without a gap, and an ack never names
 * a seq that is not committed.
 */
const LOCKERS = ['L1', 'L2', 'L3', 'L4'];
const EVENTS = 120;
const BATCH = 8;

function batchesOf(lockerId: string): LockerEvent[][] {
  const batches: LockerEvent[][] = [];
  for (let from = 1; from <= EVENTS; from += BATCH) {
    batches.push(
      Array.from({ length: Math.min(BATCH, EVENTS - from + 1) }, (_, i) => ({
        lockerId,
        seq: from + i,
        at: 1_000 + from + i,
        type: 'heartbeat.tick',
        body: { n: from + i },
      })),
    );
  }
  return batches;
}

/** A seeded shuffle, so a failure can be replayed. */
function shuffle<T>(items: T[], seed: { n: number }): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    seed.n = (seed.n * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed.n % (i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

describe('store contract (postgres, 3 workers on one database): concurrent ingest', () => {
  let shared: SharedPgStores;
  beforeEach(async () => {
    shared = await sharedPgStores(3);
    const first = shared.stores[0]!;
    const { operator } = await first.createOperator('Op');
    for (const id of LOCKERS) await provisionTestLocker(first, operator.id, id, 55, 37, { M: 1 });
  });
  afterEach(async () => {
    await shared.dispose();
  });

  /** Sends one batch through a worker; checks its answer against what a fresh reader sees. */
  async function deliver(worker: number, lockerId: string, batch: LockerEvent[]) {
    const store = shared.stores[worker % shared.stores.length]!;
    const result: IngestResult = await store.ingest(lockerId, batch, Date.now());
    const reader = shared.stores[(worker + 1) % shared.stores.length]!;
    // INVARIANT under test: the ack's seq is committed, visible to every other worker.
    expect(await reader.committedSeq(lockerId)).toBeGreaterThanOrEqual(result.committedSeq);
    return result;
  }

  it('applies duplicated, reordered, interleaved batches once and in order', async () => {
    const seed = { n: 42 };
    const applied = new Map(LOCKERS.map((id) => [id, 0]));
    let rounds = 0;
    // Like lockers that re-send whatever is not acked yet: every round, each unfinished locker
    // sends all its unacknowledged batches twice, shuffled, through all three workers at once.
    for (; rounds < 60; rounds++) {
      const sends: Promise<void>[] = [];
      for (const lockerId of LOCKERS) {
        const committed = await shared.stores[0]!.committedSeq(lockerId);
        const open = batchesOf(lockerId).filter((b) => (b.at(-1)?.seq ?? 0) > committed);
        const copies = shuffle([...open, ...open], seed);
        copies.forEach((batch, i) => {
          sends.push(
            deliver(i + rounds, lockerId, shuffle([...batch], seed)).then((r) => {
              applied.set(lockerId, (applied.get(lockerId) ?? 0) + r.applied);
            }),
          );
        });
      }
      if (sends.length === 0) break;
      await Promise.all(sends);
    }
    expect(rounds).toBeLessThan(60);
    for (const lockerId of LOCKERS) {
      expect(applied.get(lockerId)).toBe(EVENTS);
      expect(await shared.stores[2]!.committedSeq(lockerId)).toBe(EVENTS);
    }
    await expectLogComplete();
  });

  it('two workers given consecutive batches at the same instant never both apply or skip', async () => {
    for (let trial = 0; trial < 25; trial++) {
      const lockerId = LOCKERS[trial % LOCKERS.length]!;
      const committed = await shared.stores[0]!.committedSeq(lockerId);
      const batches = batchesOf(lockerId).filter((b) => (b[0]?.seq ?? 0) > committed);
      const [first, second] = batches;
      if (first === undefined || second === undefined) continue;
      const [a, b] = await Promise.all([deliver(0, lockerId, first), deliver(1, lockerId, second)]);
      // Either the second waited for the first (both applied), or it came first and saw a gap.
      const bothApplied = a.applied === first.length && b.applied === second.length;
      const secondEarly = a.applied === first.length && b.applied === 0 && b.gap;
      expect(bothApplied || secondEarly).toBe(true);
      const end = first.at(-1)!.seq + (bothApplied ? second.length : 0);
      expect(await shared.stores[2]!.committedSeq(lockerId)).toBe(end);
    }
  });

  async function expectLogComplete() {
    const rows = await shared.query(
      `select locker_id, count(*)::int as n, min(seq)::int as lo, max(seq)::int as hi,
         bool_and((body::json->>'n')::int = seq) as bodies
       from locker_events group by locker_id order by locker_id`,
    );
    expect(rows).toEqual(
      LOCKERS.map((id) => ({ locker_id: id, n: EVENTS, lo: 1, hi: EVENTS, bodies: true })),
    );
  }
});
