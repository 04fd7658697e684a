import type { Language, NotificationEvent } from './notification-plan.ts';

/** Values a message is rendered with; codes appear only in the text sent to the person. */
export interface MessageParams {
  readonly orderRef: string;
  readonly lockerAddress: string;
  readonly code?: string | undefined;
  readonly code2?: string | undefined;
  /** When the order's time in the locker ends, already formatted for the person's language. */
  readonly until: string;
}

type Catalogue = Readonly<Record<NotificationEvent | `${NotificationEvent}.rental`, string>>;

/** Texts kept short: one SMS segment where the language allows it. */
const CATALOGUES: Readonly<Record<Language, Catalogue>> = {
  ru: {
    'code-issued': 'Постамат {lockerAddress}: код для закладки {code}. Действует до {until}.',
    'code-issued.rental':
      'Аренда ячейки {lockerAddress}: код закладки {code}, код выемки {code2}. До {until}.',
    'parcel-ready': 'Вам посылка в постамате {lockerAddress}. Код получения {code}, до {until}.',
    'parcel-ready.rental': 'Ячейка {lockerAddress} занята вашими вещами. Код {code}, до {until}.',
    'expiry-reminder': 'Напоминание: заберите посылку в {lockerAddress} до {until}. Код {code}.',
    'expiry-reminder.rental': 'Аренда ячейки {lockerAddress} заканчивается {until}.',
    expired: 'Срок хранения в постамате {lockerAddress} истёк, отправление возвращается.',
    'expired.rental': 'Аренда ячейки {lockerAddress} закончилась.',
    'rental-ending': 'Аренда ячейки {lockerAddress} заканчивается {until}. Код выемки {code}.',
    'rental-ending.rental':
      'Аренда ячейки {lockerAddress} заканчивается {until}. Код выемки {code}.',
    'item-back': 'Ваша вещь вернулась из химчистки: постамат {lockerAddress}, код {code}.',
    'item-back.rental': 'Ваша вещь вернулась: постамат {lockerAddress}, код {code}.',
  },
  en: {
    'code-issued': 'Locker {lockerAddress}: your drop-off code is {code}, valid until {until}.',
    'code-issued.rental':
      'Locker rental at {lockerAddress}: drop-off code {code}, pick-up code {code2}. Until {until}.',
    'parcel-ready': 'A parcel is waiting for you at {lockerAddress}. Code {code}, until {until}.',
    'parcel-ready.rental': 'Your things are in the locker at {lockerAddress}. Code {code}.',
    'expiry-reminder': 'Reminder: collect your parcel at {lockerAddress} by {until}. Code {code}.',
    'expiry-reminder.rental': 'Your locker rental at {lockerAddress} ends {until}.',
    expired: 'The storage time at {lockerAddress} is over; the item is being sent back.',
    'expired.rental': 'Your locker rental at {lockerAddress} has ended.',
    'rental-ending': 'Your locker rental at {lockerAddress} ends {until}. Pick-up code {code}.',
    'rental-ending.rental':
      'Your locker rental at {lockerAddress} ends {until}. Pick-up code {code}.',
    'item-back': 'Your item is back from the dry cleaner: locker {lockerAddress}, code {code}.',
    'item-back.rental': 'Your item is back: locker {lockerAddress}, code {code}.',
  },
};

/** The text for one event in the person's language; a rental has its own wording. */
export function renderMessage(
  language: Language,
  event: NotificationEvent,
  rental: boolean,
  params: MessageParams,
): string {
  const catalogue = CATALOGUES[language];
  const template = rental ? catalogue[`${event}.rental`] : catalogue[event];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = (params as unknown as Record<string, string | undefined>)[name];
    return value ?? '—';
  });
}

/** Dates as a person reads them, in Moscow time (the network's city). */
export function formatUntil(language: Language, at: number): string {
  return new Intl.DateTimeFormat(language === 'ru' ? 'ru-RU' : 'en-GB', {
    timeZone: 'Europe/Moscow',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at);
}
