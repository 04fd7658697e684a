import { sql } from 'kysely';
import type { LockerEvent } from '../../protocol/index.ts';
import { interpretEvent } from '../domain/locker-event-types.ts';
import type { EventIngestStore, IngestResult, LockerCredentialStore } from '../ports.ts';
import { hashesEqual, sha256Hex } from '../security/secrets.ts';
import { type Db, inTransaction, type StoreContext } from './context.ts';
import { paddedChunks, readByKeys } from './key-batches.ts';
import { projectGroup } from './projection-batch.ts';

/** One locker's batch for `ingestMany`. */
export interface IngestCall {
  readonly lockerId: string;
  readonly events: readonly LockerEvent[];
  readonly receivedAt: number;
}

/**
 * Creates the lockers' cursors if new and returns their committed seqs; on PostgreSQL the rows
 * stay locked (FOR UPDATE, in the database's id order) until the transaction ends, so one
 * locker's batches serialize across workers. SQLite runs transactions one at a time anyway.
 */
async function lockCursors(
  ctx: StoreContext,
  trx: Db,
  lockerIds: readonly string[],
): Promise<Map<string, number>> {
  await trx
    .insertInto('ingest_cursors')
    .values(
      lockerIds.map((id) => ({
        locker_id: id,
        committed_seq: 0,
        last_event_at: null,
        last_received_at: null,
      })),
    )
    .onConflict((oc) => oc.column('locker_id').doNothing())
    .execute();
  let query = trx
    .selectFrom('ingest_cursors')
    .select(['locker_id', 'committed_seq'])
    .where('locker_id', 'in', lockerIds)
    .orderBy('locker_id');
  if (ctx.engine === 'postgres') query = query.forUpdate();
  const rows = await query.execute();
  return new Map(rows.map((r) => [r.locker_id, r.committed_seq]));
}

/**
 * Several lockers' batches in one transaction (one per locker): the cursors locked and read in
 * one statement, every event row in one insert, the projections in seq order per locker with the
 * statements that can be shared shared (projectGroup), then the cursors moved together. Per locker
 * the result is what `ingest` alone would give; what it saves is the per-batch round trips and
 * commit — on PostgreSQL a single-event batch cost ~8 statements, and 1,000 such batches a second
 * was more than one node could commit.
 */
async function ingestMany(
  ctx: StoreContext,
  calls: readonly IngestCall[],
): Promise<IngestResult[]> {
  if (calls.length === 0) return [];
  const ids = [...new Set(calls.map((c) => c.lockerId))].sort();
  if (ids.length !== calls.length) throw new Error('ingestMany takes one batch per locker');
  return inTransaction(ctx, async (trx) => {
    const starts = await lockCursors(ctx, trx, ids);
    const plans = calls.map((call) => {
      const start = starts.get(call.lockerId) ?? 0;
      return { call, start, ...nextRun(call.lockerId, call.events, start) };
    });
    await recordEvents(
      trx,
      plans.flatMap((p) => p.run.map((event) => ({ event, receivedAt: p.call.receivedAt }))),
    );
    await projectGroup(
      trx,
      plans.flatMap(({ call, run }) =>
        run.map((event) => ({
          lockerId: call.lockerId,
          event,
          effect: interpretEvent(event),
          receivedAt: call.receivedAt,
        })),
      ),
    );
    await moveCursors(
      trx,
      plans.filter((p) => p.run.length > 0),
    );
    await trx
      .updateTable('lockers')
      .set({ last_seen_at: Math.max(...calls.map((c) => c.receivedAt)) })
      .where('id', 'in', ids)
      .execute();
    return plans.map((p) => ({
      committedSeq: p.start + p.run.length,
      applied: p.run.length,
      gap: p.gap,
    }));
  });
}

export function ingestStore(ctx: StoreContext): EventIngestStore &
  LockerCredentialStore & {
    ingestMany(calls: readonly IngestCall[]): Promise<IngestResult[]>;
    committedSeqs(lockerIds: readonly string[]): Promise<Map<string, number>>;
    lockerSecretHashes(lockerIds: readonly string[]): Promise<Map<string, string>>;
  } {
  /** committedSeq of many lockers, one read per 256 (a locker with no events is absent). */
  const committedSeqs = (lockerIds: readonly string[]) =>
    readByKeys(
      lockerIds,
      (ids) =>
        ctx.db
          .selectFrom('ingest_cursors')
          .select(['locker_id', 'committed_seq'])
          .where('locker_id', 'in', ids)
          .execute(),
      (row) => [row.locker_id, row.committed_seq],
    );
  /**
   * The secret hashes of many lockers, one read per 256: what verifyLockerSecret compares, for a
   * storm of CONNECTs too. Unknown and revoked lockers are absent.
   */
  const lockerSecretHashes = (lockerIds: readonly string[]) =>
    readByKeys(
      lockerIds,
      (ids) =>
        ctx.db
          .selectFrom('lockers')
          .select(['id', 'mqtt_secret_hash'])
          .where('id', 'in', ids)
          .where('revoked', '=', 0)
          .execute(),
      (row) => [row.id, row.mqtt_secret_hash],
    );
  return {
    async ingest(lockerId, events, receivedAt): Promise<IngestResult> {
      const [result] = await ingestMany(ctx, [{ lockerId, events, receivedAt }]);
      return result as IngestResult;
    },

    ingestMany: (calls) => ingestMany(ctx, calls),

    async committedSeq(lockerId) {
      return (await committedSeqs([lockerId])).get(lockerId) ?? 0;
    },

    committedSeqs,

    lockerSecretHashes,

    async verifyLockerSecret(lockerId, secret) {
      return secretMatches((await lockerSecretHashes([lockerId])).get(lockerId), secret);
    },
  };
}

/** Whether a locker's stored secret hash (undefined: unknown or revoked) matches this secret. */
export function secretMatches(hash: string | undefined, secret: string): boolean {
  return hash !== undefined && hashesEqual(hash, sha256Hex(secret));
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

/** The event log rows of the runs, several hundred per statement rather than one round trip each. */
async function recordEvents(
  trx: Db,
  rows: readonly { readonly event: LockerEvent; readonly receivedAt: number }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const values = rows.slice(i, i + ROWS_PER_INSERT).map(({ event, receivedAt }) => ({
      locker_id: event.lockerId,
      seq: event.seq,
      at: event.at,
      received_at: receivedAt,
      type: event.type,
      body: JSON.stringify(event.body),
    }));
    await trx.insertInto('locker_events').values(values).execute();
  }
}

/**
 * The lockers' cursors moved past their runs: one UPDATE … FROM (VALUES …) per chunk rather than
 * one statement per locker (a connect storm's groups are hundreds of lockers' first batches).
 */
async function moveCursors(
  trx: Db,
  plans: readonly { call: IngestCall; start: number; run: readonly LockerEvent[] }[],
): Promise<void> {
  for (const rows of paddedChunks(plans)) {
    const values = rows.map(
      ({ call, start, run }) =>
        sql`(${call.lockerId}, cast(${start + run.length} as bigint), cast(${run.at(-1)?.at ?? null} as bigint), cast(${call.receivedAt} as bigint))`,
    );
    await sql`update ingest_cursors
      set committed_seq = v.seq, last_event_at = v.event_at, last_received_at = v.received_at
      from (select column1 as id, column2 as seq, column3 as event_at, column4 as received_at
            from (values ${sql.join(values)}) as t) as v
      where ingest_cursors.locker_id = v.id`.execute(trx);
  }
}
