import type { CellSize } from '../../protocol/index.ts';

/** The three demo lockers: an entrance, a residential-complex courtyard and an office lobby. */
export interface DemoLocker {
  readonly id: string;
  readonly address: string;
  readonly lat: number;
  readonly lon: number;
  readonly boards: number;
  readonly channels: number;
  /** Sizes by channel across the boards, in order; refrigerated cells are marked with `*`. */
  readonly cells: readonly CellMark[];
}

type CellMark = CellSize | `${CellSize}*`;
const repeat = (n: number, value: CellMark): CellMark[] => Array.from({ length: n }, () => value);

export const DEMO_LOCKERS: readonly DemoLocker[] = [
  {
    id: 'msk-tverskaya-7',
    address: 'Москва, Тверская ул., 7, подъезд 2',
    lat: 55.7579,
    lon: 37.6111,
    boards: 1,
    channels: 16,
    cells: [...repeat(6, 'S'), ...repeat(6, 'M'), ...repeat(3, 'L'), 'XL'],
  },
  {
    id: 'msk-sady-2',
    address: 'Москва, ЖК «Сады», двор корпуса 2',
    lat: 55.7012,
    lon: 37.5301,
    boards: 2,
    channels: 12,
    cells: [...repeat(8, 'S'), ...repeat(6, 'M'), 'M*', 'M*', ...repeat(6, 'L'), 'XL', 'XL'],
  },
  {
    id: 'msk-aurora-bc',
    address: 'Москва, БЦ «Аврора», Садовническая ул., 82, лобби',
    lat: 55.7361,
    lon: 37.6472,
    boards: 1,
    channels: 24,
    cells: [...repeat(10, 'S'), ...repeat(8, 'M'), ...repeat(4, 'L'), 'XL', 'XL'],
  },
];

/** The cell list of POST /v1/operator/lockers, numbering cells 1.. across boards on bus "sim". */
export function cellSpecs(locker: DemoLocker) {
  return locker.cells.map((cell, i) => ({
    cellId: String(i + 1),
    bus: 'sim',
    board: Math.floor(i / locker.channels) + 1,
    channel: (i % locker.channels) + 1,
    size: cell.replace('*', '') as CellSize,
    features: cell.endsWith('*') ? (['refrigerated'] as const) : [],
  }));
}
