import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventsOf, type Fixture, makeFixture, parcelSync, T0 } from './testing/agent-fixture.ts';

let f: Fixture;
beforeEach(() => {
  f = makeFixture();
});
afterEach(() => f.close());

function courier(): string {
  const r = f.agent.courierLogin({ badge: 'B-100', pin: '1234' });
  if (!r.ok) throw new Error(r.code);
  return r.session.id;
}
const cellState = (id: string) => f.agent.cells().find((c) => c.id === id)?.state;

describe('delivery', () => {
  it('courier deposits into the smallest fitting cell; recipient collects with the code', async () => {
    f.agent.sync.applySync(parcelSync(2, 'O1', ['BC-0001'], { size: 'M', code: '123456' }));
    const s = courier();
    const scan = f.agent.scanParcel(s, 'BC-0001');
    expect(scan).toMatchObject({ ok: true, cellId: 'C3' });
    await f.flush();
    expect(f.store.orders.step('O1/1')?.state).toBe('in-progress');
    f.openClose(3);
    expect(f.store.orders.step('O1/1')?.state).toBe('done');
    expect(f.agent.orderStatus('O1')).toBe('ready-for-pickup');
    expect(cellState('C3')).toBe('occupied');
    const collect = f.agent.enterCode('123456');
    expect(collect).toMatchObject({ ok: true, action: 'collect', cellIds: ['C3'] });
    await f.flush();
    f.openClose(3);
    expect(f.agent.orderStatus('O1')).toBe('completed');
    expect(cellState('C3')).toBe('free');
    expect(f.agent.enterCode('123456')).toMatchObject({ ok: false, code: 'code-used' });
  });

  it('a step is not done while the door was only unlocked', async () => {
    f.agent.sync.applySync(parcelSync(2, 'O1', ['BC-0001'], { code: '123456' }));
    f.agent.scanParcel(courier(), 'BC-0001');
    await f.flush();
    f.board.setDoor(1, 'open');
    expect(f.store.orders.step('O1/1')?.state).toBe('in-progress');
    f.board.setDoor(1, 'closed');
    expect(f.store.orders.step('O1/1')?.state).toBe('done');
  });

  it('a multi-parcel order opens all its cells with one code', async () => {
    f.agent.sync.applySync(parcelSync(2, 'O2', ['BC-A', 'BC-B'], { code: '654321' }));
    const s = courier();
    const a = f.agent.scanParcel(s, 'BC-A');
    await f.flush();
    f.openClose(1);
    expect(f.agent.orderStatus('O2')).toBe('booked');
    const b = f.agent.scanParcel(s, 'BC-B');
    await f.flush();
    f.openClose(2);
    expect(a).toMatchObject({ cellId: 'C1' });
    expect(b).toMatchObject({ cellId: 'C2' });
    const r = f.agent.enterCode('654321');
    expect(r).toMatchObject({ ok: true, cellIds: ['C1', 'C2'] });
    await f.flush();
    f.openClose(1);
    expect(f.agent.orderStatus('O2')).toBe('ready-for-pickup');
    f.openClose(2);
    expect(f.agent.orderStatus('O2')).toBe('completed');
  });

  it('refrigerated parcels get a refrigerated cell; "does not fit" gives the next size', async () => {
    f.agent.sync.applySync(parcelSync(2, 'O3', ['COLD-1'], { refrigerated: true, size: 'S' }));
    const s = courier();
    expect(f.agent.scanParcel(s, 'COLD-1')).toMatchObject({ cellId: 'C4' });
    f.agent.sync.applySync(parcelSync(3, 'O4', ['BIG-1'], { size: 'S' }));
    const scan = f.agent.scanParcel(s, 'BIG-1');
    expect(scan).toMatchObject({ cellId: 'C1' });
    await f.flush();
    f.board.setDoor(1, 'open');
    const parcelId = scan.ok ? scan.parcelId : '';
    expect(f.agent.doesNotFit(s, parcelId)).toMatchObject({ ok: true, cellId: 'C3' });
    f.board.setDoor(1, 'closed');
    await f.flush();
    f.openClose(3);
    expect(f.store.orders.parcel(parcelId)).toMatchObject({
      cellId: 'C3',
      state: 'in-cell',
      size: 'M',
    });
    expect(cellState('C1')).toBe('free');
  });

  it('expires after the storage period by the locker clock; a courier of the tenant collects', async () => {
    f.agent.sync.applySync(parcelSync(2, 'O5', ['BC-5'], { code: '111111' }));
    let s = courier();
    f.agent.scanParcel(s, 'BC-5');
    await f.flush();
    f.openClose(1);
    f.clock.t = T0 + 72 * 3_600_000;
    f.agent.tick();
    expect(f.agent.orderStatus('O5')).toBe('expired');
    expect(f.agent.enterCode('111111')).toMatchObject({ ok: false, code: 'code-expired' });
    s = courier();
    const list = f.agent.courierCollectable(s);
    expect(list).toMatchObject({ ok: true, orders: [{ orderId: 'O5', cells: ['C1'] }] });
    expect(f.agent.courierCollect(s, 'O5')).toMatchObject({ ok: true, cellIds: ['C1'] });
    await f.flush();
    f.openClose(1);
    expect(f.agent.orderStatus('O5')).toBe('completed');
    expect(eventsOf(f.store, 'order.expired')).toHaveLength(1);
  });
});

describe('return, round trip, resident to resident, rental', () => {
  it('return: sender deposits with the return code, courier of the tenant collects', async () => {
    f.agent.sync.applySync(
      parcelSync(2, 'R1', ['RET-1'], { code: '222222', purpose: 'return', size: 'M' }),
    );
    expect(f.agent.enterCode('222222')).toMatchObject({
      ok: true,
      action: 'deposit',
      cellIds: ['C3'],
    });
    await f.flush();
    f.openClose(3);
    expect(f.agent.orderStatus('R1')).toBe('deposited');
    const s = courier();
    expect(f.agent.courierCollect(s, 'R1')).toMatchObject({ ok: true });
    await f.flush();
    f.openClose(3);
    expect(f.agent.orderStatus('R1')).toBe('completed');
  });

  it('service round trip: resident → partner courier → back → resident with a new code', async () => {
    f.agent.sync.applySync(
      parcelSync(2, 'RT1', ['COAT-1'], {
        orderKind: 'service-round-trip',
        code: '333333',
        purpose: 'deposit',
        size: 'L',
        extraCode: { code: '444444', purpose: 'pickup' },
      }),
    );
    expect(f.agent.enterCode('444444')).toMatchObject({ ok: false, code: 'invalid-state' });
    f.agent.enterCode('333333');
    await f.flush();
    f.openClose(5);
    const s = courier();
    f.agent.courierCollect(s, 'RT1');
    await f.flush();
    f.openClose(5);
    expect(f.agent.orderStatus('RT1')).toBe('in-transit');
    expect(f.agent.scanParcel(s, 'COAT-1')).toMatchObject({ ok: true, cellId: 'C5' });
    await f.flush();
    f.openClose(5);
    expect(f.agent.orderStatus('RT1')).toBe('ready-for-pickup');
    expect(f.agent.enterCode('444444')).toMatchObject({ ok: true, cellIds: ['C5'] });
    await f.flush();
    f.openClose(5);
    expect(f.agent.orderStatus('RT1')).toBe('completed');
  });

  it('resident to resident at the same locker', async () => {
    f.agent.sync.applySync(
      parcelSync(2, 'RR1', ['GIFT-1'], {
        orderKind: 'resident-to-resident',
        code: '555555',
        purpose: 'deposit',
        extraCode: { code: '666666', purpose: 'pickup' },
      }),
    );
    f.agent.enterCode('555555');
    await f.flush();
    f.openClose(1);
    expect(f.agent.orderStatus('RR1')).toBe('ready-for-pickup');
    f.agent.enterCode('666666');
    await f.flush();
    f.openClose(1);
    expect(f.agent.orderStatus('RR1')).toBe('completed');
  });

  it('resident to resident via another locker: a courier leg at each end', async () => {
    f.agent.sync.applySync(
      parcelSync(2, 'RA', ['GIFT-A'], {
        orderKind: 'resident-to-resident',
        leg: 'first',
        code: '777777',
        purpose: 'deposit',
      }),
    );
    f.agent.enterCode('777777');
    await f.flush();
    f.openClose(1);
    expect(f.agent.orderStatus('RA')).toBe('deposited');
    const s = courier();
    expect(f.agent.courierCollect(s, 'RA')).toMatchObject({ ok: true, cellIds: ['C1'] });
    await f.flush();
    f.openClose(1);
    expect(f.agent.orderStatus('RA')).toBe('completed');
    // The same item arriving at this locker as the last leg.
    f.agent.sync.applySync(
      parcelSync(3, 'RB', ['GIFT-B'], {
        orderKind: 'resident-to-resident',
        leg: 'last',
        code: '888888',
      }),
    );
    expect(f.agent.scanParcel(s, 'GIFT-B')).toMatchObject({ ok: true });
    await f.flush();
    f.openClose(1);
    expect(f.agent.enterCode('888888')).toMatchObject({ ok: true, action: 'collect' });
    await f.flush();
    f.openClose(1);
    expect(f.agent.orderStatus('RB')).toBe('completed');
  });

  it('rental quote: the synced tariff, the same figure the rental then charges, nothing stored', () => {
    const seq = f.store.outbox.lastSeq();
    expect(f.agent.rentalQuote({ size: 'M', hours: 30 })).toEqual({
      ok: true,
      size: 'M',
      hours: 30,
      priceKopecks: 40000 + 7000 + 5 * 3000,
    });
    expect(f.agent.rentalQuote({ size: 'L', hours: 1 })).toMatchObject({ code: 'not-found' });
    expect(f.agent.rentalQuote({ size: 'M', hours: 0 })).toMatchObject({ code: 'bad-input' });
    expect(f.store.outbox.lastSeq()).toBe(seq);
    const quoted = f.agent.rentalQuote({ size: 'S', hours: 3 });
    const r = f.agent.startRental({ size: 'S', hours: 3, paymentMethod: 'card' });
    expect(quoted.ok && r.ok && quoted.priceKopecks === r.priceKopecks).toBe(true);
    expect(f.payments.charges.map((c) => c.amountKopecks)).toEqual([5000 + 2 * 2000]);
  });

  it('rental: pay, deposit, reopen within the period; overdue is marked and asks for the extra time', async () => {
    const r = f.agent.startRental({ size: 'S', hours: 3, paymentMethod: 'card' });
    expect(r).toMatchObject({ ok: true, cellId: 'C1', priceKopecks: 5000 + 2 * 2000 });
    if (!r.ok) return;
    await f.flush();
    f.openClose(1);
    expect(f.agent.rentalOpen(r.code)).toMatchObject({ ok: true, finished: false });
    await f.flush();
    f.openClose(1);
    expect(cellState('C1')).toBe('occupied');
    f.clock.t = T0 + 4 * 3_600_000;
    f.agent.tick();
    expect(f.agent.orderStatus(r.orderId)).toBe('overdue');
    expect(eventsOf(f.store, 'rental.overdue')).toHaveLength(1);
    // Overdue: 4 started hours at the tariff (5000 + 3 × 2000) less the 9000 paid.
    expect(f.agent.rentalOpen(r.code)).toMatchObject({
      ok: false,
      code: 'payment-required',
      amountKopecks: 2000,
    });
    expect(cellState('C1')).toBe('occupied');
    expect(f.agent.startRental({ size: 'S', hours: 1, paymentMethod: 'decline' })).toMatchObject({
      ok: false,
    });
  });
});

describe('sync target and QR', () => {
  it('refuses a delta on the wrong base and a sync for another locker, changing nothing', () => {
    const seq = f.store.outbox.lastSeq();
    expect(() => f.agent.sync.applySync(parcelSync(5, 'O1', ['BC-1']))).toThrow(
      /delta on version 4/,
    );
    expect(() =>
      f.agent.sync.applySync({ ...parcelSync(2, 'O1', ['BC-1']), lockerId: 'L-other' }),
    ).toThrow();
    expect(f.store.outbox.lastSeq()).toBe(seq);
    expect(f.agent.sync.syncVersion()).toBe(1);
  });

  it('a removed parcel cancels its order before deposit; its barcode is then refused', () => {
    f.agent.sync.applySync(parcelSync(2, 'O1', ['BC-1'], { code: '123456' }));
    f.agent.sync.applySync({
      lockerId: 'L-test-1',
      kind: 'delta',
      version: 3,
      baseVersion: 2,
      issuedAt: T0,
      removed: { parcels: ['O1'] },
    });
    expect(f.agent.orderStatus('O1')).toBe('cancelled');
    expect(f.agent.scanParcel(courier(), 'BC-1')).toMatchObject({
      ok: false,
      code: 'parcel-cancelled',
    });
  });

  it('collects with a QR code carrying the pickup code', async () => {
    f.agent.sync.applySync(parcelSync(2, 'O1', ['BC-1'], { code: '123456' }));
    f.agent.scanParcel(courier(), 'BC-1');
    await f.flush();
    f.openClose(1);
    expect(f.agent.collectByQr('postamat:code:nope')).toMatchObject({
      ok: false,
      code: 'bad-input',
    });
    expect(f.agent.collectByQr('postamat:code:123456')).toMatchObject({
      ok: true,
      cellIds: ['C1'],
    });
  });
});
