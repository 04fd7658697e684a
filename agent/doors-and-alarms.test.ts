import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../protocol/index.ts';
import { Agent } from './agent.ts';
import {
  baseSync,
  eventsOf,
  type Fixture,
  HASH_KEY,
  LOCKER,
  makeFixture,
  parcelSync,
  T0,
} from './testing/agent-fixture.ts';

let f: Fixture;
beforeEach(() => {
  f = makeFixture();
});
afterEach(() => f.close());

function login(): string {
  const r = f.agent.courierLogin({ badge: 'B-100', pin: '1234' });
  if (!r.ok) throw new Error(r.code);
  return r.session.id;
}
function tech(): string {
  const r = f.agent.technicianLogin('999999');
  if (!r.ok) throw new Error(r.code);
  return r.session.id;
}
const cellState = (id: string) => f.agent.cells().find((c) => c.id === id)?.state;
const alarmKinds = () => f.store.doorOps.openAlarms().map((a) => a.kind);

describe('doors and alarms', () => {
  it('a door that does not open is tried once more, then out of service, alarm, another cell', async () => {
    f.agent.sync.applySync(parcelSync(2, 'O1', ['BC-1']));
    expect(f.agent.scanParcel(login(), 'BC-1')).toMatchObject({ cellId: 'C1' });
    await f.flush();
    f.clock.t += 5_000;
    f.agent.tick();
    await f.flush();
    expect(f.board.unlocks.filter((u) => u.channel === 1)).toHaveLength(2);
    f.clock.t += 5_000;
    f.agent.tick();
    await f.flush();
    expect(cellState('C1')).toBe('out-of-service');
    expect(alarmKinds()).toContain('door-did-not-open');
    expect(eventsOf(f.store, 'cell.offered')).toMatchObject([{ cellId: 'C2' }]);
    f.openClose(2);
    expect(f.store.orders.step('O1/1')?.state).toBe('done');
  });

  it('a door left open raises one alarm after the configured time', async () => {
    f.agent.sync.applySync(parcelSync(2, 'O1', ['BC-1']));
    f.agent.scanParcel(login(), 'BC-1');
    await f.flush();
    f.board.setDoor(1, 'open');
    f.clock.t += 60_000;
    f.agent.tick();
    f.agent.tick();
    expect(alarmKinds()).toEqual(['door-left-open']);
  });

  it('a door opened without an unlock is a forced-open alarm', () => {
    f.board.setDoor(6, 'open');
    expect(alarmKinds()).toEqual(['forced-open']);
    expect(eventsOf(f.store, 'door.forced-open')).toEqual([{ cellId: 'C6' }]);
  });

  it('a board going offline takes its cells out of allocation and raises an alarm', () => {
    f.agent.sync.applySync(parcelSync(2, 'O1', ['BC-1']));
    f.board.setOnline(false);
    expect(alarmKinds()).toContain('board-offline');
    expect(f.agent.scanParcel(login(), 'BC-1')).toMatchObject({ ok: false, code: 'no-free-cell' });
  });

  it('cells carry their door as the board sees it, unknown while the board is offline', () => {
    f.board.setDoor(6, 'open');
    const doors = () => Object.fromEntries(f.agent.cells().map((c) => [c.id, c.door]));
    expect(doors()).toMatchObject({ C1: 'closed', C6: 'open', C8: 'closed' });
    f.board.setOnline(false);
    expect(new Set(Object.values(doors()))).toEqual(new Set(['unknown']));
  });

  it('tamper and mains-power inputs raise alarms', () => {
    f.agent.reportInput('tamper', true);
    f.agent.reportInput('mains-power', false);
    expect(alarmKinds()).toEqual(['tamper', 'mains-power-lost']);
  });

  it('5 wrong codes in 10 minutes lock the keypad for 5 minutes, audited', () => {
    for (let i = 0; i < 5; i++)
      expect(f.agent.enterCode('000000')).toMatchObject({ code: 'unknown-code' });
    expect(f.agent.enterCode('000000')).toMatchObject({ ok: false, code: 'keypad-locked' });
    expect(eventsOf(f.store, 'keypad.locked')).toHaveLength(1);
    expect(alarmKinds()).toContain('keypad-locked');
    f.clock.t += 5 * 60_000;
    expect(f.agent.enterCode('000000')).toMatchObject({ code: 'unknown-code' });
  });

  it('a wrong code says how many tries are left; the last one and the lockout say until when', () => {
    const lockEnd = f.clock.t + 5 * 60_000;
    for (const left of [4, 3, 2, 1]) {
      expect(f.agent.enterCode('000000')).toEqual({
        ok: false,
        code: 'unknown-code',
        message: 'unknown code',
        triesLeft: left,
      });
    }
    expect(f.agent.technicianLogin('0000')).toMatchObject({
      code: 'not-authorized',
      triesLeft: 0,
      until: lockEnd,
    });
    f.clock.t += 60_000;
    expect(f.agent.enterCode('000000')).toMatchObject({ code: 'keypad-locked', until: lockEnd });
    expect(f.agent.rentalOpen('000000')).toMatchObject({ code: 'keypad-locked', until: lockEnd });
  });
});

describe('bad input changes nothing stored and is counted', () => {
  it.each([
    ['code of the wrong length', () => f.agent.enterCode('12345'), 'bad-code-format'],
    ['unknown barcode', () => f.agent.scanParcel(login(), 'NOPE-1'), 'unknown-parcel'],
    [
      'barcode of another tenant',
      () =>
        f.agent.scanParcel(
          f.agent.courierLogin({ pin: '5555' }).ok
            ? (f.agent.courierLogin({ pin: '5555' }) as { session: { id: string } }).session.id
            : '',
          'BC-1',
        ),
      'not-authorized',
    ],
    [
      'technician open of a missing cell',
      () => f.agent.technicianOpen(tech(), 'C99', 'inspection'),
      'unknown-cell',
    ],
    ['no session', () => f.agent.scanParcel('nope', 'BC-1'), 'not-authorized'],
  ])('%s', (_name, act, code) => {
    f.agent.sync.applySync(parcelSync(2, 'O1', ['BC-1']));
    const seq = f.store.outbox.lastSeq();
    expect(act()).toMatchObject({ ok: false, code });
    expect(f.store.outbox.lastSeq()).toBe(seq);
    expect(f.agent.metrics().badInput[code]).toBe(1);
  });
});

describe('a parcel removed by sync', () => {
  it('is told apart from an unknown one: its order was cancelled, even after a snapshot', () => {
    f.agent.sync.applySync(parcelSync(2, 'O1', ['BC-1'], { code: '424242' }));
    f.agent.sync.applySync({
      lockerId: LOCKER,
      kind: 'delta',
      version: 3,
      baseVersion: 2,
      issuedAt: T0,
      removed: { parcels: ['O1'] },
    });
    const s = login();
    expect(f.agent.scanParcel(s, 'BC-1')).toMatchObject({ ok: false, code: 'parcel-cancelled' });
    expect(f.agent.scanParcel(s, 'BC-2')).toMatchObject({ ok: false, code: 'unknown-parcel' });
    // A snapshot lists only live parcels; the cancelled one stays known as cancelled.
    f.agent.sync.applySync({ ...baseSync(), version: 4 });
    expect(f.agent.scanParcel(s, 'BC-1')).toMatchObject({ ok: false, code: 'parcel-cancelled' });
    expect(f.agent.enterCode('424242')).toMatchObject({ ok: false, code: 'unknown-code' });
    expect(f.agent.metrics().badInput).toMatchObject({
      'parcel-cancelled': 2,
      'unknown-parcel': 1,
    });
  });
});

describe('technician', () => {
  it('opens any cell with a reason (audited), sets service, inventory, status', async () => {
    const s = tech();
    expect(f.agent.technicianOpen(s, 'C7', 'x')).toMatchObject({ ok: false, code: 'bad-input' });
    expect(f.agent.technicianOpen(s, 'C7', 'inspection')).toMatchObject({ ok: true });
    await f.flush();
    f.openClose(7);
    const audit = f.store.doorOps.recent(1)[0];
    expect(audit).toMatchObject({
      cellId: 'C7',
      actorRole: 'technician',
      reason: 'inspection',
      state: 'done',
    });
    expect(f.agent.technicianSetService(s, 'C8', false, 'broken hinge')).toMatchObject({
      ok: true,
    });
    expect(cellState('C8')).toBe('out-of-service');
    f.board.setDoor(2, 'open');
    const inv = f.agent.inventoryCheck(s);
    expect(inv).toMatchObject({
      ok: true,
      problems: [
        { cellId: 'C2', problem: 'door-not-closed' },
        { cellId: 'C8', problem: 'out-of-service' },
      ],
    });
    expect(f.agent.technicianStatus(s)).toMatchObject({
      ok: true,
      boards: [{ id: 'rs485:1', online: true }],
    });
  });
});

describe('cloud commands', () => {
  const cmd = (id: string, expiresAt: number, cellId = 'C3'): Command => ({
    id,
    lockerId: LOCKER,
    issuedAt: T0,
    expiresAt,
    type: 'remote-open',
    body: { cellId, reason: 'customer call', operator: 'op-1' },
  });

  it('applies once, refuses expired ones and unknown cells, each with a command.result event', async () => {
    expect(await f.agent.commands.handle(cmd('c1', T0 + 60_000), T0)).toMatchObject({
      outcome: 'applied',
    });
    expect(await f.agent.commands.handle(cmd('c1', T0 + 60_000), T0)).toMatchObject({
      outcome: 'duplicate',
    });
    expect(await f.agent.commands.handle(cmd('c2', T0 - 1), T0)).toMatchObject({
      outcome: 'expired',
    });
    expect(await f.agent.commands.handle(cmd('c3', T0 + 60_000, 'C99'), T0)).toMatchObject({
      outcome: 'rejected',
      code: 'unknown-cell',
    });
    await f.flush();
    expect(f.board.unlocks).toEqual([{ channel: 3, at: T0 }]);
    expect(eventsOf(f.store, 'command.result').map((e) => e.outcome)).toEqual([
      'applied',
      'expired',
      'rejected',
    ]);
  });

  it('set-cell-service takes a cell out of use', async () => {
    const r = await f.agent.commands.handle(
      {
        id: 's1',
        lockerId: LOCKER,
        issuedAt: T0,
        expiresAt: T0 + 1000,
        type: 'set-cell-service',
        body: { cellId: 'C1', inService: false, reason: 'water leak' },
      },
      T0,
    );
    expect(r.outcome).toBe('applied');
    expect(cellState('C1')).toBe('out-of-service');
  });
});

describe('restart reconciliation', () => {
  function restart(): Agent {
    f.agent.stop();
    const again = new Agent({
      lockerId: LOCKER,
      hashKey: HASH_KEY,
      store: f.store,
      boards: [f.board],
      clock: f.clock,
      log: pino({ level: 'silent' }),
      payments: f.payments,
      tickMs: 0,
    });
    again.start();
    return again;
  }

  it('an op whose door is unknown waits for the sensors, never re-pulsed by a timeout', async () => {
    f.agent.sync.applySync(parcelSync(2, 'O1', ['BC-1']));
    f.agent.scanParcel(login(), 'BC-1');
    await f.flush();
    f.board.setOnline(false);
    const again = restart();
    f.clock.t += 60_000;
    again.tick();
    await f.flush();
    expect(f.board.unlocks).toHaveLength(1);
    f.board.setOnline(true);
    expect(f.store.doorOps.recent(1)[0]?.state).toBe('unconfirmed');
    again.stop();
  });

  it('a door open at restart completes the step when it closes', async () => {
    f.agent.sync.applySync(parcelSync(2, 'O1', ['BC-1']));
    f.agent.scanParcel(login(), 'BC-1');
    await f.flush();
    f.agent.stop();
    f.board.setDoor(1, 'open');
    const again = restart();
    f.board.setDoor(1, 'closed');
    expect(f.store.orders.step('O1/1')?.state).toBe('done');
    expect(f.board.unlocks).toHaveLength(1);
    again.stop();
  });
});
