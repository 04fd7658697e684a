import { newId } from '../security/secrets.ts';
import type { StoreContext } from '../store/context.ts';
import type { IssuedCode } from '../store/order-codes.ts';
import { FINISHED_STATUSES } from './domain/notification-plan.ts';
import type { SealedCodes } from './notification-queue.ts';
import type { PersonalDataVault } from './personal-data-vault.ts';

/** A message the recording provider kept, sealed like the contact it went to. */
export interface RecordedMessageInput {
  readonly notificationId: string;
  readonly orderId: string;
  readonly channel: string;
  readonly event: string;
  readonly language: string;
  readonly phoneSealed: string | null;
  readonly textSealed: string;
  readonly keyId: string;
}

export function personalDataStore(ctx: StoreContext) {
  const { db, clock } = ctx;
  return {
    async recordMessage(input: RecordedMessageInput): Promise<void> {
      await db
        .insertInto('recorded_messages')
        .values({
          id: newId('rm'),
          notification_id: input.notificationId,
          order_id: input.orderId,
          channel: input.channel,
          event: input.event,
          language: input.language,
          phone_sealed: input.phoneSealed,
          text_sealed: input.textSealed,
          key_id: input.keyId,
          created_at: clock.now(),
        })
        .execute();
    },

    /** Recorded messages of orders at the operator's lockers, newest first, still sealed. */
    async recordedMessages(operatorId: string | null, limit: number, orderId?: string) {
      let query = db
        .selectFrom('recorded_messages as m')
        .leftJoin('order_contacts as c', 'c.order_id', 'm.order_id')
        .select([
          'm.id',
          'm.order_id',
          'm.channel',
          'm.event',
          'm.language',
          'm.text_sealed',
          'm.phone_sealed',
          'm.created_at',
          'c.phone_masked',
        ])
        .orderBy('m.created_at', 'desc')
        .orderBy('m.id')
        .limit(limit);
      if (orderId !== undefined) query = query.where('m.order_id', '=', orderId);
      if (operatorId !== null) {
        query = query.where('m.order_id', 'in', (eb) =>
          eb
            .selectFrom('steps as s')
            .innerJoin('lockers as l', 'l.id', 's.locker_id')
            .select('s.order_id')
            .where('l.operator_id', '=', operatorId),
        );
      }
      const rows = await query.execute();
      return rows.map((r) => ({
        id: r.id,
        orderId: r.order_id,
        channel: r.channel,
        event: r.event,
        language: r.language,
        phone: r.phone_masked,
        phoneSealed: r.phone_sealed,
        textSealed: r.text_sealed,
        createdAt: r.created_at,
      }));
    },

    /**
     * After a redirect the codes at the old locker are retired: later messages must carry the
     * new ones. The vault is the caller's (the store never holds the key).
     */
    async resealContactCodes(
      orderId: string,
      codes: readonly IssuedCode[],
      vault: PersonalDataVault,
    ) {
      const row = await db
        .selectFrom('order_contacts')
        .select('codes_sealed')
        .where('order_id', '=', orderId)
        .executeTakeFirst();
      if (row?.codes_sealed == null || codes.length === 0) return;
      const kept = JSON.parse(vault.open(row.codes_sealed)) as SealedCodes;
      for (const c of codes) kept[c.purpose] = { code: c.code, lockerId: c.lockerId };
      await db
        .updateTable('order_contacts')
        .set({ codes_sealed: vault.seal(JSON.stringify(kept)), key_id: vault.keyId })
        .where('order_id', '=', orderId)
        .execute();
    },

    /**
     * Erases phones, codes and message texts of orders finished at least `retentionMs` ago.
     * The order, its timeline and the notification states stay: the anonymous record.
     */
    async sweepPersonalData(retentionMs: number): Promise<number> {
      const now = clock.now();
      const finished = await db
        .selectFrom('order_contacts as c')
        .innerJoin('orders as o', 'o.id', 'c.order_id')
        .select('c.order_id')
        .where('c.erased_at', 'is', null)
        .where('o.status', 'in', [...FINISHED_STATUSES])
        .where('o.updated_at', '<=', now - retentionMs)
        .execute();
      const ids = finished.map((r) => r.order_id);
      if (ids.length === 0) return 0;
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('order_contacts')
          .set({
            phone_sealed: null,
            phone_hash: null,
            phone_masked: null,
            codes_sealed: null,
            erased_at: now,
          })
          .where('order_id', 'in', ids)
          .execute();
        await trx
          .updateTable('recorded_messages')
          .set({ phone_sealed: null, text_sealed: null })
          .where('order_id', 'in', ids)
          .execute();
        // Messages not sent by now never will be: nobody is left to send them to.
        await trx
          .updateTable('notifications')
          .set({ status: 'failed', last_error: 'personal data erased' })
          .where('order_id', 'in', ids)
          .where('status', '=', 'pending')
          .execute();
      });
      return ids.length;
    },
  };
}
