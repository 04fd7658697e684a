import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgentMain } from '../../agent/testing/agent-process.ts';
import { parseCloudConfig } from '../config.ts';
import { waitFor } from '../mqtt/test-support/wait-for.ts';
import { startCloudService } from '../service/cloud-service.ts';
import { courierDeposits, waitAgentOrder } from '../service/testing/agent-steps.ts';
import {
  apiClient,
  courierCode,
  createAccounts,
  orderOf,
} from '../service/testing/cloud-api-client.ts';
import { provisionLocker, type RunningLocker } from '../service/testing/locker-rig.ts';

/**
 * The whole SBP flow across the REAL agent process and the cloud service over MQTT: a COD
 * parcel, the recipient chooses SBP at the locker, the cloud gets a QR from the (simulated)
 * provider, the provider's signed callback confirms, the locker opens the cell once, and the
 * cloud fiscalizes one receipt to the e-mail the person gave, sealed on the locker.
 */
const ADMIN = 'admin-key-for-the-sbp-e2e';
const WAIT = 60_000;
let dir: string;
let bundle: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'postamat-sbp-e2e-'));
  bundle = bundleAgentMain();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(bundle, { force: true });
});

describe('SBP end to end: cloud service and a real agent', () => {
  it('pays a COD pickup by QR: confirm by signed callback, one opening, one receipt', async () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const file = JSON.stringify({
      mqtt: { pollMs: 100 },
      payments: {
        sbp: { provider: 'simulated', callbackSecret: 'e2e-callback-secret-0123' },
        fiscal: { provider: 'recording', contactWaitMs: 30_000 },
        receiptPrivateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        intervalMs: 100,
      },
    });
    const config = parseCloudConfig(file, {
      POSTAMAT_DATA_DIR: join(dir, 'cloud'),
      POSTAMAT_HTTP_PORT: '0',
      POSTAMAT_MQTT_PORT: '0',
      POSTAMAT_ADMIN_KEY: ADMIN,
    });
    const service = await startCloudService(config, { logger: pino({ level: 'warn' }) });
    const call = apiClient(() => service.httpUrl);
    let locker: RunningLocker | undefined;
    try {
      const { operatorKey, tenantKey } = await createAccounts(call, ADMIN);
      const receiptKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      locker = await provisionLocker({
        call,
        operatorKey,
        lockerId: 'L-sbp',
        dir,
        bundle,
        channels: 2,
        extra: { payments: { sbp: true, receiptKeyPem } },
      });
      const { agent } = locker;
      const daily = await courierCode(call, tenantKey);
      const created = await call<{ order: { id: string }; codes: { code: string }[] }>(
        'POST',
        '/v1/orders',
        tenantKey,
        {
          kind: 'delivery',
          lockerId: 'L-sbp',
          size: 'S',
          barcode: 'SBP-E2E',
          cashOnDelivery: { amountKopecks: 500_00 },
        },
      );
      expect(created.status).toBe(201);
      const orderId = created.body.order.id;
      const code = created.body.codes[0]?.code as string;
      await waitAgentOrder(agent, orderId, (s) => s !== null, 'the parcel at the locker', WAIT);
      await courierDeposits(agent, daily, 'SBP-E2E', WAIT);
      await waitFor(
        async () => (await orderOf(call, tenantKey, orderId)).status === 'ready-for-pickup',
        'ready-for-pickup in the API',
        WAIT,
      );
      const openedBefore = locker.sim.openedChannels.length;

      // No money, no door: the code leads to the pay screen (the amount came with the sync).
      expect(await agent.call<{ action: string }>('enterCode', code)).toMatchObject({
        action: 'pay',
      });
      expect(locker.sim.openedChannels.length).toBe(openedBefore);
      const started = await agent.call<{ ok: boolean; paymentId: string; state: string }>(
        'payCod',
        code,
        'sbp',
      );
      expect(started).toMatchObject({ ok: true, state: 'waiting' });
      const { paymentId } = started;
      await waitFor(
        async () =>
          typeof (await agent.call<{ qrPayload?: unknown }>('payment', paymentId)).qrPayload ===
          'string',
        'the QR at the locker',
        WAIT,
      );
      expect(locker.sim.openedChannels.length).toBe(openedBefore);

      const operationId = (await service.cloud.store.getPayment(paymentId))?.provider_operation_id;
      expect(await service.cloud.payments?.simulatedSbp?.pay(operationId as string)).toBe(200);
      await waitFor(
        async () => (await orderOf(call, tenantKey, orderId)).status === 'collected',
        'collected in the API',
        WAIT,
      );
      expect(locker.sim.openedChannels.length).toBe(openedBefore + 1);
      // Paid: the kiosk offers the receipt; the locker seals the address to the cloud's key.
      const offered = await agent.call<{ ok: boolean }>('offerReceipt', {
        paymentId,
        channel: 'email',
        contact: 'anna@example.ru',
      });
      expect(offered.ok).toBe(true);
      await waitFor(
        async () => {
          const view = await call<{ payment: { receipts: { status: string }[] } }>(
            'GET',
            `/v1/orders/${orderId}`,
            tenantKey,
          );
          return view.body.payment.receipts[0]?.status === 'accepted';
        },
        'the receipt accepted',
        WAIT,
      );
      const view = await call<{ payment: Record<string, unknown> }>(
        'GET',
        `/v1/orders/${orderId}`,
        tenantKey,
      );
      expect(view.body.payment).toMatchObject({
        amountDueKopecks: 500_00,
        paid: true,
        payments: [{ paymentId, method: 'sbp', state: 'approved', amountKopecks: 500_00 }],
        receipts: [
          {
            kind: 'sale',
            status: 'accepted',
            contact: { channel: 'email', masked: 'a***@example.ru' },
          },
        ],
      });
    } finally {
      await locker?.agent.kill('SIGTERM');
      await locker?.sim.close();
      await service.stop();
    }
  }, 180_000);
});
