import { describe, expect, it } from 'vitest';
import type { CellFeature, CellSize } from '../../protocol/index.ts';
import { allocateCell, type CellCandidate } from './allocation.ts';
import { lockAfterWrongEntry } from './keypad-lockout.ts';
import { rentalPriceKopecks } from './rental-price.ts';

const cell = (
  id: string,
  size: CellSize,
  features: CellFeature[] = [],
  available = true,
): CellCandidate => ({
  id,
  size,
  features,
  available,
});

describe('best-fit allocation', () => {
  const cells = [
    cell('A', 'XL'),
    cell('B', 'M'),
    cell('C', 'S', [], false),
    cell('D', 'L'),
    cell('E', 'S', ['refrigerated']),
  ];
  it.each<[CellSize, boolean, string[], string | undefined]>([
    ['S', false, [], 'B'],
    ['M', false, [], 'B'],
    ['M', false, ['B'], 'D'],
    ['L', false, [], 'D'],
    ['S', true, [], 'E'],
    ['M', true, [], undefined],
    ['XL', false, ['A'], undefined],
  ])('size %s refrigerated %s excluding %j → %s', (size, refrigerated, exclude, expected) => {
    expect(allocateCell(cells, { size, refrigerated, exclude })?.id).toBe(expected);
  });
});

describe('keypad lockout', () => {
  const policy = { maxWrong: 5, windowMs: 600_000, lockMs: 300_000 };
  it('locks on the fifth wrong entry within the window only', () => {
    expect(lockAfterWrongEntry([1, 2, 3], 4, policy)).toBeUndefined();
    expect(lockAfterWrongEntry([1, 2, 3, 4], 5, policy)).toBe(300_005);
    expect(lockAfterWrongEntry([0, 2, 3, 4], 600_000, policy)).toBeUndefined();
  });
});

describe('rental price', () => {
  const t = { firstHourKopecks: 100, nextHourKopecks: 10, dayCapKopecks: 200 };
  it.each([
    [1, 100],
    [3, 120],
    [24, 200],
    [25, 300],
    [0.5, 100],
  ])('%s h → %s', (h, k) => {
    expect(rentalPriceKopecks(t, h)).toBe(k);
  });
});
