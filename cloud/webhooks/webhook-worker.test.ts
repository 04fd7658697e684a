import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics.ts';
import { FakeClock, seedNetwork, TEST_ENGINES, type TestStore } from '../store/test-stores.ts';
import { RETRY_FOR_MS } from './backoff.ts';
import { SIGNATURE_HEADER, verifySignature } from './signature.ts';
import { webhookWorker } from './webhook-worker.ts';

interface Received {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A real local HTTP receiver answering with the statuses queued in `answers`. */
async function receiver(answers: number[]) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.each(TEST_ENGINES)('webhook worker ($engine)', ({ open }) => {
  let t: TestStore;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock();
    t = await open(clock);
  });
  afterEach(async () => {
    await t.dispose();
  });

  const worker = () =>
    webhookWorker({
      store: t.store,
      clock,
      metrics: createMetrics(() => t.store.webhookBacklog()),
      logger: pino({ level: 'silent' }),
    });

  it('signs each status change, retries with backoff, and gives up after a day', async () => {
    const hook = await receiver([500, 503]);
    try {
      const { tenant } = await seedNetwork(t.store);
      const { secret } = await t.store.setWebhookEndpoint(tenant.id, hook.url);
      const { codes } = await t.store.createOrder(tenant.id, {
        kind: 'delivery',
        lockerId: 'L1',
        size: 'M',
        barcode: 'B',
      });
      const w = worker();
      expect(await w.tick()).toBe(1);
      expect(await w.tick()).toBe(0);
      clock.advance(10_000);
      expect(await w.tick()).toBe(1);
      clock.advance(30_000);
      expect(await w.tick()).toBe(1);
      expect(hook.received).toHaveLength(3);
      const last = hook.received[2]!;
      const signature = String(last.headers[SIGNATURE_HEADER]);
      expect(verifySignature(secret, signature, last.body, clock.now())).toBe(true);
      expect(verifySignature('wrong', signature, last.body, clock.now())).toBe(false);
      expect(JSON.parse(last.body).data).toMatchObject({ status: 'booked' });
      // The tenant had the code in the create answer; the body (kept until delivered) has none.
      expect(last.body).not.toContain(codes[0]?.code ?? 'none');
      expect(JSON.parse(last.body).data.codes).toBeUndefined();
      const [delivery] = await t.store.listDeliveries(tenant.id, 10);
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200 });

      await t.store.replayDelivery(tenant.id, delivery!.id);
      hook.received.length = 0;
      expect(await w.tick()).toBe(1);
      expect(hook.received[0]?.body).toBe(last.body);
    } finally {
      await hook.close();
    }
  });

  it('marks a delivery failed once retries would pass a day', async () => {
    const { tenant } = await seedNetwork(t.store);
    await t.store.setWebhookEndpoint(tenant.id, 'http://127.0.0.1:9/unreachable');
    await t.store.createOrder(tenant.id, {
      kind: 'delivery',
      lockerId: 'L1',
      size: 'M',
      barcode: 'B',
    });
    const w = worker();
    for (let i = 0; i < 40 && (await t.store.webhookBacklog()) > 0; i++) {
      await w.tick();
      clock.advance(2 * 3_600_000);
    }
    const [delivery] = await t.store.listDeliveries(tenant.id, 10);
    expect(delivery?.status).toBe('failed');
    expect(delivery?.attempts).toBeGreaterThan(5);
    expect(clock.now() - (delivery?.createdAt ?? 0)).toBeLessThanOrEqual(
      RETRY_FOR_MS + 4 * 3_600_000,
    );
  });
});
