/**
 * `npm run bench:sync` — events/s from one agent's outbox to the cloud's committed store, and the
 * time to drain a 100,000-event backlog, next to the raw QoS 1 publish rate of the same broker
 * measured in the same run. Both brokers: the embedded aedes and the Mosquitto at 127.0.0.1:1883.
 *
 * Stores: SQLite stand-ins (agent/sync/test-support/sqlite-outbox.ts,
 * cloud/mqtt/test-support/sqlite-event-ingest-store.ts) until the agent and cloud stores land,
 * and the in-memory seams as the no-store ceiling.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { Store as AgentStore } from '../agent/store/store.ts';
import { LockerSyncClient } from '../agent/sync/locker-sync-client.ts';
import type { Outbox } from '../agent/sync/ports.ts';
import {
  InMemoryCommandInbox,
  InMemoryOutbox,
  InMemorySyncTarget,
} from '../agent/sync/test-support/in-memory-agent-ports.ts';
import { SqliteOutbox } from '../agent/sync/test-support/sqlite-outbox.ts';
import { CloudLink } from '../cloud/mqtt/cloud-link.ts';
import { startEmbeddedBroker } from '../cloud/mqtt/embedded-broker.ts';
import { createMqttCounters } from '../cloud/mqtt/mqtt-counters.ts';
import {
  InMemoryEventIngestStore,
  InMemoryLockerCredentialStore,
} from '../cloud/mqtt/test-support/in-memory-cloud-ports.ts';
import { SqliteEventIngestStore } from '../cloud/mqtt/test-support/sqlite-event-ingest-store.ts';
import type { EventIngestStore } from '../cloud/ports.ts';
import { openStore } from '../cloud/store/store.ts';
import { postgresTestStore, provisionTestLocker, seedNetwork } from '../cloud/store/test-stores.ts';
import { encodePayload, type LockerEvent, topicFor } from '../protocol/index.ts';

const BACKLOG = 100_000;
const REAL_BACKLOG = Number(process.env.REAL_BACKLOG ?? 100_000);
const RAW_MESSAGES = 20_000;
const RAW_WINDOW = 500;
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const clock = { now: () => Date.now() };

interface BrokerUnderTest {
  readonly name: string;
  readonly url: string;
  readonly mode: 'embedded' | 'external';
  readonly prefix: string;
  /** Credentials of the cloud's client (and of the raw-rate clients). */
  readonly internal: { readonly username?: string; readonly password?: string };
  readonly addLocker: (lockerId: string, secret: string) => void;
  readonly close: () => Promise<void>;
}

async function embedded(): Promise<BrokerUnderTest> {
  const credentials = new InMemoryLockerCredentialStore();
  const internal = { username: 'cloud-internal', password: randomBytes(12).toString('hex') };
  const broker = await startEmbeddedBroker({
    port: 0,
    credentials,
    internal,
    counters: createMqttCounters(),
    logger,
  });
  return {
    name: 'aedes (embedded)',
    url: broker.url,
    mode: 'embedded',
    prefix: 'postamat/v1/lockers',
    internal,
    addLocker: (id, secret) => credentials.add(id, secret),
    close: () => broker.close(),
  };
}

function mosquitto(): BrokerUnderTest {
  return {
    name: 'Mosquitto (external)',
    url: 'mqtt://127.0.0.1:1883',
    mode: 'external',
    prefix: `postamat-bench-${randomBytes(4).toString('hex')}/lockers`,
    internal: {},
    addLocker: () => {},
    close: async () => {},
  };
}

function sampleEvent(seq: number): LockerEvent {
  return {
    lockerId: 'bench',
    seq,
    at: Date.now(),
    type: 'door.opened',
    body: { n: seq, cell: 'A1' },
  };
}

/**
 * QoS 1 messages through the broker, publisher to subscriber; returns messages per second. At most
 * RAW_WINDOW messages are between publisher and subscriber, like the agent's drain window: a broker
 * drops QoS 1 messages beyond a subscriber's queue limit (Mosquitto: 1000 by default).
 */
async function rawRate(broker: BrokerUnderTest, count: number, payload: string): Promise<number> {
  const cloudId = () => `postamat-cloud-raw-${randomBytes(4).toString('hex')}`;
  const options = { ...broker.internal, reconnectPeriod: 0 };
  const subscriber = await connectAsync(broker.url, { ...options, clientId: cloudId() });
  const publisher = await connectAsync(broker.url, { ...options, clientId: cloudId() });
  const topic = topicFor('bench', 'acks', broker.prefix);
  await subscriber.subscribeAsync(topic, { qos: 1 });
  let received = 0;
  let wake: () => void = () => {};
  subscriber.on('message', () => {
    received += 1;
    wake();
  });
  const start = performance.now();
  const acks: Promise<unknown>[] = [];
  for (let sent = 0; sent < count; sent += 1) {
    while (sent - received >= RAW_WINDOW) await new Promise<void>((resolve) => (wake = resolve));
    acks.push(publisher.publishAsync(topic, payload, { qos: 1 }));
  }
  while (received < count) await new Promise<void>((resolve) => (wake = resolve));
  await Promise.all(acks);
  const seconds = (performance.now() - start) / 1000;
  await publisher.endAsync();
  await subscriber.endAsync();
  return count / seconds;
}

/** Queues BACKLOG events, then connects and times the drain into the committed store. */
async function drain(
  broker: BrokerUnderTest,
  makeOutbox: (lockerId: string) => Outbox & { appendMany(n: number, type: string): void },
  store: EventIngestStore,
  backlog = BACKLOG,
  lockerId = `bench-${randomBytes(3).toString('hex')}`,
): Promise<number> {
  const secret = randomBytes(12).toString('hex');
  broker.addLocker(lockerId, secret);
  const link = await CloudLink.connect({
    url: broker.url,
    mode: broker.mode,
    ...broker.internal,
    shareGroup: `bench-${lockerId}`,
    topicPrefix: broker.prefix,
    store,
    clock,
    counters: createMqttCounters(),
    logger,
  });
  const outbox = makeOutbox(lockerId);
  outbox.appendMany(backlog, 'door.opened');
  const client = new LockerSyncClient({
    url: broker.url,
    lockerId,
    secret,
    topicPrefix: broker.prefix,
    outbox,
    inbox: new InMemoryCommandInbox(new InMemoryOutbox(lockerId, clock)),
    syncTarget: new InMemorySyncTarget(),
    clock,
    random: Math.random,
    logger,
  });
  const start = performance.now();
  client.start();
  while ((await store.committedSeq(lockerId)) < backlog || outbox.deliveredSeq() < backlog) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const seconds = (performance.now() - start) / 1000;
  await client.stop();
  await link.close();
  return seconds;
}

async function benchBroker(broker: BrokerUnderTest, dir: string): Promise<string[]> {
  const one = encodePayload('events', { lockerId: 'bench', events: [sampleEvent(1)] });
  const batch = encodePayload('events', {
    lockerId: 'bench',
    events: Array.from({ length: 500 }, (_, i) => sampleEvent(i + 1)),
  });
  const rawOne = await rawRate(broker, RAW_MESSAGES, one);
  progress(`${broker.name}: raw 1-event ${Math.round(rawOne)} msg/s`);
  const rawBatches = await rawRate(broker, 400, batch);
  progress(`${broker.name}: raw batched ${Math.round(rawBatches)} msg/s`);
  const sqliteStore = new SqliteEventIngestStore(join(dir, `cloud-${broker.mode}.db`));
  const sqliteSeconds = await drain(
    broker,
    (id) => new SqliteOutbox(join(dir, `agent-${id}.db`), id, clock),
    sqliteStore,
  );
  sqliteStore.close();
  progress(`${broker.name}: SQLite drain ${sqliteSeconds.toFixed(2)} s`);
  const memorySeconds = await drain(
    broker,
    (id) => new InMemoryOutbox(id, clock),
    new InMemoryEventIngestStore(),
  );
  const real = await realStoresDrain(broker, dir, 'sqlite');
  progress(`${broker.name}: real stores ${real.seconds.toFixed(2)} s for ${REAL_BACKLOG}`);
  const realPg = await realStoresDrain(broker, dir, 'postgres');
  progress(`${broker.name}: real stores, PostgreSQL ${realPg.seconds.toFixed(2)} s`);
  const sqliteRate = BACKLOG / sqliteSeconds;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  return [
    `| ${broker.name} | raw QoS 1, 1 event per message | ${fmt(rawOne)} msg/s = ${fmt(rawOne)} events/s | floor |`,
    `| ${broker.name} | raw QoS 1, 500-event messages | ${fmt(rawBatches)} msg/s = ${fmt(rawBatches * 500)} events/s | ceiling of batching |`,
    `| ${broker.name} | sync, SQLite outbox → SQLite store | ${fmt(sqliteRate)} events/s; 100,000 backlog in ${sqliteSeconds.toFixed(2)} s | ${(sqliteRate / rawOne).toFixed(1)}× raw 1-event rate; ${((100 * sqliteRate) / (rawBatches * 500)).toFixed(0)}% of raw batched |`,
    `| ${broker.name} | sync, agent store → cloud store (SQLite), the real ones | ${fmt(REAL_BACKLOG / real.seconds)} events/s; ${fmt(REAL_BACKLOG)} backlog in ${real.seconds.toFixed(2)} s | ${(REAL_BACKLOG / real.seconds / rawOne).toFixed(2)}× raw 1-event rate |`,
    `| ${broker.name} | sync, agent store → cloud store (PostgreSQL), the real ones | ${fmt(REAL_BACKLOG / realPg.seconds)} events/s; ${fmt(REAL_BACKLOG)} backlog in ${realPg.seconds.toFixed(2)} s | ${(REAL_BACKLOG / realPg.seconds / rawOne).toFixed(2)}× raw 1-event rate |`,
    `| ${broker.name} | sync, in-memory seams (no store cost) | ${fmt(BACKLOG / memorySeconds)} events/s; 100,000 backlog in ${memorySeconds.toFixed(2)} s | |`,
  ];
}

/**
 * The agent's real store (agent/store) and the cloud's real store (cloud/store, SQLite engine,
 * with its per-event projection).
 */
async function realStoresDrain(
  broker: BrokerUnderTest,
  dir: string,
  engine: 'sqlite' | 'postgres',
): Promise<{ seconds: number }> {
  const pgStore = engine === 'postgres' ? await postgresTestStore() : undefined;
  const cloud =
    pgStore?.store ??
    (await openStore({ engine: 'sqlite', file: join(dir, `cloud-real-${broker.mode}.db`) }));
  const { operator } = await seedNetwork(cloud);
  const lockerId = `bench-real-${randomBytes(3).toString('hex')}`;
  await provisionTestLocker(cloud, operator.id, lockerId, 55.7, 37.6, { M: 2 });
  const agentStore = AgentStore.open(join(dir, `agent-real-${lockerId}.db`), lockerId, clock);
  const outbox = Object.assign(agentStore.outbox, {
    appendMany(n: number, type: string) {
      agentStore.transaction(() => {
        for (let i = 0; i < n; i += 1) agentStore.emit(type, { n: i, cell: 'A1' });
      });
    },
  });
  const seconds = await drain(broker, () => outbox, cloud, REAL_BACKLOG, lockerId);
  agentStore.close();
  if (pgStore !== undefined) await pgStore.dispose();
  else await cloud.close();
  return { seconds };
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'postamat-bench-sync-'));
  const rows: string[] = [];
  try {
    const aedes = await embedded();
    rows.push(...(await benchBroker(aedes, dir)));
    await aedes.close();
    rows.push(...(await benchBroker(mosquitto(), dir)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('| broker | what | rate | vs raw |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(row);
}

await main();
process.exit(0);
