import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Fixture, hash, LOCKER, makeFixture, T0 } from './testing/agent-fixture.ts';

let f: Fixture;
beforeEach(() => {
  f = makeFixture();
});
afterEach(() => f.close());

describe('a rental booked in the cloud', () => {
  it('the renter drops off with the deposit code and collects with the rental code', async () => {
    const until = T0 + 86_400_000;
    const code = (purpose: 'deposit' | 'rental', value: string) => ({
      orderId: 'RENT1',
      stepId: `RENT1-${purpose}`,
      purpose,
      codeHash: hash(`${purpose}-code`, value),
      validFrom: 0,
      validUntil: until,
    });
    f.agent.sync.applySync({
      lockerId: LOCKER,
      kind: 'delta',
      version: 2,
      baseVersion: 1,
      issuedAt: T0,
      parcels: [
        {
          orderId: 'RENT1',
          tenantId: 'T1',
          barcodeHash: hash('barcode', 'RENT-1'),
          size: 'S',
          refrigerated: false,
          storageHours: 24,
          validFrom: 0,
          validUntil: until,
          orderKind: 'rental',
        },
      ],
      codes: [code('deposit', '246810'), code('rental', '135790')],
    });
    expect(f.agent.enterCode('246810')).toMatchObject({ ok: true, action: 'deposit' });
    await f.flush();
    f.openClose(1);
    expect(f.agent.enterCode('246810')).toMatchObject({ ok: false, code: 'code-used' });
    expect(f.agent.rentalOpen('135790', true)).toMatchObject({ ok: true, finished: true });
    await f.flush();
    f.openClose(1);
    expect(f.agent.orderStatus('RENT1')).toBe('completed');
  });
});
