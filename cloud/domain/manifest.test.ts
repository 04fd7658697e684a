import { describe, expect, it } from 'vitest';
import { type PendingStep, passWindow, planStops, stopsOfOrders } from './manifest.ts';

const step = (o: Partial<PendingStep> & { orderId: string }): PendingStep => ({
  orderKind: 'delivery',
  orderStatus: 'booked',
  barcode: `BC-${o.orderId}`,
  size: 'M',
  stepId: `${o.orderId}/1`,
  idx: 0,
  kind: 'deposit',
  role: 'courier',
  lockerId: 'L1',
  ...o,
});

describe('planStops', () => {
  const pending = [
    step({ orderId: 'D1' }),
    step({ orderId: 'D2', lockerId: 'L2' }),
    // a delivery already deposited: its next step is the recipient's, not ours
    step({ orderId: 'D3', kind: 'collect', role: 'recipient', idx: 1 }),
    step({ orderId: 'D4', kind: 'collect', role: 'recipient', idx: 1, orderStatus: 'expired' }),
    step({ orderId: 'R1', orderKind: 'return', kind: 'collect', idx: 1 }),
    // a return not yet dropped by its sender: nothing to collect yet
    step({ orderId: 'R2', orderKind: 'return', kind: 'deposit', role: 'sender' }),
    step({ orderId: 'R2', orderKind: 'return', kind: 'collect', idx: 1 }),
    step({
      orderId: 'T1',
      orderKind: 'service-round-trip',
      kind: 'collect',
      role: 'partner-courier',
      idx: 1,
    }),
  ];

  it('lists deposits and collections with reasons, per stop', () => {
    const [l1, l2] = planStops(
      [
        { lockerId: 'L1', visitAt: 10 },
        { lockerId: 'L2', visitAt: 20 },
      ],
      pending,
    );
    expect(l1?.deposit.map((i) => i.orderId)).toEqual(['D1']);
    expect(l1?.collect.map((i) => [i.orderId, i.reason])).toEqual([
      ['D4', 'expired'],
      ['R1', 'return'],
      ['T1', 'round-trip'],
    ]);
    expect(l2?.deposit.map((i) => i.orderId)).toEqual(['D2']);
  });

  it('limits a route to its orders and derives its lockers from them', () => {
    const [l1] = planStops([{ lockerId: 'L1', visitAt: 0 }], pending, new Set(['R1']));
    expect(l1?.deposit).toEqual([]);
    expect(l1?.collect.map((i) => i.orderId)).toEqual(['R1']);
    expect(stopsOfOrders(pending, ['D2', 'R1', 'D3'])).toEqual(['L1', 'L2']);
  });

  it('a pass spans the window on both sides of the visit', () => {
    expect(passWindow(1000, 100)).toEqual({ validFrom: 900, validUntil: 1100 });
  });
});
