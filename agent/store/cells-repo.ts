import type { CellFeature, CellSize, CellState } from '../../protocol/index.ts';
import type { Db } from './database.ts';

export type Occupancy = Exclude<CellState, 'out-of-service'>;

export interface CellRow {
  readonly id: string;
  readonly boardId: string;
  readonly channel: number;
  readonly size: CellSize;
  readonly widthMm: number;
  readonly heightMm: number;
  readonly depthMm: number;
  readonly features: readonly CellFeature[];
  readonly occupancy: Occupancy;
  readonly outOfService: boolean;
  readonly serviceReason: string | null;
}

interface RawCell {
  id: string;
  board_id: string;
  channel: number;
  size: string;
  width_mm: number;
  height_mm: number;
  depth_mm: number;
  features: string;
  state: string;
  out_of_service: number;
  service_reason: string | null;
}

function toCell(r: RawCell): CellRow {
  return {
    id: r.id,
    boardId: r.board_id,
    channel: r.channel,
    size: r.size as CellSize,
    widthMm: r.width_mm,
    heightMm: r.height_mm,
    depthMm: r.depth_mm,
    features: JSON.parse(r.features) as CellFeature[],
    occupancy: r.state as Occupancy,
    outOfService: r.out_of_service === 1,
    serviceReason: r.service_reason,
  };
}

/** The cell as the kiosk and the cloud name its state. */
export function cellState(cell: CellRow): CellState {
  return cell.outOfService ? 'out-of-service' : cell.occupancy;
}

export class CellsRepo {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      all: db.prepare<[], RawCell>('SELECT * FROM cells ORDER BY id'),
      byId: db.prepare<[string], RawCell>('SELECT * FROM cells WHERE id = ?'),
      byChannel: db.prepare<[string, number], RawCell>(
        'SELECT * FROM cells WHERE board_id = ? AND channel = ?',
      ),
      upsert: db.prepare(
        `INSERT INTO cells (id, board_id, channel, size, width_mm, height_mm, depth_mm, features, state)
         VALUES (@id, @boardId, @channel, @size, @widthMm, @heightMm, @depthMm, @features, 'free')
         ON CONFLICT (id) DO UPDATE SET board_id = excluded.board_id, channel = excluded.channel,
           size = excluded.size, width_mm = excluded.width_mm, height_mm = excluded.height_mm,
           depth_mm = excluded.depth_mm, features = excluded.features`,
      ),
      setOccupancy: db.prepare<[string, string]>('UPDATE cells SET state = ? WHERE id = ?'),
      setService: db.prepare<[number, string | null, string]>(
        'UPDATE cells SET out_of_service = ?, service_reason = ? WHERE id = ?',
      ),
    };
  }

  all(): CellRow[] {
    return this.s.all.all().map(toCell);
  }

  get(id: string): CellRow | undefined {
    const r = this.s.byId.get(id);
    return r ? toCell(r) : undefined;
  }

  byChannel(boardId: string, channel: number): CellRow | undefined {
    const r = this.s.byChannel.get(boardId, channel);
    return r ? toCell(r) : undefined;
  }

  upsert(cell: Omit<CellRow, 'occupancy' | 'outOfService' | 'serviceReason'>): void {
    this.s.upsert.run({ ...cell, features: JSON.stringify(cell.features) });
  }

  setOccupancy(id: string, occupancy: Occupancy): void {
    this.s.setOccupancy.run(occupancy, id);
  }

  setService(id: string, inService: boolean, reason: string | null): void {
    this.s.setService.run(inService ? 0 : 1, inService ? null : reason, id);
  }
}
