import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncMessage } from '../protocol/index.ts';
import {
  eventsOf,
  type Fixture,
  hash,
  LOCKER,
  makeFixture,
  parcelSync,
  T0,
} from './testing/agent-fixture.ts';

const HOUR = 3_600_000;
let f: Fixture;
beforeEach(() => {
  f = makeFixture({ gates: [{ accessPointId: 'gate-1', boardId: 'rs485:1', channel: 8 }] });
});
afterEach(() => f.close());

function courier(): string {
  const r = f.agent.courierLogin({ badge: 'B-100', pin: '1234' });
  if (!r.ok) throw new Error(r.code);
  return r.session.id;
}

function manifestSync(version: number, extra: Partial<SyncMessage>): SyncMessage {
  return {
    lockerId: LOCKER,
    kind: 'delta',
    version,
    baseVersion: version - 1,
    issuedAt: T0,
    ...extra,
  };
}

describe('batch loading refusals', () => {
  it('names the other locker for a parcel of the route booked elsewhere', () => {
    f.agent.sync.applySync(
      manifestSync(2, {
        routeParcels: [{ barcodeHash: hash('barcode', 'BC-L2'), lockerId: 'L-2' }],
      }),
    );
    const s = courier();
    expect(f.agent.scanParcel(s, 'BC-L2')).toMatchObject({
      ok: false,
      code: 'parcel-for-other-locker',
      message: expect.stringContaining('L-2'),
    });
    expect(f.agent.scanParcel(s, 'BC-NONE')).toMatchObject({ ok: false, code: 'unknown-parcel' });
  });
});

describe('gate passes, offline', () => {
  const pass = (holderId: string, code: string) => ({
    passId: `pass-${holderId}`,
    holderId,
    tenantId: 'T1',
    secretHash: hash('courier-daily-code', code),
    validFrom: T0 - HOUR,
    validUntil: T0 + HOUR,
  });

  it('lets a courier with a live pass through, pulses the relay and audits it', async () => {
    f.agent.sync.applySync(manifestSync(2, { passes: [pass('courier-9', '12345678')] }));
    const r = await f.agent.gateEnter({ accessPointId: 'gate-1', code: '12345678' });
    expect(r).toMatchObject({ ok: true, holderId: 'courier-9' });
    expect(f.board.unlocks.map((u) => u.channel)).toContain(8);
    expect(eventsOf(f.store, 'gate.passage')).toMatchObject([
      { outcome: 'allowed', holderId: 'courier-9', accessPointId: 'gate-1' },
    ]);
  });

  it('a relay that does not answer is logged next to the granted passage', async () => {
    f.agent.sync.applySync(manifestSync(2, { passes: [pass('courier-9', '12345678')] }));
    f.board.setOnline(false);
    const r = await f.agent.gateEnter({ accessPointId: 'gate-1', code: '12345678' });
    expect(r).toMatchObject({ ok: false, code: 'board-offline' });
    expect(eventsOf(f.store, 'gate.relay-failed')).toMatchObject([{ accessPointId: 'gate-1' }]);
  });

  it('refuses outside the window, an unknown code, and a revoked courier; audits each', async () => {
    f.agent.sync.applySync(manifestSync(2, { passes: [pass('courier-2', '55555555')] }));
    f.clock.t = T0 + 2 * HOUR;
    expect(await f.agent.gateEnter({ accessPointId: 'gate-1', code: '55555555' })).toMatchObject({
      ok: false,
      code: 'not-authorized',
    });
    f.clock.t = T0;
    expect(await f.agent.gateEnter({ accessPointId: 'gate-1', code: '00000000' })).toMatchObject({
      ok: false,
    });
    f.agent.sync.applySync(
      manifestSync(3, {
        credentials: [
          {
            credentialId: 'cr-9',
            role: 'courier',
            holderId: 'courier-2',
            tenantId: 'T1',
            kind: 'daily-code',
            secretHash: hash('courier-daily-code', '55555555'),
            revoked: true,
            validFrom: 0,
            validUntil: T0 + HOUR,
          },
        ],
      }),
    );
    expect(await f.agent.gateEnter({ accessPointId: 'gate-1', code: '55555555' })).toMatchObject({
      ok: false,
    });
    expect(f.board.unlocks.map((u) => u.channel)).not.toContain(8);
    expect(eventsOf(f.store, 'gate.passage').map((e) => e.reason)).toEqual([
      'no-pass-now',
      'unknown-credential',
      'revoked',
    ]);
    expect(await f.agent.gateEnter({ accessPointId: 'nope', code: '55555555' })).toMatchObject({
      ok: false,
      code: 'not-found',
    });
  });
});

describe('batch collection', () => {
  it('opens at most two doors at a time; the next opens when a door closes', async () => {
    for (const [i, id] of ['R1', 'R2', 'R3'].entries()) {
      f.agent.sync.applySync(
        parcelSync(2 + i, id, [`RET-${i}`], { code: `22222${i}`, purpose: 'return' }),
      );
      expect(f.agent.enterCode(`22222${i}`)).toMatchObject({ ok: true });
      await f.flush();
      f.openClose(i + 1);
    }
    const s = courier();
    const started = f.agent.courierCollectAll(s);
    if (!started.ok) throw new Error(started.code);
    const { batch } = started;
    await f.flush();
    expect(batch.progress()).toMatchObject({ opened: ['C1', 'C2'], waiting: ['R3'] });
    f.openClose(2);
    await f.flush();
    expect(batch.progress()).toMatchObject({ opened: ['C1', 'C2', 'C3'], confirmed: ['C2'] });
    f.openClose(1);
    f.openClose(3);
    const final = await batch.done();
    expect(final).toMatchObject({ done: true, failed: [] });
    expect(['R1', 'R2', 'R3'].map((id) => f.agent.orderStatus(id))).toEqual([
      'completed',
      'completed',
      'completed',
    ]);
  });
});
