import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Command, topicFor } from '../../protocol/index.ts';
import { parseCloudConfig } from '../config.ts';
import { LOCKER_EVENT_TYPES as T } from '../domain/locker-event-types.ts';
import { rawClient } from '../mqtt/test-support/raw-client.ts';
import { waitFor } from '../mqtt/test-support/wait-for.ts';
import { type CloudService, startCloudService } from '../service/cloud-service.ts';
import { type ApiCall, apiClient, createAccounts } from '../service/testing/cloud-api-client.ts';
import { SBP_SIGNATURE_HEADER, signSbpCallback } from './providers/sbp-callback.ts';

const ADMIN = 'admin-key-0123456789abcdef';
const SECRET = 'sbp-callback-secret-0123456789';
const LOCKER = 'SBP1';

let dir: string;
let service: CloudService;
let call: ApiCall;
let locker: MqttClient;
let keys: { operatorKey: string; tenantKey: string };
const commands: Command[] = [];
let seq = 0;

/** The locker, by hand over real MQTT: it publishes events and collects the commands it gets. */
async function emit(type: string, body: Record<string, unknown>): Promise<void> {
  seq += 1;
  const events = [{ lockerId: LOCKER, seq, at: Date.now(), type, body }];
  await locker.publishAsync(
    topicFor(LOCKER, 'events'),
    JSON.stringify({ lockerId: LOCKER, events }),
    {
      qos: 1,
    },
  );
}

function received(type: Command['type']): Command[] {
  return commands.filter((c) => c.type === type);
}

async function callback(raw: string, header: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${service.httpUrl}/v1/payments/sbp/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SBP_SIGNATURE_HEADER]: header },
    body: raw,
  });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'postamat-sbp-'));
  const file = JSON.stringify({
    mqtt: { pollMs: 50 },
    payments: {
      sbp: { provider: 'simulated', callbackSecret: SECRET },
      fiscal: { provider: 'recording', contactWaitMs: 0 },
      intervalMs: 50,
      commandResendMs: 300,
    },
  });
  const config = parseCloudConfig(file, {
    POSTAMAT_DATA_DIR: dir,
    POSTAMAT_HTTP_PORT: '0',
    POSTAMAT_MQTT_PORT: '0',
    POSTAMAT_ADMIN_KEY: ADMIN,
  });
  service = await startCloudService(config, { logger: pino({ level: 'silent' }) });
  call = apiClient(() => service.httpUrl);
  keys = await createAccounts(call, ADMIN);
  const provisioned = await call<{ agentConfig: { sync: { secret: string } } }>(
    'POST',
    '/v1/operator/lockers',
    keys.operatorKey,
    {
      id: LOCKER,
      address: 'Arbat 1',
      lat: 55.75,
      lon: 37.59,
      cells: [{ cellId: 'C1', bus: 'b', board: 1, channel: 1, size: 'S' }],
    },
  );
  locker = await rawClient(service.brokerUrl, {
    clientId: LOCKER,
    username: LOCKER,
    password: provisioned.body.agentConfig.sync.secret,
  });
  locker.on('message', (topic, payload) => {
    if (topic === topicFor(LOCKER, 'commands')) commands.push(JSON.parse(payload.toString()));
  });
  await locker.subscribeAsync(topicFor(LOCKER, 'commands'), { qos: 1 });
  await locker.publishAsync(
    topicFor(LOCKER, 'status'),
    JSON.stringify({ lockerId: LOCKER, online: true, at: Date.now() }),
    { qos: 1 },
  );
  await waitFor(() => service.link.presence.get(LOCKER)?.online === true, 'the locker online');
}, 60_000);

afterAll(async () => {
  await locker?.endAsync();
  await service?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('SBP through the cloud: QR, signed callback, confirm over MQTT', () => {
  let orderId: string;
  let operationId: string;
  const order = async () =>
    (
      await call<{ payment: Record<string, unknown> }>(
        'GET',
        `/v1/orders/${orderId}`,
        keys.tenantKey,
      )
    ).body.payment as {
      paid: boolean;
      payments: { state: string }[];
      receipts: { kind: string; status: string }[];
    };

  it('a started SBP payment gets a QR from the provider, sent to the locker as payment-qr', async () => {
    const created = await call<{ order: { id: string } }>('POST', '/v1/orders', keys.tenantKey, {
      kind: 'delivery',
      lockerId: LOCKER,
      size: 'S',
      barcode: 'SBP-1',
      cashOnDelivery: { amountKopecks: 250_00 },
    });
    expect(created.status).toBe(201);
    orderId = created.body.order.id;
    const payment = {
      paymentId: 'pay-1',
      orderId,
      purpose: 'cod',
      method: 'sbp',
      amountKopecks: 250_00,
    };
    await emit(T.paymentStarted, payment);
    await waitFor(() => received('payment-qr').length > 0, 'the payment-qr command');
    const qr = received('payment-qr')[0] as Extract<Command, { type: 'payment-qr' }>;
    expect(qr.body.paymentId).toBe('pay-1');
    expect(qr.body.qrPayload).toMatch(/^https:\/\/qr\.nspk\.ru\/SIM[0-9A-F]+\?.*sum=25000/);
    expect(qr.body.payableUntil).toBeGreaterThan(Date.now());
    operationId = [
      ...(service.cloud.payments?.simulatedSbp?.operations().keys() ?? []),
    ][0] as string;
    expect(operationId).toBeDefined();
  });

  it('refuses a forged, an unsigned and a stale callback, and changes nothing', async () => {
    const raw = JSON.stringify({
      operationId,
      status: 'paid',
      amountKopecks: 250_00,
      providerRef: 'X',
    });
    const refusedBefore = service.cloud.payments?.counters.callbacksRefused ?? 0;
    const forged = await callback(raw, signSbpCallback('not-the-secret-at-all', Date.now(), raw));
    expect(forged).toMatchObject({ status: 401, body: { error: 'bad-signature' } });
    const tampered = signSbpCallback(SECRET, Date.now(), raw.replace('25000', '1'));
    expect((await callback(raw, tampered)).status).toBe(401);
    expect((await callback(raw, '')).status).toBe(401);
    const stale = await callback(raw, signSbpCallback(SECRET, Date.now() - 3_600_000, raw));
    expect(stale).toMatchObject({ status: 401, body: { message: 'callback signature: stale' } });
    expect(service.cloud.payments?.counters.callbacksRefused).toBe(refusedBefore + 4);
    const metrics = await (await fetch(`${service.httpUrl}/metrics`)).text();
    expect(metrics).toContain(
      `postamat_payments_total{counter="callbacksRefused"} ${refusedBefore + 4}`,
    );
    expect(await order()).toMatchObject({
      paid: false,
      payments: [{ state: 'started' }],
      receipts: [],
    });
    expect(received('payment-confirmed')).toEqual([]);
  });

  it('a correctly signed callback confirms: the locker gets payment-confirmed, again until it answers', async () => {
    expect(await service.cloud.payments?.simulatedSbp?.pay(operationId)).toBe(200);
    await waitFor(() => received('payment-confirmed').length > 0, 'the payment-confirmed command');
    const confirm = received('payment-confirmed')[0] as Extract<
      Command,
      { type: 'payment-confirmed' }
    >;
    expect(confirm.body).toMatchObject({ paymentId: 'pay-1', amountKopecks: 250_00 });
    // No command.result yet: the same command comes again.
    await waitFor(
      () => received('payment-confirmed').length >= 2,
      'the confirm sent again',
      15_000,
    );
    expect(new Set(received('payment-confirmed').map((c) => c.id))).toEqual(new Set([confirm.id]));
    await emit(T.commandResult, {
      commandId: confirm.id,
      type: 'payment-confirmed',
      outcome: 'applied',
    });
    await waitFor(
      async () => (await service.cloud.store.getCommand(confirm.id))?.status === 'applied',
      'the command result committed',
    );
    expect(await order()).toMatchObject({ paid: true, payments: [{ state: 'approved' }] });
  });

  it('a replayed callback is idempotent: no second confirm, no second receipt', async () => {
    const ref = (await service.cloud.store.getPayment('pay-1'))?.provider_ref as string;
    const raw = JSON.stringify({
      operationId,
      status: 'paid',
      amountKopecks: 250_00,
      providerRef: ref,
    });
    const replay = await callback(raw, signSbpCallback(SECRET, Date.now(), raw));
    expect(replay).toEqual({ status: 200, body: { result: 'duplicate' } });
    const commandsOfPayment = await service.cloud.store.paymentCommands('pay-1');
    expect(commandsOfPayment.map((c) => c.type)).toEqual(['payment-qr', 'payment-confirmed']);
    await waitFor(
      async () => (await order()).receipts[0]?.status === 'accepted',
      'the receipt accepted',
    );
    expect((await order()).receipts).toHaveLength(1);
  });

  it('a refund the locker asks for is made through the provider, with one refund receipt', async () => {
    await emit(T.paymentRefundRequested, {
      paymentId: 'pay-1',
      orderId,
      amountKopecks: 250_00,
      reason: 'cell did not open',
    });
    await waitFor(async () => (await order()).payments[0]?.state === 'refunded', 'the refund');
    expect(
      service.cloud.payments?.simulatedSbp?.operations().get(operationId)?.refunds,
    ).toHaveLength(1);
    await waitFor(
      async () => (await order()).receipts.find((r) => r.kind === 'refund')?.status === 'accepted',
      'the refund receipt accepted',
    );
    expect((await order()).receipts.map((r) => r.kind)).toEqual(['sale', 'refund']);
    expect((await order()).paid).toBe(false);
  });
});
