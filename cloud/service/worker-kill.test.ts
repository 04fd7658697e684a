import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../mqtt/test-support/wait-for.ts';
import { openStore } from '../store/store.ts';
import { provisionTestLocker, TEST_PG_URL } from '../store/test-stores.ts';
import { storeEnv } from './testing/cloud-engines.ts';
import { bundleCloudMain, CloudProcess } from './testing/cloud-process.ts';
import { StreamLocker } from './testing/stream-locker.ts';

/**
 * The external-broker deployment for real: three cloud worker processes (cloud/main.ts) share
 * the lockers through the machine's Mosquitto (`$share`, MQTT 5) and one PostgreSQL schema.
 * Lockers (the agent's sync client) stream events; one worker is killed with SIGKILL in the
 * middle, the others carry on. Afterwards every locker's events are in the database once, in
 * order, none missing, and every locker's outbox is drained.
 */
const LOCKERS = 20;
const EVERY_MS = 100;
const WAIT = 90_000;

let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'postamat-workers-'));
  bundle = await bundleCloudMain();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(bundle, { force: true });
});

async function committedBy(worker: CloudProcess): Promise<number> {
  const text = await (await fetch(`${worker.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.includes('counter="eventsCommitted"'));
  return Number(line?.split(' ').at(-1) ?? 0);
}

interface LogRow {
  locker_id: string;
  n: number;
  lo: number;
  hi: number;
  bodies: boolean;
}

/** Per locker: how many events, the seq range, and whether each body is the one of its seq. */
async function eventLog(schema: string): Promise<LogRow[]> {
  const client = new pg.Client({
    connectionString: TEST_PG_URL,
    options: `-c search_path=${schema}`,
  });
  await client.connect();
  try {
    const result = await client.query<LogRow>(`
      select locker_id, count(*)::int as n, min(seq)::int as lo, max(seq)::int as hi,
        bool_and((body::json->>'n')::int = seq) as bodies
      from locker_events group by locker_id order by locker_id`);
    return result.rows;
  } finally {
    await client.end();
  }
}

describe('three cloud workers on Mosquitto $share and one PostgreSQL', () => {
  it('loses nothing when a worker is killed under load', { timeout: 240_000 }, async () => {
    const store = await storeEnv('postgres');
    const schema = store.env.POSTAMAT_DATABASE_SCHEMA as string;
    const tag = Math.random().toString(36).slice(2, 10);
    const prefix = `postamat-it-${tag}/lockers`;
    const ids = Array.from({ length: LOCKERS }, (_, i) => `LW${i + 1}`);
    const workers: CloudProcess[] = [];
    const lockers: StreamLocker[] = [];
    try {
      // The schema is migrated and the lockers provisioned before any worker starts.
      const admin = await openStore({ engine: 'postgres', url: TEST_PG_URL, schema });
      const { operator } = await admin.createOperator('Op');
      for (const id of ids) await provisionTestLocker(admin, operator.id, id, 55, 37, { M: 1 });
      await admin.close();

      const env = (worker: string): Record<string, string> => ({
        ...store.env,
        POSTAMAT_DATA_DIR: join(dir, worker),
        POSTAMAT_HTTP_PORT: '0',
        POSTAMAT_MQTT_MODE: 'external',
        POSTAMAT_MQTT_URL: 'mqtt://127.0.0.1:1883',
        POSTAMAT_MQTT_SHARE_GROUP: `g${tag}`,
        POSTAMAT_MQTT_TOPIC_PREFIX: prefix,
        POSTAMAT_WORKER_ID: worker,
        POSTAMAT_LOG_LEVEL: 'info',
      });
      // One after another, so a worker that fails to start leaves the others to the cleanup.
      for (const w of ['w1', 'w2', 'w3'])
        workers.push(await CloudProcess.start(bundle, env(w), WAIT));

      const logger = pino({ level: 'silent' });
      for (const id of ids) {
        const locker = new StreamLocker(id, {
          url: 'mqtt://127.0.0.1:1883',
          topicPrefix: prefix,
          logger,
        });
        lockers.push(locker);
        locker.start(EVERY_MS);
      }
      // Under load, and every worker taking its share.
      await waitFor(
        async () => (await Promise.all(workers.map(committedBy))).every((n) => n >= 100),
        'every worker committing events',
        WAIT,
      );
      const [first, victim, third] = workers as [CloudProcess, CloudProcess, CloudProcess];
      await victim.kill('SIGKILL');
      const survivorsAtKill = (await committedBy(first)) + (await committedBy(third));
      const atKill = lockers.map((l) => l.outbox.lastSeq());
      // Keep streaming well past the kill, then let the lockers drain.
      await waitFor(
        () => lockers.every((l, i) => l.outbox.lastSeq() >= (atKill[i] ?? 0) + 100),
        'lockers streaming on after the kill',
        WAIT,
      );
      for (const locker of lockers) locker.stopStreaming();
      await waitFor(() => lockers.every((l) => l.drained()), 'every outbox drained', WAIT);

      const expected = lockers.map((l) => ({
        locker_id: l.lockerId,
        n: l.outbox.lastSeq(),
        lo: 1,
        hi: l.outbox.lastSeq(),
        bodies: true,
      }));
      expect(await eventLog(schema)).toEqual(
        expected.sort((a, b) => a.locker_id.localeCompare(b.locker_id)),
      );
      // The survivors took over the victim's share, and everything streamed after the kill.
      const survivors = (await committedBy(first)) + (await committedBy(third));
      expect(survivors - survivorsAtKill).toBeGreaterThanOrEqual(LOCKERS * 100);
    } finally {
      await Promise.allSettled(lockers.map((l) => l.close()));
      await Promise.allSettled(workers.map((w) => w.kill('SIGTERM')));
      await store.dispose();
    }
  });
});
