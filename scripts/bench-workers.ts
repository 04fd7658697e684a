/**
 * `npm run bench:workers [-- --lockers 500 --events 200 --workers 1,2,3]` — events/s committed on
 * PostgreSQL by 1, 2, 3 cloud worker processes (cloud/main.ts, external mode) sharing the lockers
 * through the Mosquitto at 127.0.0.1:1883 (`$share`, MQTT 5), next to the raw Mosquitto QoS 1
 * rate measured in the same run, with the load average (the machine is shared).
 *
 * Each run: a fresh PostgreSQL schema, W worker processes, N lockers (the agent's sync client,
 * one MQTT connection each) connected first; then every locker's outbox gets `events` events at
 * once, and the clock runs until every outbox is drained — acked, so committed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { storeEnv } from '../cloud/service/testing/cloud-engines.ts';
import { bundleCloudMain, CloudProcess } from '../cloud/service/testing/cloud-process.ts';
import { StreamLocker } from '../cloud/service/testing/stream-locker.ts';
import { openStore } from '../cloud/store/store.ts';
import { TEST_PG_URL } from '../cloud/store/test-stores.ts';

const BROKER = 'mqtt://127.0.0.1:1883';
const BATCH = 50;
const { values } = parseArgs({
  options: {
    lockers: { type: 'string', default: '500' },
    events: { type: 'string', default: '200' },
    workers: { type: 'string', default: '1,2,3' },
  },
});
const LOCKERS = Number(values.lockers);
const EVENTS = Number(values.events);
const WORKER_COUNTS = String(values.workers).split(',').map(Number);
const logger = pino({ level: 'silent' });
const load = () => loadavg()[0]?.toFixed(2) ?? '?';
const progress = (line: string) => process.stderr.write(`${line}\n`);

async function until(condition: () => boolean, what: string, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Raw QoS 1 through Mosquitto: one publisher, one subscriber, a window of 500 in flight. */
async function rawRate(count: number, payload: string): Promise<number> {
  const subscriber = await connectAsync(BROKER, { protocolVersion: 5 });
  const publisher = await connectAsync(BROKER, { protocolVersion: 5 });
  const topic = `bench-raw-${randomBytes(4).toString('hex')}/x`;
  await subscriber.subscribeAsync(topic, { qos: 1 });
  let received = 0;
  let wake: () => void = () => {};
  subscriber.on('message', () => {
    received += 1;
    wake();
  });
  const start = performance.now();
  for (let sent = 0; sent < count; sent += 1) {
    while (sent - received >= 500) await new Promise<void>((resolve) => (wake = resolve));
    void publisher.publishAsync(topic, payload, { qos: 1 });
  }
  while (received < count) await new Promise<void>((resolve) => (wake = resolve));
  const seconds = (performance.now() - start) / 1000;
  await publisher.endAsync();
  await subscriber.endAsync();
  return count / seconds;
}

async function run(bundle: string, dir: string, workers: number) {
  const store = await storeEnv('postgres');
  const schema = store.env.POSTAMAT_DATABASE_SCHEMA as string;
  const tag = randomBytes(4).toString('hex');
  const prefix = `bench-${tag}/lockers`;
  const processes: CloudProcess[] = [];
  const lockers: StreamLocker[] = [];
  try {
    // Migrated once before the workers start; lockers are not provisioned (ingest needs none).
    await (await openStore({ engine: 'postgres', url: TEST_PG_URL, schema })).close();
    for (let w = 1; w <= workers; w++) {
      processes.push(
        await CloudProcess.start(bundle, {
          ...store.env,
          POSTAMAT_DATA_DIR: join(dir, `w${w}`),
          POSTAMAT_HTTP_PORT: '0',
          POSTAMAT_MQTT_MODE: 'external',
          POSTAMAT_MQTT_URL: BROKER,
          POSTAMAT_MQTT_SHARE_GROUP: `g${tag}`,
          POSTAMAT_MQTT_TOPIC_PREFIX: prefix,
          POSTAMAT_WORKER_ID: `w${w}`,
          POSTAMAT_LOG_LEVEL: 'info',
        }),
      );
    }
    for (let i = 0; i < LOCKERS; i++) {
      const locker = new StreamLocker(`B${i}`, {
        url: BROKER,
        topicPrefix: prefix,
        logger,
        ackTimeoutMs: 15_000,
        drain: { batchSize: BATCH, maxInFlightEvents: 10_000 },
      });
      lockers.push(locker);
      locker.client.start();
    }
    await until(() => lockers.every((l) => l.client.connected()), 'lockers connected');
    const loadBefore = load();
    const start = performance.now();
    for (const locker of lockers) locker.outbox.appendMany(EVENTS, 'heartbeat.tick');
    await until(() => lockers.every((l) => l.drained()), 'outboxes drained');
    const seconds = (performance.now() - start) / 1000;
    const resends = lockers.reduce((sum, l) => sum + l.client.drain.counters.resends, 0);
    return { seconds, rate: (LOCKERS * EVENTS) / seconds, resends, loadBefore, loadAfter: load() };
  } finally {
    await Promise.allSettled(lockers.map((l) => l.close()));
    await Promise.allSettled(processes.map((p) => p.kill('SIGTERM')));
    await store.dispose();
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-workers-'));
  const bundle = await bundleCloudMain();
  const rows: string[] = [];
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  try {
    const one = JSON.stringify({ events: [{ seq: 1, type: 'heartbeat.tick', body: {} }] });
    const raw = await rawRate(20_000, one);
    progress(`raw Mosquitto QoS 1: ${fmt(raw)} msg/s (load ${load()})`);
    rows.push(
      `| raw Mosquitto QoS 1, 1 publisher → 1 subscriber | ${fmt(raw)} msg/s | — | ${load()} |`,
    );
    for (const workers of WORKER_COUNTS) {
      const r = await run(bundle, dir, workers);
      progress(`${workers} worker(s): ${fmt(r.rate)} events/s, ${r.resends} resends`);
      rows.push(
        `| ${workers} cloud worker${workers === 1 ? '' : 's'}, ${LOCKERS} lockers × ${EVENTS} events (batches of ${BATCH}) → PostgreSQL | ${fmt(r.rate)} events/s (${fmt(r.rate / BATCH)} msg/s) in ${r.seconds.toFixed(1)} s | ${r.resends} | ${r.loadBefore} → ${r.loadAfter} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(bundle, { force: true });
  }
  console.log('| what | committed rate | locker resends | load average (1 min) |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(row);
}

await main();
