import type { LockerEvent } from '../../protocol/index.ts';
import { interpretEvent } from '../domain/locker-event-types.ts';
import type { EventIngestStore, IngestResult, LockerCredentialStore } from '../ports.ts';
import { hashesEqual, sha256Hex } from '../security/secrets.ts';
import { type Db, inTransaction, type StoreContext } from './context.ts';
import { applyEffect } from './event-projection.ts';

async function lockCursor(ctx: StoreContext, trx: Db, lockerId: string): Promise<number> {
  await trx
    .insertInto('ingest_cursors')
    .values({ locker_id: lockerId, committed_seq: 0, last_event_at: null, last_received_at: null })
    .onConflict((oc) => oc.column('locker_id').doNothing())
    .execute();
  let query = trx
    .selectFrom('ingest_cursors')
    .select('committed_seq')
    .where('locker_id', '=', lockerId);
  // One ingest per locker at a time on PostgreSQL; SQLite runs transactions one by one anyway.
  if (ctx.engine === 'postgres') query = query.forUpdate();
  return (await query.executeTakeFirstOrThrow()).committed_seq;
}

export function ingestStore(ctx: StoreContext): EventIngestStore & LockerCredentialStore {
  return {
    async ingest(lockerId, events, receivedAt): Promise<IngestResult> {
      return inTransaction(ctx, async (trx) => {
        const start = await lockCursor(ctx, trx, lockerId);
        const { run, gap } = nextRun(lockerId, events, start);
        await recordEvents(trx, lockerId, run, receivedAt);
        // Projections stay one by one, in seq order: each may read what the previous changed.
        for (const event of run) {
          const effect = interpretEvent(event);
          if (effect.type !== 'none') await applyEffect(trx, lockerId, event, effect, receivedAt);
        }
        const applied = run.length;
        const committed = start + applied;
        const lastAt = run.at(-1)?.at ?? null;
        if (applied > 0) {
          await trx
            .updateTable('ingest_cursors')
            .set({ committed_seq: committed, last_event_at: lastAt, last_received_at: receivedAt })
            .where('locker_id', '=', lockerId)
            .execute();
        }
        await trx
          .updateTable('lockers')
          .set({ last_seen_at: receivedAt })
          .where('id', '=', lockerId)
          .execute();
        return { committedSeq: committed, applied, gap };
      });
    },

    async committedSeq(lockerId) {
      const row = await ctx.db
        .selectFrom('ingest_cursors')
        .select('committed_seq')
        .where('locker_id', '=', lockerId)
        .executeTakeFirst();
      return row?.committed_seq ?? 0;
    },

    async verifyLockerSecret(lockerId, secret) {
      const row = await ctx.db
        .selectFrom('lockers')
        .select(['mqtt_secret_hash', 'revoked'])
        .where('id', '=', lockerId)
        .executeTakeFirst();
      if (row === undefined || row.revoked !== 0) return false;
      return hashesEqual(row.mqtt_secret_hash, sha256Hex(secret));
    },
  };
}

/**
 * The events that apply now: the ones right after `committed`, in seq order, each once.
 * INVARIANT: past a gap nothing applies — the locker sends again from the acked seq.
 */
export function nextRun(
  lockerId: string,
  events: readonly LockerEvent[],
  committed: number,
): { run: LockerEvent[]; gap: boolean } {
  const run: LockerEvent[] = [];
  let next = committed + 1;
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    if (event.lockerId !== lockerId || event.seq < next) continue;
    if (event.seq !== next) return { run, gap: true };
    run.push(event);
    next++;
  }
  return { run, gap: false };
}

// 6 parameters a row: 500 rows stay far below SQLite's and PostgreSQL's parameter limits.
const ROWS_PER_INSERT = 500;

/** The event log rows of a run, several hundred per statement rather than one round trip each. */
async function recordEvents(
  trx: Db,
  lockerId: string,
  run: readonly LockerEvent[],
  receivedAt: number,
): Promise<void> {
  for (let i = 0; i < run.length; i += ROWS_PER_INSERT) {
    const rows = run.slice(i, i + ROWS_PER_INSERT).map((event) => ({
      locker_id: lockerId,
      seq: event.seq,
      at: event.at,
      received_at: receivedAt,
      type: event.type,
      body: JSON.stringify(event.body),
    }));
    await trx.insertInto('locker_events').values(rows).execute();
  }
}
