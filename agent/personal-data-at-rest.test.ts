import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fixture, makeFixture, parcelSync } from './testing/agent-fixture.ts';

// A stolen locker board must give away no code: after real flows the database file, its WAL,
// every table read as text, the outbox bodies the cloud receives and the logs hold keyed hashes
// only. (The locker is never sent a phone; the cloud side and the full demo check those.)

/** Codes count only standing alone: six digits inside a hash or a timestamp are no leak. */
function leaked(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((s) => new RegExp(`(?<![0-9A-Za-z])${s}(?![0-9A-Za-z])`).test(text));
}

/** Every row of every table, as text. */
function tablesAsText(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as {
      name: string;
    }[];
    return tables
      .map(({ name }) => `${name}\n${JSON.stringify(db.prepare(`select * from "${name}"`).all())}`)
      .join('\n');
  } finally {
    db.close();
  }
}

/** The raw bytes of the database and its WAL/SHM, as the thief would read them. */
function rawFiles(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('\n');
}

let f: Fixture | undefined;
afterEach(() => {
  if (f !== undefined) rmSync(f.dir, { recursive: true, force: true });
});

describe('personal data on the locker', () => {
  it('keeps no code in clear in its database, WAL, outbox or logs after real flows', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'trace' }, { write: (l: string) => void lines.push(l) });
    const fx = makeFixture({ log });
    f = fx;
    const [deposit, pickup, delivery] = ['481516', '234201', '700815'] as const;
    const codes: string[] = [deposit, pickup, delivery];
    const wrong = ['314159', '271828', '161803'];
    // Resident to resident: the sender deposits with one code, the recipient collects with another.
    fx.agent.sync.applySync(
      parcelSync(2, 'RR1', ['GIFT-1'], {
        orderKind: 'resident-to-resident',
        code: deposit,
        purpose: 'deposit',
        extraCode: { code: pickup, purpose: 'pickup' },
      }),
    );
    expect(fx.agent.enterCode(deposit)).toMatchObject({ ok: true });
    await fx.flush();
    fx.openClose(1);
    // Wrong codes before the right one: counted, never kept.
    for (const w of wrong) expect(fx.agent.enterCode(w)).toMatchObject({ ok: false });
    expect(fx.agent.enterCode(pickup)).toMatchObject({ ok: true, action: 'collect' });
    await fx.flush();
    fx.openClose(1);
    expect(fx.agent.orderStatus('RR1')).toBe('completed');

    // A courier deposits a marketplace parcel; the recipient collects it with the code.
    fx.agent.sync.applySync(parcelSync(3, 'O1', ['BC-0001'], { size: 'M', code: delivery }));
    const login = fx.agent.courierLogin({ badge: 'B-100', pin: '1234' });
    if (!login.ok) throw new Error(login.code);
    expect(fx.agent.scanParcel(login.session.id, 'BC-0001')).toMatchObject({ ok: true });
    await fx.flush();
    fx.openClose(3);
    expect(fx.agent.enterCode(delivery)).toMatchObject({ ok: true, action: 'collect' });
    await fx.flush();
    fx.openClose(3);
    expect(fx.agent.orderStatus('O1')).toBe('completed');

    // A rental: the code is drawn on the locker itself and shown once.
    const rental = fx.agent.startRental({ size: 'S', hours: 2, paymentMethod: 'card' });
    if (!rental.ok) throw new Error(rental.code);
    codes.push(rental.code);
    await fx.flush();
    fx.openClose(1);
    expect(fx.agent.rentalOpen('000000', false)).toMatchObject({ ok: false });
    expect(fx.agent.rentalOpen(rental.code, true)).toMatchObject({ ok: true, finished: true });
    await fx.flush();
    fx.openClose(1);
    expect(fx.agent.orderStatus(rental.orderId)).toBe('completed');

    const outbox = JSON.stringify(fx.store.outbox.pending(0, 100_000));
    expect(outbox).toContain('keypad.wrong-code');
    const all = [...codes, ...wrong, '000000'];
    const dbFile = join(fx.dir, 'agent.db');
    const whileOpen = { raw: rawFiles(fx.dir), tables: tablesAsText(dbFile) };
    expect(readdirSync(fx.dir)).toContain('agent.db-wal');
    expect(whileOpen.tables).toContain('rental.started');
    fx.agent.stop();
    fx.store.close();
    const afterClose = rawFiles(fx.dir);
    const logs = lines.join('');
    expect(logs).toContain('"event":"login"');
    for (const where of [outbox, whileOpen.raw, whileOpen.tables, afterClose, logs]) {
      expect(leaked(where, all)).toEqual([]);
    }
  });
});
