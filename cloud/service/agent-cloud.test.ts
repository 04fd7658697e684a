import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgentMain } from '../../agent/testing/agent-process.ts';
import { parseCloudConfig } from '../config.ts';
import { waitFor } from '../mqtt/test-support/wait-for.ts';
import { type CloudService, startCloudService } from './cloud-service.ts';
import { type ApiCall, apiClient, createAccounts } from './testing/cloud-api-client.ts';
import { provisionLocker, type RunningLocker } from './testing/locker-rig.ts';

/**
 * The cloud service (store, API, embedded broker, publishers) in this process over real TCP, and
 * a REAL agent process started from the config file the cloud's provisioning returned: a parcel
 * goes from a tenant's API call to the locker, in and out of a cell, and back into the API's
 * timeline; an operator's remote open reaches the locker and its result comes back.
 */
const ADMIN = 'admin-key-for-the-e2e-test';
const WAIT = 60_000;

interface Order {
  readonly status: string;
  readonly timeline: readonly { status: string }[];
}

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

async function startService(dataDir: string): Promise<CloudService> {
  const config = parseCloudConfig(undefined, {
    POSTAMAT_DATA_DIR: dataDir,
    POSTAMAT_HTTP_PORT: '0',
    POSTAMAT_MQTT_PORT: '0',
    POSTAMAT_ADMIN_KEY: ADMIN,
    ...(process.env.DATABASE_URL === undefined ? {} : {}),
  });
  return startCloudService(config, { logger: pino({ level: 'warn' }) });
}

export async function orderOf(call: ApiCall, key: string, orderId: string): Promise<Order> {
  const answer = await call<Order>('GET', `/v1/orders/${orderId}`, key);
  expect(answer.status).toBe(200);
  return answer.body;
}

describe('cloud service and a real agent process', () => {
  it('books, pushes, deposits, collects and opens remotely end to end', async () => {
    const service = await startService(join(dir, 'cloud-1'));
    const call = apiClient(() => service.httpUrl);
    let locker: RunningLocker | undefined;
    try {
      const { operatorKey, tenantKey } = await createAccounts(call, ADMIN);
      locker = await provisionLocker({
        call,
        operatorKey,
        lockerId: 'L-e2e-1',
        dir,
        bundle,
        channels: 4,
      });
      const { agent } = locker;
      await waitFor(
        async () =>
          (await call<{ online: boolean }>('GET', '/v1/lockers/L-e2e-1', operatorKey)).body.online,
        'the locker online in the API',
        WAIT,
      );
      const health = await call<{ broker: string }>('GET', '/health');
      expect(health).toMatchObject({ status: 200, body: { status: 'ok', broker: 'ok' } });

      // A courier of the tenant, and the tenant's order: both must reach the locker ahead.
      const courier = await call<{ id: string }>('POST', '/v1/couriers', tenantKey, {
        name: 'Ivan',
      });
      const daily = await call<{ code: string }>(
        'GET',
        `/v1/couriers/${courier.body.id}/daily-code`,
        tenantKey,
      );
      const created = await call<{ order: { id: string }; codes: { code: string }[] }>(
        'POST',
        '/v1/orders',
        tenantKey,
        { kind: 'delivery', lockerId: 'L-e2e-1', size: 'S', barcode: 'BC-E2E-1' },
      );
      expect(created.status).toBe(201);
      const orderId = created.body.order.id;
      const pickupCode = created.body.codes[0]?.code ?? 'no code issued';
      await waitFor(
        async () => (await agent.call('orderStatus', orderId)) !== null,
        'the parcel pushed to the locker',
        WAIT,
      );

      // The courier deposits at the locker with the daily code the cloud derived.
      let session: { ok: boolean; session?: { id: string } } = { ok: false };
      await waitFor(
        async () => {
          session = await agent.call('courierLogin', { pin: daily.body.code });
          return session.ok;
        },
        'the courier credential pushed to the locker',
        WAIT,
      );
      const scanned = await agent.call<{ ok: boolean }>(
        'scanParcel',
        session.session?.id,
        'BC-E2E-1',
      );
      expect(scanned.ok).toBe(true);
      await waitFor(
        async () => (await orderOf(call, tenantKey, orderId)).status === 'ready-for-pickup',
        'ready-for-pickup in the API',
        WAIT,
      );

      // The recipient collects with the code from the API's answer.
      const entered = await agent.call<{ ok: boolean }>('enterCode', pickupCode);
      expect(entered.ok).toBe(true);
      await waitFor(
        async () =>
          (await orderOf(call, tenantKey, orderId)).timeline.some((t) => t.status === 'collected'),
        'collected in the API timeline',
        WAIT,
      );
      const timeline = (await orderOf(call, tenantKey, orderId)).timeline.map((t) => t.status);
      expect(timeline).toEqual(expect.arrayContaining(['ready-for-pickup', 'collected']));
      expect(timeline.filter((s) => s === 'collected')).toHaveLength(1);

      // The operator opens cell C3 remotely; the locker applies it and reports back.
      const opened = await call<{ id: string }>(
        'POST',
        '/v1/operator/lockers/L-e2e-1/remote-open',
        operatorKey,
        { cellId: 'C3', reason: 'e2e check of remote open' },
      );
      expect(opened.status).toBe(202);
      await waitFor(
        async () =>
          (
            await call<{ status: string }>(
              'GET',
              `/v1/operator/commands/${opened.body.id}`,
              operatorKey,
            )
          ).body.status === 'applied',
        'the remote open applied and reported',
        WAIT,
      );
      expect(locker.sim.openedChannels).toContain(3);
      const metrics = await (await fetch(`${service.httpUrl}/metrics`)).text();
      expect(metrics).toMatch(/postamat_lockers_connected 1/);
    } finally {
      await locker?.agent.kill('SIGTERM');
      await locker?.sim.close();
      await service.stop();
    }
  });
});
