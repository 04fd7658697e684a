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
        let committed = await lockCursor(ctx, trx, lockerId);
        let applied = 0;
        let gap = false;
        let lastAt: number | null = null;
        // INVARIANT: events apply in seq order, each once; past a gap nothing applies.
        for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
          if (event.lockerId !== lockerId || event.seq <= committed) continue;
          if (event.seq !== committed + 1) {
            gap = true;
            break;
          }
          await applyEvent(trx, lockerId, event, receivedAt);
          committed = event.seq;
          lastAt = event.at;
          applied++;
        }
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

async function applyEvent(trx: Db, lockerId: string, event: LockerEvent, receivedAt: number) {
  await trx
    .insertInto('locker_events')
    .values({
      locker_id: lockerId,
      seq: event.seq,
      at: event.at,
      received_at: receivedAt,
      type: event.type,
      body: JSON.stringify(event.body),
    })
    .execute();
  await applyEffect(trx, lockerId, event, interpretEvent(event), receivedAt);
}
