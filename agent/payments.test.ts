import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventsOf, LOCKER } from './testing/agent-fixture.ts';
import { makePaymentRig, type PaymentRig } from './testing/payment-rig.ts';

/**
 * Payments at the locker end to end: the Agent, the simulator's lock board, and the simulated
 * card terminal on a real pty through the production ECR driver.
 */
let r: PaymentRig;
beforeEach(async () => {
  r = await makePaymentRig();
});
afterEach(() => r.close());

const openingsOf = (channel: number) => r.sim.openings().filter((o) => o.channel === channel);

describe('COD pickup with the card terminal', () => {
  it('asks to pay, takes the card, and only then opens the cell — once', async () => {
    await r.delivered('O1', '123456', 150_000);
    expect(r.agent.enterCode('123456')).toMatchObject({
      ok: true,
      action: 'pay',
      amountKopecks: 150_000,
      cellIds: [],
    });
    expect(openingsOf(1)).toHaveLength(1); // the courier's deposit only
    const paid = await r.agent.payCod('123456', 'pos');
    expect(paid).toMatchObject({ ok: true, state: 'approved', cellIds: ['C1'] });
    await r.waitFor((e) => e.type === 'door' && e.cellId === 'C1' && e.door === 'open');
    r.sim.closeDoor(1);
    await r.waitFor((e) => e.type === 'step' && e.stepId === 'O1/2');
    expect(r.agent.orderStatus('O1')).toBe('completed');
    expect(openingsOf(1)).toHaveLength(2);
    expect(r.terminal.charges().map((c) => c.amountKopecks)).toEqual([150_000]);
    const approved = eventsOf(r.store, 'payment.approved');
    expect(approved).toEqual([
      expect.objectContaining({ orderId: 'O1', method: 'pos', amountKopecks: 150_000 }),
    ]);
    expect(eventsOf(r.store, 'payment.started')).toHaveLength(1);
    expect(r.agent.enterCode('123456')).toMatchObject({ ok: false, code: 'code-used' });
  });

  it('declined and timed-out payments keep the door shut and say why', async () => {
    await r.delivered('O1', '123456', 50_000);
    r.terminal.mode = 'decline';
    expect(await r.agent.payCod('123456', 'pos')).toMatchObject({
      ok: false,
      code: 'payment-failed',
      reason: 'declined',
    });
    r.terminal.mode = 'timeout';
    expect(await r.agent.payCod('123456', 'pos')).toMatchObject({
      ok: false,
      code: 'payment-failed',
      reason: 'timeout',
    });
    expect(openingsOf(1)).toHaveLength(1);
    expect(r.terminal.charges()).toEqual([]);
    expect(eventsOf(r.store, 'payment.declined').map((e) => e.reason)).toEqual([
      'declined',
      'timeout',
    ]);
    // Still owed: the code asks to pay again, and a good card opens the cell.
    expect(r.agent.enterCode('123456')).toMatchObject({ action: 'pay' });
    r.terminal.mode = 'approve';
    expect(await r.agent.payCod('123456', 'pos')).toMatchObject({ ok: true, state: 'approved' });
    await r.waitFor((e) => e.type === 'door' && e.cellId === 'C1' && e.door === 'open');
  });

  it('a link lost mid-payment: shut, no second charge, opened once the journal says approved', async () => {
    await r.delivered('O1', '123456', 70_000);
    r.terminal.mode = 'drop';
    expect(await r.agent.payCod('123456', 'pos')).toMatchObject({
      ok: false,
      reason: 'connection-lost',
    });
    r.terminal.mode = 'approve';
    expect(await r.agent.payCod('123456', 'pos')).toMatchObject({
      ok: false,
      code: 'payment-failed',
    });
    expect(openingsOf(1)).toHaveLength(1);
    r.terminal.reconnect();
    await r.agent.recoverPayments();
    await r.waitFor((e) => e.type === 'door' && e.cellId === 'C1' && e.door === 'open');
    expect(r.terminal.entries().filter((e) => e.state === 'approved')).toHaveLength(1);
    expect(eventsOf(r.store, 'payment.approved')).toHaveLength(1);
  });

  it('a sale left waiting for a card when the link went down is cancelled by recovery', async () => {
    await r.delivered('O1', '123456', 8_000);
    r.terminal.mode = 'timeout';
    // The cable is pulled right after the terminal took the sale request.
    const pull = (q: { type: string }) => {
      if (q.type !== 'sale') return;
      r.terminal.off('request', pull);
      queueMicrotask(() => r.terminal.unplug());
    };
    r.terminal.on('request', pull);
    expect(await r.agent.payCod('123456', 'pos')).toMatchObject({ reason: 'connection-lost' });
    expect(r.terminal.entries()).toEqual([expect.objectContaining({ state: 'in-progress' })]);
    r.terminal.reconnect();
    await r.agent.recoverPayments();
    expect(r.terminal.entries()).toEqual([expect.objectContaining({ state: 'cancelled' })]);
    expect(r.store.payments.ofOrder('O1')).toEqual([
      expect.objectContaining({ state: 'failed', failure: 'cancelled' }),
    ]);
    expect(openingsOf(1)).toHaveLength(1);
    r.terminal.mode = 'approve';
    expect(await r.agent.payCod('123456', 'pos')).toMatchObject({ ok: true, state: 'approved' });
  });

  it('without the network a card works only if the terminal can approve offline', async () => {
    await r.delivered('O1', '123456', 10_000);
    r.net.connected = false;
    expect(await r.agent.payCod('123456', 'pos')).toMatchObject({
      ok: false,
      code: 'needs-network',
    });
    expect(await r.agent.payCod('123456', 'sbp')).toMatchObject({
      ok: false,
      code: 'needs-network',
    });
    expect(r.store.payments.ofOrder('O1')).toEqual([]);
    expect(r.terminal.entries()).toEqual([]);
    r.terminal.offlineCapable = true;
    expect(await r.agent.payCod('123456', 'pos')).toMatchObject({ ok: true, state: 'approved' });
    expect(r.agent.paymentOptions()).toMatchObject({
      online: false,
      methods: ['pos', 'sbp'],
      terminal: { connected: true, offlineCapable: true },
    });
  });

  it('paid but the door never opens: the payment is refunded at the terminal, audited', async () => {
    await r.delivered('O1', '123456', 30_000);
    r.sim.applyFault({ fault: 'stuck-lock', channel: 1, on: true });
    expect(await r.agent.payCod('123456', 'pos')).toMatchObject({ ok: true, state: 'approved' });
    await r.waitFor((e) => e.type === 'payment' && e.state === 'refunded');
    const p = r.store.payments.ofOrder('O1')[0];
    expect(p).toMatchObject({ state: 'refunded', refundReason: 'door-did-not-open' });
    expect(eventsOf(r.store, 'payment.refunded')).toEqual([
      expect.objectContaining({
        orderId: 'O1',
        amountKopecks: 30_000,
        reason: 'door-did-not-open',
      }),
    ]);
    expect(r.terminal.charges()).toEqual([]);
    expect(r.terminal.entries()[0]?.state).toBe('refunded');
  });
});

describe('rental by the synced tariff', () => {
  it('tiered price up front, and overdue time is paid before the cell opens again', async () => {
    // Tariff S: first hour 5000, each next 2000, day cap 30000.
    const rent = await r.agent.payRental({ size: 'S', hours: 3, method: 'pos' });
    expect(rent).toMatchObject({
      ok: true,
      state: 'approved',
      amountKopecks: 9000,
      cellIds: ['C1'],
    });
    if (!rent.ok || !rent.code) throw new Error('no rental code');
    await r.waitFor((e) => e.type === 'door' && e.cellId === 'C1' && e.door === 'open');
    r.sim.closeDoor(1);
    await r.waitFor((e) => e.type === 'step' && e.state === 'done');
    r.fresh();
    r.clock.skip = 4 * 3_600_000 + 10 * 60_000; // back after 4 h 10 min: 5 started hours
    r.agent.tick();
    const order = eventsOf(r.store, 'rental.started')[0]?.orderId as string;
    expect(r.agent.orderStatus(order)).toBe('overdue');
    expect(r.agent.rentalOpen(rent.code)).toMatchObject({
      code: 'payment-required',
      amountKopecks: 4000,
    });
    expect(openingsOf(1)).toHaveLength(1);
    const extra = await r.agent.payOverdue(rent.code, 'pos');
    expect(extra).toMatchObject({
      ok: true,
      state: 'approved',
      amountKopecks: 4000,
      cellIds: ['C1'],
    });
    await r.waitFor((e) => e.type === 'door' && e.cellId === 'C1' && e.door === 'open');
    r.sim.closeDoor(1);
    await r.waitFor((e) => e.type === 'cell' && e.cellId === 'C1' && e.state === 'free');
    expect(r.store.orders.order(order)?.paidKopecks).toBe(13_000);
    expect(r.terminal.charges().map((c) => c.amountKopecks)).toEqual([9000, 4000]);
    expect(eventsOf(r.store, 'payment.started').map((e) => e.purpose)).toEqual([
      'rental',
      'rental-overdue',
    ]);
  });

  it('refuses a rental its tariff prices at nothing, clearly, taking no cell and no money', async () => {
    const version = r.agent.sync.syncVersion();
    r.agent.sync.applySync({
      lockerId: LOCKER,
      kind: 'delta',
      version: version + 1,
      baseVersion: version,
      issuedAt: Date.now(),
      tariffs: [{ size: 'M', firstHourKopecks: 0, nextHourKopecks: 0, dayCapKopecks: 14900 }],
    });
    const rent = await r.agent.payRental({ size: 'M', hours: 2, method: 'pos' });
    expect(rent).toMatchObject({ ok: false, code: 'invalid-state' });
    expect(r.terminal.charges()).toEqual([]);
    expect(eventsOf(r.store, 'payment.started')).toEqual([]);
    expect(r.sim.openings()).toEqual([]);
  });
});
