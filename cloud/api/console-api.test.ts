import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockerEvent } from '../../protocol/index.ts';
import { LOCKER_EVENT_TYPES as T } from '../domain/locker-event-types.ts';
import { testVault } from '../notifications/notification-test-support.ts';
import { cookieHeaders, seedConsole } from './console-test-support.ts';
import { bearer, type TestApi, testApi } from './test-api.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

describe('console API: every route by role, over the session cookie', () => {
  let api: TestApi;
  let seed: Awaited<ReturnType<typeof seedConsole>>;
  beforeEach(async () => {
    api = await testApi(undefined, {
      notifications: { vault: testVault(), channels: ['recording'] },
    });
    seed = await seedConsole(api);
  });
  afterEach(async () => {
    await api.dispose();
  });

  /** A call as the console page makes it, signed in as `who` (a seedConsole cookie name). */
  const as = (who: string, method: Method, url: string, payload?: object) =>
    api.app.inject({
      method,
      url,
      headers: cookieHeaders(seed.cookies[who] as string),
      ...(payload === undefined ? {} : { payload }),
    });
  const forbiddenFor = async (
    who: string,
    method: Method,
    url: string,
    needed: string,
    payload?: object,
  ) => {
    const res = await as(who, method, url, payload);
    expect(res.statusCode, `${who} ${method} ${url}: ${res.body}`).toBe(403);
    expect(res.json().message).toBe(`not allowed: this needs the ${needed} role`);
  };
  const ingest = (lockerId: string, from: number, list: [string, Record<string, unknown>][]) =>
    api.t.store.ingest(
      lockerId,
      list.map(
        ([type, body], i): LockerEvent => ({
          lockerId,
          seq: from + i,
          at: api.clock.now(),
          type,
          body,
        }),
      ),
      api.clock.now(),
    );
  const order = async (key: string, body: object = {}) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: bearer(key),
      payload: {
        kind: 'delivery',
        lockerId: 'L1',
        size: 'M',
        barcode: `B-${Math.random()}`,
        ...body,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().order as { id: string; tenantId: string };
  };

  it('viewer reads the fleet, a locker and its logs; remote open and cell service need a dispatcher', async () => {
    const fleet = await as('viewer', 'GET', '/v1/operator/lockers?state=offline&q=l1');
    expect(fleet.statusCode).toBe(200);
    expect(fleet.json()).toMatchObject({
      total: 1,
      lockers: [{ id: 'L1', online: false, free: { M: 2 } }],
    });
    const detail = await as('viewer', 'GET', '/v1/operator/lockers/L1');
    expect(
      detail
        .json()
        .cellList.map((c: { cellId: string; state: string }) => `${c.cellId}:${c.state}`),
    ).toEqual(['M1:free', 'M2:free']);
    expect(detail.json().sync).toMatchObject({ committedSeq: 0, lastStatus: null });
    expect((await as('viewer', 'GET', '/v1/operator/lockers/L1/events')).json()).toEqual({
      events: [],
    });
    expect((await as('viewer', 'GET', '/v1/operator/lockers/L1/audit')).statusCode).toBe(200);

    const body = { cellId: 'M1', reason: 'customer stuck at the door' };
    await forbiddenFor('viewer', 'POST', '/v1/operator/lockers/L1/remote-open', 'dispatcher', body);
    const open = await as('dispatcher', 'POST', '/v1/operator/lockers/L1/remote-open', body);
    expect(open.statusCode).toBe(202);
    const command = await as('viewer', 'GET', `/v1/operator/commands/${open.json().id}`);
    expect(command.json().status).toBe('pending');
    await ingest('L1', 1, [
      ['door.opened', { cellId: 'M1', opId: 'o1' }],
      [T.commandResult, { commandId: open.json().id, type: 'remote-open', outcome: 'applied' }],
    ]);
    expect(
      (await as('viewer', 'GET', `/v1/operator/commands/${open.json().id}`)).json().status,
    ).toBe('applied');
    const log = (
      await as('viewer', 'GET', '/v1/operator/lockers/L1/events?type=door.opened')
    ).json();
    expect(log.events).toMatchObject([{ seq: 1, type: 'door.opened', body: { cellId: 'M1' } }]);
    const audit = (await as('viewer', 'GET', '/v1/operator/lockers/L1/audit')).json();
    expect(audit.entries[0]).toMatchObject({
      actor: 'dispatcher@op.example',
      action: 'command.remote-open',
    });

    const service = { inService: false, reason: 'hinge broken' };
    await forbiddenFor(
      'viewer',
      'POST',
      '/v1/operator/lockers/L1/cells/M2/service',
      'dispatcher',
      service,
    );
    expect(
      (await as('dispatcher', 'POST', '/v1/operator/lockers/L1/cells/M2/service', service))
        .statusCode,
    ).toBe(202);
    const after = (await as('viewer', 'GET', '/v1/operator/lockers/L1')).json();
    expect(after.cellList[1].state).toBe('out-of-service');
    expect(after.free.M).toBe(1);
  });

  it('alarms: viewer lists, dispatcher acknowledges and resolves with a note; tenants get 403', async () => {
    await ingest('L1', 1, [[T.alarmRaised, { alarmId: 3, kind: 'door-forced', cellId: 'M1' }]]);
    const list = (await as('viewer', 'GET', '/v1/operator/alarms')).json();
    expect(list.alarms).toMatchObject([{ id: 'L1/3', kind: 'door-forced', acked: null }]);
    const id = encodeURIComponent('L1/3');
    await forbiddenFor('viewer', 'POST', `/v1/operator/alarms/${id}/ack`, 'dispatcher', {});
    const ack = await as('dispatcher', 'POST', `/v1/operator/alarms/${id}/ack`, { note: 'going' });
    expect(ack.json().acked).toMatchObject({ by: 'dispatcher@op.example', note: 'going' });
    expect(
      (await as('dispatcher', 'POST', `/v1/operator/alarms/${id}/resolve`, {})).statusCode,
    ).toBe(400);
    const resolved = await as('dispatcher', 'POST', `/v1/operator/alarms/${id}/resolve`, {
      note: 'door fixed',
    });
    expect(resolved.json().resolved).toMatchObject({
      by: 'dispatcher@op.example',
      note: 'door fixed',
    });
    expect((await as('viewer', 'GET', '/v1/operator/alarms')).json().alarms).toEqual([]);
    const tenant = await as('a-dispatcher', 'GET', '/v1/operator/alarms');
    expect(tenant.statusCode).toBe(403);
    expect((await as('a-viewer', 'GET', '/v1/operator/lockers')).statusCode).toBe(403);
  });

  it('orders: a dispatcher acts across tenants at its lockers; a tenant user sees and changes only its own', async () => {
    const a = await order(seed.keys.tenantA, { barcode: 'A-1' });
    const b = await order(seed.keys.tenantB, { barcode: 'B-1' });
    const search = async (who: string, q: string) =>
      ((await as(who, 'GET', `/v1/orders/search?q=${q}`)).json().orders as { id: string }[]).map(
        (o) => o.id,
      );
    expect(await search('viewer', 'B-1')).toEqual([b.id]);
    expect(await search('a-viewer', 'A-1')).toEqual([a.id]);
    expect(await search('a-viewer', 'B-1')).toEqual([]);
    expect((await as('a-viewer', 'GET', `/v1/orders/${b.id}`)).statusCode).toBe(403);
    expect((await as('a-viewer', 'GET', `/v1/orders/${b.id}/events`)).statusCode).toBe(404);
    expect((await as('viewer', 'GET', `/v1/orders/${b.id}`)).json().tenantId).toBe(
      seed.ids.tenantB,
    );

    await forbiddenFor('viewer', 'POST', `/v1/orders/${b.id}/extend`, 'dispatcher', { hours: 24 });
    await forbiddenFor('a-viewer', 'POST', `/v1/orders/${a.id}/cancel`, 'dispatcher', {});
    expect(
      (await as('dispatcher', 'POST', `/v1/orders/${b.id}/extend`, { hours: 24 })).statusCode,
    ).toBe(200);
    expect((await as('a-dispatcher', 'POST', `/v1/orders/${b.id}/cancel`, {})).statusCode).toBe(
      403,
    );
    const redirected = await as('dispatcher', 'POST', `/v1/orders/${b.id}/redirect`, {
      lockerId: 'L2',
    });
    expect(redirected.statusCode, redirected.body).toBe(200);
    expect(redirected.json().order.steps.at(-1).lockerId).toBe('L2');
    const cancelled = await as('a-dispatcher', 'POST', `/v1/orders/${a.id}/cancel`, {});
    expect(cancelled.json().status).toBe('cancelled');
    // Another operator's dispatcher does not see them at all.
    const other = await api.app.inject({
      method: 'POST',
      url: '/v1/admin/operators',
      headers: bearer('test-admin-key-0123456789'),
      payload: { name: 'Other' },
    });
    const foreign = await api.app.inject({
      method: 'GET',
      url: `/v1/orders/${b.id}`,
      headers: bearer(other.json().apiKey),
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('finds an order by the last four digits of the recipient’s phone, sealed at rest', async () => {
    const rental = await order(seed.keys.tenantA, {
      kind: 'rental',
      barcode: 'R-1',
      recipient: { phone: '+79161234567' },
    });
    await order(seed.keys.tenantA, {
      kind: 'rental',
      barcode: 'R-2',
      recipient: { phone: '+79160000001' },
    });
    const found = (await as('viewer', 'GET', '/v1/orders/search?q=4567')).json().orders;
    expect(found.map((o: { id: string }) => o.id)).toEqual([rental.id]);
    expect(found[0].recipient.phone).toBe('+7 *** ***-45-67');
    expect((await as('b-viewer', 'GET', '/v1/orders/search?q=4567')).json().orders).toEqual([]);
  });

  it('tenants and keys: an operator admin creates a tenant, issues and revokes its keys, sets its webhook', async () => {
    await forbiddenFor('dispatcher', 'POST', '/v1/operator/tenants', 'admin', {
      name: 'C',
      kind: 'shop',
    });
    const created = await as('admin', 'POST', '/v1/operator/tenants', { name: 'C', kind: 'shop' });
    expect(created.statusCode).toBe(201);
    const { tenantId, apiKey } = created.json();
    expect(
      (await api.app.inject({ method: 'GET', url: '/v1/lockers', headers: bearer(apiKey) })).json()
        .lockers,
    ).toHaveLength(2);
    const tenants = (await as('viewer', 'GET', '/v1/operator/tenants')).json().tenants;
    expect(tenants.map((t: { name: string }) => t.name)).toEqual(['A', 'B', 'C']);
    await forbiddenFor('viewer', 'GET', `/v1/operator/tenants/${tenantId}/keys`, 'admin');
    const issued = (
      await as('admin', 'POST', `/v1/operator/tenants/${tenantId}/keys`, { label: 'ci' })
    ).json();
    expect(issued.apiKey).toMatch(/^pk_/);
    const keys = (await as('admin', 'GET', `/v1/operator/tenants/${tenantId}/keys`)).json().keys;
    expect(keys).toHaveLength(2);
    expect(JSON.stringify(keys)).not.toContain(issued.apiKey.split('.')[1]);
    expect(
      (await as('admin', 'DELETE', `/v1/operator/tenants/${tenantId}/keys/${issued.keyId}`))
        .statusCode,
    ).toBe(204);
    expect(
      (await api.app.inject({ method: 'GET', url: '/v1/lockers', headers: bearer(issued.apiKey) }))
        .statusCode,
    ).toBe(401);

    const hook = await as(
      'admin',
      'PUT',
      `/v1/operator/tenants/${seed.ids.tenantA}/webhooks/endpoint`,
      { url: 'http://127.0.0.1:9/hook' },
    );
    expect(hook.json().secret.length).toBeGreaterThan(20);
    await order(seed.keys.tenantA);
    const deliveries = (
      await as('admin', 'GET', `/v1/operator/tenants/${seed.ids.tenantA}/webhooks/deliveries`)
    ).json().deliveries;
    expect(deliveries[0]).toMatchObject({ event: 'order.status', status: 'pending' });
    expect(
      (
        await as(
          'admin',
          'POST',
          `/v1/operator/tenants/${seed.ids.tenantA}/webhooks/deliveries/${deliveries[0].id}/replay`,
        )
      ).statusCode,
    ).toBe(202);
    // The tenant's own viewer reads its delivery log; not another tenant's, not the keys.
    expect((await as('a-viewer', 'GET', '/v1/webhooks/deliveries')).json().deliveries).toHaveLength(
      1,
    );
    expect((await as('b-viewer', 'GET', '/v1/webhooks/deliveries')).json().deliveries).toEqual([]);
    await forbiddenFor('a-viewer', 'GET', '/v1/keys', 'admin');
    // Another operator's admin: the tenant is not theirs.
    const other = await api.app.inject({
      method: 'POST',
      url: '/v1/admin/operators',
      headers: bearer('test-admin-key-0123456789'),
      payload: { name: 'Other' },
    });
    const foreign = await api.app.inject({
      method: 'GET',
      url: `/v1/operator/tenants/${tenantId}/keys`,
      headers: bearer(other.json().apiKey),
    });
    expect(foreign.statusCode).toBe(404);
  });
});
