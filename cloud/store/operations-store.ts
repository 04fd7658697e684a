import { type Command, PostamatError } from '../../protocol/index.ts';
import { newId } from '../security/secrets.ts';
import type { StoreContext } from './context.ts';
import type { CommandRow } from './schema.ts';

export interface NewCommand {
  readonly lockerId: string;
  readonly type: Command['type'];
  readonly body: Record<string, unknown>;
  readonly ttlMs: number;
  /** Who asked: an operator id. Written to the audit log with the reason. */
  readonly actor: string;
}

function toCommand(row: CommandRow): Command {
  return {
    id: row.id,
    lockerId: row.locker_id,
    type: row.type,
    body: JSON.parse(row.body),
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
  } as Command;
}

/** Commands, audit, alarms and fleet: what operators act on. */
export function operationsStore(ctx: StoreContext) {
  const { db, clock } = ctx;
  return {
    /** Records a command and its audit line in one transaction; the publisher sends it. */
    async createCommand(input: NewCommand): Promise<Command> {
      const now = clock.now();
      const id = newId('cmd');
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('commands')
          .values({
            id,
            locker_id: input.lockerId,
            type: input.type,
            body: JSON.stringify(input.body),
            issued_at: now,
            expires_at: now + input.ttlMs,
            status: 'pending',
            outcome_code: null,
            created_by: input.actor,
          })
          .execute();
        await trx
          .insertInto('audit_log')
          .values({
            id: newId('au'),
            at: now,
            actor: input.actor,
            action: `command.${input.type}`,
            locker_id: input.lockerId,
            detail: JSON.stringify({ commandId: id, ...input.body }),
          })
          .execute();
      });
      const row = await db
        .selectFrom('commands')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return toCommand(row);
    },

    /** Commands not yet sent and not expired, oldest first: the publisher's queue. */
    async pendingCommands(lockerId?: string): Promise<Command[]> {
      let query = db
        .selectFrom('commands')
        .selectAll()
        .where('status', '=', 'pending')
        .where('expires_at', '>', clock.now())
        .orderBy('issued_at');
      if (lockerId !== undefined) query = query.where('locker_id', '=', lockerId);
      return (await query.limit(1000).execute()).map(toCommand);
    },

    async markCommandSent(commandId: string): Promise<void> {
      await db
        .updateTable('commands')
        .set({ status: 'sent' })
        .where('id', '=', commandId)
        .where('status', '=', 'pending')
        .execute();
    },

    async getCommand(commandId: string) {
      const row = await db
        .selectFrom('commands')
        .selectAll()
        .where('id', '=', commandId)
        .executeTakeFirst();
      return row === undefined ? undefined : { ...toCommand(row), status: row.status };
    },

    async auditLog(lockerId: string) {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('locker_id', '=', lockerId)
        .orderBy('at')
        .execute();
      return rows.map((r) => ({
        at: r.at,
        actor: r.actor,
        action: r.action,
        detail: JSON.parse(r.detail),
      }));
    },

    async listAlarms(operatorId: string, openOnly: boolean) {
      let query = db
        .selectFrom('alarms')
        .innerJoin('lockers', 'lockers.id', 'alarms.locker_id')
        .selectAll('alarms')
        .where('lockers.operator_id', '=', operatorId)
        .orderBy('alarms.raised_at', 'desc')
        .limit(1000);
      // Open: the locker has not cleared it and nobody resolved it in the console.
      if (openOnly) {
        query = query
          .where('alarms.cleared_at', 'is', null)
          .where('alarms.resolved_at', 'is', null);
      }
      return (await query.execute()).map((a) => ({
        id: a.id,
        lockerId: a.locker_id,
        kind: a.kind,
        cellId: a.cell_id,
        raisedAt: a.raised_at,
        clearedAt: a.cleared_at,
      }));
    },

    /** Counts for an operator's fleet at a glance. */
    async fleetStatus(operatorId: string) {
      const lockers = await db
        .selectFrom('lockers')
        .select(['id', 'online', 'last_seen_at'])
        .where('operator_id', '=', operatorId)
        .where('revoked', '=', 0)
        .execute();
      const alarms = await this.listAlarms(operatorId, true);
      return {
        lockers: lockers.length,
        online: lockers.filter((l) => l.online === 1).length,
        openAlarms: alarms.length,
        offline: lockers
          .filter((l) => l.online === 0)
          .map((l) => ({ lockerId: l.id, lastSeenAt: l.last_seen_at })),
      };
    },

    async assertOperatorOwns(operatorId: string, lockerId: string): Promise<void> {
      const row = await db
        .selectFrom('lockers')
        .select('operator_id')
        .where('id', '=', lockerId)
        .executeTakeFirst();
      if (row === undefined || row.operator_id !== operatorId) {
        throw new PostamatError('not-found', `no locker "${lockerId}" of this operator`, {
          lockerId,
        });
      }
    },
  };
}
