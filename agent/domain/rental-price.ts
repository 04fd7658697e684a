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
