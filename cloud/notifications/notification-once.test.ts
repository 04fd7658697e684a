import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockerEvent } from '../../protocol/index.ts';
import { bearer, seedApi } from '../api/test-api.ts';
import { LOCKER_EVENT_TYPES as T } from '../domain/locker-event-types.ts';
import { TEST_ENGINES } from '../store/test-stores.ts';
import {
  createOrder,
  type NotifiedApi,
  notifiedApi,
  receivedMessages,
  stepDone,
} from './notification-test-support.ts';

const PHONE = '+79261234599';

describe.each(TEST_ENGINES)('one message per event ($engine)', ({ open }) => {
  let n: NotifiedApi;
  let keys: Awaited<ReturnType<typeof seedApi>>;
  beforeEach(async () => {
    n = await notifiedApi(open);
    keys = await seedApi(n.api);
  });
  afterEach(async () => {
    await n.api.dispose();
  });

  const expiredAt = (seq: number, type: string, orderId: string): LockerEvent => ({
    lockerId: 'L1',
    seq,
    at: n.api.clock.now(),
    type,
    body: { orderId },
  });

  it('tells the recipient once that the time ran out, though the locker says it twice', async () => {
    const res = await createOrder(n.api, keys.tenantA, {
      kind: 'resident-to-resident',
      lockerId: 'L1',
      size: 'M',
      barcode: 'R2R-EXP',
      recipient: { phone: PHONE, language: 'ru' },
    });
    const { order, codes } = res.json();
    await stepDone(n.api, 'L1', 1, order.id, 0);
    await n.worker.tick();
    // The locker reports the expiry, then (an older agent) again under the old name, and the
    // same batch is delivered twice: the order is expired once, the person told once.
    const batch = [expiredAt(2, T.orderExpired, order.id), expiredAt(3, T.parcelExpired, order.id)];
    await n.api.t.store.ingest('L1', batch, n.api.clock.now());
    await n.api.t.store.ingest('L1', batch, n.api.clock.now());
    await n.worker.tick();
    await n.worker.tick();
    const messages = await receivedMessages(n, order.id);
    expect(messages.map((m) => m.event).sort()).toEqual(['expired', 'parcel-ready']);
    const expired = messages.find((m) => m.event === 'expired')!;
    expect(expired).toMatchObject({ phone: PHONE, language: 'ru' });
    expect(expired.text).toContain('Срок хранения');
    for (const c of codes as { code: string }[]) expect(expired.text).not.toContain(c.code);
    const view = (
      await n.api.app.inject({ url: `/v1/orders/${order.id}`, headers: bearer(keys.tenantA) })
    ).json();
    expect(view.status).toBe('expired');
    const shown = view.notifications.map((x: { event: string; status: string }) => x.event);
    expect(shown.sort()).toEqual(['expired', 'parcel-ready']);
  });
});
