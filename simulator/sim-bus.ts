import { PostamatError } from '../protocol/errors.ts';
import { type DoorOpening, SimBoard, type SimBoardOptions } from './sim-board.ts';
import type { SimTimers } from './sim-timers.ts';

export interface BoardSpec {
  readonly address: number;
  readonly channels: number;
}

/** Parses `ADDR:CHANNELS` as given on the command line, e.g. `1:16`. */
export function parseBoardSpec(text: string): BoardSpec {
  const match = /^(\d+):(\d+)$/.exec(text);
  const address = Number(match?.[1]);
  const channels = Number(match?.[2]);
  if (!match || address < 1 || address > 247 || channels < 1 || channels > 2000) {
    throw new PostamatError(
      'bad-config',
      `board must be ADDR:CHANNELS (1-247:1-2000), got ${text}`,
      {
        field: 'board',
        value: text,
      },
    );
  }
  return { address, channels };
}

/** Options every board of the bus shares. */
export type SharedBoardOptions = Omit<SimBoardOptions, 'address' | 'channels' | 'timers'>;

/** The boards on one simulated RS-485 line, and the log of every door opening on it. */
export class SimBus {
  private readonly byAddress = new Map<number, SimBoard>();

  constructor(specs: readonly BoardSpec[], shared: SharedBoardOptions = {}, timers?: SimTimers) {
    for (const spec of specs) {
      if (this.byAddress.has(spec.address)) {
        throw new PostamatError('bad-config', `board address ${spec.address} is used twice`, {
          field: 'board',
          value: spec.address,
        });
      }
      const options = timers ? { ...shared, ...spec, timers } : { ...shared, ...spec };
      this.byAddress.set(spec.address, new SimBoard(options));
    }
  }

  boards(): readonly SimBoard[] {
    return [...this.byAddress.values()];
  }

  board(address: number): SimBoard {
    const board = this.byAddress.get(address);
    if (!board) {
      throw new PostamatError('not-found', `no simulated board at address ${address}`, {
        address,
      });
    }
    return board;
  }

  /** Every door opening on the bus, oldest first. */
  openings(): DoorOpening[] {
    return this.boards()
      .flatMap((board) => board.openings())
      .sort((a, b) => a.at - b.at);
  }

  dispose(): void {
    for (const board of this.byAddress.values()) board.dispose();
  }
}
