import type { OrderKind, OrderStatus } from '../../protocol/index.ts';
import { newId } from '../security/secrets.ts';
import type { Db } from '../store/context.ts';
import type { IssuedCode } from '../store/order-codes.ts';
import {
  eventsForStatus,
  type Language,
  type NotificationEvent,
} from './domain/notification-plan.ts';
import { maskPhone, type PersonalDataVault } from './personal-data-vault.ts';

/** Who an order's messages go to, given with the order; the vault seals it before it is stored. */
export interface OrderContactInput {
  readonly phone: string;
  readonly language: Language;
  readonly channels: readonly string[];
  readonly vault: PersonalDataVault;
}

/** Codes kept sealed for later messages (parcel ready, reminders), by what they open. */
export type SealedCodes = Partial<
  Record<IssuedCode['purpose'], { code: string; lockerId: string }>
>;

/** In the order's creating transaction: the contact and the codes, sealed. */
export async function saveContact(
  trx: Db,
  orderId: string,
  contact: OrderContactInput,
  codes: readonly IssuedCode[],
  now: number,
): Promise<void> {
  const kept: SealedCodes = {};
  for (const c of codes) kept[c.purpose] = { code: c.code, lockerId: c.lockerId };
  const { vault } = contact;
  await trx
    .insertInto('order_contacts')
    .values({
      order_id: orderId,
      phone_sealed: vault.seal(contact.phone),
      phone_hash: vault.phoneHash(contact.phone),
      phone_masked: maskPhone(contact.phone),
      codes_sealed: vault.seal(JSON.stringify(kept)),
      key_id: vault.keyId,
      language: contact.language,
      channels: JSON.stringify(contact.channels),
      created_at: now,
      erased_at: null,
    })
    .execute();
}

/** Queues one message per channel; a second call for the same event adds nothing. */
export async function enqueueNotification(
  trx: Db,
  orderId: string,
  event: NotificationEvent,
  channels: readonly string[],
  now: number,
): Promise<void> {
  if (channels.length === 0) return;
  await trx
    .insertInto('notifications')
    .values(
      channels.map((channel) => ({
        id: newId('nt'),
        order_id: orderId,
        event,
        channel,
        status: 'pending',
        attempts: 0,
        created_at: now,
        next_attempt_at: now,
        last_error: null,
        sent_at: null,
      })),
    )
    .onConflict((oc) => oc.columns(['order_id', 'event', 'channel']).doNothing())
    .execute();
}

/** Called with every status change, in its transaction: orders without a contact add nothing. */
export async function enqueueForStatus(
  trx: Db,
  orderId: string,
  status: OrderStatus,
  now: number,
): Promise<void> {
  const contact = await trx
    .selectFrom('order_contacts')
    .innerJoin('orders', 'orders.id', 'order_contacts.order_id')
    .select(['orders.kind', 'order_contacts.channels', 'order_contacts.erased_at'])
    .where('order_contacts.order_id', '=', orderId)
    .executeTakeFirst();
  if (contact === undefined || contact.erased_at !== null) return;
  const channels = JSON.parse(contact.channels) as string[];
  for (const event of eventsForStatus(contact.kind as OrderKind, status)) {
    await enqueueNotification(trx, orderId, event, channels, now);
  }
}
