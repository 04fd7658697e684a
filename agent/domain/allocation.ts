import { CELL_SIZES, type CellFeature, type CellSize, sizeFits } from '../../protocol/index.ts';

/** What allocation needs to know of a cell. */
export interface CellCandidate {
  readonly id: string;
  readonly size: CellSize;
  readonly features: readonly CellFeature[];
  /** Free, in service, and its board online. */
  readonly available: boolean;
}

export interface CellRequest {
  readonly size: CellSize;
  readonly refrigerated: boolean;
  /** Cells already tried for this item (door did not open, or the item did not fit). */
  readonly exclude?: readonly string[];
}

/**
 * Best fit: the smallest available cell the item fits in; a refrigerated cell only when asked
 * (so cold cells stay free for the parcels that need them). Ties break by id for a stable choice.
 */
export function allocateCell(
  cells: readonly CellCandidate[],
  request: CellRequest,
): CellCandidate | undefined {
  const excluded = new Set(request.exclude ?? []);
  const fitting = cells.filter(
    (c) =>
      c.available &&
      !excluded.has(c.id) &&
      sizeFits(request.size, c.size) &&
      c.features.includes('refrigerated') === request.refrigerated,
  );
  fitting.sort(
    (a, b) =>
      CELL_SIZES.indexOf(a.size) - CELL_SIZES.indexOf(b.size) ||
      a.features.length - b.features.length ||
      a.id.localeCompare(b.id),
  );
  return fitting[0];
}
