import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../store/test-stores.ts';
import { sbpHttpConfigSchema, sbpHttpProvider } from './sbp-http-provider.ts';
import { SbpProviderError } from './sbp-provider.ts';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly auth: string | undefined;
  readonly body: Record<string, unknown> | null;
}

/** A small bank-like SBP API on port 0: QRs, payment info, refunds. */
describe('SBP HTTP provider against a local bank-like API', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Seen[] = [];
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  beforeEach(async () => {
    seen.length = 0;
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          auth: req.headers.authorization,
          body: text === '' ? null : JSON.parse(text),
        });
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const provider = (clock = new FakeClock(Date.UTC(2026, 5, 1))) =>
    sbpHttpProvider(sbpHttpConfigSchema.parse({ baseUrl, merchantId: 'MA0001', token: 'tok' }), {
      clock,
      qrTtlMs: 600_000,
    });

  it('asks for a dynamic QR in roubles and reads qrId and payload', async () => {
    answer = {
      status: 200,
      body: { qrId: 'AD100004BAL7227F9BNP6KNE007J9B3K', payload: 'https://qr.nspk.ru/AD1' },
    };
    const qr = await provider().createQr({
      paymentId: 'p1',
      amountKopecks: 12345,
      description: 'cod o1',
    });
    expect(qr).toEqual({
      operationId: 'AD100004BAL7227F9BNP6KNE007J9B3K',
      qrPayload: 'https://qr.nspk.ru/AD1',
      payableUntil: Date.UTC(2026, 5, 1) + 600_000,
    });
    expect(seen[0]).toEqual({
      method: 'POST',
      url: '/api/sbp/v2/qrs',
      auth: 'Bearer tok',
      body: {
        qrType: 'QRDynamic',
        amount: 123.45,
        currency: 'RUB',
        order: 'p1',
        sbpMerchantId: 'MA0001',
        qrExpirationDate: '2026-06-01T00:10:00.000Z',
        paymentDetails: 'cod o1',
      },
    });
  });

  it('maps payment states and refunds; refusals are permanent, outages are not', async () => {
    answer = {
      status: 200,
      body: { paymentStatus: 'SUCCESS', transactionId: 4711, amount: 123.45 },
    };
    expect(await provider().state('OP/1')).toEqual({
      state: 'paid',
      providerRef: '4711',
      amountKopecks: 12345,
    });
    expect(seen[0]?.url).toBe('/api/sbp/v1/qrs/OP%2F1/payment-info');
    answer = { status: 200, body: { paymentStatus: 'IN_PROGRESS' } };
    expect((await provider().state('OP1')).state).toBe('pending');
    answer = { status: 200, body: { refundStatus: 'IN_PROGRESS' } };
    expect(
      await provider().refund({ paymentId: 'p1', operationId: 'OP1', amountKopecks: 500 }),
    ).toEqual({
      refundRef: 'rf-p1',
    });
    expect(seen.at(-1)?.body).toMatchObject({ order: 'p1', refundId: 'rf-p1', amount: 5 });
    answer = { status: 400, body: { code: 'ERROR.INVALID_REQUEST' } };
    await expect(
      provider().createQr({ paymentId: 'p', amountKopecks: 1, description: 'x' }),
    ).rejects.toMatchObject({
      permanent: true,
    });
    answer = { status: 503, body: {} };
    const outage = await provider()
      .state('OP1')
      .catch((e: unknown) => e);
    expect(outage).toBeInstanceOf(SbpProviderError);
    expect(outage).toMatchObject({ permanent: false, message: 'HTTP 503' });
    answer = { status: 200, body: { unexpected: true } };
    await expect(
      provider().createQr({ paymentId: 'p', amountKopecks: 1, description: 'x' }),
    ).rejects.toThrow('answer lacks the expected fields');
  });
});
