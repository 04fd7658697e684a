import { describe, expect, it } from 'vitest';
import { overdueKopecks, rentalPriceKopecks } from './rental-price.ts';

const tariff = { firstHourKopecks: 10_000, nextHourKopecks: 8_000, dayCapKopecks: 50_000 };
const HOUR = 3_600_000;

describe('rental price by the synced tariff', () => {
  it.each([
    [1, 10_000],
    [2, 18_000],
    [3, 26_000],
    [5, 42_000],
    [6, 50_000], // 50 000 by hours, the day cap
    [24, 50_000],
    [25, 60_000], // a full day, then a new first hour
    [49, 110_000],
  ])('%i hours cost %i kopecks', (hours, kopecks) => {
    expect(rentalPriceKopecks(tariff, hours)).toBe(kopecks);
  });

  it.each([
    // rented 2 h (18 000 paid); back after 2 h 10 min → 3 started hours → 26 000 → 8 000 owed
    [2 * HOUR + 10 * 60_000, 18_000, 8_000],
    [2 * HOUR, 18_000, 0],
    // 30 h: a capped day (50 000) + 6 h capped again (50 000) − 18 000 paid
    [30 * HOUR, 18_000, 82_000],
    [HOUR / 2, 18_000, 0],
  ])('back after %i ms having paid %i: owes %i', (elapsed, paid, owed) => {
    expect(overdueKopecks(tariff, { startedAt: 1_000, paidKopecks: paid }, 1_000 + elapsed)).toBe(
      owed,
    );
  });
});
