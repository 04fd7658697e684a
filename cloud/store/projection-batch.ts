import { sql } from 'kysely';
import type { LockerEvent } from '../../protocol/index.ts';
import type { EventEffect } from '../domain/locker-event-types.ts';
import { newId } from '../security/secrets.ts';
import type { Db } from './context.ts';
import { applyEffect } from './event-projection.ts';
import { fixedChunks, paddedChunks, readByKeys } from './key-batches.ts';

/** One event to project, with what it means (interpretEvent) and when its batch arrived. */
export interface Projected {
  readonly lockerId: string;
  readonly event: LockerEvent;
  readonly effect: EventEffect;
  readonly receivedAt: number;
}

type AlarmRaised = Extract<EventEffect, { type: 'alarm-raised' }>;
type CommandResult = Extract<EventEffect, { type: 'command-result' }>;

/**
 * The projections of an ingest group's events (applyEffect) with the statements that do not
 * depend on one another shared across the group: on PostgreSQL each statement is a round trip,
 * and one or two per event was what a group of a hundred lockers' batches spent most of its time
 * on. The result is what applying every event one by one, in order, gives:
 *
 * - Step events (step-done, order-expired) only change an order that has steps at the reporting
 *   locker. Which (order, locker) pairs have steps is read once for the group; events of other
 *   orders change nothing and cost nothing. Events never create steps, so the read stays true
 *   through the group. The rest go one by one, as each may read what the previous changed.
 * - Raised alarms are inserted together, and command results written together (the last result
 *   of a command wins, as in order). Nothing else in a projection reads those rows, so they wait
 *   for the end of the group, or until an alarm clear, which must see the alarms raised before it.
 */
export async function projectGroup(trx: Db, items: readonly Projected[]): Promise<void> {
  const withSteps = await lockersWithSteps(trx, items);
  const alarms: { lockerId: string; event: LockerEvent; effect: AlarmRaised }[] = [];
  const results = new Map<string, { lockerId: string; effect: CommandResult }>();
  for (const { lockerId, event, effect, receivedAt } of items) {
    switch (effect.type) {
      case 'none':
        break;
      case 'step-done':
      case 'order-expired':
        if (withSteps.has(stepKey(effect.orderId, lockerId))) {
          await applyEffect(trx, lockerId, event, effect, receivedAt);
        }
        break;
      case 'alarm-raised':
        alarms.push({ lockerId, event, effect });
        break;
      case 'alarm-cleared':
        await insertAlarms(trx, alarms.splice(0));
        await applyEffect(trx, lockerId, event, effect, receivedAt);
        break;
      case 'command-result':
        // Keyed by locker too (a result only counts for a command sent to that locker); a later
        // result of the same command replaces the earlier.
        results.set(`${lockerId}\n${effect.commandId}`, { lockerId, effect });
        break;
      default:
        await applyEffect(trx, lockerId, event, effect, receivedAt);
    }
  }
  await insertAlarms(trx, alarms);
  await writeResults(trx, [...results.values()]);
}

const stepKey = (orderId: string, lockerId: string) => `${orderId}\n${lockerId}`;

/** The (order, locker) pairs among the group's step events that have any step, one read per 256 orders. */
async function lockersWithSteps(trx: Db, items: readonly Projected[]): Promise<Set<string>> {
  const orderIds = items.flatMap(({ effect }) =>
    effect.type === 'step-done' || effect.type === 'order-expired' ? [effect.orderId] : [],
  );
  if (orderIds.length === 0) return new Set();
  const pairs = await readByKeys(
    orderIds,
    (list) =>
      trx
        .selectFrom('steps')
        .select(['order_id', 'locker_id'])
        .distinct()
        .where('order_id', 'in', list)
        .execute(),
    (row) => [stepKey(row.order_id, row.locker_id), true],
  );
  return new Set(pairs.keys());
}

async function insertAlarms(
  trx: Db,
  raised: readonly { lockerId: string; event: LockerEvent; effect: AlarmRaised }[],
): Promise<void> {
  for (const rows of fixedChunks(raised)) {
    await trx
      .insertInto('alarms')
      .values(
        rows.map(({ lockerId, event, effect }) => ({
          id: effect.alarmId === null ? newId('al') : `${lockerId}/${effect.alarmId}`,
          locker_id: lockerId,
          kind: effect.kind,
          cell_id: effect.cellId,
          raised_at: event.at,
          cleared_at: null,
        })),
      )
      .execute();
  }
}

/** Commands' outcomes in one UPDATE … FROM (VALUES …) per chunk (PostgreSQL; SQLite ≥ 3.33). */
async function writeResults(
  trx: Db,
  results: readonly { lockerId: string; effect: CommandResult }[],
): Promise<void> {
  for (const rows of paddedChunks(results)) {
    const values = rows.map(
      ({ lockerId, effect }) =>
        sql`(${effect.commandId}, ${lockerId}, ${effect.outcome}, cast(${effect.code} as text))`,
    );
    await sql`update commands set status = v.status, outcome_code = v.code
      from (select column1 as id, column2 as locker_id, column3 as status, column4 as code
            from (values ${sql.join(values)}) as t) as v
      where commands.id = v.id and commands.locker_id = v.locker_id`.execute(trx);
  }
}
