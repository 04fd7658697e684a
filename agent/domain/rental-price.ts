/** A tariff for one cell size, as the cloud pushes it. */
export interface Tariff {
  readonly firstHourKopecks: number;
  readonly nextHourKopecks: number;
  readonly dayCapKopecks: number;
}

/**
 * Price of renting for `hours` (whole hours, at least one): first hour, then each next hour,
 * each started day capped at the day cap.
 */
export function rentalPriceKopecks(tariff: Tariff, hours: number): number {
  const whole = Math.max(1, Math.ceil(hours));
  const fullDays = Math.floor(whole / 24);
  const rest = whole % 24;
  const dayPrice = (h: number) =>
    h === 0
      ? 0
      : Math.min(tariff.dayCapKopecks, tariff.firstHourKopecks + (h - 1) * tariff.nextHourKopecks);
  return fullDays * dayPrice(24) + dayPrice(rest);
}

const HOUR = 3_600_000;

/**
 * What an overdue rental owes before its cell opens again: the price of the whole time from the
 * start until `now` (each started hour counts), less what was already paid; never negative.
 */
export function overdueKopecks(
  tariff: Tariff,
  rental: { readonly startedAt: number; readonly paidKopecks: number },
  now: number,
): number {
  const hours = Math.max(1, Math.ceil((now - rental.startedAt) / HOUR));
  return Math.max(0, rentalPriceKopecks(tariff, hours) - rental.paidKopecks);
}
