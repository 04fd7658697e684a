import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudConfigSchema } from '../../cloud/config.ts';
import { waitFor } from '../../cloud/mqtt/test-support/wait-for.ts';
import { type CloudService, startCloudService } from '../../cloud/service/cloud-service.ts';
import { FleetGroup } from './fleet-group.ts';
import { provisionFleet } from './fleet-provision.ts';
import { act } from './fleet-traffic.ts';

/**
 * The fleet simulator against the real cloud service (SQLite store, embedded broker on port 0):
 * 20 whole agents, each with its own connection, credentials from the operator API and its own
 * outbox. The cloud's event log is read back from its file: every event once.
 */
const ADMIN = 'admin-key-for-the-fleet-test';
const N = 20;
const WAIT = 60_000;
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

let dir: string;
let cloud: CloudService;
let fleet: FleetGroup;
let operatorKey: string;

function cloudConfig(mqttPort: number) {
  return cloudConfigSchema.parse({
    dataDir: dir,
    http: { port: 0 },
    adminKey: ADMIN,
    logLevel: 'silent',
    mqtt: { port: mqttPort, pollMs: 200 },
  });
}

/** The cloud's event log: rows per locker and distinct seqs per locker (a repeat would differ). */
function eventLog(): { rows: number; distinct: number } {
  const db = new Database(join(dir, 'cloud.sqlite'), { readonly: true });
  try {
    return db
      .prepare<[], { rows: number; distinct: number }>(
        'SELECT count(*) AS rows, count(DISTINCT locker_id || \':\' || seq) AS "distinct" FROM locker_events',
      )
      .get() as { rows: number; distinct: number };
  } finally {
    db.close();
  }
}

async function drained(): Promise<void> {
  await waitFor(
    () => {
      const s = fleet.stats();
      return s.connected === N && s.delivered === s.written;
    },
    'every locker connected and its outbox drained',
    WAIT,
  );
  const { written } = fleet.stats();
  expect(eventLog()).toEqual({ rows: written, distinct: written });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'postamat-fleet-'));
  cloud = await startCloudService(cloudConfig(0), { logger });
  const provisioned = await provisionFleet({
    api: cloud.httpUrl,
    adminKey: ADMIN,
    count: N,
    idPrefix: 'F',
  });
  operatorKey = provisioned.operatorKey;
  fleet = new FleetGroup(provisioned.configs, {
    logger,
    tickMs: 250,
    statusIntervalMs: 2_000,
    backoff: { baseMs: 100, capMs: 1_000 },
  });
  fleet.start();
}, WAIT);

afterAll(async () => {
  await fleet?.stop();
  await cloud?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('fleet simulator against the real cloud', () => {
  it(
    'connects every locker with its own credentials and commits its traffic exactly once',
    async () => {
      await waitFor(() => fleet.stats().connected === N, 'all lockers connected', WAIT);
      fleet.traffic.burst(5);
      fleet.traffic.setRate(200);
      await waitFor(() => fleet.traffic.events >= 300, 'background traffic', WAIT);
      fleet.traffic.stop();
      const tampered = fleet.lockers[7]!;
      act(tampered, 'alarm', 1);
      await drained();
      // The alarm went through the agent and the cloud's projection opened it.
      const { alarms } = (await api('GET', '/v1/operator/alarms')).body as {
        alarms: { lockerId: string; kind: string }[];
      };
      expect(alarms).toContainEqual(
        expect.objectContaining({ lockerId: tampered.lockerId, kind: 'tamper' }),
      );
    },
    WAIT,
  );

  it(
    'round-trips a remote open: the board opens, the result is committed in the cloud',
    async () => {
      const lockerId = fleet.lockers[3]!.lockerId;
      const created = await api('POST', `/v1/operator/lockers/${lockerId}/remote-open`, {
        cellId: 'C2',
        reason: 'fleet test',
      });
      expect(created.status).toBe(202);
      const id = (created.body as { id: string }).id;
      await waitFor(
        async () => (await api('GET', `/v1/operator/commands/${id}`)).body.status === 'applied',
        'the command applied and its result committed',
        WAIT,
      );
      const locker = fleet.get(lockerId)!;
      // The door really sprang open on the simulated board, and the person shut it again.
      await waitFor(() => locker.boards[0]!.doorStates()[1] === 'closed', 'the door shut');
      await drained();
      const types = locker.store.db
        .prepare<[], { type: string }>('SELECT type FROM outbox ORDER BY seq')
        .all()
        .map((r) => r.type);
      expect(types).toEqual(expect.arrayContaining(['command.result', 'door.opened']));
    },
    WAIT,
  );

  it(
    'a dropped connection reconnects and drains what was written meanwhile',
    async () => {
      const before = fleet.stats().connects;
      expect(fleet.drop(1)).toBe(N);
      fleet.traffic.burst(3);
      await waitFor(() => fleet.stats().connects >= before + N, 'every locker back', WAIT);
      await drained();
    },
    WAIT,
  );

  it(
    'survives a cloud restart: lockers come back to the same port and drain',
    async () => {
      const port = cloud.broker!.port;
      await cloud.stop();
      await waitFor(() => fleet.stats().connected === 0, 'the lockers notice', WAIT);
      fleet.traffic.burst(4); // people keep using the lockers while the cloud is down
      cloud = await startCloudService(cloudConfig(port), { logger });
      await drained();
    },
    WAIT,
  );
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${cloud.httpUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${operatorKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
