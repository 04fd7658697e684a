/**
 * `npm run bench:ingest` — events/s the cloud store commits, SQLite and PostgreSQL (127.0.0.1, or
 * TEST_DATABASE_URL), for two traffic mixes:
 *
 * - fleet mix: what bench:fleet's lockers send (a door event and a step of an order the cloud
 *   does not know for a deposit or collection, a raised alarm for one action in ten);
 * - known orders: each event a deposit step of a real order booked through the store, the
 *   heaviest projection there is (step, codes, status history, webhook rows, sync versions).
 *
 * Each mix is written two ways in the same run: in groups of 50 lockers' batches (`ingestMany`,
 * what the cloud's group commit does under load) and as the peer, one batch per transaction
 * (`ingest`, what it does when idle).
 */

import type { CloudStore } from '../cloud/store/store.ts';
import {
  postgresTestStore,
  provisionTestLocker,
  seedNetwork,
  sqliteTestStore,
  type TestStore,
} from '../cloud/store/test-stores.ts';
import type { LockerEvent } from '../protocol/index.ts';

const LOCKERS = 50;
const FLEET_ROUNDS = Number(process.env.INGEST_ROUNDS ?? 40);
const CELLS_PER_LOCKER = 20;

type Call = { lockerId: string; events: LockerEvent[]; receivedAt: number };

class Lockers {
  private readonly seqs = new Map<string, number>();
  batch(lockerId: string, bodies: readonly [string, Record<string, unknown>][]): Call {
    const from = this.seqs.get(lockerId) ?? 0;
    this.seqs.set(lockerId, from + bodies.length);
    const at = Date.now();
    const events = bodies.map(([type, body], i) => ({
      lockerId,
      seq: from + i + 1,
      at,
      type,
      body,
    }));
    return { lockerId, events, receivedAt: at };
  }
}

const lockerIds = Array.from({ length: LOCKERS }, (_, i) => `B${String(i).padStart(3, '0')}`);

/** Rounds of one batch per locker in the fleet mix. */
function fleetRounds(lockers: Lockers): Call[][] {
  let n = 0;
  return Array.from({ length: FLEET_ROUNDS }, () =>
    lockerIds.map((lockerId) => {
      n += 1;
      if (n % 10 === 0)
        return lockers.batch(lockerId, [['alarm.raised', { alarmId: n, kind: 'tamper' }]]);
      const orderId = `fleet-${n}`;
      return lockers.batch(lockerId, [
        ['door.closed', { cellId: 'C1', channel: 1 }],
        ['step.done', { orderId, stepId: `${orderId}-d`, kind: 'deposit', role: 'courier' }],
      ]);
    }),
  );
}

/** Rounds of one deposit per locker for orders booked through the store. */
async function knownOrderRounds(store: CloudStore, lockers: Lockers): Promise<Call[][]> {
  const { operator, tenant } = await seedNetwork(store);
  const rounds: Call[][] = Array.from({ length: CELLS_PER_LOCKER }, () => []);
  for (const lockerId of lockerIds) {
    await provisionTestLocker(store, operator.id, lockerId, 55.7, 37.6, { M: CELLS_PER_LOCKER });
    for (let i = 0; i < CELLS_PER_LOCKER; i += 1) {
      const { orderId } = await store.createOrder(tenant.id, {
        kind: 'delivery',
        lockerId,
        size: 'M',
        barcode: `${lockerId}-${i}`,
      });
      rounds[i]?.push(
        lockers.batch(lockerId, [['step.done', { orderId, stepId: `${orderId}.0` }]]),
      );
    }
  }
  return rounds;
}

async function timed(rounds: Call[][], write: (group: Call[]) => Promise<unknown>) {
  const events = rounds.flat().reduce((sum, c) => sum + c.events.length, 0);
  const started = performance.now();
  for (const group of rounds) await write(group);
  return events / ((performance.now() - started) / 1000);
}

async function run(
  engine: string,
  open: () => Promise<TestStore>,
  mix: string,
  rounds: (store: CloudStore, lockers: Lockers) => Promise<Call[][]> | Call[][],
): Promise<string> {
  const rates: number[] = [];
  for (const grouped of [true, false]) {
    const t = await open();
    try {
      const { store } = t;
      const work = await rounds(store, new Lockers());
      rates.push(
        await timed(work, async (group) => {
          if (grouped) return store.ingestMany(group);
          for (const c of group) await store.ingest(c.lockerId, c.events, c.receivedAt);
        }),
      );
    } finally {
      await t.dispose();
    }
  }
  const [group = 0, single = 0] = rates;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  return `| ${engine} | ${mix} | ${fmt(group)} | ${fmt(single)} | ${(group / single).toFixed(1)}× |`;
}

const rows: string[] = [];
for (const [engine, open] of [
  ['SQLite', () => sqliteTestStore()],
  ['PostgreSQL', () => postgresTestStore()],
] as const) {
  rows.push(await run(engine, open, 'fleet mix', (_store, lockers) => fleetRounds(lockers)));
  rows.push(await run(engine, open, 'known orders', knownOrderRounds));
}
console.log(`bench:ingest — groups of ${LOCKERS} lockers' batches vs one batch per transaction\n`);
console.log('| store | mix | events/s in groups | events/s one batch each | gain |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(row);
