import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, bundleAgentMain } from '../../agent/testing/agent-process.ts';
import { waitFor } from '../mqtt/test-support/wait-for.ts';
import { openStore } from '../store/store.ts';
import { courierDeposits, waitAgentOrder } from './testing/agent-steps.ts';
import {
  apiClient,
  bookDelivery,
  commandStatus,
  courierCode,
  createAccounts,
  orderOf,
} from './testing/cloud-api-client.ts';
import { ENGINES, storeEnv } from './testing/cloud-engines.ts';
import { bundleCloudMain, CloudProcess } from './testing/cloud-process.ts';
import { freePort } from './testing/free-port.ts';
import { provisionLocker, type RunningLocker } from './testing/locker-rig.ts';

/**
 * The real cloud process (cloud/main.ts) and the real agent process: the cloud is killed with
 * SIGKILL in the middle of the work and started again on the same store; the locker serves
 * people meanwhile, and afterwards every event is in the cloud once, every order and command
 * arrives, and SIGTERM stops the cloud with status 0.
 */
const ADMIN = 'admin-key-for-the-restart-test';
const WAIT = 60_000;

let dir: string;
let agentBundle: string;
let cloudBundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'postamat-restart-'));
  agentBundle = bundleAgentMain();
  cloudBundle = await bundleCloudMain();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(agentBundle, { force: true });
  rmSync(cloudBundle, { force: true });
});

describe.each(ENGINES)('cloud process (%s) killed and restarted', (engine) => {
  it('loses nothing: offline work is ingested once, pending data and commands arrive', async () => {
    const store = await storeEnv(engine);
    const dataDir = join(dir, `cloud-${engine}`);
    const lockerId = `L-restart-${engine}`;
    const env: Record<string, string> = {
      ...store.env,
      POSTAMAT_DATA_DIR: dataDir,
      POSTAMAT_HTTP_PORT: '0',
      POSTAMAT_MQTT_PORT: String(await freePort()),
      POSTAMAT_ADMIN_KEY: ADMIN,
      POSTAMAT_LOG_LEVEL: 'info',
    };
    let cloud = await CloudProcess.start(cloudBundle, env);
    const call = apiClient(() => cloud.httpUrl);
    let locker: RunningLocker | undefined;
    try {
      const { operatorKey, tenantKey } = await createAccounts(call, ADMIN);
      locker = await provisionLocker({
        call,
        operatorKey,
        lockerId,
        dir,
        bundle: agentBundle,
        channels: 4,
      });
      const daily = await courierCode(call, tenantKey);
      const first = await bookDelivery(call, tenantKey, lockerId, 'BC-R-1');
      await waitAgentOrder(
        locker.agent,
        first.orderId,
        (s) => s !== null,
        'order 1 at the locker',
        WAIT,
      );
      // Order 2 is booked and the cloud dies at once: pushed or not, it must reach the locker.
      const second = await bookDelivery(call, tenantKey, lockerId, 'BC-R-2');
      await cloud.kill('SIGKILL');

      // The locker works on alone: order 1 goes in and out while the cloud is down.
      await courierDeposits(locker.agent, daily, 'BC-R-1', WAIT);
      await waitAgentOrder(
        locker.agent,
        first.orderId,
        (s) => s === 'ready-for-pickup',
        'order 1 ready at the locker',
        WAIT,
      );
      expect((await locker.agent.call<{ ok: boolean }>('enterCode', first.code)).ok).toBe(true);
      await waitAgentOrder(
        locker.agent,
        first.orderId,
        (s) => s !== 'ready-for-pickup',
        'order 1 collected at the locker',
        WAIT,
      );

      cloud = await CloudProcess.start(cloudBundle, env);
      await waitFor(
        async () =>
          (await orderOf(call, tenantKey, first.orderId)).timeline.some(
            (t) => t.status === 'collected',
          ),
        'order 1 collected in the API after the restart',
        WAIT,
      );
      await waitAgentOrder(
        locker.agent,
        second.orderId,
        (s) => s !== null,
        'order 2 at the locker',
        WAIT,
      );
      await courierDeposits(locker.agent, daily, 'BC-R-2', WAIT);
      await waitFor(
        async () => (await orderOf(call, tenantKey, second.orderId)).status === 'ready-for-pickup',
        'order 2 ready-for-pickup in the API',
        WAIT,
      );

      // A command for a locker that is away waits in the store and goes out when it is back.
      await locker.agent.kill('SIGTERM');
      await waitFor(
        async () =>
          !(await call<{ online: boolean }>('GET', `/v1/lockers/${lockerId}`, operatorKey)).body
            .online,
        'the locker offline',
        WAIT,
      );
      const opened = await call<{ id: string }>(
        'POST',
        `/v1/operator/lockers/${lockerId}/remote-open`,
        operatorKey,
        { cellId: 'C4', reason: 'restart test remote open' },
      );
      expect(await commandStatus(call, operatorKey, opened.body.id)).toBe('pending');
      locker.agent = await AgentProcess.start(agentBundle, locker.configFile);
      await waitFor(
        async () => (await commandStatus(call, operatorKey, opened.body.id)) === 'applied',
        'the remote open applied after the locker came back',
        WAIT,
      );
      // The result is committed with the door op's start; the coil is pulsed just after it.
      await waitFor(
        async () => locker?.sim.openedChannels.includes(4) === true,
        'the simulated board pulsed channel 4',
        WAIT,
      );

      const timeline = (await orderOf(call, tenantKey, first.orderId)).timeline.map(
        (t) => t.status,
      );
      expect(timeline.filter((s) => s === 'ready-for-pickup')).toHaveLength(1);
      expect(timeline.filter((s) => s === 'collected')).toHaveLength(1);
      // Every event the locker wrote is committed in the cloud, once: the outbox is empty and
      // the cloud's committed seq is the locker's last seq.
      let agentMetrics = { outboxDepth: -1, lastSeq: -1 };
      await waitFor(
        async () => {
          agentMetrics = await (locker as RunningLocker).agent.call('metrics');
          return agentMetrics.outboxDepth === 0;
        },
        'the outbox drained',
        WAIT,
      );
      expect(await cloud.kill('SIGTERM')).toBe(0);
      const location =
        engine === 'sqlite'
          ? ({ engine: 'sqlite', file: join(dataDir, 'cloud.sqlite') } as const)
          : ({
              engine: 'postgres',
              url: env.DATABASE_URL as string,
              schema: env.POSTAMAT_DATABASE_SCHEMA as string,
            } as const);
      const closed = await openStore(location);
      try {
        expect(await closed.committedSeq(lockerId)).toBe(agentMetrics.lastSeq);
      } finally {
        await closed.close();
      }
    } finally {
      await locker?.agent.kill('SIGTERM');
      await locker?.sim.close();
      await cloud.kill('SIGKILL');
      await store.dispose();
    }
  }, 180_000);
});
