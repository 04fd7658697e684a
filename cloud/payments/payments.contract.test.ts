import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockerEvent } from '../../protocol/index.ts';
import { LOCKER_EVENT_TYPES as T } from '../domain/locker-event-types.ts';
import {
  FakeClock,
  provisionTestLocker,
  seedNetwork,
  TEST_ENGINES,
  type TestStore,
} from '../store/test-stores.ts';

const cod = { kind: 'delivery', lockerId: 'L1', size: 'M', barcode: 'BC1' } as const;

/** A hand-driven locker: numbers its events gap-free as the agent does. */
function lockerFeed(store: TestStore['store'], lockerId = 'L1') {
  let seq = 0;
  return async (...bodies: [string, Record<string, unknown>][]) => {
    const events: LockerEvent[] = bodies.map(([type, body]) => ({
      lockerId,
      seq: ++seq,
      at: 1000 + seq,
      type,
      body,
    }));
    return store.ingest(lockerId, events, 2000 + seq);
  };
}

describe.each(TEST_ENGINES)('store contract ($engine): payments', ({ open }) => {
  let t: TestStore;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock();
    t = await open(clock);
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('a COD order carries its amount to the locker and is paid by one approved payment, once', async () => {
    const { tenant } = await seedNetwork(t.store);
    const { orderId } = await t.store.createOrder(tenant.id, { ...cod, amountDueKopecks: 150_00 });
    const sync = await t.store.buildSyncMessage('L1');
    expect(sync.parcels?.find((p) => p.orderId === orderId)?.amountDueKopecks).toBe(150_00);
    const feed = lockerFeed(t.store);
    const started = {
      paymentId: 'p1',
      orderId,
      purpose: 'cod',
      method: 'pos',
      amountKopecks: 150_00,
    };
    const approved = {
      paymentId: 'p1',
      orderId,
      method: 'pos',
      amountKopecks: 150_00,
      providerRef: 'RRN1',
    };
    await feed([T.paymentStarted, started]);
    expect((await t.store.getOrder(orderId))?.payment).toMatchObject({
      paid: false,
      payments: [{ state: 'started' }],
    });
    // The same approval reported twice (an agent resending after a crash) and a late `started`.
    await feed(
      [T.paymentApproved, approved],
      [T.paymentApproved, approved],
      [T.paymentStarted, started],
    );
    const payment = (await t.store.getOrder(orderId))?.payment;
    expect(payment).toMatchObject({
      amountDueKopecks: 150_00,
      paid: true,
      payments: [{ paymentId: 'p1', state: 'approved', providerRef: 'RRN1', purpose: 'cod' }],
    });
    expect(payment?.receipts).toEqual([
      expect.objectContaining({
        paymentId: 'p1',
        kind: 'sale',
        amountKopecks: 150_00,
        status: 'pending',
      }),
    ]);
  });

  it('a declined payment leaves the order unpaid; a refund makes one refund receipt and unpays', async () => {
    const { tenant } = await seedNetwork(t.store);
    const { orderId } = await t.store.createOrder(tenant.id, { ...cod, amountDueKopecks: 500 });
    const feed = lockerFeed(t.store);
    const base = { orderId, method: 'pos', amountKopecks: 500 };
    await feed(
      [T.paymentStarted, { ...base, paymentId: 'p1', purpose: 'cod' }],
      [T.paymentDeclined, { paymentId: 'p1', orderId, reason: 'declined' }],
      [T.paymentApproved, { ...base, paymentId: 'p1', providerRef: 'late' }],
    );
    let view = (await t.store.getOrder(orderId))?.payment;
    expect(view).toMatchObject({
      paid: false,
      payments: [{ state: 'declined', failure: 'declined' }],
      receipts: [],
    });
    const refunded = {
      paymentId: 'p2',
      orderId,
      amountKopecks: 500,
      providerRef: 'RF',
      reason: 'door',
    };
    await feed(
      [T.paymentStarted, { ...base, paymentId: 'p2', purpose: 'cod' }],
      [T.paymentApproved, { ...base, paymentId: 'p2', providerRef: 'RRN2' }],
      [T.paymentRefunded, refunded],
      [T.paymentRefunded, refunded],
    );
    view = (await t.store.getOrder(orderId))?.payment;
    expect(view?.paid).toBe(false);
    expect(view?.payments.find((p) => p.paymentId === 'p2')?.state).toBe('refunded');
    expect(view?.receipts.map((r) => [r.paymentId, r.kind])).toEqual([
      ['p2', 'sale'],
      ['p2', 'refund'],
    ]);
  });

  it('ignores payment events about another locker’s payment and bodies that do not parse', async () => {
    const { tenant, operator } = await seedNetwork(t.store);
    await provisionTestLocker(t.store, operator.id, 'L2', 55.7, 37.6, { M: 1 });
    const { orderId } = await t.store.createOrder(tenant.id, cod);
    await lockerFeed(t.store)([
      T.paymentStarted,
      { paymentId: 'p1', orderId, purpose: 'rental', method: 'pos', amountKopecks: 100 },
    ]);
    await lockerFeed(t.store, 'L2')(
      [
        T.paymentApproved,
        { paymentId: 'p1', orderId, method: 'pos', amountKopecks: 100, providerRef: 'x' },
      ],
      [T.paymentStarted, { paymentId: 'p9', orderId, amountKopecks: -5 }],
    );
    expect((await t.store.getOrder(orderId))?.payment.payments).toEqual([
      expect.objectContaining({ paymentId: 'p1', lockerId: 'L1', state: 'started' }),
    ]);
  });

  it('SBP: a QR becomes a payment-qr command; the provider’s outcome settles once and commands the locker', async () => {
    const { tenant } = await seedNetwork(t.store);
    const { orderId } = await t.store.createOrder(tenant.id, { ...cod, amountDueKopecks: 700 });
    const feed = lockerFeed(t.store);
    await feed([
      T.paymentStarted,
      { paymentId: 'p1', orderId, purpose: 'cod', method: 'sbp', amountKopecks: 700 },
    ]);
    expect((await t.store.paymentsNeedingQr()).map((p) => p.id)).toEqual(['p1']);
    const qr = {
      operationId: 'OP1',
      qrPayload: 'https://qr.nspk.ru/OP1',
      payableUntil: clock.now() + 60_000,
    };
    expect(await t.store.recordQr('p1', qr)).toBe(true);
    expect(await t.store.recordQr('p1', qr)).toBe(false);
    expect(await t.store.paymentsNeedingQr()).toEqual([]);
    const pending = await t.store.pendingCommands('L1');
    expect(pending).toEqual([
      expect.objectContaining({
        type: 'payment-qr',
        body: { paymentId: 'p1', qrPayload: qr.qrPayload, payableUntil: qr.payableUntil },
      }),
    ]);
    expect(await t.store.settleSbp('OP-unknown', { status: 'failed' })).toBe('unknown');
    expect(
      await t.store.settleSbp('OP1', { status: 'paid', amountKopecks: 1, providerRef: 'R' }),
    ).toBe('amount-mismatch');
    expect(
      await t.store.settleSbp('OP1', { status: 'paid', amountKopecks: 700, providerRef: 'R1' }),
    ).toBe('confirmed');
    expect(
      await t.store.settleSbp('OP1', { status: 'paid', amountKopecks: 700, providerRef: 'R1' }),
    ).toBe('duplicate');
    expect(await t.store.settleSbp('OP1', { status: 'expired' })).toBe('duplicate');
    const commands = await t.store.paymentCommands('p1');
    expect(commands.map((c) => c.type)).toEqual(['payment-qr', 'payment-confirmed']);
    expect((await t.store.getOrder(orderId))?.payment).toMatchObject({
      paid: true,
      receipts: [{ kind: 'sale' }],
    });
    // The locker's own approval after the confirm changes nothing more.
    await feed([
      T.paymentApproved,
      { paymentId: 'p1', orderId, method: 'sbp', amountKopecks: 700, providerRef: 'R1' },
    ]);
    expect((await t.store.getOrder(orderId))?.payment.receipts).toHaveLength(1);
  });

  it('resends an unanswered payment command until the locker’s command.result is committed', async () => {
    const { tenant } = await seedNetwork(t.store);
    const { orderId } = await t.store.createOrder(tenant.id, cod);
    const feed = lockerFeed(t.store);
    await feed([
      T.paymentStarted,
      { paymentId: 'p1', orderId, purpose: 'rental', method: 'sbp', amountKopecks: 100 },
    ]);
    await t.store.recordQr('p1', {
      operationId: 'OP1',
      qrPayload: 'q',
      payableUntil: clock.now() + 1000,
    });
    await t.store.settleSbp('OP1', { status: 'paid', amountKopecks: 100, providerRef: 'R' });
    const confirm = (await t.store.paymentCommands('p1')).find(
      (c) => c.type === 'payment-confirmed',
    );
    const id = confirm?.id as string;
    await t.store.markCommandSent(id);
    expect(await t.store.resendUnansweredPaymentCommands(5000)).toBe(0);
    clock.advance(4000);
    expect(await t.store.resendUnansweredPaymentCommands(5000)).toBe(0);
    clock.advance(1000);
    expect(await t.store.resendUnansweredPaymentCommands(5000)).toBe(1);
    expect((await t.store.pendingCommands('L1')).map((c) => c.id)).toContain(id);
    await t.store.markCommandSent(id);
    await feed([T.commandResult, { commandId: id, type: 'payment-confirmed', outcome: 'applied' }]);
    clock.advance(60_000);
    expect(await t.store.resendUnansweredPaymentCommands(5000)).toBe(0);
    expect((await t.store.paymentCommands('p1')).find((c) => c.id === id)).toMatchObject({
      status: 'applied',
      resends: 1,
    });
  });

  it('storage profiles: a bound profile’s tariffs reach the locker, a change bumps only bound lockers', async () => {
    const { operator } = await seedNetwork(t.store);
    await provisionTestLocker(t.store, operator.id, 'L2', 55.7, 37.6, { M: 1 });
    const before = (await t.store.buildSyncMessage('L1')).tariffs;
    expect(before?.map((x) => x.size)).toEqual(['S', 'M', 'L', 'XL']);
    const m = {
      size: 'M',
      firstHourKopecks: 10000,
      nextHourKopecks: 8000,
      dayCapKopecks: 50000,
    } as const;
    const profile = await t.store.createStorageProfile(operator.id, { name: 'City', tariffs: [m] });
    const version = async (id: string) => (await t.store.syncVersions()).get(id) ?? -1;
    const v1 = await version('L1');
    const v2 = await version('L2');
    await t.store.bindStorageProfile(operator.id, 'L1', profile.id);
    expect(await version('L1')).toBe(v1 + 1);
    const delta = await t.store.buildSyncMessage('L1', v1);
    expect(delta.kind).toBe('delta');
    expect(delta.tariffs?.find((x) => x.size === 'M')).toEqual(m);
    expect(delta.tariffs?.find((x) => x.size === 'S')).toEqual(before?.find((x) => x.size === 'S'));
    await t.store.updateStorageProfile(operator.id, profile.id, {
      name: 'City',
      tariffs: [{ ...m, nextHourKopecks: 7000 }],
    });
    expect(await version('L1')).toBe(v1 + 2);
    expect(await version('L2')).toBe(v2);
    expect(
      (await t.store.buildSyncMessage('L1', v1 + 1)).tariffs?.find((x) => x.size === 'M')
        ?.nextHourKopecks,
    ).toBe(7000);
    await expect(t.store.deleteStorageProfile(operator.id, profile.id)).rejects.toThrow(/bound/);
    await t.store.bindStorageProfile(operator.id, 'L1', null);
    expect((await t.store.buildSyncMessage('L1')).tariffs).toEqual(before);
    await t.store.deleteStorageProfile(operator.id, profile.id);
    expect(await t.store.listStorageProfiles(operator.id)).toEqual([]);
    const other = await t.store.createOperator('Other');
    await expect(t.store.bindStorageProfile(other.operator.id, 'L1', null)).rejects.toThrow(
      /no locker/,
    );
  });
});
