import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPostamatError } from '../../protocol/index.ts';
import { openDatabase } from './database.ts';
import { MIGRATIONS } from './migrations.ts';
import { OutboxStore } from './outbox-store.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'postamat-db-'));
  dirs.push(dir);
  return join(dir, 'agent.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('database', () => {
  it('opens in WAL with synchronous=FULL and the latest schema', () => {
    const { db, applied } = openDatabase(tempFile());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(applied).toEqual(MIGRATIONS.map((m) => m.version));
    db.close();
  });

  // The test migrations come after the real ones, whatever their number.
  const LATEST = MIGRATIONS.length;
  const NEXT = LATEST + 1;

  it('keeps a copy before migrating an existing file', () => {
    const file = tempFile();
    openDatabase(file).db.close();
    const next = [
      ...MIGRATIONS,
      { version: NEXT, name: 'note', sql: 'CREATE TABLE note (x TEXT)' },
    ];
    const { db, backupFile, applied } = openDatabase(file, next);
    expect(applied).toEqual([NEXT]);
    expect(backupFile).toBe(`${file}.v${LATEST}.bak`);
    expect(existsSync(`${file}.v${LATEST}.bak`)).toBe(true);
    db.close();
  });

  it('a failed migration leaves the old schema, says so, and keeps the copy', () => {
    const file = tempFile();
    openDatabase(file).db.close();
    const bad = [
      ...MIGRATIONS,
      { version: NEXT, name: 'broken', sql: 'CREATE TABLE x (a); NOT SQL' },
    ];
    let error: unknown;
    try {
      openDatabase(file, bad);
    } catch (e) {
      error = e;
    }
    expect(isPostamatError(error, 'migration-failed')).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`left at version ${LATEST}.*v${LATEST}\\.bak`),
    );
    const { db } = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'x'").get()).toBeUndefined();
    db.close();
  });
});

describe('outbox', () => {
  it('numbers events gap-free; a rolled-back transaction leaves no seq behind', () => {
    const { db } = openDatabase(tempFile());
    const outbox = new OutboxStore(db, 'L1');
    let woke = 0;
    outbox.onAppend(() => woke++);
    outbox.transaction(() => outbox.append('a.one', {}, 1));
    expect(() =>
      outbox.transaction(() => {
        outbox.append('a.lost', {}, 2);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    outbox.transaction(() => {
      outbox.append('a.two', { n: 2 }, 3);
      outbox.append('a.three', {}, 4);
    });
    expect(outbox.pending(0, 10).map((e) => [e.seq, e.type])).toEqual([
      [1, 'a.one'],
      [2, 'a.two'],
      [3, 'a.three'],
    ]);
    expect(woke).toBe(2);
    expect(() => outbox.append('outside', {}, 5)).toThrow();
    outbox.markDelivered(2);
    outbox.markDelivered(1);
    expect(outbox.deliveredSeq()).toBe(2);
    expect(outbox.depth()).toBe(1);
    expect(outbox.pending(0, 10).map((e) => e.seq)).toEqual([3]);
    expect(outbox.pending(0, 10)[0]).toMatchObject({ lockerId: 'L1', at: 4, body: {} });
    db.close();
  });

  it('keeps the delivered seq across a reopen, and not from a rolled-back transaction', () => {
    const file = tempFile();
    const first = openDatabase(file).db;
    const outbox = new OutboxStore(first, 'L1');
    outbox.transaction(() => {
      for (let at = 1; at <= 4; at++) outbox.append('a.one', {}, at);
    });
    outbox.markDelivered(2);
    expect(() =>
      outbox.transaction(() => {
        outbox.markDelivered(4);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(outbox.deliveredSeq()).toBe(2);
    expect(outbox.pending(0, 10).map((e) => e.seq)).toEqual([3, 4]);
    first.close();

    const reopened = new OutboxStore(openDatabase(file).db, 'L1');
    expect(reopened.deliveredSeq()).toBe(2);
    expect(reopened.depth()).toBe(2);
  });
});
