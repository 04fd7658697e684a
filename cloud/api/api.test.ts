import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../store/test-stores.ts';
import { bearer, seedApi, type TestApi, testApi } from './test-api.ts';

const order = { kind: 'delivery', lockerId: 'L1', size: 'M', barcode: 'BC-1' };

describe.each(TEST_ENGINES)('cloud HTTP API ($engine)', ({ open }) => {
  let api: TestApi;
  let keys: Awaited<ReturnType<typeof seedApi>>;
  beforeEach(async () => {
    api = await testApi(open);
    keys = await seedApi(api);
  });
  afterEach(async () => {
    await api.dispose();
  });

  const post = (
    url: string,
    key: string | undefined,
    payload: unknown,
    headers: Record<string, string> = {},
  ) =>
    api.app.inject({
      method: 'POST',
      url,
      headers: { ...(key === undefined ? {} : bearer(key)), ...headers },
      payload: payload as object,
    });

  it('creates an order and returns its pickup code once', async () => {
    const res = await post('/v1/orders', keys.tenantA, order);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.order.status).toBe('booked');
    expect(body.codes[0].code).toMatch(/^[0-9]{6}$/);
    const again = await api.app.inject({
      url: `/v1/orders/${body.order.id}`,
      headers: bearer(keys.tenantA),
    });
    expect(again.statusCode).toBe(200);
    expect(again.body).not.toContain(body.codes[0].code);
  });

  it('answers 401 without a key, 403 for another tenant’s order or the wrong role, 404 for none', async () => {
    expect((await post('/v1/orders', undefined, order)).statusCode).toBe(401);
    expect((await post('/v1/orders', 'pk_nonsense', order)).statusCode).toBe(401);
    const { order: created } = (await post('/v1/orders', keys.tenantA, order)).json();
    const other = await api.app.inject({
      url: `/v1/orders/${created.id}`,
      headers: bearer(keys.tenantB),
    });
    expect(other.statusCode).toBe(403);
    expect((await post(`/v1/orders/${created.id}/cancel`, keys.tenantB, {})).statusCode).toBe(403);
    expect((await post('/v1/orders', keys.operatorKey, order)).statusCode).toBe(403);
    const missing = await api.app.inject({
      url: '/v1/orders/ord_nope',
      headers: bearer(keys.tenantA),
    });
    expect(missing.statusCode).toBe(404);
  });

  it('lists the path of every bad field in a 400', async () => {
    const res = await post('/v1/orders', keys.tenantA, {
      kind: 'teleport',
      size: 'XXL',
      lockerId: 'L1',
      extra: 1,
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.kind', 'body.size', 'body.barcode']));
    const query = await api.app.inject({
      url: '/v1/lockers/search?lat=x&size=M',
      headers: bearer(keys.tenantA),
    });
    expect(query.statusCode).toBe(400);
    expect(query.json().issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['querystring.lat', 'querystring.lon']),
    );
  });

  it('answers 422 for a well-formed but impossible request', async () => {
    const res = await post('/v1/orders', keys.tenantA, {
      ...order,
      window: { from: 10, until: 5 },
    });
    expect(res.statusCode).toBe(422);
  });

  it('answers a full locker with 409 and the nearest lockers with room', async () => {
    await post('/v1/orders', keys.tenantA, order);
    await post('/v1/orders', keys.tenantA, order);
    const res = await post('/v1/orders', keys.tenantA, order);
    expect(res.statusCode).toBe(409);
    expect(res.json().details.alternatives.map((l: { lockerId: string }) => l.lockerId)).toEqual([
      'L2',
    ]);
  });

  it('never oversells when many orders arrive at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        post('/v1/orders', keys.tenantA, { ...order, barcode: `C${i}` }),
      ),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(2);
    expect(statuses.filter((s) => s === 409)).toHaveLength(28);
  });

  it('creates once when the same Idempotency-Key is retried concurrently', async () => {
    const headers = { 'idempotency-key': 'burst' };
    const results = await Promise.all(
      Array.from({ length: 8 }, () => post('/v1/orders', keys.tenantA, order, headers)),
    );
    const created = new Set(
      results.filter((r) => r.statusCode === 201).map((r) => r.json().order.id),
    );
    expect(created.size).toBe(1);
    expect(results.every((r) => r.statusCode === 201 || r.statusCode === 409)).toBe(true);
    const list = await api.app.inject({ url: '/v1/orders', headers: bearer(keys.tenantA) });
    expect(list.json().orders).toHaveLength(1);
  });

  it('replays a retried POST with the same Idempotency-Key and creates nothing twice', async () => {
    const headers = { 'idempotency-key': 'order-42' };
    const first = await post('/v1/orders', keys.tenantA, order, headers);
    const second = await post('/v1/orders', keys.tenantA, order, headers);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().order.id).toBe(first.json().order.id);
    const list = await api.app.inject({ url: '/v1/orders', headers: bearer(keys.tenantA) });
    expect(list.json().orders).toHaveLength(1);
    const changed = await post('/v1/orders', keys.tenantA, { ...order, barcode: 'other' }, headers);
    expect(changed.statusCode).toBe(422);
  });

  it('cancels, extends and redirects through the API', async () => {
    const { order: created } = (await post('/v1/orders', keys.tenantA, order)).json();
    const extended = await post(`/v1/orders/${created.id}/extend`, keys.tenantA, { hours: 24 });
    expect(extended.statusCode).toBe(200);
    const redirected = await post(`/v1/orders/${created.id}/redirect`, keys.tenantA, {
      lockerId: 'L2',
    });
    expect(redirected.statusCode).toBe(200);
    expect(redirected.json().codes[0].lockerId).toBe('L2');
    const cancelled = await post(`/v1/orders/${created.id}/cancel`, keys.tenantA, {});
    expect(cancelled.json().status).toBe('cancelled');
    expect((await post(`/v1/orders/${created.id}/cancel`, keys.tenantA, {})).statusCode).toBe(409);
  });

  it('searches lockers with free capacity near a point', async () => {
    const res = await api.app.inject({
      url: '/v1/lockers/search?lat=55.7501&lon=37.6101&size=M&radiusKm=2',
      headers: bearer(keys.tenantA),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().lockers.map((l: { lockerId: string }) => l.lockerId)).toEqual(['L1', 'L2']);
  });

  it('manages keys: a second key works, a revoked one does not, secrets never listed', async () => {
    const created = (await post('/v1/keys', keys.tenantA, { label: 'ci' })).json();
    expect(
      (await api.app.inject({ url: '/v1/orders', headers: bearer(created.apiKey) })).statusCode,
    ).toBe(200);
    const del = await api.app.inject({
      method: 'DELETE',
      url: `/v1/keys/${created.keyId}`,
      headers: bearer(keys.tenantA),
    });
    expect(del.statusCode).toBe(204);
    expect(
      (await api.app.inject({ url: '/v1/orders', headers: bearer(created.apiKey) })).statusCode,
    ).toBe(401);
    const list = await api.app.inject({ url: '/v1/keys', headers: bearer(keys.tenantA) });
    expect(list.body).not.toContain(created.apiKey);
  });

  it('serves the OpenAPI document, the docs page, health and metrics', async () => {
    const doc = (await api.app.inject({ url: '/openapi.json' })).json();
    expect(doc.paths['/v1/orders'].post.requestBody).toBeDefined();
    expect((await api.app.inject({ url: '/docs/' })).statusCode).toBe(200);
    expect((await api.app.inject({ url: '/health' })).json()).toEqual({
      status: 'ok',
      store: 'ok',
      broker: 'ok',
    });
    const metrics = (await api.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('postamat_api_request_duration_seconds');
    expect(metrics).toContain('postamat_webhook_backlog');
  });
});
