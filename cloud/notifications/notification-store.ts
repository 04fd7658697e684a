import type { OrderKind, OrderStatus } from '../../protocol/index.ts';
import type { Db, StoreContext } from '../store/context.ts';
import {
  isNotifiedKind,
  type Language,
  type NotificationEvent,
  reminderFor,
} from './domain/notification-plan.ts';
import { enqueueNotification } from './notification-queue.ts';

/** A queued message with what the worker needs to render and send it (still sealed). */
export interface DueNotification {
  readonly id: string;
  readonly orderId: string;
  readonly tenantId: string;
  readonly kind: OrderKind;
  readonly event: NotificationEvent;
  readonly channel: string;
  readonly attempts: number;
  readonly createdAt: number;
  readonly language: Language;
  readonly phoneSealed: string | null;
  readonly phoneHash: string | null;
  readonly codesSealed: string | null;
}

export interface NotificationOutcome {
  readonly ok: boolean;
  readonly error: string | null;
  /** When to try again; null after a success or once retries are over. */
  readonly nextAttemptAt: number | null;
}

export function notificationStore(ctx: StoreContext) {
  const { db, clock } = ctx;
  return {
    async dueNotifications(limit: number): Promise<DueNotification[]> {
      const rows = await db
        .selectFrom('notifications as n')
        .innerJoin('orders as o', 'o.id', 'n.order_id')
        .innerJoin('order_contacts as c', 'c.order_id', 'n.order_id')
        .select([
          'n.id',
          'n.order_id',
          'o.tenant_id',
          'o.kind',
          'n.event',
          'n.channel',
          'n.attempts',
          'n.created_at',
          'c.language',
          'c.phone_sealed',
          'c.phone_hash',
          'c.codes_sealed',
        ])
        .where('n.status', '=', 'pending')
        .where('n.next_attempt_at', '<=', clock.now())
        .orderBy('n.next_attempt_at')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        orderId: r.order_id,
        tenantId: r.tenant_id,
        kind: r.kind as OrderKind,
        event: r.event as NotificationEvent,
        channel: r.channel,
        attempts: r.attempts,
        createdAt: r.created_at,
        language: r.language as Language,
        phoneSealed: r.phone_sealed,
        phoneHash: r.phone_hash,
        codesSealed: r.codes_sealed,
      }));
    },

    async recordNotificationAttempt(id: string, outcome: NotificationOutcome): Promise<void> {
      const now = clock.now();
      await db
        .updateTable('notifications')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          status: outcome.ok ? 'sent' : outcome.nextAttemptAt === null ? 'failed' : 'pending',
          next_attempt_at: outcome.nextAttemptAt ?? now,
          last_error: outcome.error,
          sent_at: outcome.ok ? now : null,
        }))
        .where('id', '=', id)
        .execute();
    },

    /** Not an attempt: the phone's hourly quota is used up, so the message waits. */
    async postponeNotification(id: string, until: number, reason: string): Promise<void> {
      await db
        .updateTable('notifications')
        .set({ next_attempt_at: until, last_error: reason })
        .where('id', '=', id)
        .execute();
    },

    /** Messages sent to one phone since `since` on the given channels, oldest first. */
    async sentToPhone(phoneHash: string, channels: readonly string[], since: number) {
      if (channels.length === 0) return [];
      const rows = await db
        .selectFrom('notifications as n')
        .innerJoin('order_contacts as c', 'c.order_id', 'n.order_id')
        .select('n.sent_at')
        .where('c.phone_hash', '=', phoneHash)
        .where('n.channel', 'in', channels)
        .where('n.status', '=', 'sent')
        .where('n.sent_at', '>', since)
        .orderBy('n.sent_at')
        .execute();
      return rows.map((r) => r.sent_at ?? since);
    },

    /** Where and until when the order waits in a locker: what a message tells the person. */
    async orderWhereabouts(orderId: string) {
      const bookings = await db
        .selectFrom('bookings as b')
        .innerJoin('lockers as l', 'l.id', 'b.locker_id')
        .select(['b.locker_id', 'b.valid_until', 'l.address'])
        .where('b.order_id', '=', orderId)
        .execute();
      const lockers = new Map(bookings.map((b) => [b.locker_id, b.address]));
      const until = Math.max(0, ...bookings.map((b) => b.valid_until));
      return { lockers, until };
    },

    /** Queues the reminders that have come due; the unique key keeps each to one. */
    async enqueueDueReminders(remindBeforeMs: number): Promise<number> {
      const now = clock.now();
      const rows = await db
        .selectFrom('orders as o')
        .innerJoin('order_contacts as c', 'c.order_id', 'o.id')
        .innerJoin('bookings as b', 'b.order_id', 'o.id')
        .select(['o.id', 'o.kind', 'o.status', 'c.channels', 'b.valid_until'])
        .where('o.status', '=', 'ready-for-pickup')
        .where('c.erased_at', 'is', null)
        .where('b.active', '=', 1)
        .where('b.valid_until', '>', now)
        .where('b.valid_until', '<=', now + remindBeforeMs)
        .execute();
      let queued = 0;
      for (const row of rows) {
        const kind = row.kind as OrderKind;
        if (!isNotifiedKind(kind)) continue;
        const status = row.status as OrderStatus;
        const event = reminderFor(kind, status, row.valid_until, now, remindBeforeMs);
        if (event === null) continue;
        await enqueueNotification(db, row.id, event, JSON.parse(row.channels) as string[], now);
        queued++;
      }
      return queued;
    },

    /** The tenant's active webhook endpoint (the webhook channel signs with its secret). */
    async tenantEndpoint(tenantId: string) {
      return db
        .selectFrom('webhook_endpoints')
        .select(['url', 'secret'])
        .where('tenant_id', '=', tenantId)
        .where('active', '=', 1)
        .executeTakeFirst();
    },
  };
}

/** The order's messages and the masked contact, for GET /v1/orders/:id. */
export async function notificationsOf(db: Db, orderId: string) {
  const contact = await db
    .selectFrom('order_contacts')
    .select(['phone_masked', 'language', 'erased_at'])
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  const rows = await db
    .selectFrom('notifications')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .orderBy('event')
    .orderBy('channel')
    .execute();
  return {
    recipient:
      contact === undefined
        ? null
        : {
            phone: contact.phone_masked,
            language: contact.language as Language,
            erased: contact.erased_at !== null,
          },
    notifications: rows.map((n) => ({
      event: n.event,
      channel: n.channel,
      status: n.status as 'pending' | 'sent' | 'failed',
      attempts: n.attempts,
      lastError: n.last_error,
      sentAt: n.sent_at,
    })),
  };
}
