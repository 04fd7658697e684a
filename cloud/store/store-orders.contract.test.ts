import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PICKUP_CODE_PATTERN } from '../../protocol/index.ts';
import { keyedHash } from '../security/secrets.ts';
import {
  FakeClock,
  provisionTestLocker,
  seedNetwork,
  TEST_ENGINES,
  type TestStore,
} from './test-stores.ts';

const parcel = { kind: 'delivery', lockerId: 'L1', size: 'M', barcode: 'BC1' } as const;

describe.each(TEST_ENGINES)('store contract ($engine): orders and booking', ({ open }) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await open(new FakeClock());
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('books a delivery: steps, timeline, a 6-digit pickup code stored only as a keyed hash', async () => {
    const { tenant, locker } = await seedNetwork(t.store);
    const { orderId, codes } = await t.store.createOrder(tenant.id, parcel);
    const order = await t.store.getOrder(orderId);
    expect(order).toMatchObject({ status: 'booked', kind: 'delivery', tenantId: tenant.id });
    expect(order?.steps.map((s) => `${s.kind}:${s.role}`)).toEqual([
      'deposit:courier',
      'collect:recipient',
    ]);
    expect(order?.timeline.map((h) => h.status)).toEqual(['created', 'booked']);
    expect(codes).toHaveLength(1);
    const code = codes[0]!;
    expect(code.code).toMatch(PICKUP_CODE_PATTERN);
    const sync = await t.store.buildSyncMessage('L1');
    expect(sync.codes?.[0]?.codeHash).toBe(keyedHash(locker.hashKey, 'pickup-code', code.code));
    expect(JSON.stringify(sync)).not.toContain(code.code);
    expect(JSON.stringify(await t.store.getOrder(orderId))).not.toContain(code.code);
  });

  it('never books more than the locker holds, and a cancel gives the capacity back', async () => {
    const { tenant } = await seedNetwork(t.store, { M: 2, L: 1 });
    const first = await t.store.createOrder(tenant.id, parcel);
    await t.store.createOrder(tenant.id, parcel);
    await expect(t.store.createOrder(tenant.id, parcel)).rejects.toMatchObject({
      code: 'no-free-cell',
      details: { lockerId: 'L1' },
    });
    await t.store.createOrder(tenant.id, { ...parcel, size: 'L' });
    await t.store.cancelOrder(tenant.id, first.orderId);
    expect((await t.store.getOrder(first.orderId))?.status).toBe('cancelled');
    await t.store.createOrder(tenant.id, parcel);
  });

  it('does not oversell under many concurrent bookings', async () => {
    const { tenant } = await seedNetwork(t.store, { M: 5 });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        t.store.createOrder(tenant.id, { ...parcel, barcode: `B${i}` }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok).toHaveLength(5);
    for (const r of refused)
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'no-free-cell' });
  });

  it('keeps live codes of one locker distinct', async () => {
    const { tenant } = await seedNetwork(t.store, { S: 60 });
    const codes = [];
    for (let i = 0; i < 60; i++) {
      const created = await t.store.createOrder(tenant.id, {
        ...parcel,
        size: 'S',
        barcode: `B${i}`,
      });
      codes.push(...created.codes.map((c) => c.code));
    }
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('refuses lockers the operator has not opened to the tenant', async () => {
    const { operator } = await seedNetwork(t.store);
    const stranger = await t.store.createTenant('Stranger', 'shop');
    await expect(t.store.createOrder(stranger.tenant.id, parcel)).rejects.toMatchObject({
      code: 'not-found',
    });
    await t.store.grantTenant(operator.id, stranger.tenant.id);
    await t.store.createOrder(stranger.tenant.id, parcel);
  });

  it('plans every kind of order as deposit/collect steps', async () => {
    const { tenant, operator } = await seedNetwork(t.store, { M: 10 });
    await provisionTestLocker(t.store, operator.id, 'L2', 55.76, 37.62, { M: 2 });
    const shape = async (input: object) => {
      const { orderId, codes } = await t.store.createOrder(tenant.id, { ...parcel, ...input });
      const order = await t.store.getOrder(orderId);
      return {
        steps: order?.steps.map((s) => `${s.kind}:${s.role}@${s.lockerId}`),
        codes: codes.map((c) => c.purpose),
      };
    };
    expect(await shape({ kind: 'return' })).toEqual({
      steps: ['deposit:sender@L1', 'collect:courier@L1'],
      codes: ['return'],
    });
    expect(await shape({ kind: 'rental' })).toEqual({
      steps: ['deposit:renter@L1', 'collect:renter@L1'],
      codes: ['deposit', 'rental'],
    });
    expect((await shape({ kind: 'service-round-trip' })).steps).toHaveLength(4);
    expect(await shape({ kind: 'resident-to-resident', toLockerId: 'L2' })).toEqual({
      steps: [
        'deposit:sender@L1',
        'collect:courier@L1',
        'deposit:courier@L2',
        'collect:recipient@L2',
      ],
      codes: ['deposit', 'pickup'],
    });
  });

  it('redirects a booked order with a new code, and extends its storage', async () => {
    const { tenant, operator } = await seedNetwork(t.store);
    await provisionTestLocker(t.store, operator.id, 'L2', 55.76, 37.62, { M: 1 });
    const { orderId, codes } = await t.store.createOrder(tenant.id, parcel);
    const pushed = (await t.store.buildSyncMessage('L1')).codes ?? [];
    const hash = pushed.find((c) => c.stepId === codes[0]?.stepId)?.codeHash;
    expect(hash).toBeDefined();
    const redirected = await t.store.redirectOrder(tenant.id, orderId, 'L2');
    expect(redirected.codes[0]?.lockerId).toBe('L2');
    const order = await t.store.getOrder(orderId);
    expect(order?.steps.every((s) => s.lockerId === 'L2')).toBe(true);
    expect(order?.bookings.map((b) => b.lockerId)).toEqual(['L2']);
    const l1 = await t.store.buildSyncMessage('L1', 1);
    expect(l1.removed?.codes).toEqual([hash]);
    const before = order?.bookings[0]?.validUntil ?? 0;
    await t.store.extendOrder(tenant.id, orderId, 24);
    expect((await t.store.getOrder(orderId))?.bookings[0]?.validUntil).toBe(
      before + 24 * 3_600_000,
    );
    await expect(t.store.redirectOrder(tenant.id, orderId, 'L2')).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('cancels an order once when cancels race', async () => {
    const { tenant } = await seedNetwork(t.store);
    const { orderId } = await t.store.createOrder(tenant.id, parcel);
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map(() => t.store.cancelOrder(tenant.id, orderId)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const timeline = (await t.store.getOrder(orderId))?.timeline.map((h) => h.status);
    expect(timeline).toEqual(['created', 'booked', 'cancelled']);
  });
});
