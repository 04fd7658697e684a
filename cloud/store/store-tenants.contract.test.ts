import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyedHash } from '../security/secrets.ts';
import { FakeClock, seedNetwork, TEST_ENGINES, type TestStore } from './test-stores.ts';

describe.each(TEST_ENGINES)('store contract ($engine): tenants, keys, lockers', ({ open }) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await open(new FakeClock());
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('authenticates live keys only, several per tenant, revocable', async () => {
    const { tenant, apiKey } = await t.store.createTenant('Shop', 'marketplace');
    const second = await t.store.issueKey('tenant', tenant.id, 'ci');
    expect(await t.store.authenticate(apiKey)).toMatchObject({ kind: 'tenant', id: tenant.id });
    expect(await t.store.authenticate(second.apiKey)).toMatchObject({ id: tenant.id });
    await t.store.revokeKey('tenant', tenant.id, second.keyId);
    expect(await t.store.authenticate(second.apiKey)).toBeUndefined();
    expect(await t.store.authenticate(apiKey)).toBeDefined();
    expect(await t.store.authenticate(`${apiKey.slice(0, -1)}x`)).toBeUndefined();
    expect(await t.store.authenticate('nonsense')).toBeUndefined();
    const keys = await t.store.listKeys('tenant', tenant.id);
    expect(keys).toHaveLength(2);
    expect(JSON.stringify(keys)).not.toContain(apiKey.split('.')[1]);
  });

  it('verifies a locker MQTT secret against its hash', async () => {
    const { locker } = await seedNetwork(t.store);
    expect(await t.store.verifyLockerSecret('L1', locker.mqttSecret)).toBe(true);
    expect(await t.store.verifyLockerSecret('L1', `${locker.mqttSecret}x`)).toBe(false);
    expect(await t.store.verifyLockerSecret('L2', locker.mqttSecret)).toBe(false);
  });

  it('refuses provisioning the same locker id twice, or at another operator’s site', async () => {
    const { operator } = await seedNetwork(t.store);
    const other = await t.store.createOperator('Other');
    const site = await t.store.createSite(other.operator.id, {
      name: 'ЖК',
      kind: 'residential-complex',
      address: 'a',
    });
    await expect(
      t.store.provisionLocker(operator.id, {
        id: 'L7',
        siteId: site.id,
        address: 'a',
        lat: 0,
        lon: 0,
        cells: [],
      }),
    ).rejects.toMatchObject({ code: 'not-found' });
    await t.store.provisionLocker(other.operator.id, {
      id: 'L7',
      siteId: site.id,
      address: 'a',
      lat: 0,
      lon: 0,
      cells: [],
    });
    expect((await t.store.syncVersions()).get('L7')).toBe(1);
    await expect(
      t.store.provisionLocker(operator.id, { id: 'L1', address: 'a', lat: 0, lon: 0, cells: [] }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('shows a tenant only lockers opened to it, and finds near ones with room', async () => {
    const { tenant } = await seedNetwork(t.store, { M: 1 });
    const other = await t.store.createTenant('Other', 'carrier');
    expect(await t.store.listLockers({ tenantId: tenant.id })).toHaveLength(1);
    expect(await t.store.listLockers({ tenantId: other.tenant.id })).toHaveLength(0);
    const window = { from: 0, until: Date.UTC(2030, 0, 1) };
    const near = await t.store.searchLockers(
      tenant.id,
      { lat: 55.751, lon: 37.611 },
      5,
      'M',
      window,
      10,
    );
    expect(near.map((n) => n.lockerId)).toEqual(['L1']);
    expect(
      await t.store.searchLockers(tenant.id, { lat: 55.751, lon: 37.611 }, 5, 'L', window, 10),
    ).toEqual([]);
    expect(
      await t.store.searchLockers(tenant.id, { lat: 59.9, lon: 30.3 }, 5, 'M', window, 10),
    ).toEqual([]);
  });

  it('claims an idempotency key once and replays the stored answer', async () => {
    expect(await t.store.claimIdempotencyKey('p', 'k', 'h1')).toEqual({ state: 'new' });
    expect(await t.store.claimIdempotencyKey('p', 'k', 'h1')).toEqual({ state: 'in-progress' });
    await t.store.completeIdempotencyKey('p', 'k', 201, '{"a":1}');
    expect(await t.store.claimIdempotencyKey('p', 'k', 'h1')).toEqual({
      state: 'replay',
      statusCode: 201,
      body: '{"a":1}',
    });
    expect(await t.store.claimIdempotencyKey('p', 'k', 'h2')).toEqual({ state: 'mismatch' });
    expect(await t.store.claimIdempotencyKey('q', 'k', 'h2')).toEqual({ state: 'new' });
  });

  it('records remote-open commands with an audit line, pending until sent or expired', async () => {
    const clock = new FakeClock();
    await t.dispose();
    t = await open(clock);
    const { operator } = await seedNetwork(t.store);
    const command = await t.store.createCommand({
      lockerId: 'L1',
      type: 'remote-open',
      body: { cellId: 'M1', reason: 'stuck parcel', operator: operator.id },
      ttlMs: 60_000,
      actor: operator.id,
    });
    expect(command.expiresAt - command.issuedAt).toBe(60_000);
    expect((await t.store.pendingCommands('L1')).map((c) => c.id)).toEqual([command.id]);
    await t.store.markCommandSent(command.id);
    expect(await t.store.pendingCommands('L1')).toEqual([]);
    const audit = await t.store.auditLog('L1');
    expect(audit[0]).toMatchObject({ actor: operator.id, action: 'command.remote-open' });
    expect(audit[0]?.detail).toMatchObject({ reason: 'stuck parcel' });
  });

  it('syncs courier daily codes as keyed hashes, revoked once the courier is deactivated', async () => {
    const { tenant, locker } = await seedNetwork(t.store);
    const outsider = await t.store.createTenant('Outsider', 'carrier');
    await t.store.createCourier(outsider.tenant.id, 'Not here');
    const courier = await t.store.createCourier(tenant.id, 'Ivan');
    const { code, validFrom, validUntil } = await t.store.courierDailyCode(
      tenant.id,
      courier.id,
      Date.UTC(2026, 0, 1, 12),
    );
    expect(code).toMatch(/^[0-9]{8}$/);
    expect(validUntil - validFrom).toBe(86_400_000);
    const sync = await t.store.buildSyncMessage('L1');
    expect(sync.credentials?.map((c) => c.holderId)).toEqual([courier.id, courier.id]);
    expect(sync.credentials?.[0]?.secretHash).toBe(
      keyedHash(locker.hashKey, 'courier-daily-code', code),
    );
    expect(JSON.stringify(sync)).not.toContain(code);
    await expect(t.store.courierDailyCode(outsider.tenant.id, courier.id, 0)).rejects.toMatchObject(
      { code: 'not-found' },
    );
    await t.store.deactivateCourier(tenant.id, courier.id);
    const after = await t.store.buildSyncMessage('L1');
    expect(after.credentials?.every((c) => c.revoked)).toBe(true);
  });
});
