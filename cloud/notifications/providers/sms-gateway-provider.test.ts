import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, seedApi } from '../../api/test-api.ts';
import { TEST_ENGINES } from '../../store/test-stores.ts';
import { createOrder, type NotifiedApi, notifiedApi } from '../notification-test-support.ts';
import { smsGatewayConfigSchema, smsGatewayProvider } from './sms-gateway-provider.ts';

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** A stand-in for an SMS.ru-like gateway: form body, 200 with a JSON status in the body. */
async function gateway(answers: Answer[]) {
  const received: { url: string; auth: string | undefined; body: URLSearchParams }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({
        url: req.url ?? '',
        auth: req.headers.authorization,
        body: new URLSearchParams(body),
      });
      const answer = answers.shift() ?? { status: 200, body: '{"status":"OK"}' };
      res.statusCode = answer.status;
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/sms/send`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const PHONE = '+79265554433';

describe.each(TEST_ENGINES)('SMS gateway provider ($engine)', ({ open }) => {
  let n: NotifiedApi;
  let gw: Awaited<ReturnType<typeof gateway>>;
  const answers: Answer[] = [];
  beforeEach(async () => {
    answers.length = 0;
    gw = await gateway(answers);
    const config = smsGatewayConfigSchema.parse({
      url: gw.url,
      contentType: 'application/x-www-form-urlencoded',
      bodyTemplate: 'to={{phoneDigits}}&msg={{text}}&json=1',
      username: 'acct',
      password: 's3cret-pass',
      successPattern: '"status":\\s*"OK"',
    });
    n = await notifiedApi(open, { providers: [smsGatewayProvider(config)] });
  });
  afterEach(async () => {
    await n.api.dispose();
    await gw.close();
  });

  async function orderWithCode() {
    const keys = await seedApi(n.api);
    const res = await createOrder(n.api, keys.tenantA, {
      kind: 'service-round-trip',
      lockerId: 'L1',
      size: 'M',
      barcode: 'DRY-1',
      recipient: { phone: PHONE, language: 'ru' },
    });
    expect(res.statusCode).toBe(201);
    const { order, codes } = res.json();
    const view = async () =>
      (
        await n.api.app.inject({
          method: 'GET',
          url: `/v1/orders/${order.id}`,
          headers: bearer(keys.tenantA),
        })
      ).json().notifications;
    return { code: codes[0].code as string, view };
  }

  it('retries after a failure with backoff, and the order shows each state', async () => {
    answers.push({ status: 503, body: 'busy' }, { status: 200, body: '{"status":"ERROR"}' });
    const { code, view } = await orderWithCode();
    expect(await n.worker.tick()).toBe(1);
    expect(await view()).toEqual([
      expect.objectContaining({ status: 'pending', attempts: 1, lastError: 'HTTP 503' }),
    ]);
    expect(await n.worker.tick()).toBe(0);
    n.api.clock.advance(10_000);
    await n.worker.tick();
    expect(await view()).toEqual([
      expect.objectContaining({
        status: 'pending',
        attempts: 2,
        lastError: 'gateway answered without success',
      }),
    ]);
    n.api.clock.advance(30_000);
    await n.worker.tick();
    expect(await view()).toEqual([expect.objectContaining({ status: 'sent', attempts: 3 })]);
    expect(gw.received).toHaveLength(3);
    const last = gw.received[2];
    expect(last?.body.get('to')).toBe('79265554433');
    expect(last?.body.get('msg')).toContain(`код для закладки ${code}`);
    expect(last?.auth).toBe(`Basic ${Buffer.from('acct:s3cret-pass').toString('base64')}`);
    for (const line of n.lines) {
      for (const secret of [PHONE, '79265554433', code, 's3cret-pass']) {
        expect(line).not.toContain(secret);
      }
    }
  });

  it('gives up at once when the gateway refuses the request, and the order shows it', async () => {
    answers.push({ status: 401, body: 'bad key' });
    const { view } = await orderWithCode();
    await n.worker.tick();
    n.api.clock.advance(3_600_000);
    await n.worker.tick();
    expect(await view()).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 1, lastError: 'HTTP 401' }),
    ]);
    expect(gw.received).toHaveLength(1);
  });
});
