import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCKER_EVENT_TYPES as T } from '../domain/locker-event-types.ts';
import { bearer, seedApi, type TestApi, testApi } from './test-api.ts';

const lockerSpec = {
  id: 'L9',
  address: 'Tverskaya 1',
  lat: 55.76,
  lon: 37.61,
  cells: [
    { cellId: 'A1', bus: 'bus0', board: 1, channel: 1, size: 'S', features: ['refrigerated'] },
    { cellId: 'A2', bus: 'bus0', board: 1, channel: 2, size: 'M' },
  ],
};

describe('operator endpoints', () => {
  let api: TestApi;
  let keys: Awaited<ReturnType<typeof seedApi>>;
  beforeEach(async () => {
    api = await testApi();
    keys = await seedApi(api);
  });
  afterEach(async () => {
    await api.dispose();
  });

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, key: string, payload?: object) =>
    api.app.inject({
      method,
      url,
      headers: bearer(key),
      ...(payload === undefined ? {} : { payload }),
    });

  it('provisions a locker: MQTT credentials that verify, a hash key, an agent config file', async () => {
    const res = await call('POST', '/v1/operator/lockers', keys.operatorKey, lockerSpec);
    expect(res.statusCode).toBe(201);
    const { agentConfig } = res.json();
    expect(agentConfig).toMatchObject({
      lockerId: 'L9',
      boards: { buses: [{ id: 'bus0', boards: [{ address: 1 }] }] },
      cells: [
        { cellId: 'A1', board: 'bus0:1', channel: 1, size: 'S', features: ['refrigerated'] },
        {},
      ],
      sync: { url: 'mqtt://127.0.0.1:1883' },
    });
    expect(agentConfig.hashKey.length).toBeGreaterThanOrEqual(16);
    expect(await api.t.store.verifyLockerSecret('L9', agentConfig.sync.secret)).toBe(true);
    const sync = await api.t.store.buildSyncMessage('L9');
    expect(sync.layout?.map((c) => c.cellId)).toEqual(['A1', 'A2']);
    expect(
      (await call('POST', '/v1/operator/lockers', keys.operatorKey, lockerSpec)).statusCode,
    ).toBe(409);
    expect((await call('POST', '/v1/operator/lockers', keys.tenantA, lockerSpec)).statusCode).toBe(
      403,
    );
  });

  it('remote open needs a reason, is audited and expires', async () => {
    const noReason = await call('POST', '/v1/operator/lockers/L1/remote-open', keys.operatorKey, {
      cellId: 'M1',
    });
    expect(noReason.statusCode).toBe(400);
    const res = await call('POST', '/v1/operator/lockers/L1/remote-open', keys.operatorKey, {
      cellId: 'M1',
      reason: 'courier stuck',
      ttlSeconds: 60,
    });
    expect(res.statusCode).toBe(202);
    const command = res.json();
    expect(command.expiresAt - command.issuedAt).toBe(60_000);
    expect((await api.t.store.pendingCommands('L1')).map((c) => c.id)).toEqual([command.id]);
    const audit = (await call('GET', '/v1/operator/lockers/L1/audit', keys.operatorKey)).json();
    expect(audit.entries[0]).toMatchObject({
      action: 'command.remote-open',
      detail: { reason: 'courier stuck' },
    });
    api.clock.advance(61_000);
    expect(await api.t.store.pendingCommands('L1')).toEqual([]);
    const foreign = await call('POST', '/v1/operator/lockers/NOPE/remote-open', keys.operatorKey, {
      cellId: 'M1',
      reason: 'nothing',
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('takes a cell out of service, which removes it from bookable capacity', async () => {
    const out = await call('POST', '/v1/operator/lockers/L2/cells/M1/service', keys.operatorKey, {
      inService: false,
      reason: 'lock broken',
    });
    expect(out.statusCode).toBe(202);
    const order = { kind: 'delivery', lockerId: 'L2', size: 'M', barcode: 'X' };
    const res = await call('POST', '/v1/orders', keys.tenantA, order);
    expect(res.statusCode).toBe(409);
    const missing = await call(
      'POST',
      '/v1/operator/lockers/L2/cells/ZZ/service',
      keys.operatorKey,
      {
        inService: false,
        reason: 'lock broken',
      },
    );
    expect(missing.statusCode).toBe(404);
  });

  it('shows fleet status and alarms reported by lockers', async () => {
    await api.t.store.setLockerStatus('L1', true, api.clock.now());
    const event = {
      lockerId: 'L2',
      seq: 1,
      at: 5,
      type: T.alarmRaised,
      body: { kind: 'forced-open', cellId: 'M1' },
    };
    await api.t.store.ingest('L2', [event], api.clock.now());
    const fleet = (await call('GET', '/v1/operator/fleet', keys.operatorKey)).json();
    expect(fleet).toMatchObject({ lockers: 2, online: 1, openAlarms: 1 });
    const alarms = (await call('GET', '/v1/operator/alarms', keys.operatorKey)).json();
    expect(alarms.alarms[0]).toMatchObject({ lockerId: 'L2', kind: 'forced-open' });
    const locker = (await call('GET', '/v1/lockers/L2', keys.tenantA)).json();
    expect(locker.openAlarms).toBe(1);
  });

  it('sets a webhook endpoint, lists deliveries and replays one', async () => {
    const endpoint = await call('PUT', '/v1/webhooks/endpoint', keys.tenantA, {
      url: 'http://127.0.0.1:9/h',
    });
    expect(endpoint.statusCode).toBe(200);
    expect(endpoint.json().secret).toHaveLength(43);
    await call('POST', '/v1/orders', keys.tenantA, {
      kind: 'return',
      lockerId: 'L1',
      size: 'M',
      barcode: 'R',
    });
    const { deliveries } = (await call('GET', '/v1/webhooks/deliveries', keys.tenantA)).json();
    expect(deliveries).toHaveLength(1);
    expect(
      (await call('POST', `/v1/webhooks/deliveries/${deliveries[0].id}/replay`, keys.tenantA))
        .statusCode,
    ).toBe(202);
    expect(
      (await call('POST', `/v1/webhooks/deliveries/${deliveries[0].id}/replay`, keys.tenantB))
        .statusCode,
    ).toBe(404);
    expect((await call('GET', '/v1/webhooks/deliveries', keys.tenantB)).json().deliveries).toEqual(
      [],
    );
  });

  it('gives a tenant its courier’s daily code, refuses impossible days and other tenants', async () => {
    const courier = (await call('POST', '/v1/couriers', keys.tenantA, { name: 'Ivan' })).json();
    const res = await call(
      'GET',
      `/v1/couriers/${courier.id}/daily-code?date=2026-06-01`,
      keys.tenantA,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().code).toMatch(/^[0-9]{8}$/);
    expect(
      (await call('GET', `/v1/couriers/${courier.id}/daily-code?date=2026-02-30`, keys.tenantA))
        .statusCode,
    ).toBe(400);
    expect(
      (await call('GET', `/v1/couriers/${courier.id}/daily-code`, keys.tenantB)).statusCode,
    ).toBe(404);
  });
});
