import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyedHash } from '../security/secrets.ts';
import { seedSite } from '../store/site-test-support.ts';
import { TEST_ENGINES } from '../store/test-stores.ts';
import { verifySignature } from '../webhooks/signature.ts';
import { bearer, type TestApi, testApi } from './test-api.ts';

/** A complex's access system: verifies our signature, answers 200 (or what `status` says). */
async function accessSystem(secretOf: () => string, clockNow: () => number) {
  const seen: Record<string, unknown>[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const ok = verifySignature(
        secretOf(),
        String(req.headers['x-postamat-signature']),
        body,
        clockNow(),
      );
      seen.push({ ok, ...JSON.parse(body) });
      res.statusCode = ok ? status : 401;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/open`;
  return {
    url,
    seen,
    fail: () => {
      status = 503;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe.each(TEST_ENGINES)('manifests and sites API ($engine)', ({ open }) => {
  let api: TestApi;
  let s: Awaited<ReturnType<typeof seedSite>>;
  beforeEach(async () => {
    api = await testApi(open);
    // Midday: a visit's pass window stays within one UTC day (one daily code).
    api.clock.time = Date.UTC(2026, 5, 1, 12);
    s = await seedSite(api.t.store);
  });
  afterEach(async () => {
    await api.dispose();
  });

  const call = (method: 'GET' | 'POST', url: string, key: string, payload?: object) =>
    api.app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });

  async function order(lockerId: string, barcode: string, kind = 'delivery') {
    const res = await call('POST', '/v1/orders', s.tenantAKey, {
      kind,
      lockerId,
      size: 'M',
      barcode,
    });
    expect(res.statusCode).toBe(201);
    return res.json().order.id as string;
  }

  it('lists per locker what to deposit; the tenant sees only its own manifests', async () => {
    const o1 = await order('S1', 'BC-1');
    await order('S2', 'BC-2');
    await order('OUT', 'BC-3');
    const res = await call('POST', '/v1/manifests', s.tenantAKey, {
      courierId: s.courierId,
      stops: [{ lockerId: 'S1' }, { lockerId: 'S2' }],
    });
    expect(res.statusCode).toBe(201);
    const m = res.json();
    expect(m.stops.map((x: { lockerId: string }) => x.lockerId)).toEqual(['S1', 'S2']);
    expect(m.stops[0]).toMatchObject({
      siteId: s.siteId,
      deposit: [{ orderId: o1, barcode: 'BC-1', size: 'M' }],
      collect: [],
    });
    expect(m.passWindowMs).toBe(30 * 60_000);
    expect((await call('GET', `/v1/manifests/${m.id}`, s.tenantAKey)).statusCode).toBe(200);
    expect((await call('GET', `/v1/manifests/${m.id}`, s.tenantBKey)).statusCode).toBe(403);
    expect((await call('GET', '/v1/manifests', s.tenantBKey)).json().manifests).toEqual([]);
    const foreign = await call('POST', '/v1/manifests', s.tenantBKey, {
      courierId: s.courierId,
      stops: [{ lockerId: 'S1' }],
    });
    expect(foreign.statusCode).toBe(404);
    expect(
      (
        await call('POST', '/v1/manifests', s.operatorKey, {
          courierId: 'x',
          stops: [{ lockerId: 'S1' }],
        })
      ).statusCode,
    ).toBe(403);
  });

  it('derives the route from the courier’s orders', async () => {
    const o2 = await order('S2', 'BC-2');
    await order('S1', 'BC-1');
    const res = await call('POST', '/v1/manifests', s.tenantAKey, {
      courierId: s.courierId,
      orderIds: [o2],
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().stops).toMatchObject([{ lockerId: 'S2', deposit: [{ orderId: o2 }] }]);
  });

  it('answers 400 naming every bad field', async () => {
    const res = await call('POST', '/v1/manifests', s.tenantAKey, {
      courierId: '',
      stops: [{ lockerId: 'bad id!' }],
      passWindowMinutes: 1,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['body.courierId', 'body.stops.0.lockerId', 'body.passWindowMinutes']),
    );
    const neither = await call('POST', '/v1/manifests', s.tenantAKey, { courierId: s.courierId });
    expect(neither.statusCode).toBe(400);
    expect(neither.json().issues.map((i: { path: string }) => i.path)).toContain('body.stops');
    const ap = await call('POST', `/v1/operator/sites/${s.siteId}/access-points`, s.operatorKey, {
      name: 'Gate',
      kind: 'gate',
      driver: 'webhook',
    });
    expect(ap.statusCode).toBe(400);
    expect(ap.json().issues.map((i: { path: string }) => i.path)).toContain('body.url');
    const since = await api.app.inject({
      url: '/v1/site/passages?since=yesterday',
      headers: bearer(s.operatorKey),
    });
    expect(since.statusCode).toBe(400);
  });

  it('pushes passes to the gate locker and route parcels to the stops', async () => {
    await order('S1', 'BC-1');
    await order('S2', 'BC-2');
    const gate = await call('POST', `/v1/operator/sites/${s.siteId}/access-points`, s.operatorKey, {
      name: 'North gate',
      kind: 'gate',
      driver: 'locker-relay',
      lockerId: 'S3',
    });
    expect(gate.statusCode).toBe(201);
    const outside = await call(
      'POST',
      `/v1/operator/sites/${s.siteId}/access-points`,
      s.operatorKey,
      {
        name: 'Wrong',
        kind: 'gate',
        driver: 'agent-gate',
        lockerId: 'OUT',
      },
    );
    expect(outside.statusCode).toBe(404);
    await call('POST', '/v1/manifests', s.tenantAKey, {
      courierId: s.courierId,
      stops: [{ lockerId: 'S1' }, { lockerId: 'S2' }],
    });
    const code = await call('GET', `/v1/couriers/${s.courierId}/daily-code`, s.tenantAKey);
    const sync = await api.t.store.buildSyncMessage('S3');
    // One pass per visit to a locker of the site with work there.
    expect(sync.passes).toHaveLength(2);
    expect(sync.passes?.[0]).toEqual(
      expect.objectContaining({
        holderId: s.courierId,
        secretHash: keyedHash(s.hashKeys.S3 ?? '', 'courier-daily-code', code.json().code),
        validFrom: api.clock.now() - 30 * 60_000,
        validUntil: api.clock.now() + 30 * 60_000,
      }),
    );
    const s1 = await api.t.store.buildSyncMessage('S1');
    expect(s1.routeParcels).toEqual([
      { barcodeHash: keyedHash(s.hashKeys.S1 ?? '', 'barcode', 'BC-2'), lockerId: 'S2' },
    ]);
    expect(s1.passes).toEqual([]);
  });

  it('a webhook gate opens for a courier with work there, refuses others; management reads the log', async () => {
    let secret = '';
    const complex = await accessSystem(
      () => secret,
      () => api.clock.now(),
    );
    try {
      const ap = await call('POST', `/v1/operator/sites/${s.siteId}/access-points`, s.operatorKey, {
        name: 'Barrier',
        kind: 'barrier',
        driver: 'webhook',
        url: complex.url,
      });
      expect(ap.statusCode).toBe(201);
      secret = ap.json().secret;
      const apId = ap.json().id as string;
      await order('S1', 'BC-1');
      await call('POST', '/v1/manifests', s.tenantAKey, {
        courierId: s.courierId,
        stops: [{ lockerId: 'S1' }],
      });
      // Each attempt a second later, so the log's order by time is the order of the attempts.
      const enter = (courierId: string, key = s.tenantAKey) => {
        api.clock.advance(1000);
        return call('POST', `/v1/sites/${s.siteId}/access-points/${apId}/enter`, key, {
          courierId,
        });
      };
      expect((await enter(s.courierId)).json()).toMatchObject({ outcome: 'allowed' });
      expect(complex.seen).toMatchObject([
        { ok: true, courierId: s.courierId, accessPointId: apId },
      ]);
      expect((await enter(s.idleCourierId)).json()).toMatchObject({
        outcome: 'refused',
        reason: 'no-work-at-site',
      });
      complex.fail();
      expect((await enter(s.courierId)).json()).toMatchObject({
        outcome: 'failed',
        reason: 'http-503',
      });
      api.clock.advance(30 * 60_000);
      expect((await enter(s.courierId)).json()).toMatchObject({
        outcome: 'refused',
        reason: 'outside-window',
      });
      expect((await enter(s.courierId, s.tenantBKey)).statusCode).toBe(404);

      const key = await call('POST', `/v1/operator/sites/${s.siteId}/keys`, s.operatorKey, {
        label: 'guard house',
      });
      const siteKey = key.json().apiKey as string;
      const log = await call('GET', '/v1/site/passages', siteKey);
      expect(log.statusCode).toBe(200);
      expect(log.json().passages.map((p: { outcome: string }) => p.outcome)).toEqual([
        'allowed',
        'refused',
        'failed',
        'refused',
      ]);
      expect((await call('GET', '/v1/site', siteKey)).json().accessPoints).toHaveLength(1);
      expect((await call('GET', '/v1/orders', siteKey)).statusCode).toBe(403);
      expect((await call('GET', '/v1/site/passages', s.tenantAKey)).statusCode).toBe(403);
      const other = await api.t.store.createSite(s.operator.id, {
        name: 'Other',
        kind: 'office-centre',
        address: 'x',
      });
      const otherKey = await api.t.store.issueSiteKey(s.operator.id, other.id, 'other');
      expect((await call('GET', '/v1/site/passages', otherKey.apiKey)).json().passages).toEqual([]);
    } finally {
      await complex.close();
    }
  });
});
