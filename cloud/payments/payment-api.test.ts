import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, seedApi, type TestApi, testApi } from '../api/test-api.ts';

describe('API: cash on delivery and storage profiles', () => {
  let api: TestApi;
  let keys: Awaited<ReturnType<typeof seedApi>>;
  const request = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    key: string,
    payload?: object,
  ) => {
    const res = await api.app.inject({
      method,
      url,
      headers: bearer(key),
      ...(payload === undefined ? {} : { payload }),
    });
    return { status: res.statusCode, body: res.body === '' ? {} : res.json() };
  };
  beforeEach(async () => {
    api = await testApi();
    keys = await seedApi(api);
  });
  afterEach(async () => {
    await api.dispose();
  });

  const delivery = { kind: 'delivery', lockerId: 'L1', size: 'M', barcode: 'COD-1' };

  it('a delivery takes an amount due; the order shows it unpaid, and the locker’s parcel carries it', async () => {
    const created = await request('POST', '/v1/orders', keys.tenantA, {
      ...delivery,
      cashOnDelivery: { amountKopecks: 1990_00 },
    });
    expect(created.status).toBe(201);
    expect(created.body.order.payment).toEqual({
      amountDueKopecks: 1990_00,
      paid: false,
      paidAt: null,
      payments: [],
      receipts: [],
    });
    const plain = await request('POST', '/v1/orders', keys.tenantA, {
      ...delivery,
      barcode: 'PLAIN',
    });
    expect(plain.body.order.payment.amountDueKopecks).toBeNull();
    const sync = await api.t.store.buildSyncMessage('L1');
    const parcels = Object.fromEntries(
      (sync.parcels ?? []).map((p) => [p.orderId, p.amountDueKopecks]),
    );
    expect(parcels).toEqual({ [created.body.order.id]: 1990_00, [plain.body.order.id]: undefined });
  });

  it('refuses an amount due where it makes no sense, naming the field', async () => {
    const rental = await request('POST', '/v1/orders', keys.tenantA, {
      ...delivery,
      kind: 'rental',
      cashOnDelivery: { amountKopecks: 100 },
    });
    expect(rental).toMatchObject({ status: 422, body: { details: { field: 'cashOnDelivery' } } });
    for (const amountKopecks of [0, -5, 1.5, '100']) {
      const bad = await request('POST', '/v1/orders', keys.tenantA, {
        ...delivery,
        cashOnDelivery: { amountKopecks },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.issues[0].path).toBe('body.cashOnDelivery.amountKopecks');
    }
    expect((await request('GET', '/v1/orders', keys.tenantA)).body.orders).toEqual([]);
  });

  it('operators create, read, change, bind and delete storage profiles; a tenant may not', async () => {
    const base = '/v1/operator/storage-profiles';
    const grid = [
      { size: 'M', firstHourKopecks: 10000, nextHourKopecks: 8000, dayCapKopecks: 50000 },
      { size: 'S', firstHourKopecks: 5000, nextHourKopecks: 4000, dayCapKopecks: 30000 },
    ];
    expect((await request('POST', base, keys.tenantA, { name: 'x', tariffs: grid })).status).toBe(
      403,
    );
    const twice = await request('POST', base, keys.operatorKey, {
      name: 'x',
      tariffs: [grid[0], grid[0]],
    });
    expect(twice.status).toBe(400);
    const capBelow = await request('POST', base, keys.operatorKey, {
      name: 'x',
      tariffs: [{ ...grid[0], dayCapKopecks: 100 }],
    });
    expect(capBelow.body.issues[0].path).toBe('body.tariffs.0.dayCapKopecks');

    const created = await request('POST', base, keys.operatorKey, {
      name: 'Centre',
      tariffs: grid,
    });
    expect(created).toMatchObject({ status: 201, body: { name: 'Centre', tariffs: grid } });
    const id = created.body.id as string;
    const bound = await request(
      'PUT',
      '/v1/operator/lockers/L1/storage-profile',
      keys.operatorKey,
      { profileId: id },
    );
    expect(bound.status).toBe(200);
    expect(bound.body.tariffs.map((t: { size: string }) => t.size)).toEqual(['S', 'M', 'L', 'XL']);
    expect(bound.body.tariffs[1]).toEqual(grid[0]);
    expect((await request('GET', `${base}/${id}`, keys.operatorKey)).body.lockerIds).toEqual([
      'L1',
    ]);
    const changed = await request('PUT', `${base}/${id}`, keys.operatorKey, {
      name: 'Centre 2',
      tariffs: [grid[0]],
    });
    expect(changed.body).toMatchObject({ name: 'Centre 2', tariffs: [grid[0]] });
    expect(
      (await api.t.store.buildSyncMessage('L1')).tariffs?.find((t) => t.size === 'S')
        ?.firstHourKopecks,
    ).toBe(0);
    expect((await request('DELETE', `${base}/${id}`, keys.operatorKey)).status).toBe(409);
    await request('PUT', '/v1/operator/lockers/L1/storage-profile', keys.operatorKey, {
      profileId: null,
    });
    expect((await request('DELETE', `${base}/${id}`, keys.operatorKey)).status).toBe(204);
    expect((await request('GET', base, keys.operatorKey)).body.profiles).toEqual([]);
    const missing = await request(
      'PUT',
      '/v1/operator/lockers/L1/storage-profile',
      keys.operatorKey,
      { profileId: id },
    );
    expect(missing.status).toBe(404);
  });

  it('operators list payments and receipts of their lockers; the callback is 404 without SBP', async () => {
    const created = await request('POST', '/v1/orders', keys.tenantA, {
      ...delivery,
      cashOnDelivery: { amountKopecks: 700 },
    });
    const orderId = created.body.order.id;
    const body = { orderId, method: 'pos', amountKopecks: 700 };
    await api.t.store.ingest(
      'L1',
      [
        {
          lockerId: 'L1',
          seq: 1,
          at: 1,
          type: 'payment.started',
          body: { ...body, paymentId: 'p1', purpose: 'cod' },
        },
        {
          lockerId: 'L1',
          seq: 2,
          at: 2,
          type: 'payment.approved',
          body: { ...body, paymentId: 'p1', providerRef: 'RRN' },
        },
      ],
      api.clock.now(),
    );
    const payments = await request('GET', '/v1/operator/payments?state=approved', keys.operatorKey);
    expect(payments.body.payments).toEqual([
      expect.objectContaining({ paymentId: 'p1', state: 'approved', amountKopecks: 700 }),
    ]);
    const receipts = await request('GET', '/v1/operator/receipts?status=pending', keys.operatorKey);
    expect(receipts.body.receipts).toEqual([
      expect.objectContaining({ paymentId: 'p1', kind: 'sale', contact: null }),
    ]);
    expect((await request('GET', `/v1/orders/${orderId}`, keys.tenantA)).body.payment.paid).toBe(
      true,
    );
    const callback = await api.app.inject({
      method: 'POST',
      url: '/v1/payments/sbp/callback',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(callback.statusCode).toBe(404);
  });
});
