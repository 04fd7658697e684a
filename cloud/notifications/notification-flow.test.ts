import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, seedApi } from '../api/test-api.ts';
import { TEST_ENGINES } from '../store/test-stores.ts';
import {
  createOrder,
  type NotifiedApi,
  notifiedApi,
  receivedMessages,
  stepDone,
} from './notification-test-support.ts';

const HOUR = 3_600_000;
const ALICE = '+79161234567';
const BORIS = '+79031112233';

describe.each(TEST_ENGINES)('notifications end to end ($engine)', ({ open }) => {
  let n: NotifiedApi;
  let keys: Awaited<ReturnType<typeof seedApi>>;
  beforeEach(async () => {
    n = await notifiedApi(open, { perPhonePerHour: 2 });
    keys = await seedApi(n.api);
  });
  afterEach(async () => {
    await n.api.dispose();
  });

  const getOrder = async (id: string) =>
    (
      await n.api.app.inject({
        method: 'GET',
        url: `/v1/orders/${id}`,
        headers: bearer(keys.tenantA),
      })
    ).json();

  it('tells the recipient of a resident’s parcel its code once, in English', async () => {
    const res = await createOrder(n.api, keys.tenantA, {
      kind: 'resident-to-resident',
      lockerId: 'L1',
      size: 'M',
      barcode: 'R2R-1',
      recipient: { phone: ALICE, language: 'en' },
    });
    expect(res.statusCode).toBe(201);
    const { order, codes } = res.json();
    expect(order.recipient).toEqual({ phone: '+7 *** ***-45-67', language: 'en', erased: false });
    expect(JSON.stringify(order)).not.toContain(ALICE);
    expect(await n.worker.tick()).toBe(0);

    await stepDone(n.api, 'L1', 1, order.id, 0);
    await n.worker.tick();
    await n.worker.tick();
    const pickup = codes.find((c: { purpose: string }) => c.purpose === 'pickup').code;
    const deposit = codes.find((c: { purpose: string }) => c.purpose === 'deposit').code;
    expect(await receivedMessages(n, order.id)).toEqual([
      {
        event: 'parcel-ready',
        language: 'en',
        phone: ALICE,
        text: expect.stringContaining(`Code ${pickup}`),
      },
    ]);
    const [message] = await receivedMessages(n, order.id);
    expect(message?.text).toContain('L1 street');
    expect(message?.text).not.toContain(deposit);

    // Inside the reminder window, every pass looks again; the reminder still goes once.
    n.api.clock.advance(order.bookings[0].validUntil - n.api.clock.now() - 2 * HOUR);
    await n.worker.tick();
    await n.worker.tick();
    const events = (await receivedMessages(n, order.id)).map((m) => m.event).sort();
    expect(events).toEqual(['expiry-reminder', 'parcel-ready']);

    const view = await getOrder(order.id);
    expect(view.notifications).toEqual([
      expect.objectContaining({ event: 'parcel-ready', channel: 'recording', status: 'sent' }),
      expect.objectContaining({ event: 'expiry-reminder', channel: 'recording', status: 'sent' }),
    ]);
    await stepDone(n.api, 'L1', 2, order.id, 1);
    expect((await getOrder(order.id)).status).toBe('collected');
  });

  it('tells a renter both codes and the end of the rental in Russian, then erases the phone', async () => {
    const res = await createOrder(n.api, keys.tenantA, {
      kind: 'rental',
      lockerId: 'L1',
      size: 'M',
      barcode: 'RENT-1',
      storageHours: 24,
      recipient: { phone: BORIS, language: 'ru' },
    });
    const { order, codes } = res.json();
    const code = (purpose: string) =>
      codes.find((c: { purpose: string }) => c.purpose === purpose).code as string;
    await n.worker.tick();
    await stepDone(n.api, 'L1', 1, order.id, 0);
    n.api.clock.advance(order.bookings[0].validUntil - n.api.clock.now() - HOUR);
    await n.worker.tick();
    const received = await receivedMessages(n, order.id);
    expect(received.map((m) => m.event).sort()).toEqual(['code-issued', 'rental-ending']);
    expect(received.every((m) => m.phone === BORIS && m.language === 'ru')).toBe(true);
    const issued = received.find((m) => m.event === 'code-issued')?.text ?? '';
    expect(issued).toContain(`код закладки ${code('deposit')}`);
    expect(issued).toContain(`код выемки ${code('rental')}`);
    const ending = received.find((m) => m.event === 'rental-ending')?.text ?? '';
    expect(ending).toMatch(/^Аренда ячейки L1 street заканчивается/);
    expect(ending).toContain(code('rental'));

    // The operator's console: masked phone, codes hidden.
    const { operatorKey } = keys;
    const list = await n.api.app.inject({
      method: 'GET',
      url: `/v1/operator/notifications?orderId=${order.id}`,
      headers: bearer(operatorKey),
    });
    expect(list.statusCode).toBe(200);
    const body = list.body;
    expect(body).toContain('+7 *** ***-22-33');
    for (const secret of [BORIS, code('deposit'), code('rental')]) {
      expect(body).not.toContain(secret);
    }

    await stepDone(n.api, 'L1', 2, order.id, 1);
    expect((await getOrder(order.id)).status).toBe('completed');
    n.api.clock.advance(31 * 24 * HOUR);
    await n.worker.tick();
    const erased = await getOrder(order.id);
    expect(erased.recipient).toEqual({ phone: null, language: 'ru', erased: true });
    expect(erased.notifications).toHaveLength(2);
    expect((await receivedMessages(n, order.id)).every((m) => m.text === null)).toBe(true);
  });

  it('tells a resident their item is back from the dry cleaner, with the pickup code', async () => {
    const res = await createOrder(n.api, keys.tenantA, {
      kind: 'service-round-trip',
      lockerId: 'L1',
      size: 'M',
      barcode: 'DRY-7',
      recipient: { phone: ALICE, language: 'ru' },
    });
    const { order, codes } = res.json();
    const code = (purpose: string) =>
      codes.find((c: { purpose: string }) => c.purpose === purpose).code as string;
    for (const idx of [0, 1, 2]) await stepDone(n.api, 'L1', idx + 1, order.id, idx);
    await n.worker.tick();
    const received = await receivedMessages(n, order.id);
    expect(received.map((m) => m.event).sort()).toEqual(['code-issued', 'item-back']);
    const back = received.find((m) => m.event === 'item-back');
    expect(back?.text).toBe(
      `Ваша вещь вернулась из химчистки: постамат L1 street, код ${code('pickup')}.`,
    );
    expect(received.find((m) => m.event === 'code-issued')?.text).toContain(code('deposit'));
  });

  it('sends the new locker’s code after a resident’s parcel is redirected', async () => {
    const res = await createOrder(n.api, keys.tenantA, {
      kind: 'resident-to-resident',
      lockerId: 'L1',
      size: 'M',
      barcode: 'R2R-2',
      recipient: { phone: ALICE, language: 'en' },
    });
    const { order, codes: before } = res.json();
    const moved = await n.api.app.inject({
      method: 'POST',
      url: `/v1/orders/${order.id}/redirect`,
      headers: bearer(keys.tenantA),
      payload: { lockerId: 'L2' },
    });
    expect(moved.statusCode).toBe(200);
    const pickup = (list: { purpose: string; code: string }[]) =>
      list.find((c) => c.purpose === 'pickup')?.code ?? 'none';
    await stepDone(n.api, 'L2', 1, order.id, 0);
    await n.worker.tick();
    const [message] = await receivedMessages(n, order.id);
    expect(message?.text).toContain(`L2 street. Code ${pickup(moved.json().codes)}`);
    expect(message?.text).not.toContain(pickup(before));
  });

  it('holds a phone to its hourly limit, then sends the rest', async () => {
    const ids: string[] = [];
    for (const [i, lockerId] of ['L1', 'L1', 'L2'].entries()) {
      const res = await createOrder(n.api, keys.tenantA, {
        kind: 'rental',
        lockerId,
        size: 'M',
        barcode: `RENT-${i}`,
        recipient: { phone: BORIS, language: 'en' },
      });
      expect(res.statusCode).toBe(201);
      ids.push(res.json().order.id);
    }
    await n.worker.tick();
    await n.worker.tick();
    expect(await receivedMessages(n)).toHaveLength(2);
    const waiting = (await Promise.all(ids.map(getOrder))).flatMap((o) => o.notifications);
    expect(waiting.filter((x) => x.status === 'pending')).toEqual([
      expect.objectContaining({ lastError: 'rate limited: phone hourly limit', attempts: 0 }),
    ]);
    n.api.clock.advance(HOUR);
    await n.worker.tick();
    expect(await receivedMessages(n)).toHaveLength(3);
  });

  it('refuses a bad phone or language naming the field, and a phone on a marketplace delivery', async () => {
    const base = { kind: 'rental', lockerId: 'L1', size: 'M', barcode: 'B' };
    for (const recipient of [
      { phone: '89161234567' },
      { phone: '+7916123456' },
      { phone: ALICE, language: 'de' },
    ]) {
      const res = await createOrder(n.api, keys.tenantA, { ...base, recipient });
      expect(res.statusCode).toBe(400);
      const paths = res.json().issues.map((i: { path: string }) => i.path);
      expect(paths.some((p: string) => p.startsWith('body.recipient.'))).toBe(true);
    }
    const delivery = await createOrder(n.api, keys.tenantA, {
      ...base,
      kind: 'delivery',
      recipient: { phone: ALICE },
    });
    expect(delivery.statusCode).toBe(422);
  });
});
