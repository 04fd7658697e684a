import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { personalFieldsIn } from '../store/webhook-queue.ts';
import { codesAtRestMigration } from './codes-at-rest-migration.ts';
import { testVault } from './notification-test-support.ts';
import { restingAnswer } from './resting-answer.ts';

const ANSWER = JSON.stringify({
  order: { id: 'ord_1', recipient: '+7 *** ***-45-67' },
  codes: [{ purpose: 'pickup', code: '123456' }],
});

describe('kept API answers at rest', () => {
  it('with a personal-data key: sealed, and a replay gets the codes back', () => {
    const rest = restingAnswer(testVault());
    const stored = rest.toRest(ANSWER);
    expect(stored).not.toContain('123456');
    expect(stored).not.toContain('ord_1');
    expect(rest.fromRest(stored)).toBe(ANSWER);
    expect(() => restingAnswer(undefined).fromRest(stored)).toThrow(/personal-data key/);
  });

  it('without a key: codes masked, an answer without codes kept as it is', () => {
    const rest = restingAnswer(undefined);
    const stored = rest.toRest(ANSWER);
    expect(stored).not.toContain('123456');
    expect(JSON.parse(rest.fromRest(stored)).codes[0]).toEqual({
      purpose: 'pickup',
      code: '******',
    });
    expect(rest.toRest('{"ok":true}')).toBe('{"ok":true}');
  });
});

describe('migration 0006', () => {
  it('masks codes that rested in clear in webhook bodies and kept answers', async () => {
    const db = new Kysely<unknown>({
      dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
    });
    await sql`create table webhook_deliveries (id text primary key, body text not null)`.execute(
      db,
    );
    await sql`create table idempotency_keys (principal text, key text, response text)`.execute(db);
    const body = JSON.stringify({ data: { codes: [{ code: '654321' }] } });
    await sql`insert into webhook_deliveries values ('wh_1', ${body}), ('wh_2', '{"data":{}}')`.execute(
      db,
    );
    await sql`insert into idempotency_keys values ('tenant:t1', 'k1', ${ANSWER}), ('tenant:t1', 'k2', null)`.execute(
      db,
    );
    await codesAtRestMigration.up(db);
    const rows = await sql<{
      t: string;
    }>`select body as t from webhook_deliveries union all select coalesce(response, '') from idempotency_keys`.execute(
      db,
    );
    const all = rows.rows.map((r) => r.t).join('\n');
    expect(all).not.toMatch(/654321|123456/);
    expect(all).toContain('"code":"******"');
    expect(all).toContain('{"data":{}}');
    await db.destroy();
  });
});

describe('webhook bodies', () => {
  it('names every personal field a payload would keep at rest', () => {
    expect(personalFieldsIn({ orderId: 'o', status: 'booked', at: 1 })).toEqual([]);
    expect(
      personalFieldsIn({ orderId: 'o', codes: [{ code: '1' }], receipt: { email: 'a@b' } }),
    ).toEqual(['data.codes', 'data.codes.0.code', 'data.receipt.email']);
  });
});
