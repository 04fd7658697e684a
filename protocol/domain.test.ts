import { describe, expect, it } from 'vitest';
import { CELL_SIZE_DIMENSIONS, CELL_SIZES, nextLargerSize, sizeFits } from './domain.ts';

describe('cell sizes', () => {
  it('are ordered by inner height, smallest first', () => {
    const heights = CELL_SIZES.map((size) => CELL_SIZE_DIMENSIONS[size].heightMm);
    expect(heights).toEqual([...heights].sort((a, b) => a - b));
  });

  it.each([
    ['S', 'M'],
    ['M', 'L'],
    ['L', 'XL'],
    ['XL', undefined],
  ] as const)('after %s comes %s when a parcel does not fit', (size, next) => {
    expect(nextLargerSize(size)).toBe(next);
  });

  it.each([
    ['S', 'S', true],
    ['S', 'XL', true],
    ['L', 'M', false],
    ['XL', 'L', false],
  ] as const)('an %s item in an %s cell fits: %s', (item, cell, fits) => {
    expect(sizeFits(item, cell)).toBe(fits);
  });
});
