import type { StoreContext } from '../store/context.ts';
import { nextAttemptAt } from '../webhooks/backoff.ts';
import type { ReceiptRow, ReceiptStatus } from './payment-schema.ts';
import { receiptsWithContact, toPaymentView, toReceiptView } from './payment-views.ts';
import type { FiscalResult } from './providers/fiscal-provider.ts';

export type DueReceipt = ReceiptRow & {
  readonly contactChannel: string | null;
  readonly contactSealed: string | null;
  readonly contactOpened: boolean;
};

/** Receipts to fiscalize, their contacts, and the operator's views of payments and receipts. */
export function receiptStore(ctx: StoreContext) {
  const { db, clock } = ctx;
  return {
    /** Contacts as the locker sealed them, not yet opened by the worker. */
    async contactsToOpen(limit = 50) {
      return db
        .selectFrom('receipt_contacts')
        .select(['payment_id', 'channel', 'rsa_sealed'])
        .where('rsa_sealed', 'is not', null)
        .limit(limit)
        .execute();
    },

    /**
     * The opened contact, resealed with the personal-data vault (or, with no vault configured,
     * kept as the locker sealed it, `rsa:`-prefixed) and masked for views; a contact that does not
     * open or is no phone/e-mail is dropped (null).
     */
    async saveOpenedContact(paymentId: string, sealed: string | null, masked: string | null) {
      await db
        .updateTable('receipt_contacts')
        .set({ sealed, masked: masked ?? '(unreadable)', rsa_sealed: null })
        .where('payment_id', '=', paymentId)
        .execute();
    },

    /** Pending receipts due now, and `sent` ones to ask about again. */
    async dueReceipts(limit = 50): Promise<DueReceipt[]> {
      const rows = await db
        .selectFrom('receipts')
        .leftJoin('receipt_contacts', 'receipt_contacts.payment_id', 'receipts.payment_id')
        .selectAll('receipts')
        .select([
          'receipt_contacts.channel as contact_channel',
          'receipt_contacts.sealed as contact_sealed',
          'receipt_contacts.masked as contact_masked',
        ])
        .where('receipts.status', 'in', ['pending', 'sent'])
        .where('receipts.next_attempt_at', '<=', clock.now())
        .orderBy('receipts.next_attempt_at')
        .limit(limit)
        .execute();
      return rows.map(({ contact_channel, contact_sealed, contact_masked, ...r }) => ({
        ...r,
        contactChannel: contact_channel,
        contactSealed: contact_sealed,
        contactOpened: contact_masked !== null,
      }));
    },

    /** Records a provider's answer: accepted, registered (`sent`, asked again), or retried. */
    async receiptResult(receipt: ReceiptRow, result: FiscalResult): Promise<ReceiptStatus> {
      const now = clock.now();
      const attempts = receipt.attempts + 1;
      let status: ReceiptStatus;
      let changes: Partial<ReceiptRow>;
      if (result.ok) {
        status = result.accepted ? 'accepted' : 'sent';
        const next = nextAttemptAt(receipt.created_at, attempts, now);
        changes = {
          external_id: result.externalId,
          last_error: null,
          accepted_at: result.accepted ? now : null,
          next_attempt_at: next ?? now,
        };
      } else {
        const next =
          result.permanent === true ? null : nextAttemptAt(receipt.created_at, attempts, now);
        status = next === null ? 'failed' : receipt.status;
        changes = { last_error: result.error, next_attempt_at: next ?? now };
      }
      await db
        .updateTable('receipts')
        .set({ ...changes, status, attempts })
        .where('id', '=', receipt.id)
        .execute();
      return status;
    },

    async listPayments(operatorId: string, limit: number, state?: string) {
      let query = db
        .selectFrom('payments')
        .innerJoin('lockers', 'lockers.id', 'payments.locker_id')
        .selectAll('payments')
        .where('lockers.operator_id', '=', operatorId)
        .orderBy('payments.created_at', 'desc')
        .limit(limit);
      if (state !== undefined) query = query.where('payments.state', '=', state as 'started');
      return (await query.execute()).map(toPaymentView);
    },

    async listReceipts(operatorId: string, limit: number, status?: ReceiptStatus) {
      let query = receiptsWithContact(db)
        .innerJoin('lockers', 'lockers.id', 'receipts.locker_id')
        .where('lockers.operator_id', '=', operatorId)
        .orderBy('receipts.created_at', 'desc')
        .limit(limit);
      if (status !== undefined) query = query.where('receipts.status', '=', status);
      return (await query.execute()).map(toReceiptView);
    },
  };
}
