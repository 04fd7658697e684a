import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgentMain } from '../../agent/testing/agent-process.ts';
import { parseCloudConfig } from '../config.ts';
import { makeThrowawayCert } from '../mqtt/test-support/throwaway-cert.ts';
import { waitFor } from '../mqtt/test-support/wait-for.ts';
import { startCloudService } from './cloud-service.ts';
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
import { provisionLocker, type RunningLocker } from './testing/locker-rig.ts';

/**
 * The cloud service (store, API, embedded broker, publishers) in this process over real TCP, and
 * a REAL agent process started from the config file the cloud's provisioning returned: a parcel
 * goes from a tenant's API call to the locker, in and out of a cell, and back into the API's
 * timeline; an operator's remote open reaches the locker and its result comes back.
 */
const ADMIN = 'admin-key-for-the-e2e-test';
const WAIT = 60_000;

let dir: string;
let bundle: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'postamat-e2e-'));
  bundle = bundleAgentMain();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(bundle, { force: true });
});

describe.each(ENGINES)('cloud service (%s) and a real agent process', (engine) => {
  it('books, pushes, deposits, collects and opens remotely end to end', async () => {
    const store = await storeEnv(engine);
    const lockerId = `L-e2e-${engine}`;
    const config = parseCloudConfig(undefined, {
      POSTAMAT_DATA_DIR: join(dir, `cloud-${engine}`),
      POSTAMAT_HTTP_PORT: '0',
      POSTAMAT_MQTT_PORT: '0',
      POSTAMAT_ADMIN_KEY: ADMIN,
      ...store.env,
    });
    const service = await startCloudService(config, { logger: pino({ level: 'warn' }) });
    const call = apiClient(() => service.httpUrl);
    let locker: RunningLocker | undefined;
    try {
      const { operatorKey, tenantKey } = await createAccounts(call, ADMIN);
      locker = await provisionLocker({ call, operatorKey, lockerId, dir, bundle, channels: 4 });
      const { agent } = locker;
      await waitFor(
        async () =>
          (await call<{ online: boolean }>('GET', `/v1/lockers/${lockerId}`, operatorKey)).body
            .online,
        'the locker online in the API',
        WAIT,
      );
      const health = await call<{ broker: string }>('GET', '/health');
      expect(health).toMatchObject({ status: 200, body: { status: 'ok', broker: 'ok' } });

      // A courier and an order created after the locker connected: both must be pushed to it.
      const daily = await courierCode(call, tenantKey);
      const order = await bookDelivery(call, tenantKey, lockerId, 'BC-E2E-1');
      await waitAgentOrder(
        agent,
        order.orderId,
        (s) => s !== null,
        'the parcel at the locker',
        WAIT,
      );

      await courierDeposits(agent, daily, 'BC-E2E-1', WAIT);
      await waitFor(
        async () => (await orderOf(call, tenantKey, order.orderId)).status === 'ready-for-pickup',
        'ready-for-pickup in the API',
        WAIT,
      );

      // The recipient collects with the code from the API's answer.
      const entered = await agent.call<{ ok: boolean }>('enterCode', order.code);
      expect(entered.ok).toBe(true);
      await waitFor(
        async () =>
          (await orderOf(call, tenantKey, order.orderId)).timeline.some(
            (t) => t.status === 'collected',
          ),
        'collected in the API timeline',
        WAIT,
      );
      const timeline = (await orderOf(call, tenantKey, order.orderId)).timeline.map(
        (t) => t.status,
      );
      expect(timeline.filter((s) => s === 'ready-for-pickup')).toHaveLength(1);
      expect(timeline.filter((s) => s === 'collected')).toHaveLength(1);

      // The operator opens cell C3 remotely; the locker applies it and reports back.
      const opened = await call<{ id: string }>(
        'POST',
        `/v1/operator/lockers/${lockerId}/remote-open`,
        operatorKey,
        { cellId: 'C3', reason: 'e2e check of remote open' },
      );
      expect(opened.status).toBe(202);
      await waitFor(
        async () => (await commandStatus(call, operatorKey, opened.body.id)) === 'applied',
        'the remote open applied and reported',
        WAIT,
      );
      // The result reports the lock pulsed; the door springs open in the simulator (this very
      // process, whose timers a busy event loop may run after the result has already arrived).
      await waitFor(
        () => locker?.sim.openedChannels.includes(3) === true,
        'door C3 sprung open',
        WAIT,
      );
      const metrics = await (await fetch(`${service.httpUrl}/metrics`)).text();
      expect(metrics).toMatch(/postamat_lockers_connected 1/);
      expect(metrics).toMatch(/postamat_mqtt_total\{counter="commands.sent"\} 1/);
      expect(metrics).toMatch(/postamat_mqtt_total\{counter="syncPush.pushes"\} [1-9]/);

      // The agent goes away: its last will marks it offline in the API.
      await locker.agent.kill('SIGKILL');
      await waitFor(
        async () =>
          !(await call<{ online: boolean }>('GET', `/v1/lockers/${lockerId}`, operatorKey)).body
            .online,
        'the locker offline in the API after its last will',
        WAIT,
      );
    } finally {
      await locker?.agent.kill('SIGTERM');
      await locker?.sim.close();
      await service.stop();
      await store.dispose();
    }
  }, 120_000);
});

describe('cloud service with mqtts (embedded broker, TLS from certificate files)', () => {
  it('provisions an agent that connects over TLS and receives its parcels', async () => {
    const cert = makeThrowawayCert();
    const config = parseCloudConfig(undefined, {
      POSTAMAT_DATA_DIR: join(dir, 'cloud-tls'),
      POSTAMAT_HTTP_PORT: '0',
      POSTAMAT_MQTT_PORT: '0',
      POSTAMAT_ADMIN_KEY: ADMIN,
      POSTAMAT_MQTT_TLS_CERT: cert.certFile,
      POSTAMAT_MQTT_TLS_KEY: cert.keyFile,
    });
    const service = await startCloudService(config, { logger: pino({ level: 'warn' }) });
    const call = apiClient(() => service.httpUrl);
    let locker: RunningLocker | undefined;
    try {
      expect(service.publicMqttUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
      const { operatorKey, tenantKey } = await createAccounts(call, ADMIN);
      locker = await provisionLocker({
        call,
        operatorKey,
        lockerId: 'L-e2e-tls',
        dir,
        bundle,
        channels: 2,
        syncExtra: { caFile: cert.certFile },
      });
      const order = await bookDelivery(call, tenantKey, 'L-e2e-tls', 'BC-TLS-1');
      await waitAgentOrder(locker.agent, order.orderId, (s) => s !== null, 'the parcel', WAIT);
      expect((await call('GET', '/health')).status).toBe(200);
    } finally {
      await locker?.agent.kill('SIGTERM');
      await locker?.sim.close();
      await service.stop();
      cert.remove();
    }
  }, 120_000);
});

describe('cloud service on an external broker (Mosquitto at 127.0.0.1:1883)', () => {
  it('links through a shared subscription; the provisioned agent gets parcels and commands', async () => {
    const runId = Math.random().toString(36).slice(2, 10);
    const config = parseCloudConfig(undefined, {
      POSTAMAT_DATA_DIR: join(dir, 'cloud-external'),
      POSTAMAT_HTTP_PORT: '0',
      POSTAMAT_ADMIN_KEY: ADMIN,
      POSTAMAT_MQTT_MODE: 'external',
      POSTAMAT_MQTT_URL: 'mqtt://127.0.0.1:1883',
      POSTAMAT_MQTT_SHARE_GROUP: `e2e-${runId}`,
      // The CI Mosquitto is shared: a topic tree of this run's own.
      POSTAMAT_MQTT_TOPIC_PREFIX: `postamat-e2e-${runId}/lockers`,
    });
    const service = await startCloudService(config, { logger: pino({ level: 'warn' }) });
    const call = apiClient(() => service.httpUrl);
    let locker: RunningLocker | undefined;
    try {
      expect(service.broker).toBeUndefined();
      const { operatorKey, tenantKey } = await createAccounts(call, ADMIN);
      locker = await provisionLocker({
        call,
        operatorKey,
        lockerId: `L-e2e-ext-${runId}`,
        dir,
        bundle,
        channels: 2,
      });
      const order = await bookDelivery(call, tenantKey, `L-e2e-ext-${runId}`, 'BC-EXT-1');
      await waitAgentOrder(locker.agent, order.orderId, (s) => s !== null, 'the parcel', WAIT);
      const opened = await call<{ id: string }>(
        'POST',
        `/v1/operator/lockers/L-e2e-ext-${runId}/remote-open`,
        operatorKey,
        { cellId: 'C2', reason: 'external broker remote open' },
      );
      await waitFor(
        async () => (await commandStatus(call, operatorKey, opened.body.id)) === 'applied',
        'the remote open applied through Mosquitto',
        WAIT,
      );
      expect((await call('GET', '/health')).status).toBe(200);
    } finally {
      await locker?.agent.kill('SIGTERM');
      await locker?.sim.close();
      await service.stop();
    }
  }, 120_000);
});
