import { PostamatError } from '../../protocol/index.ts';
import type { StoreContext } from './context.ts';
import type { AlarmRow } from './schema.ts';

export interface AlarmMark {
  readonly at: number;
  readonly by: string;
  readonly note: string | null;
}

export interface AlarmView {
  readonly id: string;
  readonly lockerId: string;
  readonly kind: string;
  readonly cellId: string | null;
  readonly raisedAt: number;
  /** The locker said the condition is gone. */
  readonly clearedAt: number | null;
  /** Someone is on it. */
  readonly acked: AlarmMark | null;
  /** Someone closed it, with what was done. */
  readonly resolved: AlarmMark | null;
}

function mark(at: number | null, by: string | null, note: string | null): AlarmMark | null {
  return at === null ? null : { at, by: by ?? '', note };
}

export function alarmView(a: AlarmRow): AlarmView {
  return {
    id: a.id,
    lockerId: a.locker_id,
    kind: a.kind,
    cellId: a.cell_id,
    raisedAt: a.raised_at,
    clearedAt: a.cleared_at,
    acked: mark(a.acked_at, a.acked_by, a.ack_note),
    resolved: mark(a.resolved_at, a.resolved_by, a.resolve_note),
  };
}

/** Alarms across an operator's network; open = neither cleared by the locker nor resolved. */
export function alarmStore(ctx: StoreContext) {
  const { db, clock } = ctx;

  async function ownedAlarm(operatorId: string, alarmId: string): Promise<AlarmRow> {
    const row = await db
      .selectFrom('alarms')
      .innerJoin('lockers', 'lockers.id', 'alarms.locker_id')
      .selectAll('alarms')
      .where('alarms.id', '=', alarmId)
      .where('lockers.operator_id', '=', operatorId)
      .executeTakeFirst();
    if (row === undefined) {
      throw new PostamatError('not-found', `no alarm "${alarmId}" of this operator`, { alarmId });
    }
    return row;
  }

  return {
    async operatorAlarms(
      operatorId: string,
      filter: { open: boolean; lockerId?: string | undefined; limit: number },
    ): Promise<AlarmView[]> {
      let query = db
        .selectFrom('alarms')
        .innerJoin('lockers', 'lockers.id', 'alarms.locker_id')
        .selectAll('alarms')
        .where('lockers.operator_id', '=', operatorId)
        .orderBy('alarms.raised_at', 'desc')
        .limit(filter.limit);
      if (filter.open) {
        query = query
          .where('alarms.cleared_at', 'is', null)
          .where('alarms.resolved_at', 'is', null);
      }
      if (filter.lockerId !== undefined)
        query = query.where('alarms.locker_id', '=', filter.lockerId);
      return (await query.execute()).map(alarmView);
    },

    /** Acknowledging again only refreshes who and the note; a resolved alarm is closed. */
    async ackAlarm(operatorId: string, alarmId: string, by: string, note: string | null) {
      const row = await ownedAlarm(operatorId, alarmId);
      if (row.resolved_at !== null) {
        throw new PostamatError('invalid-state', 'the alarm is resolved', { alarmId });
      }
      await db
        .updateTable('alarms')
        .set({ acked_at: clock.now(), acked_by: by, ack_note: note })
        .where('id', '=', alarmId)
        .execute();
      return alarmView(await ownedAlarm(operatorId, alarmId));
    },

    async resolveAlarm(operatorId: string, alarmId: string, by: string, note: string) {
      const row = await ownedAlarm(operatorId, alarmId);
      if (row.resolved_at !== null) {
        throw new PostamatError('invalid-state', 'the alarm is already resolved', { alarmId });
      }
      const now = clock.now();
      await db
        .updateTable('alarms')
        .set({
          resolved_at: now,
          resolved_by: by,
          resolve_note: note,
          // Resolving implies someone looked at it.
          acked_at: row.acked_at ?? now,
          acked_by: row.acked_by ?? by,
        })
        .where('id', '=', alarmId)
        .execute();
      return alarmView(await ownedAlarm(operatorId, alarmId));
    },
  };
}
