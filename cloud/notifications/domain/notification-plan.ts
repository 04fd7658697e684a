import type { OrderKind, OrderStatus } from '../../../protocol/index.ts';

/** What a person is told about; with the order and the channel, it names a message once. */
export const NOTIFICATION_EVENTS = [
  'code-issued',
  'parcel-ready',
  'expiry-reminder',
  'expired',
  'rental-ending',
  'item-back',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The services the network runs itself, so it tells the person; marketplaces tell their own
 * customers about deliveries and returns.
 */
export const NOTIFIED_KINDS: readonly OrderKind[] = [
  'resident-to-resident',
  'rental',
  'service-round-trip',
];

export function isNotifiedKind(kind: OrderKind): boolean {
  return NOTIFIED_KINDS.includes(kind);
}

/**
 * The person behind the order's phone: the recipient of a resident's parcel, the renter, the
 * resident who hands an item to a dry cleaner. Each event names it in its own way.
 */
export function eventsForStatus(kind: OrderKind, status: OrderStatus): NotificationEvent[] {
  if (!isNotifiedKind(kind)) return [];
  switch (status) {
    case 'booked':
      // The sender of a resident's parcel has the deposit code from the app already.
      return kind === 'resident-to-resident' ? [] : ['code-issued'];
    case 'ready-for-pickup':
      if (kind === 'resident-to-resident') return ['parcel-ready'];
      if (kind === 'service-round-trip') return ['item-back'];
      return [];
    case 'expired':
      return ['expired'];
    default:
      return [];
  }
}

/** The reminder due before the order's time in the locker runs out, if any. */
export function reminderFor(
  kind: OrderKind,
  status: OrderStatus,
  expiresAt: number,
  now: number,
  remindBeforeMs: number,
): NotificationEvent | null {
  if (!isNotifiedKind(kind) || now >= expiresAt || now < expiresAt - remindBeforeMs) return null;
  if (kind === 'rental') return status === 'ready-for-pickup' ? 'rental-ending' : null;
  return status === 'ready-for-pickup' ? 'expiry-reminder' : null;
}

/** Statuses after which nothing more happens: personal data may be erased after retention. */
export const FINISHED_STATUSES: readonly OrderStatus[] = [
  'collected',
  'completed',
  'returned',
  'cancelled',
];
